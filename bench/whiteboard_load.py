"""Cold-cache time until the whiteboard is interactive in headless Chromium, and bundle sizes.

Needs PostgreSQL (DATABASE_URL) and Debian's Chromium; run `make bench`.
"""

from __future__ import annotations

import gzip
import os
import statistics

import common
from autosave_load import prepare_sessions

from tests.browser import CHROMIUM, CHROMIUM_ARGS, wait_until

RUNS = int(os.environ.get("BENCH_RUNS", 7))
BUILD = common.ROOT / "static" / "whiteboard" / "build"


def bundle_sizes() -> None:
    for name in ("whiteboard.js", "whiteboard-app.js", "whiteboard.css"):
        raw = (BUILD / name).read_bytes()
        print(
            f"{name}: {len(raw) / 1024:.0f} kB raw, {len(gzip.compress(raw, 9)) / 1024:.0f} kB gzip"
        )


def main() -> None:
    from playwright.sync_api import sync_playwright

    bundle_sizes()
    spec = prepare_sessions(1)[0]
    env = {"CHALKTALK_ENV": "development", "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    with common.served_app(env, workers=1) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        times = []
        for _ in range(RUNS):
            context = browser.new_context(
                viewport={"width": 1366, "height": 900}
            )  # a fresh, empty cache
            context.add_cookies(
                [{"name": k, "value": v, "url": base} for k, v in spec["cookies"].items()]
            )
            page = context.new_page()
            page.goto(f"{base}/attempts/{spec['attempt']}/", wait_until="commit")
            wait_until(page, "window.chalktalkWhiteboard !== undefined")
            ready_ms = page.evaluate("window.chalktalkWhiteboard.ready.then(b => b.readyAt)")
            times.append(ready_ms)
            context.close()
        browser.close()
    print(f"cold-cache navigation → whiteboard interactive: median {statistics.median(times):.0f} ms, "
          f"max {max(times):.0f} ms over {RUNS} fresh browser contexts")  # fmt: skip


if __name__ == "__main__":
    main()
