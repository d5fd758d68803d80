// The candidate's side of a live interview: the practice page, following the interviewer's stage
// and clock, with hints arriving from the interviewer and the board shared both ways.
import { allowLeave, currentStage, flushAll, setClockSource, setSaveExtras, showStage } from "../practice.js";
import { createTextSender } from "./relay.js";
import { clockReading, on, relayBoard, send, state, toast, trySend } from "./room.js";

setClockSource(() => clockReading());
let stage = state.stage;
if (currentStage() !== stage) showStage(stage, { focus: false });

on("session", (data) => {
  if (data.state === "ended") allowLeave();
  // Also from the state a reconnect brings: the "ending" event may have gone out while away.
  if (data.ending) saveForEnd();
  if (data.stage !== stage) {
    stage = data.stage;
    toast(`Your interviewer moved on to “${data.stage_label}”.`);
  }
  if (data.stage !== currentStage()) showStage(data.stage, { focus: true });
  const allow = document.querySelector("[data-allow-drawing]");
  if (allow) allow.checked = data.drawing_allowed;
});

// Every keystroke on the interview's stage goes to the interviewer at once (throttled); each save
// says which relayed text it holds, so the interviewer's page can check it.
const textRelay = createTextSender({
  send: trySend,
  stageNow: () => stage,
  textOf: (key) => document.querySelector(`[data-stage-text="${key}"]`)?.value ?? "",
});
document.addEventListener("input", (event) => {
  const key = event.target.dataset?.stageText;
  if (key) textRelay.changed(key);
});
setSaveExtras((key, text) => {
  const mark = textRelay.markFor(key, text);
  return mark ? { relay: mark } : {};
});
// A (re)connect: the interviewer may have missed frames; a refused frame: start whole again.
on("state", () => {
  textRelay.reset();
  textRelay.flush(stage);
});
on("error", (data) => data.relay && textRelay.reset());

// The interviewer is ending the interview: save the last edits, then let the server end it.
let endingSaves = null;
function saveForEnd() {
  endingSaves ||= (async () => {
    toast("Your interviewer is ending the interview — saving your last changes…");
    await flushAll();
    // Sent now, or after the reconnect (whose state says "ending" again) if the socket is down.
    if (!send({ type: "saved_for_end" })) endingSaves = null;
  })();
  return endingSaves;
}
on("ending", saveForEnd);

on("hint", (data) => {
  toast(`New hint from your interviewer for “${data.stage_label}”.`);
});

on("question", (data) => {
  const what = data.curveball ? "The requirements changed" : "Your interviewer asked a question";
  toast(`${what} in “${data.stage_label}” — answer it under the stage.`);
});

relayBoard();
on("board", (data) => window.chalktalkWhiteboard?.applyRemote(data.scene, data.version));
on("state", (data) => {
  if (data.board) window.chalktalkWhiteboard?.applyRemote(data.board.scene, data.board.version);
});

document.querySelector("[data-allow-drawing]")?.addEventListener("change", (event) => {
  if (!send({ type: "drawing", allow: event.target.checked })) event.target.checked = !event.target.checked;
});
