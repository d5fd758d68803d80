// What both sides of a live interview share: the socket (opened by htmx's ws extension, which
// also swaps the server-rendered fragments it sends), JSON events, the clock and small UI bits.
import { renderClock } from "../clock.js";

export const state = JSON.parse(document.getElementById("live-state").textContent);
const root = document.querySelector("[data-live-root]");
const connection = document.querySelector("[data-connection]");
const handlers = {};
let socket = null;
// Until the socket's first state arrives, the clock the page was rendered with.
let clock = { ...state.clock, at: performance.now(), total: state.total_seconds, state: state.state };

/** Call `handler(event)` for every JSON event of `type` from the server. */
export function on(type, handler) {
  (handlers[type] ||= []).push(handler);
}

/** Send a JSON message; false when the socket is not open (the ws extension reconnects). */
export function send(message) {
  if (!trySend(message)) {
    toast("Not connected — reconnecting…", "error");
    return false;
  }
  return true;
}

/** Send without telling the person when the socket is down (relay frames: the save follows). */
export function trySend(message) {
  if (!socket) return false;
  socket.send(JSON.stringify(message));
  return true;
}

function setConnection(status, label) {
  if (!connection) return;
  connection.dataset.state = status;
  connection.textContent = label;
}

root.addEventListener("htmx:wsOpen", (event) => {
  socket = event.detail.socketWrapper;
  setConnection("live", "Live");
});
root.addEventListener("htmx:wsClose", (event) => {
  socket = null;
  const code = event.detail.event.code;
  if (code === 4401) setConnection("error", "Signed out — log in again to rejoin");
  else if (code === 4403) setConnection("error", "Not allowed in this room");
  else if (code === 4429) setConnection("error", "Disconnected: too many messages. Reload the page.");
  else setConnection("connecting", "Reconnecting…");
});
// JSON events are ours; anything else is an HTML fragment for htmx to swap in place.
root.addEventListener("htmx:wsBeforeMessage", (event) => {
  const message = event.detail.message;
  if (typeof message !== "string" || !message.startsWith("{")) return;
  event.preventDefault();
  let data;
  try {
    data = JSON.parse(message);
  } catch {
    return;
  }
  for (const handler of handlers[data.type] || []) handler(data);
});

on("state", (data) => dispatch({ ...data, type: "session" }));
on("error", (data) => data.relay || toast(data.message, "error")); // relay: the page resends

function dispatch(data) {
  for (const handler of handlers[data.type] || []) handler(data);
}

// --- the shared clock ---------------------------------------------------------------------------

on("session", (data) => {
  clock = { ...data.clock, at: performance.now(), total: data.total_seconds, state: data.state };
  // After the other handlers (the candidate's page stops guarding unsaved edits first).
  if (data.state === "ended") setTimeout(() => window.location.assign(data.review_url), 0);
});

/** Seconds left on the shared clock (negative when over) and what to call it right now. */
export function clockReading() {
  const running = clock.running ? (performance.now() - clock.at) / 1000 : 0;
  const left = (clock.total || state.total_seconds) - (clock.elapsed + running);
  const label = { lobby: "Waiting to start", paused: "Paused" }[clock.state || state.state] || null;
  return { left, label, running: clock.running };
}

export function startClock(node) {
  const draw = () => {
    const { left, label } = clockReading();
    renderClock(node, left, clock.total || state.total_seconds, label);
  };
  draw();
  setInterval(draw, 1000);
  on("session", draw);
}

// --- the board, live: strokes and the pointer both ways (the island sends only while this page
// may draw; the server checks it again) ----------------------------------------------------------

export function relayBoard() {
  // The board's entry module may run after this one: then connect once every module has run.
  const connect = () =>
    window.chalktalkWhiteboard?.setRelay({
      elements: (elements) => trySend({ type: "relay_board", elements }),
      pointer: (x, y) => trySend({ type: "relay_pointer", x, y }),
    });
  if (window.chalktalkWhiteboard) connect();
  else document.addEventListener("DOMContentLoaded", connect, { once: true });
  on("live_board", (data) => window.chalktalkWhiteboard?.applyRelayed(data.elements));
  on("live_pointer", (data) => window.chalktalkWhiteboard?.showPointer(data.from, data.x, data.y));
}

// --- small things -------------------------------------------------------------------------------

const toastNode = document.querySelector("[data-toast]");
let toastTimer = null;

export function toast(message, tone = "info") {
  if (!toastNode) return;
  toastNode.textContent = message;
  toastNode.dataset.tone = tone;
  toastNode.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toastNode.hidden = true;
  }, 5000);
}

// Forms sent over the socket (ws-send) start empty again once sent.
root.addEventListener("htmx:wsAfterSend", (event) => {
  const form = event.target.closest("[data-reset-after-send]");
  if (form) form.reset();
});
