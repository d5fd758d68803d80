// The replay player: steps through text and board events, with play, pause, speed and scrubbing.
const timeline = JSON.parse(document.getElementById("replay-timeline").textContent);
const $ = (selector) => document.querySelector(selector);
const playButton = $("[data-play]");
const scrub = $("[data-scrub]");
const speedSelect = $("[data-speed]");
let position = 0;
let playing = false;
let lastFrame = null;
let shownBoardUpTo = -1;

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The board and texts as they were at `t`: replay every event up to then, in order. */
function stateAt(t) {
  const texts = {};
  let elements = new Map();
  let stage = null;
  let lastBoard = -1;
  timeline.events.forEach((event, index) => {
    if (event.t > t) return;
    if (!event.final) stage = event.stage;
    if (event.kind === "text") texts[event.stage] = event.text;
    else {
      if (event.keyframe) elements = new Map();
      event.elements.forEach((e) => elements.set(e.id, e));
      event.removed.forEach((id) => elements.delete(id));
      lastBoard = index;
    }
  });
  return { texts, elements: [...elements.values()], stage, lastBoard };
}

function render() {
  const state = stateAt(position);
  scrub.value = String(Math.round(position));
  $("[data-time]").textContent = `${clock(position)} / ${clock(timeline.duration)}`;
  const label = timeline.stages.find((s) => s.key === state.stage);
  $("[data-stage-label]").textContent = label ? label.label : "Before the first edit";
  document.querySelectorAll("[data-replay-stage]").forEach((item) => {
    const key = item.dataset.replayStage;
    item.classList.toggle("is-current", key === state.stage);
    const target = item.querySelector("[data-replay-text]");
    if (state.texts[key] !== undefined) target.textContent = state.texts[key] || "(empty)";
  });
  renderExchanges(position);
  const board = window.chalktalkWhiteboard; // set by the island's module, which may run after this one
  if (board && board.api && state.lastBoard !== shownBoardUpTo) {
    shownBoardUpTo = state.lastBoard;
    const elements = state.elements.filter((e) => !e.isDeleted);
    board.api.updateScene({ elements });
    if (elements.length) board.api.scrollToContent(undefined, { fitToContent: true });
  }
}

/** Each interviewer question from the moment it was asked, its reply from the moment it came:
 * the server renders every exchange in a <template>; the player only chooses which to show. */
function renderExchanges(t) {
  document.querySelectorAll("[data-replay-stage]").forEach((item) => {
    const shown = [...item.querySelectorAll("template[data-replay-exchange]")].filter((x) => Number(x.dataset.t) <= t);
    const target = item.querySelector("[data-replay-exchanges]");
    const replied = (x) => x.dataset.repliedT !== "" && Number(x.dataset.repliedT) <= t;
    const signature = shown.map((x) => (replied(x) ? "r" : "q")).join("");
    if (target.dataset.shown === signature) return; // redraw only when something changed
    target.dataset.shown = signature;
    target.replaceChildren(
      ...shown.map((x) => {
        const box = x.content.firstElementChild.cloneNode(true);
        box.querySelector(replied(x) ? "[data-replay-no-reply]" : "[data-replay-reply]").remove();
        return box;
      }),
    );
  });
}

function tick(now) {
  if (!playing) return;
  if (lastFrame !== null) position += ((now - lastFrame) / 1000) * Number(speedSelect.value);
  lastFrame = now;
  if (position >= timeline.duration) {
    position = timeline.duration;
    setPlaying(false);
  }
  render();
  requestAnimationFrame(tick);
}

function setPlaying(on) {
  playing = on;
  lastFrame = null;
  playButton.textContent = on ? "❚❚ Pause" : "▶ Play";
  playButton.setAttribute("aria-pressed", String(on));
  if (on) {
    if (position >= timeline.duration) position = 0;
    requestAnimationFrame(tick);
  }
}

playButton.addEventListener("click", () => setPlaying(!playing));
scrub.addEventListener("input", () => {
  position = Number(scrub.value);
  render();
});
window.addEventListener("load", () =>
  window.chalktalkWhiteboard?.ready.then(() => {
    shownBoardUpTo = null; // draw the board once it exists
    render();
  }),
);
render();
