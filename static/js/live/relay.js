// Keystroke-level relay of a live interview's text (see live/relay.py for the frames).
//
// The candidate's page sends the current stage's text as it changes, at most every THROTTLE_MS,
// as a splice (common prefix and suffix kept) when that is smaller than the whole text, and the
// whole text on the first frame and after a reconnect or a refused frame. Frames are numbered
// per stage (`seq`) under a page id (`source`). A durable save carries the {source, seq} of the
// frame holding the text it saved, so the interviewer's page checks its relayed text against
// every saved version, and a lost frame is healed by the next save (at most ~2 s away while
// typing goes on: the autosave's max wait).

export const THROTTLE_MS = 100;
const MAX_FRAME_CHARS = 15000; // a frame of at most ~60 kB even if every character is 4 bytes
const HISTORY = 64;

function pageId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The smallest {at, remove, insert} turning `before` into `after`. */
export function splice(before, after) {
  let at = 0;
  const shortest = Math.min(before.length, after.length);
  while (at < shortest && before.charCodeAt(at) === after.charCodeAt(at)) at += 1;
  let tail = 0;
  while (tail < shortest - at && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail += 1;
  // Never cut a surrogate pair in two: the server refuses half an emoji.
  const isLow = (s, i) => i > 0 && i < s.length && (s.charCodeAt(i) & 0xfc00) === 0xdc00;
  while (at > 0 && (isLow(before, at) || isLow(after, at))) at -= 1;
  while (tail > 0 && (isLow(before, before.length - tail) || isLow(after, after.length - tail))) tail -= 1;
  return { at, remove: before.length - at - tail, insert: after.slice(at, after.length - tail), base_length: before.length };
}

export function applySplice(text, { at, remove, insert }) {
  return text.slice(0, at) + insert + text.slice(at + remove);
}

/**
 * The sending side. `send(frame)` returns false when the socket is down; `stageNow()` names the
 * stage the interview is on (the server relays only that one); `textOf(stage)` reads its text.
 */
export function createTextSender({ send, stageNow, textOf }) {
  const source = pageId();
  const seq = {};
  const sent = {}; // stage -> the text of its last frame (undefined: send whole next time)
  const timers = {};
  const lastAt = {};

  function frameFor(stage, text) {
    const number = (seq[stage] || 0) + 1;
    const base = { type: "relay_text", stage, source, seq: number };
    const before = sent[stage];
    if (before !== undefined) {
      const change = splice(before, text);
      if (change.insert.length < text.length || text.length > MAX_FRAME_CHARS) {
        return change.insert.length <= MAX_FRAME_CHARS ? { ...base, splice: change } : null;
      }
    }
    return text.length <= MAX_FRAME_CHARS ? { ...base, text } : null;
  }

  /** Send the stage's text now; true when the frame went out (or nothing had changed). */
  function flush(stage) {
    clearTimeout(timers[stage]);
    timers[stage] = null;
    if (stage !== stageNow()) {
      sent[stage] = undefined; // edited off the interview's stage: whole text when it comes back
      return false;
    }
    const text = textOf(stage);
    if (text === sent[stage]) return true;
    const frame = frameFor(stage, text);
    if (!frame || !send(frame)) {
      sent[stage] = undefined; // lost or too large: the next frame is the whole text
      return false;
    }
    seq[stage] = frame.seq;
    sent[stage] = text;
    lastAt[stage] = performance.now();
    return true;
  }

  return {
    /** The stage's text changed: send it now, or once THROTTLE_MS have passed since the last. */
    changed(stage) {
      if (timers[stage]) return;
      const wait = THROTTLE_MS - (performance.now() - (lastAt[stage] ?? -Infinity));
      if (wait <= 0) flush(stage);
      else timers[stage] = setTimeout(() => flush(stage), wait);
    },
    /** The {source, seq} to put beside a save of `text`, or null when no frame holds it. */
    markFor(stage, text) {
      if (sent[stage] !== text && (textOf(stage) !== text || !flush(stage))) return null;
      return sent[stage] === text ? { source, seq: seq[stage] } : null;
    },
    /** After a reconnect or a refused frame: the next frame is the whole text. */
    reset() {
      for (const stage of Object.keys(sent)) sent[stage] = undefined;
    },
    flush,
  };
}

/**
 * The receiving side (the interviewer's page): `show(stage, text)` puts a text on screen. Each
 * stage keeps the text at {source, seq}; a frame that does not follow on waits in a buffer until
 * the frames before it, a whole text or a save fill the gap.
 */
export function createTextReceiver({ show }) {
  const stages = {};
  const at = (stage) => (stages[stage] ||= { source: null, seq: 0, text: null, version: -1, history: new Map(), waiting: new Map() });

  function remember(s) {
    s.history.set(s.seq, s.text);
    if (s.history.size > HISTORY) s.history.delete(s.history.keys().next().value);
  }

  function adopt(s, source, seq, text) {
    if (s.source !== source) s.history.clear();
    Object.assign(s, { source, seq, text });
    remember(s);
    drain(s);
  }

  function drain(s) {
    for (const [key, frame] of s.waiting) {
      if (frame.source !== s.source || frame.seq <= s.seq) s.waiting.delete(key);
    }
    for (let next = s.waiting.get(`${s.source}:${s.seq + 1}`); next; next = s.waiting.get(`${s.source}:${s.seq + 1}`)) {
      s.waiting.delete(`${next.source}:${next.seq}`);
      if (!follow(s, next)) break;
    }
  }

  /** Apply `frame`, the next one after the stage's text; false when it does not fit. */
  function follow(s, frame) {
    if (frame.text !== undefined) s.text = frame.text;
    else if (s.text !== null && s.text.length === frame.splice.base_length) s.text = applySplice(s.text, frame.splice);
    else return false;
    s.seq = frame.seq;
    remember(s);
    return true;
  }

  return {
    /** A relay frame (`live_text`). */
    frame(frame) {
      const s = at(frame.stage);
      if (frame.text !== undefined && (frame.source !== s.source || frame.seq > s.seq)) {
        adopt(s, frame.source, frame.seq, frame.text);
      } else if (frame.source === s.source && frame.seq === s.seq + 1 && follow(s, frame)) {
        drain(s);
      } else {
        if (frame.source !== s.source || frame.seq > s.seq) s.waiting.set(`${frame.source}:${frame.seq}`, frame);
        if (s.waiting.size > HISTORY) s.waiting.delete(s.waiting.keys().next().value);
        return;
      }
      show(frame.stage, s.text);
    },
    /** A durable save (`text`, or the room state): the server's text at `version`. */
    saved({ stage, text, version, source = null, seq = null }) {
      const s = at(stage);
      // An older save arriving late, or the room state repeating the save already reconciled.
      if (version < s.version || (version === s.version && source === null && s.text !== null)) return;
      s.version = version;
      if (source === null) {
        adopt(s, null, 0, text); // not from a relayed page: the save is all there is
      } else if (source !== s.source || seq > s.seq) {
        adopt(s, source, seq, text); // the relay is behind (or lost a frame): catch up
      } else if (s.history.get(seq) !== text) {
        // The relayed text at that frame is not what was saved: the save wins; later frames wait
        // for the next save or whole text.
        s.history.clear();
        adopt(s, source, seq, text);
      } else {
        return; // the relay already showed this text, or a later one
      }
      show(stage, s.text);
    },
    textOf: (stage) => at(stage).text,
  };
}
