// Builds the whiteboard island into build/ (ES modules; an IIFE breaks Excalidraw's font worker):
//   whiteboard.js      stable, tiny entry for <script type="module">; loads the two files below
//   whiteboard-app.js  Excalidraw + React + our app (stable name, loaded by the entry)
//   whiteboard.css     Excalidraw's stylesheet + ours (loaded by the entry)
//   chunks/, assets/   hashed lazy chunks (mermaid, katex, locales, font subsetting) and UI fonts
// Excalidraw's canvas fonts are copied to build/fonts by scripts/build_whiteboard.sh.
import { defineConfig } from "vite";

// Excalidraw lists a CDN copy of every font after our self-hosted one. Browsers skip it while the
// first loads, but under our Content Security Policy they still try (and are blocked), so point
// the fallback at our own copy too. Fails the build if Excalidraw changes the line.
const FONT_FALLBACK = /`https:\/\/esm\.sh\/\$\{.*?\}\/dist\/prod\/`/;
const selfHostedFontFallback = {
  name: "chalktalk-self-hosted-font-fallback",
  transform(code, id) {
    if (!id.includes("@excalidraw/excalidraw") || !code.includes("ASSETS_FALLBACK_URL")) return null;
    if (!FONT_FALLBACK.test(code)) throw new Error("Excalidraw's font fallback URL changed; update vite.config.js");
    return code.replace(FONT_FALLBACK, 'new URL(window.EXCALIDRAW_ASSET_PATH || "/", window.location.origin).toString()');
  },
};

export default defineConfig({
  // Relative base: chunks resolve next to the file importing them, whatever STATIC_URL is.
  base: "./",
  publicDir: false,
  plugins: [selfHostedFontFallback],
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: "build",
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: { whiteboard: "src/main.js", "whiteboard-app": "src/app.jsx" },
      preserveEntrySignatures: "allow-extension",
      onLog(level, log, handler) {
        // Radix UI's "use client" directives are meaningless outside React Server Components.
        if (log.code === "MODULE_LEVEL_DIRECTIVE") return;
        handler(level, log);
      },
      output: {
        entryFileNames: "[name].js",
        chunkFileNames: "chunks/[name]-[hash].js",
        assetFileNames: (asset) =>
          (asset.names || []).some((name) => name.endsWith(".css")) ? "whiteboard.css" : "assets/[name]-[hash][extname]",
      },
    },
  },
});
