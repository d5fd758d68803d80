// The interviewer's side of a live interview: the candidate's answer and board as they change,
// the shared clock and stage, hints, private notes and the scorecard.
import { $, $$, wordCount } from "../dom.js";
import { createTextReceiver } from "./relay.js";
import { on, relayBoard, send, startClock, state, toast } from "./room.js";

const DONE_WORDS = 60;

let current = state.stage;
let running = state.clock.running;
let candidate = state.candidate;
const updatedAt = {};

startClock($("[data-live-clock]"));

// --- the candidate's text, stage by stage ----------------------------------------------------------

function showText(stage, text) {
  const panel = $(`[data-live-text="${stage}"]`);
  if (!panel) return;
  panel.textContent = text; // plain text: the candidate's words are never parsed as HTML here
  panel.classList.toggle("is-empty", !text.trim());
  const words = wordCount(text);
  $(`[data-words="${stage}"]`).textContent = `${words} word${words === 1 ? "" : "s"}`;
  $(`[data-live-stage="${stage}"]`).dataset.state = words >= DONE_WORDS ? "done" : words ? "started" : "empty";
}

// Keystrokes arrive as relay frames (live_text) and are shown at once; every durable save
// (text) is checked against them, so a lost frame never leaves a wrong text (live/relay.js).
const texts = createTextReceiver({ show: showText });
$$("[data-live-text]").forEach((panel) => texts.saved({ stage: panel.dataset.liveText, text: panel.textContent, version: 0 }));

on("live_text", (data) => {
  texts.frame(data);
  updatedAt[data.stage] = Date.now();
});
on("text", (data) => {
  texts.saved(data);
  updatedAt[data.stage] = Date.now();
});
on("state", (data) => {
  for (const [stage, { text, version }] of Object.entries(data.texts || {})) texts.saved({ stage, text, version });
  for (const [criterion, entry] of Object.entries(data.scorecard || {})) showScore({ criterion, ...entry });
  if (data.board) window.chalktalkWhiteboard?.applyRemote(data.board.scene, data.board.version);
});
relayBoard();
on("board", (data) => window.chalktalkWhiteboard?.applyRemote(data.scene, data.version));

setInterval(() => {
  for (const [stage, at] of Object.entries(updatedAt)) {
    const ago = Math.round((Date.now() - at) / 1000);
    $(`[data-updated="${stage}"]`).textContent = ago < 3 ? "typing…" : `updated ${ago < 60 ? `${ago} s` : `${Math.round(ago / 60)} min`} ago`;
  }
}, 1000);

// --- stage, clock and the room ------------------------------------------------------------------------

function showStage(stage) {
  current = stage;
  $$("[data-stage-panel]").forEach((panel) => panel.classList.toggle("is-current", panel.dataset.stagePanel === stage));
  $$("[data-live-stage]").forEach((button) => {
    if (button.dataset.liveStage === stage) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
  });
  // The scorecard follows the interview: this stage's criteria on top and open, the rest folded.
  $$("[data-scorecard-stage]").forEach((group) => {
    const here = group.dataset.scorecardStage === stage;
    group.classList.toggle("is-current", here);
    group.open = here;
  });
}

on("session", (data) => {
  if (data.stage !== current) showStage(data.stage);
  running = data.clock.running;
  const toggle = $("[data-clock-toggle]");
  toggle.textContent = running ? "Pause the clock" : data.state === "lobby" ? "Start the clock" : "Resume the clock";
  toggle.classList.toggle("btn--primary", !running);
  if (!candidate && data.candidate) {
    // The candidate just joined: load the room with their answer and board.
    window.location.reload();
  }
  candidate = data.candidate;
  const draw = $("[data-board-draw]");
  if (draw) {
    draw.disabled = !data.drawing_allowed;
    if (!data.drawing_allowed) setDrawing(false);
    draw.title = data.drawing_allowed ? "The candidate lets you draw" : "The candidate decides whether you may draw";
  }
});

$$("[data-live-stage]").forEach((button) =>
  button.addEventListener("click", () => send({ type: "stage", stage: button.dataset.liveStage })),
);
$("[data-clock-toggle]").addEventListener("click", () => send({ type: "clock", running: !running }));

// --- drawing on the candidate's board (when they allow it) --------------------------------------------

let drawing = false;
function setDrawing(on) {
  drawing = on;
  const draw = $("[data-board-draw]");
  if (draw) {
    draw.textContent = on ? "Stop drawing" : draw.disabled ? "View only" : "Draw too";
    draw.setAttribute("aria-pressed", String(on));
  }
  const boardState = $("[data-board-state]");
  if (boardState) boardState.hidden = !on;
  window.chalktalkWhiteboard?.setEditable(on);
}
$("[data-board-draw]")?.addEventListener("click", () => setDrawing(!drawing));

// --- hints, scorecard, end -------------------------------------------------------------------------

// The server's hint lists say what was sent: mark those ladder hints "Sent" and clear a custom
// hint box once its hint is listed (a refused hint stays in the box, with an error notice).
document.body.addEventListener("htmx:wsAfterMessage", (event) => {
  if (!String(event.detail.message).includes('id="hints-')) return;
  $$("[data-stage-panel]").forEach((panel) => {
    const stage = panel.dataset.stagePanel;
    const items = $$(`#hints-${stage} li`, panel);
    const sent = new Set(items.filter((li) => li.dataset.index !== undefined).map((li) => li.dataset.index));
    $$("[data-ladder-send]", panel).forEach((button) => {
      const isSent = sent.has(button.dataset.ladderSend);
      button.disabled = isSent;
      button.textContent = isSent ? "Sent" : "Send";
    });
    const box = $(`[data-hint-form="${stage}"] input[name=text]`, panel);
    if (box?.value && items.some((li) => li.textContent === box.value.trim())) box.value = "";
  });
});

function showScore({ criterion, level, comment }) {
  const form = $(`[data-criterion="${CSS.escape(criterion)}"]`);
  if (!form) return;
  $$("input[name=level]", form).forEach((input) => {
    input.checked = level !== null && input.value === String(level);
  });
  const box = $("input[name=comment]", form);
  if (document.activeElement !== box) box.value = comment;
  form.classList.add("is-saved");
}
on("scorecard", showScore);

const endDialog = $("#end-dialog");
$("[data-open-end]").addEventListener("click", () => {
  const forms = $$("[data-criterion]");
  const scored = forms.filter((form) => $("input[name=level]:checked", form)).length;
  $("[data-end-scored]").textContent =
    scored === forms.length
      ? "Your scorecard is complete."
      : `You have scored ${scored} of ${forms.length} criteria. You can end anyway; unscored criteria are left out of the comparison.`;
  endDialog.showModal();
});
$("[data-close-end]").addEventListener("click", () => endDialog.close());
$("[data-confirm-end]").addEventListener("click", () => {
  if (send({ type: "end" })) {
    $("[data-confirm-end]").disabled = true;
    $("[data-confirm-end]").textContent = "Ending…";
  }
});

$$("[data-copy]").forEach((button) =>
  button.addEventListener("click", async () => {
    const input = $(button.dataset.copy);
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Press Ctrl+C";
    }
  }),
);
