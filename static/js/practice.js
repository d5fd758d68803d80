// The practice page: stage navigation, autosave state, the interview clock and time per stage.
import { VersionedDocument } from "./autosave.js";
import { $, $$, csrfToken, wordCount } from "./dom.js";
import { clockText, renderClock } from "./clock.js";
import { setUpLayout } from "./practice-layout.js";
import { setUpFollowUps } from "./follow-ups.js";

const state = JSON.parse(document.getElementById("practice-state").textContent);
const stageKeys = Object.keys(state.stages);
const DONE_WORDS = 60;
const THIN_WORDS = 40; // fewer words than this rarely reach more than the first level of a criterion
const TIME_FLUSH_MS = 15000;

let current = state.currentStage;
const elapsed = Object.fromEntries(stageKeys.map((k) => [k, state.stages[k].seconds]));
const unsentSeconds = Object.fromEntries(stageKeys.map((k) => [k, 0]));
const docs = {};
let lastError = null;
let saveExtras = () => ({});

/** Add fields to every stage save (a live interview's relay mark, see live/relay.js). */
export function setSaveExtras(extras) {
  saveExtras = extras;
}

setUpLayout();

// --- autosave state --------------------------------------------------------------

const saveState = $("[data-text-state]");

function renderSaveState() {
  const all = Object.values(docs);
  let status = "saved";
  let label = "All changes saved";
  const inConflict = stageKeys.filter((k) => docs[k].inConflict);
  if (lastError) {
    status = "error";
    label = lastError;
  } else if (inConflict.length) {
    // Never "saved" while the person still has to choose which version to keep.
    status = "conflict";
    const names = inConflict.map((k) => `“${stageName(k)}”`);
    label = `Not saved: ${names.join(", ")} changed somewhere else — choose a version`;
  } else if (all.some((d) => d.offlineRetryAt)) {
    const wait = Math.max(0, Math.ceil((Math.min(...all.filter((d) => d.offlineRetryAt).map((d) => d.offlineRetryAt)) - Date.now()) / 1000));
    status = "offline";
    label = navigator.onLine === false ? "Offline — will retry when back" : `Offline — will retry in ${wait} s`;
  } else if (all.some((d) => d.inFlight)) {
    status = "saving";
    label = "Saving…";
  } else if (all.some((d) => d.dirty && !d.blocked)) {
    status = "saving";
    label = "Unsaved changes…";
  } else {
    const last = Math.max(0, ...all.map((d) => d.lastSavedAt || 0));
    if (last) {
      const ago = Math.round((Date.now() - last) / 1000);
      label = ago < 2 ? "Saved just now" : ago < 60 ? `Saved ${ago} s ago` : `Saved ${Math.round(ago / 60)} min ago`;
    }
  }
  saveState.dataset.saveState = status;
  saveState.textContent = label;
}

function stageName(key) {
  return $(`[data-stage-button="${key}"] .stage-nav__name`).textContent;
}

function renderStageMeta(key) {
  const text = docs[key].text;
  const words = wordCount(text);
  const button = $(`[data-stage-button="${key}"]`);
  button.dataset.state = words >= DONE_WORDS ? "done" : words > 0 ? "started" : "empty";
  $(`[data-words="${key}"]`).textContent = `${words} word${words === 1 ? "" : "s"}`;
  const count = $(`[data-count="${key}"]`);
  count.textContent = `${text.length.toLocaleString()} / ${state.maxChars.toLocaleString()} characters`;
  count.classList.toggle("over", text.length > state.maxChars);
}

function renderElapsed(key) {
  const node = $(`[data-elapsed="${key}"]`);
  node.textContent = clockText(elapsed[key]);
  node.classList.toggle("over", elapsed[key] > state.stages[key].budget);
}

for (const key of stageKeys) {
  const textarea = $(`[data-stage-text="${key}"]`);
  const doc = new VersionedDocument({
    url: state.saveUrl.replace("__stage__", key),
    storageKey: `chalktalk:attempt:${state.attemptId}:${key}`,
    version: state.stages[key].version,
    // The text as the server rendered it: what is in the box may already differ (typed before
    // this module ran, right after the page appeared), and that is an edit to save.
    serverText: textarea.defaultValue,
    onEvent: (event, detail) => onDocEvent(key, event, detail),
    toBody: (text, version) => ({ text, version, ...saveExtras(key, text) }),
  });
  docs[key] = doc;
  if (textarea.value !== textarea.defaultValue) doc.edit(textarea.value);
  textarea.addEventListener("input", () => {
    lastError = null;
    doc.edit(textarea.value);
    renderStageMeta(key);
  });
}

function onDocEvent(key, event, detail = {}) {
  const doc = docs[key];
  doc.offlineRetryAt = event === "offline" ? Date.now() + detail.retryInMs : null;
  if (event === "saved") lastError = null;
  if (event === "error") lastError = detail.message;
  if (event === "conflict") {
    doc.conflict = detail;
    doc.inConflict = true;
    $(`[data-conflict="${key}"]`).classList.add("is-visible");
  }
  if (event === "locked") {
    lastError = "This attempt was already submitted — opening the results.";
    window.location.assign(`/attempts/${state.attemptId}/results/`);
  }
  renderSaveState();
}

for (const key of stageKeys) {
  const result = docs[key].restoreLocal();
  if (result !== "none") $(`[data-stage-text="${key}"]`).value = docs[key].text;
  renderStageMeta(key);
  renderElapsed(key);
}

$$("[data-conflict-keep]").forEach((button) =>
  button.addEventListener("click", () => {
    const key = button.dataset.conflictKeep;
    docs[key].inConflict = false;
    docs[key].keepLocal(docs[key].conflict.version);
    $(`[data-conflict="${key}"]`).classList.remove("is-visible");
    renderSaveState();
  }),
);
$$("[data-conflict-take]").forEach((button) =>
  button.addEventListener("click", () => {
    const key = button.dataset.conflictTake;
    const { serverText, version } = docs[key].conflict;
    docs[key].inConflict = false;
    docs[key].takeServer(serverText, version);
    $(`[data-stage-text="${key}"]`).value = serverText;
    $(`[data-conflict="${key}"]`).classList.remove("is-visible");
    renderStageMeta(key);
  }),
);

window.addEventListener("online", () => Object.values(docs).forEach((d) => d.retryNow()));
let leaving = false; // set when the page moves on by itself (a live interview ended)
window.addEventListener("beforeunload", (event) => {
  flushTime();
  if (!leaving && Object.values(docs).some((d) => d.dirty)) event.preventDefault();
});

/** Save every stage and the board now; resolves true when the server has all of it. */
export async function flushAll() {
  flushTime();
  const board = window.chalktalkWhiteboard;
  const results = await Promise.all([
    ...Object.values(docs).map((d) => d.flush()),
    board ? board.flush() : Promise.resolve(true),
  ]);
  return results.every(Boolean);
}

/** The page is about to navigate on its own: do not ask "leave this page?". */
export function allowLeave() {
  leaving = true;
}

export function currentStage() {
  return current;
}

// --- stages ------------------------------------------------------------------------

export function showStage(key, { focus = true } = {}) {
  if (!stageKeys.includes(key)) return;
  if (key !== current) flushTime();
  current = key;
  for (const k of stageKeys) {
    $(`[data-stage-panel="${k}"]`).classList.toggle("is-current", k === key);
    const button = $(`[data-stage-button="${k}"]`);
    if (k === key) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
  }
  const url = new URL(window.location.href);
  url.searchParams.set("stage", key);
  history.replaceState(null, "", url);
  if (focus) $(`[data-stage-text="${key}"]`).focus({ preventScroll: true });
  flushTime();
}

$$("[data-stage-button]").forEach((b) => b.addEventListener("click", () => showStage(b.dataset.stageButton)));
$$("[data-go]").forEach((b) => b.addEventListener("click", () => showStage(stageKeys[Number(b.dataset.go)])));
document.addEventListener("keydown", (event) => {
  if (!event.altKey || !["ArrowRight", "ArrowLeft"].includes(event.key)) return;
  const index = stageKeys.indexOf(current) + (event.key === "ArrowRight" ? 1 : -1);
  if (index >= 0 && index < stageKeys.length) {
    event.preventDefault();
    showStage(stageKeys[index]);
  }
});

setUpFollowUps({ state, stageKeys, flushAll, currentStage });

// Write / Preview tabs (the preview HTML comes from the server, sanitised, via htmx).
$$("[data-stage-panel]").forEach((panel) => {
  const key = panel.dataset.stagePanel;
  const editor = $(`#editor-${key}`);
  const preview = $(`#preview-${key}`);
  $$("[data-tab]", panel).forEach((tab) =>
    tab.addEventListener("click", () => {
      const showPreview = tab.dataset.tab === "preview";
      editor.hidden = showPreview;
      preview.hidden = !showPreview;
      $$("[data-tab]", panel).forEach((t) => t.setAttribute("aria-selected", String(t === tab)));
    }),
  );
});

// --- time per stage -------------------------------------------------------------------

function flushTime() {
  for (const key of stageKeys) {
    const seconds = unsentSeconds[key];
    if (!seconds && key !== current) continue;
    unsentSeconds[key] = 0;
    fetch(state.timeUrl, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ stage: key, seconds, current }),
    }).catch(() => {
      unsentSeconds[key] += seconds; // try again with the next flush
    });
  }
}

// --- clock --------------------------------------------------------------------------------

const totalSeconds = stageKeys.reduce((sum, k) => sum + state.stages[k].budget, 0);
const clock = $("#clock");
// Solo: the attempt's own clock, which the candidate may pause (the server keeps it, so a reload
// stays paused). A live interview sets the interviewer's shared clock instead.
let soloClock = { ...state.clock, syncedAt: Date.now() };
const soloSecondsLeft = () =>
  soloClock.running ? soloClock.secondsLeft - (Date.now() - soloClock.syncedAt) / 1000 : soloClock.secondsLeft;
let secondsLeft = soloSecondsLeft;
let clockCounts = () => soloClock.running;
export function setClockSource(source) {
  secondsLeft = source;
  clockCounts = () => true;
  tick();
}

function tick() {
  const source = secondsLeft();
  const { left, label } = typeof source === "number" ? { left: source, label: null } : source;
  renderClock(clock, left, totalSeconds, label ?? (soloClock.running || state.followsInterviewer ? null : "Paused"));
  if (document.visibilityState === "visible" && clockCounts()) {
    elapsed[current] += 1;
    unsentSeconds[current] += 1;
    renderElapsed(current);
  }
  renderSaveState();
}
tick();
setInterval(tick, 1000);
setInterval(() => flushTime(), TIME_FLUSH_MS);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") flushTime();
});

// --- pause (solo practice) -------------------------------------------------------------------

const pauseButton = $("[data-clock-pause]");
const pausedBanner = $("[data-paused-banner]");

function renderPaused() {
  if (!pauseButton) return;
  const paused = !soloClock.running;
  document.body.classList.toggle("is-paused", paused);
  pausedBanner.hidden = !paused;
  pauseButton.hidden = paused;
  if (!paused) window.chalktalkWhiteboard?.zoomToFit(); // the board was hidden: redraw it whole
}

async function setClock(action) {
  flushTime();
  // The answer is hidden while paused: save it first, so a pause then a reload loses nothing.
  if (action === "pause") await flushAll();
  try {
    const response = await fetch(soloClock.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: new URLSearchParams({ action }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || "The clock could not be changed.");
    soloClock = { ...body, syncedAt: Date.now() };
    lastError = null;
  } catch (error) {
    lastError = error instanceof TypeError ? "Offline — the clock could not be paused or resumed" : error.message;
  }
  renderPaused();
  tick();
  if (action === "resume") $(`[data-stage-text="${current}"]`)?.focus({ preventScroll: true });
  else $("[data-clock-resume]")?.focus();
}

pauseButton?.addEventListener("click", () => setClock("pause"));
$("[data-clock-resume]")?.addEventListener("click", () => setClock("resume"));
renderPaused();

// --- whiteboard state -------------------------------------------------------------------------

const boardMount = $("#whiteboard");
const boardState = $("[data-board-state]");
const BOARD_LABELS = { saving: "Saving board…", saved: "Board saved", offline: "Offline — board will retry", error: "Board not saved" };
boardMount?.addEventListener("whiteboard:state", (event) => {
  const { state: boardStatus, message } = event.detail;
  boardState.dataset.saveState = boardStatus;
  boardState.textContent = message || BOARD_LABELS[boardStatus] || boardStatus;
});

// --- submit ---------------------------------------------------------------------------------

const dialog = $("#submit-dialog");
const form = $("[data-submit-form]");
const submitError = $("[data-submit-error]");
if (dialog) setUpSubmit();

function setUpSubmit() {

  $$("[data-open-submit]").forEach((b) =>
    b.addEventListener("click", () => {
      const summary = $("[data-submit-summary]");
      const thin = [];
      summary.replaceChildren(
        ...stageKeys.map((k) => {
          const li = document.createElement("li");
          const name = document.createElement("span");
          name.textContent = stageName(k);
          const words = document.createElement("span");
          const count = wordCount(docs[k].text);
          words.textContent = count ? `${count} words` : "empty — scores 0";
          if (!count) words.style.color = "var(--poor)";
          if (count < THIN_WORDS) thin.push(`“${stageName(k)}” (${count ? `${count} words` : "empty"})`);
          li.append(name, words);
          return li;
        }),
      );
      const thinNote = $("[data-submit-thin]");
      thinNote.textContent = thin.length
        ? `Thin ${thin.length === 1 ? "stage" : "stages"}: ${thin.join(", ")}. Under ${THIN_WORDS} words a stage rarely scores above the first level; a few more sentences there would help most.`
        : "";
      thinNote.hidden = !thin.length;
      submitError.hidden = true;
      dialog.showModal();
    }),
  );
  $("[data-close-submit]").addEventListener("click", () => dialog.close());

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("[data-confirm-submit]");
    button.disabled = true;
    button.textContent = "Saving your last edits…";
    if (await flushAll()) {
      Object.values(docs).forEach((d) => d.clearLocal());
      form.submit();
      return;
    }
    button.disabled = false;
    button.textContent = "Submit and grade";
    submitError.textContent =
      lastError || "Some of your text is not saved yet (you seem to be offline). It is kept in this browser; try again in a moment.";
    submitError.hidden = false;
  });
}

// Every control above is wired: browser tests (and anything else) can wait for this.
document.body.dataset.practiceReady = "true";
