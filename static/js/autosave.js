// Versioned autosave with a local copy: nothing typed is lost until the server confirms it.
//
// Each document (a stage's text, later the whiteboard) has a server version. A save sends
// {text, version}; the server writes only if the version still matches, otherwise it answers
// 409 with its text so the person can choose. Until a save is confirmed the text also sits in
// localStorage, so a reload, a crash or a dropped connection keeps it.
//
// Saves wait for a pause in typing (debounceMs), but never longer than maxWaitMs after the first
// edit not yet sent: someone who types without stopping still reaches the server every ~2 s.

import { csrfToken } from "./dom.js";

const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];

export class VersionedDocument {
  /**
   * @param {object} opts
   * @param {string} opts.url          POST endpoint taking {text, version}
   * @param {string} opts.storageKey   localStorage key of the unsent copy
   * @param {number} opts.version      server version the page was rendered with
   * @param {string} opts.serverText   server text the page was rendered with
   * @param {(event: string, detail?: object) => void} opts.onEvent
   * @param {(text: string, version: number) => object} [opts.toBody]
   *        request body for a save (default {text, version}; the whiteboard sends {scene, version})
   * @param {(body: object) => {serverText: string, version: number}} [opts.fromConflict]
   *        reads a 409 answer (default: its `text` and `version`)
   */
  constructor({
    url,
    storageKey,
    version,
    serverText,
    onEvent,
    debounceMs = 800,
    maxWaitMs = 1500,
    toBody = (text, version) => ({ text, version }),
    fromConflict = (body) => ({ serverText: body.text, version: body.version }),
  }) {
    this.url = url;
    this.toBody = toBody;
    this.fromConflict = fromConflict;
    this.storageKey = storageKey;
    this.version = version;
    this.text = serverText;
    this.savedText = serverText;
    this.onEvent = onEvent;
    this.debounceMs = debounceMs;
    this.maxWaitMs = maxWaitMs;
    this.unsentSince = null; // when the oldest edit not yet sent was made
    this.inFlight = null;
    this.timer = null;
    this.retries = 0;
    this.blocked = false; // conflict or hard error: wait for the person
    this.lastSavedAt = null;
    // Texts sent at this.version whose answer never came: the server may hold any one of them.
    this.unanswered = new Set();
  }

  /** Restore an unsent local copy. Returns "none", "restored" or "conflict". */
  restoreLocal() {
    let local = null;
    try {
      local = JSON.parse(localStorage.getItem(this.storageKey) || "null");
    } catch {
      local = null;
    }
    if (!local || typeof local.text !== "string" || local.text === this.savedText) {
      this.clearLocal();
      return "none";
    }
    this.text = local.text;
    if (local.version === this.version) {
      this.schedule(0);
      return "restored";
    }
    // The server moved on since this copy was made: let the person choose.
    this.blocked = true;
    this.onEvent("conflict", { serverText: this.savedText, version: this.version });
    return "conflict";
  }

  get dirty() {
    return this.text !== this.savedText;
  }

  edit(text) {
    this.text = text;
    this.unsentSince ??= Date.now();
    this.storeLocal();
    this.onEvent("dirty");
    if (!this.blocked) this.scheduleEdit();
  }

  /** After a pause in typing, or once the oldest unsent edit is maxWaitMs old, whichever is first. */
  scheduleEdit() {
    const waited = Date.now() - (this.unsentSince ?? Date.now());
    this.schedule(Math.max(0, Math.min(this.debounceMs, this.maxWaitMs - waited)));
  }

  storeLocal() {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify({ text: this.text, version: this.version, at: Date.now() }));
    } catch {
      // Storage full or disabled: the server save still protects the text.
    }
  }

  clearLocal() {
    try {
      localStorage.removeItem(this.storageKey);
    } catch {
      /* ignore */
    }
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), delay);
  }

  /** Keep what was typed here: write it over the server's newer version. */
  keepLocal(serverVersion) {
    this.version = serverVersion;
    this.unanswered.clear();
    this.blocked = false;
    this.storeLocal();
    this.schedule(0);
  }

  /** Take the server's version and drop the local copy. */
  takeServer(serverText, serverVersion) {
    this.version = serverVersion;
    this.unanswered.clear();
    this.text = this.savedText = serverText;
    this.blocked = false;
    this.clearLocal();
    this.onEvent("saved");
  }

  /** Save now; resolves true once the current text is confirmed by the server. */
  async flush() {
    clearTimeout(this.timer);
    if (this.inFlight) await this.inFlight;
    if (this.dirty && !this.blocked) await this.save();
    return !this.dirty;
  }

  async save() {
    if (this.inFlight || this.blocked || !this.dirty) return this.inFlight;
    const sent = this.text;
    this.unsentSince = null; // edits from now on wait for the next save
    this.onEvent("saving");
    this.inFlight = this.post(sent).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  async post(sent) {
    let response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(this.toBody(sent, this.version)),
        credentials: "same-origin",
      });
    } catch {
      this.unanswered.add(sent); // it may have committed before the connection dropped
      return this.retryLater();
    }
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      this.confirmed(sent, body.version);
      return;
    }
    if (response.status === 409 && body.locked) {
      this.blocked = true;
      this.onEvent("locked", body);
      return;
    }
    if (response.status === 409) {
      const conflict = this.fromConflict(body);
      if (conflict.serverText === sent || this.unanswered.has(conflict.serverText)) {
        // Not someone else's edit: an earlier try of a save from this page committed, and its
        // answer was lost (a dropped connection, a worker killed); typing may have gone on since.
        // The server holds what we sent then: confirm it, and save the rest on that version.
        this.confirmed(conflict.serverText, conflict.version);
        return;
      }
      this.blocked = true;
      this.onEvent("conflict", conflict);
      return;
    }
    if (response.status === 401) {
      this.blocked = true;
      this.onEvent("error", { message: body.error || "You were signed out. Log in again; your text is kept here." });
      return;
    }
    if (response.status >= 400 && response.status < 500) {
      // The request itself is wrong (too long, malformed): retrying will not help.
      this.onEvent("error", { message: body.error || `The server refused the save (${response.status}).` });
      return;
    }
    this.unanswered.add(sent); // a 5xx from a proxy may come after the commit
    return this.retryLater();
  }

  /** The server holds `sent` at `version`. */
  confirmed(sent, version) {
    this.version = version;
    this.unanswered.clear();
    this.savedText = sent;
    this.retries = 0;
    this.lastSavedAt = Date.now();
    if (this.text === sent) this.clearLocal();
    else this.storeLocal();
    this.onEvent("saved");
    if (this.dirty) this.scheduleEdit();
  }

  retryLater() {
    const delay = RETRY_DELAYS_MS[Math.min(this.retries, RETRY_DELAYS_MS.length - 1)];
    this.retries += 1;
    this.onEvent("offline", { retryInMs: delay });
    this.schedule(delay);
  }

  retryNow() {
    if (this.dirty && !this.blocked) this.schedule(0);
  }
}
