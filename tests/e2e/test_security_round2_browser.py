"""Hardening, round two (issue 13), where a browser matters: headless Chromium against the app.

- A page served from another port of the same host cannot use the interviewer's cookies on the
  live socket (finding 6).
- A save whose answer was lost is recognised as the page's own; the status never says "All
  changes saved" while a stage is in conflict (finding 10).
- Someone typing without a pause still gets a durable save at least every 2 s (finding 11).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import uvicorn
from playwright.sync_api import Browser, expect

from live.models import InterviewerNote
from tests.browser import log_in, wait_until
from tests.factories import PASSWORD, make_user
from tests.live_helpers import seated_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "PRIVATE-NOTE: never read from another origin"


@pytest.fixture
def asgi_server(transactional_db):
    """The ASGI app (websockets too) under uvicorn in this process, on the test database."""
    from config.asgi import application

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def other_port_site():
    """Another web server on the same host, another port: it serves whatever page it is given."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


def test_a_page_on_another_port_cannot_read_the_interviewers_socket(
    browser: Browser, asgi_server, other_port_site, bank, ad_question
):
    interviewer = make_user("lead")
    candidate = make_user("seat")
    session = seated_session(interviewer, candidate, ad_question)
    InterviewerNote.objects.create(session=session, stage="goals", text=NOTE)
    site, pages = other_port_site
    socket_url = asgi_server.replace("http://", "ws://") + session.socket_path
    pages["/steal.html"] = f"""<!doctype html><title>steal</title><script>
      window.got = [];
      window.socketClosed = null;
      const ws = new WebSocket({json.dumps(socket_url)});
      ws.onmessage = (event) => window.got.push(String(event.data));
      ws.onclose = (event) => {{ window.socketClosed = event.code; }};
    </script>"""
    context = browser.new_context()
    try:
        page = context.new_page()
        log_in(page, asgi_server, "lead", PASSWORD)  # the interviewer's cookies for 127.0.0.1
        page.goto(asgi_server + f"/live/{session.pk}/")
        expect(page.locator("[data-connection]")).to_have_text("Live")  # their own page works
        assert NOTE in page.content()
        page.goto(site + "/steal.html")
        # Refused: the socket closes. Accepted (the old check), the room state arrives instead.
        wait_until(page, "window.socketClosed !== null || window.got.length >= 3")
        got = page.evaluate("window.got")
        assert not any(NOTE in frame for frame in got), "the private note left the site"
        assert got == []
    finally:
        context.close()
