#!/usr/bin/env bash
# Build the Excalidraw whiteboard island into static/whiteboard/build/ (git-ignored).
#   - `npm ci` only when node_modules is missing or package-lock.json changed since the last install;
#   - `vite build` only when an input changed (src/, vite.config.js, the lockfile, static/js/autosave.js);
#   - copies Excalidraw's self-hosted fonts to build/fonts (EXCALIDRAW_ASSET_PATH points there).
# Idempotent; about a second when nothing changed. Set WHITEBOARD_FORCE=1 to rebuild anyway.
set -euo pipefail

start=$(date +%s.%N)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WB="$ROOT/static/whiteboard"
BUILD="$WB/build"
NPM_STAMP="$WB/node_modules/.chalktalk-npm-ci.stamp"
BUILD_STAMP="$BUILD/.inputs.sha256"
cd "$WB"

elapsed() { awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }

command -v npm >/dev/null 2>&1 || { echo "whiteboard: npm not found (Node >= 20.19 is needed)" >&2; exit 1; }
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || { echo "whiteboard: Node $(node -v) is too old; Vite 8 needs >= 20.19" >&2; exit 1; }

if [ ! -d node_modules ] || [ ! -f "$NPM_STAMP" ] || [ package-lock.json -nt "$NPM_STAMP" ]; then
  echo "whiteboard: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$NPM_STAMP"
fi

inputs_hash() {
  {
    find src -type f | LC_ALL=C sort | xargs sha256sum
    sha256sum vite.config.js package.json package-lock.json "$ROOT/static/js/autosave.js"
  } | sha256sum | cut -d' ' -f1
}
hash=$(inputs_hash)

if [ "${WHITEBOARD_FORCE:-}" != "1" ] && [ -f "$BUILD_STAMP" ] && [ "$(cat "$BUILD_STAMP")" = "$hash" ] \
  && [ -f "$BUILD/whiteboard.js" ] && [ -f "$BUILD/whiteboard-app.js" ] && [ -d "$BUILD/fonts" ]; then
  echo "whiteboard: up to date ($(elapsed) s)"
  exit 0
fi

echo "whiteboard: vite build"
npm run --silent build
# Fonts Excalidraw loads at runtime from EXCALIDRAW_ASSET_PATH (otherwise it uses a CDN).
cp -R node_modules/@excalidraw/excalidraw/dist/prod/fonts "$BUILD/fonts"
echo "$hash" > "$BUILD_STAMP"

size=$(wc -c < "$BUILD/whiteboard-app.js")
gz=$(gzip -9c "$BUILD/whiteboard-app.js" | wc -c)
echo "whiteboard: built in $(elapsed) s (whiteboard-app.js $((size / 1024)) kB, $((gz / 1024)) kB gzip)"
