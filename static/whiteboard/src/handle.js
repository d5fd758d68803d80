// window.chalktalkWhiteboard: exists as soon as the entry runs; the app fills it in.
export function createHandle(mount) {
  let resolveReady;
  let rejectReady;
  const ready = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const handle = {
    /** ExcalidrawImperativeAPI, set before `ready` resolves. */
    api: null,
    /** Resolves (with the handle) once the board is drawn, fonts are loaded and the library is set. */
    ready,
    mount,
    readonly: mount?.dataset.readonly === "true",
    /** Save now; resolves true when the current scene is confirmed by the server. */
    flush: async () => {
      await ready;
      return handle._flush();
    },
    /** Merge a board saved by the other side of a live interview (`version`: the server's). */
    applyRemote: async (scene, version) => {
      await ready;
      handle._applyRemote(scene, version);
    },
    /** Let this page draw, or make it view-only (a live interviewer's board). */
    setEditable: async (editable) => {
      await ready;
      handle._setEditable(editable);
    },
    /** Live relay: {elements(list) -> bool, pointer(x, y) -> bool} send this page's strokes. */
    setRelay: async (senders) => {
      await ready;
      handle._setRelay(senders);
    },
    /** The other side's changed elements, relayed (merged in, not saved here). */
    applyRelayed: async (elements) => {
      await ready;
      handle._applyRelayed(elements);
    },
    /** The other person's pointer on the board (`who`: "candidate" or "interviewer"). */
    showPointer: async (who, x, y) => {
      await ready;
      handle._showPointer(who, x, y);
    },
    _applyRemote: () => {},
    _setEditable: () => {},
    _setRelay: () => {},
    _applyRelayed: () => {},
    _showPointer: () => {},
    /** Enlarge the board to the whole window, or back. Escape also leaves full screen. */
    toggleFullscreen: (force) => handle._toggleFullscreen(force),
    isFullscreen: () => false,
    /** Zoom so the whole drawing is in view (after the board's box changed size). */
    zoomToFit: () => ready.then(() => handle._zoomToFit()).catch(() => {}),
    _zoomToFit: () => {},
    _flush: async () => true,
    _toggleFullscreen: () => false,
    /** Milliseconds from navigation start until the board was interactive (for benchmarks). */
    readyAt: null,
    _resolve: (value) => {
      handle.readyAt = performance.now();
      resolveReady(value);
    },
    _fail: (error) => {
      console.error(error);
      mount?.dispatchEvent(
        new CustomEvent("whiteboard:state", {
          detail: { state: "error", message: "The whiteboard could not be loaded. Reload the page." },
        }),
      );
      rejectReady(error);
    },
  };
  ready.catch(() => {}); // avoid an unhandled rejection when nobody awaits `ready`
  return handle;
}
