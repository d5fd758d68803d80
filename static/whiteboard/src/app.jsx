// The whiteboard island: Excalidraw with versioned autosave, automatic merge on conflict,
// a component library and a full-screen mode. Loaded on demand by main.js.
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import {
  CaptureUpdateAction,
  Excalidraw,
  MainMenu,
  convertToExcalidrawElements,
  getSceneVersion,
  hashElementsVersion,
  reconcileElements,
  restoreElements,
} from "@excalidraw/excalidraw";
import "@excalidraw/excalidraw/index.css";
import "./whiteboard.css";
import { VersionedDocument } from "../../js/autosave.js";
import { LABEL_CHARACTERS, LABEL_FONT_SIZE } from "./library.js";
import { ComponentPalette } from "./palette.jsx";
import { createBoardRelay } from "./relay.js";

const SAVE_DEBOUNCE_MS = 1200; // + SERIALIZE_DEBOUNCE_MS ≈ 1.5 s after the last change
const SERIALIZE_DEBOUNCE_MS = 300;
const FULLSCREEN_CLASS = "is-whiteboard-fullscreen";
const DEFAULT_GRID_SIZE = 20;
const FIT_ZOOM_FACTOR = 0.9; // a margin around the drawing when it is zoomed to fit

// --- scene <-> JSON ---------------------------------------------------------------------------

/** The page's server scene (`null` for a new board). */
function readServerScene() {
  try {
    const scene = JSON.parse(document.getElementById("whiteboard-scene")?.textContent || "null");
    return scene && typeof scene === "object" ? scene : null;
  } catch {
    return null;
  }
}

/** Raw scene JSON -> {elements (restored, deleted ones kept), appState: {viewBackgroundColor, gridSize}}. */
function normalizeScene(raw) {
  const elements = Array.isArray(raw?.elements) ? raw.elements : [];
  return {
    elements: restoreElements(elements, null, { repairBindings: true }),
    appState: {
      viewBackgroundColor: raw?.appState?.viewBackgroundColor || "#ffffff",
      gridSize: typeof raw?.appState?.gridSize === "number" ? raw.appState.gridSize : null,
    },
  };
}

/** The part of Excalidraw's appState we store. */
function storedAppState(appState) {
  return {
    viewBackgroundColor: appState.viewBackgroundColor,
    gridSize: appState.gridModeEnabled ? appState.gridSize : null,
  };
}

/**
 * What the server stores. Like serializeAsJSON(…, "database") but deleted elements are kept
 * (they matter for version reconciliation) and files are never sent (the image tool is off).
 */
function serializeScene(elements, sceneAppState) {
  return JSON.stringify({
    elements: elements.map((el) => (el.type === "arrow" || el.type === "line" ? { ...el, lastCommittedPoint: null } : el)),
    appState: sceneAppState,
    files: {},
  });
}

/** Cheap change detector: element versions and the stored appState, not selection or scroll. */
function fingerprint(elements, sceneAppState) {
  return `${elements.length}:${getSceneVersion(elements)}:${hashElementsVersion(elements)}:${sceneAppState.viewBackgroundColor}:${sceneAppState.gridSize}`;
}

/** Same elements (id, version, nonce) and stored appState? Key order of the JSON does not matter. */
function sameScene(a, b) {
  if (a.elements.length !== b.elements.length) return false;
  if (a.appState.viewBackgroundColor !== b.appState.viewBackgroundColor) return false;
  if (a.appState.gridSize !== b.appState.gridSize) return false;
  const byId = new Map(b.elements.map((el) => [el.id, el]));
  return a.elements.every((el) => {
    const other = byId.get(el.id);
    return other && other.version === el.version && other.versionNonce === el.versionNonce;
  });
}

/**
 * Element-by-element merge: per id the higher `version` wins, a tie goes to the higher
 * `versionNonce` (deterministic, so every tab converges); an element being edited here right now
 * is kept. Excalidraw's reconcileElements then takes the union and orders it by fractional index
 * (on its own it would break ties towards the *lower* nonce, hence the picking first).
 */
export function mergeScenes(localElements, serverRaw, localAppState) {
  const remote = normalizeScene(serverRaw).elements;
  const localById = new Map(localElements.map((el) => [el.id, el]));
  const remoteById = new Map(remote.map((el) => [el.id, el]));
  // Compare the versions the server sent: restoring may bump some (e.g. when it repairs indices).
  const sent = new Map((Array.isArray(serverRaw?.elements) ? serverRaw.elements : []).map((el) => [el?.id, el]));
  const editing = new Set(
    [localAppState.editingTextElement, localAppState.resizingElement, localAppState.newElement]
      .filter(Boolean)
      .map((el) => el.id),
  );
  const pick = (id) => {
    const l = localById.get(id);
    const r = remoteById.get(id);
    if (!l || !r) return l || r;
    if (editing.has(id)) return l;
    const version = sent.get(id)?.version ?? r.version;
    const nonce = sent.get(id)?.versionNonce ?? r.versionNonce;
    if (version !== l.version) return version > l.version ? r : l;
    return nonce >= l.versionNonce ? r : l; // equal: the same edit, take the server copy
  };
  const merged = reconcileElements(
    localElements.map((el) => pick(el.id)),
    remote.map((el) => pick(el.id)),
    localAppState,
  );
  const localWins = merged.length !== remote.length || merged.some((el) => remoteById.get(el.id) !== el);
  return { merged, localWins };
}

function readLocalCopy(storageKey) {
  try {
    const local = JSON.parse(localStorage.getItem(storageKey) || "null");
    return local && typeof local.text === "string" ? local : null;
  } catch {
    return null;
  }
}

// --- the island -------------------------------------------------------------------------------

// Excalidraw's accessibility gaps, repaired now and whenever it re-renders (axe-core):
// - its menu buttons are icons with no accessible name (button-name);
// - its zoom button shows "100%" but is named "Reset zoom", and menu items are named unlike their
//   text: the visible text is the better name (label-content-name-mismatch; titles stay);
// - its font picker puts a popup trigger's aria-* on a plain <div> around the real button
//   (aria-allowed-attr): they move to the button, and again each time Excalidraw sets them.
const POPUP_ATTRIBUTES = ["aria-haspopup", "aria-expanded", "aria-controls"];

function repairExcalidrawAria(mount) {
  const repair = () => {
    mount.querySelectorAll(".main-menu-trigger:not([aria-label])").forEach((b) => b.setAttribute("aria-label", "Board menu"));
    mount
      .querySelectorAll(".dropdown-menu-button:not([aria-label])")
      .forEach((b) => b.setAttribute("aria-label", b.title || "More tools"));
    mount
      .querySelectorAll(".reset-zoom-button[aria-label], .dropdown-menu-item[aria-label]")
      .forEach((b) => b.removeAttribute("aria-label"));
    mount.querySelectorAll("div[aria-controls]:not([role]), div[aria-expanded]:not([role])").forEach((div) => {
      const button = div.querySelector("button");
      if (!button) return;
      for (const name of POPUP_ATTRIBUTES) {
        if (div.hasAttribute(name)) {
          button.setAttribute(name, div.getAttribute(name));
          div.removeAttribute(name);
        }
      }
    });
  };
  new MutationObserver(repair).observe(mount, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: POPUP_ATTRIBUTES,
  });
  repair();
}

export function start(mount, handle) {
  const readonly = mount.dataset.readonly === "true" || !mount.dataset.saveUrl;
  // A live interviewer's board: it saves (when the candidate allows drawing) but starts view-only.
  const viewOnly = mount.dataset.viewOnly === "true";
  handle.readonly = readonly;
  const attemptId = mount.dataset.attemptId || "unknown";
  const emit = (state, extra = {}) =>
    mount.dispatchEvent(new CustomEvent("whiteboard:state", { bubbles: true, detail: { state, ...extra } }));

  const serverScene = normalizeScene(readServerScene());
  let initialScene = serverScene;
  let api = null;
  let lastState = "saved";
  let lastFingerprint = null; // set once the board is ready; onChange before that is ignored
  let serializeTimer = null;
  let serializeSince = 0;
  let setViewMode = () => {};
  let editable = !(readonly || viewOnly);
  // A live interview's relay (handle.setRelay): strokes and the pointer, as they happen.
  const relay = createBoardRelay({
    getApi: () => api,
    canSend: () => editable,
    // Merged elements are the other side's edits, which it saves itself: not an edit to save here.
    onMerged: () => {
      lastFingerprint = fingerprint(api.getSceneElementsIncludingDeleted(), storedAppState(api.getAppState()));
    },
  });
  handle._setRelay = (senders) => relay.connect(senders);
  handle._applyRelayed = (elements) => relay.merge(elements);
  handle._showPointer = (who, x, y) => relay.showPointer(who, x, y);

  const setState = (state, extra) => {
    lastState = state;
    emit(state, extra);
  };

  // --- autosave (not on the read-only results page) ---
  let doc = null;
  if (!readonly) {
    const storageKey = `chalktalk:attempt:${attemptId}:whiteboard`;
    doc = new VersionedDocument({
      url: mount.dataset.saveUrl,
      storageKey,
      version: Number(mount.dataset.version || 0),
      serverText: serializeScene(serverScene.elements, serverScene.appState),
      debounceMs: SAVE_DEBOUNCE_MS,
      toBody: (text, version) => ({ scene: JSON.parse(text), version }),
      fromConflict: (body) => ({ serverText: JSON.stringify(body.scene ?? null), version: body.version }),
      onEvent: (event, detail = {}) => onDocEvent(event, detail),
    });

    // A local copy equal to the server scene (e.g. the confirmation was lost) is not news.
    const local = readLocalCopy(storageKey);
    if (local) {
      let localScene = null;
      try {
        localScene = normalizeScene(JSON.parse(local.text));
      } catch {
        doc.clearLocal();
      }
      if (localScene && sameScene(localScene, serverScene)) doc.clearLocal();
    }
    // "restored": same server version, save it; "conflict": onConflict merges it synchronously.
    const restored = doc.restoreLocal();
    if (restored !== "none") initialScene = normalizeScene(JSON.parse(doc.text));
  }

  function onDocEvent(event, detail) {
    if (event === "dirty") {
      if (lastState === "saved" || lastState === "error") setState("saving", { message: "Unsaved changes…", dirty: true });
    } else if (event === "saving") {
      setState("saving", { message: "Saving…" });
    } else if (event === "saved") {
      if (doc.dirty) setState("saving", { message: "Unsaved changes…", dirty: true });
      else setState("saved", { message: "All changes saved", savedAt: doc.lastSavedAt, version: doc.version });
    } else if (event === "offline") {
      const seconds = Math.ceil(detail.retryInMs / 1000);
      setState("offline", {
        message: navigator.onLine === false ? "Offline — will retry when back" : `Offline — will retry in ${seconds} s`,
        retryInMs: detail.retryInMs,
      });
    } else if (event === "error") {
      setState("error", { message: detail.message });
    } else if (event === "locked") {
      setViewMode(true);
      setState("error", { message: "This attempt was already submitted; the board is read-only now.", locked: true });
    } else if (event === "conflict") {
      onConflict(detail);
    }
  }

  /** Another tab saved first: merge element by element, show the result, save it over theirs. */
  function onConflict({ serverText, version }) {
    let serverRaw = null;
    try {
      serverRaw = JSON.parse(serverText);
    } catch {
      serverRaw = null;
    }
    let merged;
    let localWins;
    let sceneAppState;
    if (api) {
      ({ merged, localWins } = mergeScenes(api.getSceneElementsIncludingDeleted(), serverRaw, api.getAppState()));
      api.updateScene({ elements: merged, captureUpdate: CaptureUpdateAction.NEVER });
      merged = api.getSceneElementsIncludingDeleted();
      sceneAppState = storedAppState(api.getAppState());
      lastFingerprint = fingerprint(merged, sceneAppState);
      clearTimeout(serializeTimer);
    } else {
      // At start-up: the local copy (doc.text) was made on an older server version.
      const local = normalizeScene(JSON.parse(doc.text));
      ({ merged, localWins } = mergeScenes(local.elements, serverRaw, {}));
      sceneAppState = local.appState;
      initialScene = { elements: merged, appState: sceneAppState };
    }
    const text = serializeScene(merged, sceneAppState);
    if (localWins) {
      doc.text = text;
      doc.keepLocal(version); // saves the merged scene with the server's version
    } else {
      doc.takeServer(text, version);
    }
  }

  /**
   * A live interview's other side saved the board: merge it in element by element (the same merge
   * as a conflict), unless this page already has that version.
   */
  handle._applyRemote = (serverRaw, version) => {
    if (doc && !editable && api) {
      // A page watching (the interviewer, not drawing) never saves: take the merge as saved.
      if (version <= doc.version) return;
      const { merged } = mergeScenes(api.getSceneElementsIncludingDeleted(), serverRaw, api.getAppState());
      api.updateScene({ elements: merged, captureUpdate: CaptureUpdateAction.NEVER });
      const elements = api.getSceneElementsIncludingDeleted();
      const sceneAppState = storedAppState(api.getAppState());
      lastFingerprint = fingerprint(elements, sceneAppState);
      doc.takeServer(serializeScene(elements, sceneAppState), version);
    } else if (doc) {
      if (version <= doc.version) return;
      onConflict({ serverText: JSON.stringify(serverRaw ?? null), version });
    } else if (api) {
      const { merged } = mergeScenes(api.getSceneElementsIncludingDeleted(), serverRaw, api.getAppState());
      api.updateScene({ elements: merged, captureUpdate: CaptureUpdateAction.NEVER });
    }
  };
  handle._setEditable = (canEdit) => {
    if (readonly) return;
    editable = canEdit;
    if (canEdit) relay.connect(relay.senders); // what is on the board now is not news
    setViewMode(!canEdit);
  };

  /** Serialize the current scene into the document now (debounced from onChange). */
  function syncNow() {
    clearTimeout(serializeTimer);
    serializeTimer = null;
    if (!doc || !api) return;
    const elements = api.getSceneElementsIncludingDeleted();
    const sceneAppState = storedAppState(api.getAppState());
    lastFingerprint = fingerprint(elements, sceneAppState);
    const text = serializeScene(elements, sceneAppState);
    if (text !== doc.text) doc.edit(text);
  }

  function onChange(elements, appState) {
    if (!doc || lastFingerprint === null) return;
    const print = fingerprint(elements, storedAppState(appState));
    if (print === lastFingerprint) return; // selection, scroll, zoom, tool… only
    lastFingerprint = print;
    relay.changed();
    // Drawing without a pause still reaches the document (and its max-wait save) every ~0.6 s.
    if (serializeTimer && performance.now() - serializeSince > 2 * SERIALIZE_DEBOUNCE_MS) return;
    if (!serializeTimer) serializeSince = performance.now();
    clearTimeout(serializeTimer);
    serializeTimer = setTimeout(syncNow, SERIALIZE_DEBOUNCE_MS);
  }

  if (doc) {
    window.addEventListener("online", () => doc.retryNow());
    // Keep the last few hundred milliseconds of drawing across a reload.
    window.addEventListener("pagehide", () => serializeTimer && syncNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden" && serializeTimer) syncNow();
    });
  }

  handle._flush = async () => {
    if (!doc) return true;
    syncNow();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await doc.flush()) return true;
      if (doc.blocked || lastState === "offline" || lastState === "error") return false;
    }
    return !doc.dirty;
  };

  // --- full screen ---
  const host = mount.parentElement || mount;
  const isFullscreen = () => host.classList.contains(FULLSCREEN_CLASS);
  handle.isFullscreen = isFullscreen;
  handle._toggleFullscreen = (force) => {
    const next = typeof force === "boolean" ? force : !isFullscreen();
    host.classList.toggle(FULLSCREEN_CLASS, next);
    document.documentElement.classList.toggle("has-whiteboard-fullscreen", next);
    mount.dispatchEvent(new CustomEvent("whiteboard:fullscreen", { bubbles: true, detail: { fullscreen: next } }));
    handle._zoomToFit();
    return next;
  };
  // After the board's box changed size (full screen, the page's layout): show the whole drawing.
  handle._zoomToFit = () => {
    if (!api) return;
    api.refresh();
    fitOnceSized(0);
  };
  // Excalidraw learns its new size from a ResizeObserver, a frame or more later: fitting before
  // that would fit the old size (e.g. full screen's, just after leaving it).
  const MAX_SIZE_WAIT_FRAMES = 30;
  function fitOnceSized(frames) {
    requestAnimationFrame(() => {
      const box = mount.querySelector(".excalidraw")?.getBoundingClientRect();
      const { width, height } = api.getAppState();
      const stale = box && (Math.abs(box.width - width) > 1 || Math.abs(box.height - height) > 1);
      if (stale && frames < MAX_SIZE_WAIT_FRAMES) fitOnceSized(frames + 1);
      else fitToContent(api);
    });
  }
  // Escape leaves full screen unless Excalidraw needs it (editing text, drawing, a selection, a dialog).
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape" || !isFullscreen() || !api) return;
      const s = api.getAppState();
      const busy =
        s.editingTextElement ||
        s.newElement ||
        s.multiElement ||
        s.selectedLinearElement?.isEditing ||
        s.editingLinearElement ||
        s.openDialog ||
        s.openMenu ||
        s.openPopup ||
        Object.keys(s.selectedElementIds || {}).length > 0;
      if (!busy) handle._toggleFullscreen(false);
    },
    true,
  );

  // --- render ---
  const initialData = {
    elements: initialScene.elements,
    appState: {
      viewBackgroundColor: initialScene.appState.viewBackgroundColor,
      gridModeEnabled: initialScene.appState.gridSize !== null,
      gridSize: initialScene.appState.gridSize ?? DEFAULT_GRID_SIZE,
    },
    files: {},
    scrollToContent: true,
  };

  let resolveApi;
  const apiPromise = new Promise((resolve) => {
    resolveApi = resolve;
  });

  function Board() {
    const [viewMode, setView] = useState(readonly || viewOnly);
    useEffect(() => {
      setViewMode = setView;
    }, []);
    return (
      <div className={`ct-board${viewMode ? "" : " ct-board--palette"}`}>
        {viewMode ? null : <ComponentPalette getApi={() => api} convert={convertToExcalidrawElements} />}
        <div className="ct-board__canvas">{canvas(viewMode)}</div>
      </div>
    );
  }

  function canvas(viewMode) {
    return (
      <Excalidraw
        excalidrawAPI={(a) => resolveApi(a)}
        initialData={initialData}
        onChange={onChange}
        onPointerUpdate={({ pointer }) => relay.pointer(pointer)}
        viewModeEnabled={viewMode}
        name={`attempt-${attemptId}-whiteboard`}
        UIOptions={{ tools: { image: false } }}
        validateEmbeddable={false}
        aiEnabled={false}
        renderTopRightUI={() => (
          <button
            type="button"
            className="chalktalk-wb-fullscreen"
            title="Full screen (Esc to leave)"
            aria-label="Toggle full screen"
            onClick={() => handle._toggleFullscreen()}
          >
            <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
              <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
            </svg>
          </button>
        )}
      >
        {/* Our own menu: no links out of the app, nothing that wipes the board mid-interview. */}
        <MainMenu>
          <MainMenu.Item onSelect={() => handle._zoomToFit()}>Fit the drawing to the board</MainMenu.Item>
          <MainMenu.DefaultItems.SearchMenu />
          <MainMenu.DefaultItems.SaveAsImage />
          <MainMenu.DefaultItems.ChangeCanvasBackground />
        </MainMenu>
      </Excalidraw>
    );
  }

  createRoot(mount).render(<Board />);
  repairExcalidrawAria(mount);

  (async () => {
    api = await apiPromise;
    handle.api = api;
    // Scripts and tests build labelled shapes and bound arrows the way the library does.
    handle.toElements = convertToExcalidrawElements;
    await loadFont(`${LABEL_FONT_SIZE}px Excalifont`, LABEL_CHARACTERS);
    // Open on the whole drawing (after a reload too), not on a corner of it.
    fitToContent(api);
    lastFingerprint = fingerprint(api.getSceneElementsIncludingDeleted(), storedAppState(api.getAppState()));
    if (doc && (doc.dirty || doc.inFlight)) setState("saving", { message: "Saving…" });
    else if (doc) setState("saved", { message: "All changes saved" });
    handle._resolve(handle);
  })().catch((error) => handle._fail(error));
}

/** Zoom and scroll so the whole drawing is in view (never zoomed in past 100 %). */
function fitToContent(api) {
  if (!api.getSceneElements().length) return;
  api.scrollToContent(undefined, { fitToContent: true, viewportZoomFactor: FIT_ZOOM_FACTOR, animate: false });
}

/**
 * Wait until the font face is registered by Excalidraw (it adds its faces while loading the
 * scene) and loaded, so text created through the API is measured with the real font.
 */
async function loadFont(font, text, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const faces = await document.fonts.load(font, text);
    if (faces.length > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  console.warn(`whiteboard: font ${font} did not load`);
  return false;
}
