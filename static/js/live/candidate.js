// The candidate's side of a live interview: the practice page, following the interviewer's stage
// and clock, with hints arriving from the interviewer and the board shared both ways.
import { allowLeave, currentStage, flushAll, setClockSource, showStage } from "../practice.js";
import { clockReading, on, send, state, toast } from "./room.js";

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

on("board", (data) => window.chalktalkWhiteboard?.applyRemote(data.scene, data.version));
on("state", (data) => {
  if (data.board) window.chalktalkWhiteboard?.applyRemote(data.board.scene, data.board.version);
});

document.querySelector("[data-allow-drawing]")?.addEventListener("change", (event) => {
  if (!send({ type: "drawing", allow: event.target.checked })) event.target.checked = !event.target.checked;
});
