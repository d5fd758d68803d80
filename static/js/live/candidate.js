// The candidate's side of a live interview: the practice page, following the interviewer's stage
// and clock, with hints arriving from the interviewer and the board shared both ways.
import { setClockSource, showStage } from "../practice.js";
import { clockReading, on, send, state, toast } from "./room.js";

setClockSource(() => clockReading());
let stage = state.stage;

on("session", (data) => {
  if (data.stage !== stage) {
    stage = data.stage;
    showStage(data.stage, { focus: true });
    toast(`Your interviewer moved on to “${data.stage_label}”.`);
  }
  const allow = document.querySelector("[data-allow-drawing]");
  if (allow) allow.checked = data.drawing_allowed;
});

on("hint", (data) => {
  toast(`New hint from your interviewer for “${data.stage_label}”.`);
});

on("board", (data) => window.chalktalkWhiteboard?.applyRemote(data.scene, data.version));
on("state", (data) => {
  if (data.board) window.chalktalkWhiteboard?.applyRemote(data.board.scene, data.board.version);
});

document.querySelector("[data-allow-drawing]")?.addEventListener("change", (event) => {
  if (!send({ type: "drawing", allow: event.target.checked })) event.target.checked = !event.target.checked;
});
