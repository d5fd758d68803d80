// Entry of the whiteboard island (build/whiteboard.js). Kept tiny and self-contained (nothing
// imports it back, so a hashed copy from collectstatic is safe): it points Excalidraw at our
// self-hosted fonts *before* Excalidraw is evaluated, publishes window.chalktalkWhiteboard at once
// (so tests and the page can await `ready`), then loads the stylesheet and the app module, both
// resolved next to this file.
import { createHandle } from "./handle.js";

// Not string literals inside new URL(): Vite would try to bundle them as assets.
const APP_MODULE = "whiteboard-app.js";
const STYLESHEET = "whiteboard.css";
const HERE = ".";

function loadStylesheet(href) {
  const already = [...document.querySelectorAll('link[rel="stylesheet"]')].some((link) =>
    /\/whiteboard(\.[0-9a-f]{6,})?\.css(\?|$)/.test(link.href),
  );
  if (already) return Promise.resolve();
  return new Promise((resolve) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.onload = link.onerror = () => resolve();
    document.head.appendChild(link);
  });
}

const mount = document.getElementById("whiteboard");
const handle = createHandle(mount);
window.chalktalkWhiteboard = handle;

if (mount) {
  // Excalidraw fetches fonts from EXCALIDRAW_ASSET_PATH and silently falls back to a CDN.
  // Default: the folder this bundle was served from.
  const assetPath = mount.dataset.assetPath || new URL(HERE, import.meta.url).pathname;
  window.EXCALIDRAW_ASSET_PATH = assetPath.endsWith("/") ? assetPath : `${assetPath}/`;
  Promise.all([
    import(/* @vite-ignore */ new URL(APP_MODULE, import.meta.url).href),
    loadStylesheet(new URL(STYLESHEET, import.meta.url).href),
  ])
    .then(([app]) => app.start(mount, handle))
    .catch((error) => handle._fail(error));
} else {
  handle._fail(new Error("whiteboard: no #whiteboard element on the page"));
}
