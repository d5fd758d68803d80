// A live interview's board relay: the elements changed since the last frame go to the other side
// at most every THROTTLE_MS (never stored: the versioned save does that), the other side's
// changed elements are merged in on arrival, and the other person's pointer is drawn as
// Excalidraw's collaborator cursor.
import { CaptureUpdateAction, reconcileElements, restoreElements } from "@excalidraw/excalidraw";

const THROTTLE_MS = 100;
const MAX_ELEMENTS = 200; // the server's cap for one frame; a bigger change waits for the save
const MAX_FRAME_BYTES = 60 * 1024;
const POINTER_COLOURS = {
  candidate: { background: "#2563eb", stroke: "#1e40af" },
  interviewer: { background: "#b45309", stroke: "#78350f" },
};
const POINTER_NAMES = { candidate: "Candidate", interviewer: "Interviewer" };
const POINTER_IDLE_MS = 5000;

/** A throttle: `run()` at once, or once `ms` have passed since the last run. */
function throttled(run, ms) {
  let timer = null;
  let last = -Infinity;
  return () => {
    if (timer) return;
    const fire = () => {
      timer = null;
      last = performance.now();
      run();
    };
    const wait = ms - (performance.now() - last);
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
}

/**
 * `getApi()`: Excalidraw's API (null until ready); `canSend()`: whether this page may draw now;
 * `onMerged()`: called after relayed elements were merged in (the page must not save them as
 * its own edit).
 */
export function createBoardRelay({ getApi, canSend, onMerged }) {
  let sendElements = null;
  let sendPointer = null;
  const relayed = new Map(); // id -> version last sent or received
  const pointers = new Map();
  const pointerTimers = {};
  let pointerAt = null;

  const flushElements = throttled(() => {
    const api = getApi();
    if (!api || !sendElements || !canSend()) return;
    const changed = api.getSceneElementsIncludingDeleted().filter((el) => relayed.get(el.id) !== el.version);
    if (!changed.length) return;
    const frame = changed.map((el) => (el.type === "arrow" || el.type === "line" ? { ...el, lastCommittedPoint: null } : el));
    const fits = frame.length <= MAX_ELEMENTS && JSON.stringify(frame).length <= MAX_FRAME_BYTES;
    if (fits && !sendElements(frame)) return; // socket down: try with the next change
    changed.forEach((el) => relayed.set(el.id, el.version)); // too big: the save brings it
  }, THROTTLE_MS);

  const flushPointer = throttled(() => {
    if (sendPointer && pointerAt && canSend()) sendPointer(pointerAt.x, pointerAt.y);
  }, THROTTLE_MS);

  return {
    /** Who to send to: {elements(list) -> bool, pointer(x, y) -> bool}. */
    connect(senders) {
      this.senders = senders;
      if (!senders) return;
      sendElements = senders.elements;
      sendPointer = senders.pointer;
      const api = getApi();
      api?.getSceneElementsIncludingDeleted().forEach((el) => relayed.set(el.id, el.version));
    },
    /** The scene changed here (Excalidraw's onChange with new element versions). */
    changed: () => flushElements(),
    /** Excalidraw's onPointerUpdate, in scene coordinates. */
    pointer({ x, y }) {
      pointerAt = { x, y };
      flushPointer();
    },
    /** The other side's changed elements: take those newer than ours, keep the rest. */
    merge(elements) {
      const api = getApi();
      if (!api || !Array.isArray(elements)) return;
      const local = api.getSceneElementsIncludingDeleted();
      const byId = new Map(local.map((el) => [el.id, el]));
      // No binding repair: the frame holds only what changed, not the shapes arrows bind to.
      const sentById = new Map(elements.map((el) => [el?.id, el]));
      const newer = restoreElements(elements, null).filter((el) => {
        const mine = byId.get(el.id);
        const sent = sentById.get(el.id);
        return !mine || sent.version > mine.version || (sent.version === mine.version && sent.versionNonce > mine.versionNonce);
      });
      if (!newer.length) return;
      newer.forEach((el) => relayed.set(el.id, el.version));
      const merged = reconcileElements(local, newer, api.getAppState());
      api.updateScene({ elements: merged, captureUpdate: CaptureUpdateAction.NEVER });
      onMerged();
    },
    /** The other person's pointer (`who`: their role); null coordinates hide it. */
    showPointer(who, x, y) {
      const api = getApi();
      if (!api) return;
      clearTimeout(pointerTimers[who]);
      if (x === null || y === null) pointers.delete(who);
      else {
        pointers.set(who, { pointer: { x, y, tool: "pointer" }, username: POINTER_NAMES[who] || who, color: POINTER_COLOURS[who], id: who });
        pointerTimers[who] = setTimeout(() => this.showPointer(who, null, null), POINTER_IDLE_MS);
      }
      api.updateScene({ collaborators: new Map(pointers), captureUpdate: CaptureUpdateAction.NEVER });
    },
  };
}
