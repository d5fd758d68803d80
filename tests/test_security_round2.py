"""Hardening, round two (issue 13): every finding of the outside probe, replayed as a user would.

Real HTTP through Django's test client (or uvicorn where the server matters), real websockets
through the ASGI stack on the Redis channel layer, the local OpenAI-protocol server for the LLM.
Work that used to be unbounded is checked by counting the work done, not by timing it; the
timings are in bench/preview_and_compare.py.
"""

from __future__ import annotations

import difflib
import json
import random

import pytest
from django.urls import reverse

from interviews.models import StageResponse
from rubric.models import Grade, Rubric
from rubric.stages import STAGES
from tests.factories import make_attempt
from tests.live_helpers import run_scenario

MAX_CHARS = 20_000


class TooMuchWork(Exception):
    pass


# --- 1. CPU exhaustion: markdown preview and compare -------------------------------------------


@pytest.fixture
def link_scans(monkeypatch):
    """Count the characters Python-Markdown's link and image patterns scan; stop past a limit.

    These scans are where the bracket flood spent its 40 s: each `[` scans forward to its `]`
    (and after `](` to its `)`), so the count is the work, whatever the machine's speed.
    """
    from markdown.inlinepatterns import LinkInlineProcessor

    from interviews.markdown import LINK_SCAN_BUDGET

    counted = {"chars": 0}
    get_text, get_link = LinkInlineProcessor.getText, LinkInlineProcessor.getLink

    def count(start: int, end: int) -> None:
        counted["chars"] += max(0, end - start)
        if counted["chars"] > LINK_SCAN_BUDGET:
            raise TooMuchWork(f"markdown scanned more than {LINK_SCAN_BUDGET:,} characters")

    def counting_get_text(self, data, index):
        result = get_text(self, data, index)
        count(index, result[1])
        return result

    def counting_get_link(self, data, index):
        result = get_link(self, data, index)
        count(index, result[2])
        return result

    monkeypatch.setattr(LinkInlineProcessor, "getText", counting_get_text)
    monkeypatch.setattr(LinkInlineProcessor, "getLink", counting_get_link)
    return counted


@pytest.mark.parametrize(
    "attack",
    [
        "[" * 10000 + "](" * 5000,  # the probe's payload
        "[a" * 10000,
        "![" * 10000,
        "[a](" * 5000,
        "\\[" * 6000 + "[a" * 4000,  # escaped brackets must not turn back into live ones
        ("[x" * 200 + "\n\n") * 48,  # many paragraphs, each under any per-paragraph cap
    ],
    ids=["probe", "open", "images", "unclosed-targets", "escaped", "many-paragraphs"],
)
def test_a_maximal_bracket_flood_in_the_preview_is_bounded_work(
    candidate_client, link_scans, attack
):
    text = attack[:MAX_CHARS]
    response = candidate_client.post(reverse("markdown_preview"), {"text": text})
    assert response.status_code == 200
    assert "[" in response.content.decode(), "the brackets are still shown, as typed"


def test_ordinary_links_still_render_within_the_bound(candidate_client, link_scans):
    text = "\n\n".join(
        f"See [the design doc {i}](https://example.com/{i}) first." for i in range(300)
    )
    response = candidate_client.post(reverse("markdown_preview"), {"text": text[:MAX_CHARS]})
    html = response.content.decode()
    assert html.count('href="https://example.com/') > 250
    assert link_scans["chars"] > 0


def test_only_the_costly_paragraph_falls_back_to_plain_text(candidate_client, link_scans):
    text = "**Goal**: see [the doc](https://example.com/doc).\n\n" + "[<b>x</b>" * 2000
    html = candidate_client.post(reverse("markdown_preview"), {"text": text}).content.decode()
    assert "<strong>Goal</strong>" in html and 'href="https://example.com/doc"' in html
    assert "[&lt;b&gt;x&lt;/b&gt;[" in html, "the flood is shown as typed, escaped"
    assert "<b>" not in html


@pytest.fixture
def block_tests(monkeypatch):
    """Count the characters Python-Markdown's block patterns are tried on; stop past a limit.

    Each pass of `BlockParser.parseBlocks` tries the block patterns on the first block left; a
    heading or a rule splits that block and the rest is tried again from the top, so the count
    is the work, whatever the machine's speed. Nested lists and quotes parse blocks again inside.
    """
    from markdown.blockparser import BlockParser

    from interviews.markdown import BLOCK_SPLIT_BUDGET

    counted = {"chars": 0, "depth": 0, "deepest": 0}

    def counting_parse_blocks(self, parent, blocks):
        counted["depth"] += 1
        counted["deepest"] = max(counted["deepest"], counted["depth"])
        try:
            while blocks:  # BlockParser.parseBlocks, counting each pass
                counted["chars"] += len(blocks[0])
                if counted["chars"] > BLOCK_SPLIT_BUDGET:
                    raise TooMuchWork(f"block patterns tried on over {BLOCK_SPLIT_BUDGET:,} chars")
                for processor in self.blockprocessors:
                    if (
                        processor.test(parent, blocks[0])
                        and processor.run(parent, blocks) is not False
                    ):
                        break
        finally:
            counted["depth"] -= 1

    monkeypatch.setattr(BlockParser, "parseBlocks", counting_parse_blocks)
    return counted


@pytest.mark.parametrize(
    ("attack", "shown"),
    [
        ("a\n=\n" * 5000, "a<br>\n=<br>"),  # setext headings, one after another
        ("a\n-\n" * 5000, "a<br>\n-<br>"),
        ("#a\n" * 6666, "#a<br>"),
        ("***\n" * 5000, "***<br>"),  # rules
        ("> #a\n" * 4000, "&gt; #a<br>"),  # the same inside a quote
    ],
    ids=["setext", "setext-dash", "hashes", "rules", "quoted-hashes"],
)
def test_a_paragraph_of_headings_or_rules_in_the_preview_is_bounded_work(
    candidate_client, block_tests, attack, shown
):
    response = candidate_client.post(reverse("markdown_preview"), {"text": attack[:MAX_CHARS]})
    assert response.status_code == 200
    assert shown in response.content.decode(), "the paragraph is shown as typed"


@pytest.mark.parametrize(
    "attack",
    ["1. " * 6666, "+ " * 10000, "* 1. " * 4000, "> - " * 5000, ">" * MAX_CHARS],
    ids=["numbered", "plus", "mixed", "quoted-list", "quotes"],
)
def test_lists_and_quotes_nested_thousands_deep_are_not_a_500(
    candidate_client, block_tests, attack
):
    """Each marker at the start of a line opens one more level: the stack gave out (a 500)."""
    response = candidate_client.post(reverse("markdown_preview"), {"text": attack[:MAX_CHARS]})
    assert response.status_code == 200
    assert attack[:3].replace(">", "&gt;") in response.content.decode()
    assert block_tests["deepest"] < 50


def test_ordinary_headings_and_nested_lists_still_render(candidate_client, block_tests):
    from interviews.markdown import MAX_NESTING

    sections = "".join(f"## Part {n}\nSome text about part {n}.\n***\n" for n in range(60))
    nested = "".join("    " * depth + "1. level\n" for depth in range(6))
    one_line = "- " * MAX_NESTING + "deepest allowed"
    text = sections + "\n" + nested + "\n" + one_line
    html = candidate_client.post(reverse("markdown_preview"), {"text": text}).content.decode()
    assert html.count("<h2>") == 60 and html.count("<hr>") == 60
    assert html.count("<ol>") == 6
    assert html.count("<ul>") == MAX_NESTING and "deepest allowed" in html


def _random_words(seed: int) -> str:
    rng = random.Random(seed)
    words = ["a", "to", "of", "ml", "ab", "id", "go", "on", "up", "we", "it", "is"]
    return " ".join(rng.choice(words) for _ in range(MAX_CHARS))[:MAX_CHARS]


@pytest.fixture
def diff_cells(monkeypatch):
    """Count the cells (len(a) x len(b)) of every difflib comparison; stop past the budget."""
    from interviews.compare import DIFF_CELL_BUDGET

    counted = {"cells": 0, "matchers": 0}
    real = difflib.SequenceMatcher

    class CountingMatcher(real):
        def set_seqs(self, a, b):
            counted["cells"] += len(a) * len(b)
            counted["matchers"] += 1
            if counted["cells"] > DIFF_CELL_BUDGET:
                raise TooMuchWork(f"the compare diffed more than {DIFF_CELL_BUDGET:,} cells")
            super().set_seqs(a, b)

    monkeypatch.setattr(difflib, "SequenceMatcher", CountingMatcher)
    return counted


def test_a_long_many_line_rewrite_falls_back_to_lines_then_words(diff_cells):
    from interviews.compare import text_diff

    rng = random.Random(3)
    lines = [
        " ".join(rng.choice(["data", "model", "label", "serve"]) for _ in range(25))
        for _ in range(300)
    ]
    edited = [line + " CHANGED" if n % 10 == 5 else line for n, line in enumerate(lines)]
    runs = text_diff("\n".join(lines), "\n".join(edited))
    assert [text for op, text in runs if op == "insert"] == [" CHANGED"] * 30
    assert not [text for op, text in runs if op == "delete"]
    assert diff_cells["matchers"] > 1, "line by line, then word by word inside the changed lines"


def _text_diffs(page: str) -> list[str]:
    marker = '<div class="answer-highlight text-diff">'
    return [chunk.split("</div>", 1)[0] for chunk in page.split(marker)[1:]]


def _graded(user, question, texts: dict[str, str]):
    attempt = make_attempt(user, question)
    for stage, text in texts.items():
        StageResponse.objects.filter(attempt=attempt, stage=stage).update(text=text)
    Grade.objects.create(
        attempt=attempt,
        rubric=Rubric.objects.get(is_current=True),
        status=Grade.Status.DONE,
        score=50,
        band="lean hire",
    )
    return attempt


def test_comparing_two_maximal_attempts_is_bounded_work(
    candidate_client, candidate, ad_question, diff_cells
):
    first = _graded(candidate, ad_question, {s: _random_words(i) for i, s in enumerate(STAGES)})
    second = _graded(
        candidate, ad_question, {s: _random_words(50 + i) for i, s in enumerate(STAGES)}
    )
    response = candidate_client.get(reverse("attempt_compare") + f"?a={first.pk}&b={second.pk}")
    assert response.status_code == 200
    diffs = _text_diffs(response.content.decode())
    assert len(diffs) == len(STAGES)
    assert all("<del>" in d and "<ins>" in d for d in diffs), "the changes are still shown"


def test_a_small_edit_of_a_long_answer_is_still_a_word_diff(
    candidate_client, candidate, ad_question, diff_cells
):
    long = _random_words(7)
    cut = long.index(" ", 9000)
    edited = long[:cut] + " SHARDED-FEATURE-STORE" + long[cut:]
    first = _graded(candidate, ad_question, {"goals": long})
    second = _graded(candidate, ad_question, {"goals": edited})
    response = candidate_client.get(reverse("attempt_compare") + f"?a={first.pk}&b={second.pk}")
    [diff] = _text_diffs(response.content.decode())
    assert diff.count("<ins>") == 1 and "<del>" not in diff, "only the inserted words are marked"
    assert diff.split("<ins>")[1].split("</ins>")[0].strip() == "SHARDED-FEATURE-STORE"
    assert diff_cells["cells"] == 0, "a common start and end cost no diffing at all"


# --- 2. live sockets stay up on the Redis channel layer ----------------------------------------


run = run_scenario


@pytest.fixture
def room(transactional_db, interviewer, candidate, ad_question):
    from tests.live_helpers import seated_session

    return seated_session(interviewer, candidate, ad_question)


async def _both(room, interviewer, candidate):
    from tests.live_helpers import open_socket

    ok, lead = await open_socket(room.pk, interviewer)
    assert ok
    ok, seat = await open_socket(room.pk, candidate)
    assert ok
    await lead.next_json("state")
    await seat.next_json("state")
    return lead, seat


def test_an_idle_socket_outlives_the_redis_read_timeout_and_still_gets_events(
    room, interviewer, candidate
):
    """The probe's sockets died every ~5 s: redis-py's 5 s socket timeout against the channel
    layer's 5 s blocking read. Idle for 12 s (two of those reads and more), then an event."""
    import asyncio

    from asgiref.sync import sync_to_async
    from django.conf import settings
    from django.test import Client

    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    client = Client()
    client.force_login(candidate)

    async def scenario():
        lead, seat = await _both(room, interviewer, candidate)
        await lead.drain()
        await asyncio.sleep(12)
        response = await sync_to_async(client.post)(
            f"/live/{room.pk}/answer/stages/goals/",
            json.dumps({"text": "still here", "version": 0}),
            content_type="application/json",
        )
        assert response.status_code == 200
        assert (await lead.next_json("text", timeout=5))["text"] == "still here"
        await lead.send({"type": "clock", "running": True})
        assert (await seat.next_json("session", timeout=5))["clock"]["running"] is True
        await lead.close()
        await seat.close()

    run(scenario)


def test_a_candidate_who_reconnects_during_the_end_still_hears_that_it_is_ending(
    room, interviewer, candidate, settings
):
    """The "ending" event went out while the candidate's socket was reconnecting: the resync
    must carry it, or the last edits are never saved before the interview ends."""
    from tests.live_helpers import open_socket

    settings.LIVE_END_GRACE_SECONDS = 30

    async def scenario():
        lead, seat = await _both(room, interviewer, candidate)
        await seat.close()  # the candidate's connection drops
        await lead.send({"type": "end"})
        await lead.drain()
        ok, seat = await open_socket(room.pk, candidate)
        assert ok
        state = await seat.next_json("state")
        assert state["ending"] is True and state["state"] != "ended"
        await seat.send({"type": "saved_for_end"})
        assert (await lead.next_json("session", timeout=5))["state"] == "ended"
        await lead.close()
        await seat.close()

    run(scenario)


# --- 3, 4. login throttles: every login form, behind a proxy, with Redis down ------------------

RIGHT = "a-long-test-password-42"


@pytest.fixture
def staff(db):
    from tests.factories import make_user

    user = make_user("staffer")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/"])
def test_every_login_form_pauses_after_repeated_failures(client, staff, settings, url):
    settings.LOGIN_FAILURES_PER_USER = 5
    for _ in range(12):
        client.post(url, {"username": "staffer", "password": "wrong"})
    response = client.post(url, {"username": "staffer", "password": RIGHT})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session, "even the right password waits out the pause"


def test_failures_on_one_login_form_count_on_the_other(client, staff, settings):
    settings.LOGIN_FAILURES_PER_USER = 5
    for _ in range(5):
        client.post("/accounts/login/", {"username": "staffer", "password": "wrong"})
    assert (
        client.post("/admin/login/", {"username": "staffer", "password": RIGHT}).status_code == 429
    )


def test_the_throttle_holds_while_redis_is_down(client, staff, settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert caches["default"].get("anything") is None  # the outage is live, and forgiving
    settings.LOGIN_FAILURES_PER_USER = 5
    for url in ("/accounts/login/", "/admin/login/"):
        for _ in range(5):
            client.post(url, {"username": "staffer", "password": "wrong"})
        assert client.post(url, {"username": "staffer", "password": RIGHT}).status_code == 429
        assert "_auth_user_id" not in client.session


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(client, db, settings):
    settings.LOGIN_FAILURES_PER_IP = 20
    settings.TRUSTED_PROXIES = []
    statuses = [
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(40)
    ]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}


def test_behind_a_trusted_proxy_the_address_it_saw_is_throttled_not_the_forged_ones(
    client, db, settings
):
    settings.LOGIN_FAILURES_PER_IP = 20
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    statuses = [
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",  # the proxy; it appends the peer it saw
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7",
        ).status_code
        for n in range(21)
    ]
    assert statuses[-1] == 429, "the client rotated the part of the header it controls"
    # Other clients behind the same proxy are not paused with it.
    other = client.post(
        "/accounts/login/",
        {"username": "someone", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 200


@pytest.fixture
def compose_web(transactional_db, tmp_path):
    """The web service as docker/compose.yaml runs it (its uvicorn flags), on the test database.

    FORWARDED_ALLOW_IPS=* as the old .env.example recommended: the command must not let uvicorn
    rewrite the client address from X-Forwarded-For whatever that variable says."""
    import yaml

    from tests.conftest import ROOT, serve

    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    command = list(compose["services"]["web"]["command"])
    assert command[0] == "uvicorn"
    args, skip = [], False
    for arg in command[1:]:
        if skip:
            skip = False
        elif arg in ("--host", "--port"):
            skip = True  # serve() picks a loopback port
        else:
            args.append(arg)
    env = {"ALLOWED_HOSTS": "127.0.0.1", "LOGIN_FAILURES_PER_IP": "5", "FORWARDED_ALLOW_IPS": "*"}
    with serve(args, env, tmp_path / "web.log") as base:
        yield base


def test_rotating_x_forwarded_for_does_not_escape_the_address_limit_on_the_served_app(
    compose_web,
):
    import httpx

    with httpx.Client(base_url=compose_web, timeout=30) as http:
        http.get("/accounts/login/")
        token = http.cookies["csrftoken"]
        statuses = []
        for n in range(8):
            response = http.post(
                "/accounts/login/",
                data={"username": f"guess{n}", "password": "wrong", "csrfmiddlewaretoken": token},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            )
            statuses.append(response.status_code)
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}


def test_a_malformed_trusted_proxy_stops_start_up_with_its_name():
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TRUSTED_PROXIES": "10.0.0.0/8,proxy.lan"},
    )
    assert result.returncode != 0 and "TRUSTED_PROXIES: 'proxy.lan'" in result.stderr


# --- 5. the LLM daily budget holds under concurrency -------------------------------------------


@pytest.fixture
def fake_llm(settings):
    from tests.llm_server import FakeOpenAI, verdicts_for

    server = FakeOpenAI().start()
    server.answer = lambda request: verdicts_for(request)
    settings.OPENAI_API_KEY = "test-key"
    settings.LLM_ENABLED = True
    settings.LLM_BASE_URL = server.base_url
    settings.LLM_MODEL = "fake-model"
    settings.LLM_TIMEOUT_SECONDS = 5
    yield server
    server.stop()


@pytest.fixture
def tasks_in_request():
    """Run the feedback task inside the request that queued it (no worker needed): each
    accepted request then makes its paid model call at once, as a worker would."""
    from config.celery_app import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def _graded_for_feedback(user, question, n: int) -> Grade:
    from interviews.services import attempt_submit
    from rubric.services import grade_run
    from tests.answers import STRONG_AD_ANSWER

    texts = {stage: f"{text} Variant {n}." for stage, text in STRONG_AD_ANSWER.items()}
    grade = attempt_submit(attempt=make_attempt(user, question, texts))
    grade_run(grade_id=grade.pk)
    grade.refresh_from_db()
    assert grade.status == Grade.Status.DONE
    return grade


@pytest.mark.django_db(transaction=True)
def test_parallel_feedback_requests_cannot_overrun_the_daily_budget(
    candidate, ad_question, bank, fake_llm, tasks_in_request, settings
):
    import threading

    from django.db import connection
    from django.test import Client

    from rubric.feedback import feedback_request
    from rubric.models import LLMFeedback

    settings.LLM_DAILY_LIMIT_PER_USER = 10
    grades = [_graded_for_feedback(candidate, ad_question, n) for n in range(14)]
    feedback_request(grade=grades[0], user=candidate)  # one used earlier today
    assert len(fake_llm.requests) == 1
    start = threading.Barrier(13)
    answers: list[str] = []

    def ask(grade: Grade, client: Client) -> None:
        try:
            start.wait(timeout=30)
            url = reverse("attempt_feedback", args=[grade.attempt_id])
            answers.append(client.post(url, headers={"HX-Request": "true"}).content.decode())
        finally:
            connection.close()

    clients = [Client() for _ in grades[1:]]
    for client in clients:
        client.force_login(candidate)
    threads = [
        threading.Thread(target=ask, args=(grade, client))
        for grade, client in zip(grades[1:], clients, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == 13
    refused = sum("10 feedback requests. Try again tomorrow" in answer for answer in answers)
    assert refused == 4
    assert len(fake_llm.requests) == 10, "paid model calls: the one earlier and nine more"
    assert LLMFeedback.objects.filter(requested_by=candidate).count() == 10


@pytest.mark.django_db(transaction=True)
def test_an_answer_from_the_cache_gives_its_request_back(
    candidate, ad_question, bank, fake_llm, tasks_in_request, settings
):
    from rubric.feedback import FeedbackRefused, feedback_request

    settings.LLM_DAILY_LIMIT_PER_USER = 2
    first = _graded_for_feedback(candidate, ad_question, 1)
    twin = _graded_for_feedback(candidate, ad_question, 1)  # the same answer: served from cache
    other = _graded_for_feedback(candidate, ad_question, 2)
    third = _graded_for_feedback(candidate, ad_question, 3)
    for grade in (first, twin, other):
        feedback_request(grade=grade, user=candidate)
    assert len(fake_llm.requests) == 2, "the twin cost no model call, and no budget"
    with pytest.raises(FeedbackRefused, match="today's 2 feedback requests"):
        feedback_request(grade=third, user=candidate)


# --- 6. the websocket origin check compares scheme, host and port ------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost", True),
        ("http://localhost:80", True),
        ("http://localhost:9999", False),  # another port of the same host: the probe's page
        ("https://localhost", False),
        ("http://evil.example", False),
        ("null", False),
    ],
)
def test_a_socket_opens_only_from_a_page_of_this_very_origin(
    interviewer, candidate, ad_question, origin, allowed
):
    from tests.live_helpers import open_socket, seated_session

    room = seated_session(interviewer, candidate, ad_question)

    async def scenario():
        ok, sock = await open_socket(room.pk, interviewer, origin=origin)
        if ok:
            await sock.next_json("state")
            await sock.close()
        return ok

    assert run(scenario) is allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://app.example.com", True),
        ("https://app.example.com:443", True),
        ("https://app.example.com:9999", False),  # another port under the wildcard
        ("http://app.example.com", False),
        ("https://example.org", False),
        ("https://dev.example.net:8443", True),
        ("https://dev.example.net", False),
    ],
)
def test_a_wildcard_trusted_origin_compares_the_port_too(settings, origin, allowed):
    from config.websocket_origin import same_origin

    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.com", "https://*.example.net:8443"]
    scope = {"type": "websocket", "headers": [(b"origin", origin.encode()), (b"host", b"internal")]}
    assert same_origin(scope) is allowed


@pytest.mark.django_db(transaction=True)
def test_a_socket_without_an_origin_is_refused(interviewer, candidate, ad_question):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.live_helpers import seated_session, session_cookie

    room = seated_session(interviewer, candidate, ad_question)
    cookie = session_cookie(interviewer)

    async def scenario():
        headers = [(b"host", b"localhost"), (b"cookie", f"sessionid={cookie}".encode())]
        communicator = WebsocketCommunicator(application, f"/ws/live/{room.pk}/", headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        return connected

    assert run(scenario) is False


@pytest.mark.django_db(transaction=True)
def test_behind_a_tls_proxy_the_https_origin_is_accepted(
    interviewer, candidate, ad_question, settings
):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.live_helpers import seated_session, session_cookie

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    room = seated_session(interviewer, candidate, ad_question)
    cookie = session_cookie(interviewer)

    async def connect(origin: str, proto: bytes) -> bool:
        headers = [(b"host", b"localhost"), (b"origin", origin.encode()),
                   (b"x-forwarded-proto", proto), (b"cookie", f"sessionid={cookie}".encode())]  # fmt: skip
        communicator = WebsocketCommunicator(application, f"/ws/live/{room.pk}/", headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        if connected:
            await communicator.disconnect()
        return connected

    async def scenario():
        return await connect("https://localhost", b"https"), await connect(
            "http://localhost", b"https"
        )

    assert run(scenario) == (True, False)


# --- 7, 12. crafted inputs get a clear 4xx; unknown board fields are not stored ----------------


@pytest.fixture
def lobby(interviewer, ad_question):
    from tests.live_helpers import seated_session

    return seated_session(interviewer, None, ad_question)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_nul_in_an_invite_token_is_a_clean_404(client, candidate, lobby, method):
    client.force_login(candidate)
    client.raise_request_exception = False
    response = getattr(client, method)(f"/live/join/{lobby.invite_token[:10]}%00x/")
    assert response.status_code == 404


def test_a_nul_in_the_live_question_field_is_a_clean_400(client, interviewer, bank):
    from live.models import LiveSession

    client.force_login(interviewer)
    client.raise_request_exception = False
    response = client.post("/live/new/", {"question": "ad-click\x00-prediction"})
    assert response.status_code == 400
    assert "Pick a question for the interview." in response.content.decode()
    assert not LiveSession.objects.exists()


@pytest.fixture
def attempt(candidate, ad_question):
    return make_attempt(candidate, ad_question)


def _post_json(client, url: str, raw: str):
    client.raise_request_exception = False
    return client.post(url, data=raw, content_type="application/json")


@pytest.mark.parametrize(
    "number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"], ids=lambda n: n.strip("-")
)
@pytest.mark.parametrize(
    "field", ["x", "opacity", "strokeWidth", "updated", "fontSize", "unknownField"]
)
def test_nan_or_infinity_in_any_numeric_board_field_is_a_400(
    candidate_client, attempt, field, number
):
    from interviews.models import Whiteboard

    raw = (
        '{"scene": {"elements": [{"id": "a", "type": "rectangle", "x": 1, "y": 2, "width": 3,'
        f' "height": 4, "version": 1, "{field}": {number}}}]}}, "version": 0}}'
    )
    response = _post_json(candidate_client, reverse("whiteboard_save", args=[attempt.pk]), raw)
    assert response.status_code == 400
    assert "finite" in response.json()["error"]
    assert Whiteboard.objects.get(attempt=attempt).version == 0


def test_nan_deep_inside_a_board_element_is_a_400_even_past_the_parser():
    """Answer files and other callers hand clean_scene Python floats: it checks every number."""
    from rubric.scene import SceneError, clean_scene

    element = {
        "id": "a",
        "type": "arrow",
        "startBinding": {"elementId": "b", "focus": float("nan")},
    }
    with pytest.raises(SceneError, match="finite"):
        clean_scene({"elements": [element]})
    element = {"id": "a", "type": "rectangle", "customData": {"deep": [[{"v": float("inf")}]]}}
    with pytest.raises(SceneError, match=r"elements\[0\]\.customData\.deep\[0\]\[0\]\.v"):
        clean_scene({"elements": [element]})


def test_unknown_board_element_fields_are_dropped_not_stored(candidate_client, attempt):
    from interviews.models import Whiteboard

    element = {
        "id": "fs", "type": "rectangle", "x": 10, "y": 20, "width": 160, "height": 60,
        "version": 3, "strokeColor": "#1e1e1e", "roundness": {"type": 3, "sneaky": "x"},
        "boundElements": [{"id": "fs-label", "type": "text", "payload": "y" * 1000}],
        "customData": {"chalktalkComponent": "feature-store", "group": "data", "blob": "z" * 1000},
        "exfiltrate": "w" * 100_000, "__proto__": {"polluted": True},
    }  # fmt: skip
    scene = {"elements": [element], "appState": {}}
    response = candidate_client.post(
        reverse("whiteboard_save", args=[attempt.pk]),
        data=json.dumps({"scene": scene, "version": 0}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    [stored] = Whiteboard.objects.get(attempt=attempt).scene["elements"]
    assert stored == {
        "id": "fs", "type": "rectangle", "x": 10, "y": 20, "width": 160, "height": 60,
        "version": 3, "strokeColor": "#1e1e1e", "roundness": {"type": 3},
        "boundElements": [{"id": "fs-label", "type": "text"}],
        "customData": {"chalktalkComponent": "feature-store", "group": "data"},
    }  # fmt: skip


def test_every_field_excalidraw_saves_survives_the_cleaning():
    """The browser-saved fixtures (tests/data/scenes) go through unchanged."""
    from rubric.scene import clean_scene
    from tests.conftest import ROOT

    for path in sorted((ROOT / "tests" / "data" / "scenes").glob("*.json")):
        raw = json.loads(path.read_text())
        scene = raw.get("scene", raw)
        cleaned = clean_scene(scene)
        assert cleaned["elements"] == scene["elements"], path.name


@pytest.mark.parametrize(
    ("url_name", "body"),
    [
        ("stage_save", '{"text": "x", "version": 1%s}'),
        ("stage_time", '{"stage": "goals", "seconds": 1%s}'),
        ("whiteboard_save", '{"scene": {"elements": []}, "version": 1%s}'),
    ],
)
def test_a_number_thousands_of_digits_long_gets_a_plain_message(
    candidate_client, attempt, url_name, body
):
    args = [attempt.pk, "goals"] if url_name == "stage_save" else [attempt.pk]
    response = _post_json(candidate_client, reverse(url_name, args=args), body % ("0" * 5000))
    assert response.status_code == 400
    message = response.json()["error"]
    assert message == "A number in the request is too long (over 20 digits)."
    assert "sys.set_int_max_str_digits" not in message and "4300" not in message


def test_a_socket_message_with_nan_or_a_huge_number_gets_a_plain_error_frame(
    room, interviewer, candidate
):
    async def scenario():
        lead, seat = await _both(room, interviewer, candidate)
        await lead.send('{"type": "scorecard", "criterion": "x", "level": NaN}')
        assert "finite" in (await lead.next_json("error"))["message"]
        await lead.send('{"type": "hint", "stage": "goals", "index": 1%s}' % ("0" * 5000))
        error = await lead.next_json("error")
        assert error["message"] == "A number in the request is too long (over 20 digits)."
        await lead.send({"type": "stage", "stage": "data"})  # the connection is still up
        assert (await lead.next_json("session"))["stage"] == "data"
        await lead.close()
        await seat.close()

    run(scenario)


def test_the_grade_cli_names_an_over_long_number_plainly():
    from rubric.bank_files import load_bank
    from rubric.management.commands.grade import grade_line

    line = '{"id": "a", "question": "ad-click-prediction", "n": 1%s}' % ("0" * 5000)
    assert grade_line(load_bank(), line, 3) == {
        "id": None,
        "error": "line 3: a number on this line is too long",
    }


# --- 8. logging out closes the live sockets ----------------------------------------------------


def test_logging_out_closes_the_socket_and_a_note_sent_after_is_not_stored(
    room, interviewer, candidate
):
    from asgiref.sync import sync_to_async
    from django.test import Client

    from live.models import InterviewerNote
    from tests.live_helpers import ConnectionClosed, open_socket

    browser = Client()
    browser.force_login(interviewer)
    cookie = browser.cookies["sessionid"].value

    async def scenario():
        ok, lead = await open_socket(room.pk, cookie=cookie)
        assert ok
        await lead.next_json("state")
        await lead.drain()
        response = await sync_to_async(browser.post)("/accounts/logout/")
        assert response.status_code == 302
        await lead.send({"type": "note", "text": "written after logging out"})
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await lead.receive(timeout=5)
        assert closed.value.args[0] == 4401
        # A new socket with the old cookie is refused.
        assert await open_socket(room.pk, cookie=cookie) == (False, 4403)

    run(scenario)
    assert not InterviewerNote.objects.filter(session=room).exists()


def test_logging_out_closes_an_idle_socket_at_once(room, interviewer, candidate):
    """Without waiting for the socket to send anything: the logout itself closes it."""
    from asgiref.sync import sync_to_async
    from django.test import Client

    from tests.live_helpers import ConnectionClosed, open_socket

    browser = Client()
    browser.force_login(candidate)
    cookie = browser.cookies["sessionid"].value

    async def scenario():
        ok, seat = await open_socket(room.pk, cookie=cookie)
        assert ok
        await seat.next_json("state")
        await sync_to_async(browser.post)("/accounts/logout/")
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await seat.receive(timeout=5)
        assert closed.value.args[0] == 4401

    run(scenario)


def test_logging_out_elsewhere_leaves_this_browsers_socket_alone(room, interviewer, candidate):
    from asgiref.sync import sync_to_async
    from django.test import Client

    from tests.live_helpers import open_socket

    here, elsewhere = Client(), Client()
    here.force_login(interviewer)
    elsewhere.force_login(interviewer)

    async def scenario():
        ok, lead = await open_socket(room.pk, cookie=here.cookies["sessionid"].value)
        assert ok
        await lead.next_json("state")
        await sync_to_async(elsewhere.post)("/accounts/logout/")
        await lead.send({"type": "stage", "stage": "data"})
        assert (await lead.next_json("session"))["stage"] == "data"
        await lead.close()

    run(scenario)


# --- 12. the socket rate limit is per person and survives reconnects ---------------------------


def test_reconnecting_does_not_reset_the_socket_rate_limit(room, interviewer, candidate, settings):
    from tests.live_helpers import open_socket

    settings.LIVE_RATE_PER_SECOND = 0.1  # a window of 50 s, far longer than this test
    settings.LIVE_RATE_BURST = 5

    async def scenario():
        codes = []
        for _ in range(3):  # the probe: flood, drop the connection, come back, flood again
            ok, lead = await open_socket(room.pk, interviewer)
            assert ok
            await lead.next_json("state")
            for _ in range(4):
                await lead.send({"type": "clock", "running": False})
            await lead.drain()
            codes += [json.loads(f)["code"] for f in lead.frames if f.startswith('{"type":"error"')]
            await lead.close()
        return codes

    codes = run(scenario)
    assert codes.count("rate_limited") == 12 - 5, codes
    # The other person in the room has a budget of their own.

    async def other():
        ok, seat = await open_socket(room.pk, candidate)
        assert ok
        await seat.next_json("state")
        await seat.send({"type": "resync"})
        assert (await seat.next_json("state"))["type"] == "state"
        await seat.close()

    run(other)


# --- 9. a used invite stays taken --------------------------------------------------------------


def test_a_seat_stays_taken_after_the_seated_candidate_deletes_their_account(
    client, interviewer, candidate, ad_question
):
    from live.models import LiveSession, ScorecardEntry
    from tests.factories import make_user
    from tests.live_helpers import seated_session

    session = seated_session(interviewer, candidate, ad_question)
    ScorecardEntry.objects.create(session=session, criterion_key="k", level=1, comment="about them")
    client.force_login(candidate)
    assert client.post("/accounts/delete/", {"password": RIGHT}).status_code == 302
    session.refresh_from_db()
    assert session.candidate_id is None, "their account and answer are gone"

    stranger = make_user("stranger")
    client.force_login(stranger)
    url = f"/live/join/{session.invite_token}/"
    page = client.get(url)
    assert page.status_code == 403
    assert "already joined" in page.content.decode()
    assert client.post(url).status_code == 403
    session.refresh_from_db()
    assert session.candidate_id is None and session.attempt_id is None
    assert LiveSession.objects.get(pk=session.pk).role_of(stranger) is None
    # The interviewer's room says so, instead of offering the invite link again.
    client.force_login(interviewer)
    room_page = client.get(f"/live/{session.pk}/").content.decode()
    assert 'id="invite-url"' not in room_page
    assert "The candidate left" in room_page


# --- 12. look-alike usernames, the export's caching --------------------------------------------


def _sign_up(client, username: str):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": "", "password1": RIGHT, "password2": RIGHT},
    )


@pytest.mark.parametrize(
    "look_alike",
    [
        "\u0441\u0430ndidate",  # Cyrillic с and а
        "candid\u0430te",  # one Cyrillic а
        "C\u0430NDIDATE",  # case and a Cyrillic capital-looking а
        "\u0441andidat\u0435",  # Cyrillic с and е
        "c\u0391ndidate",  # Greek capital Α
        "\uff43\uff41\uff4e\uff44\uff49\uff44\uff41\uff54\uff45",  # fullwidth (NFKC)
        "Candidate",
    ],
    ids=["cyrillic-2", "cyrillic-1", "mixed-case", "cyrillic-ce", "greek", "fullwidth", "case"],
)
def test_a_username_that_looks_like_an_existing_one_is_refused(client, candidate, look_alike):
    from django.contrib.auth.models import User

    response = _sign_up(client, look_alike)
    assert response.status_code == 200
    page = response.content.decode()
    # Case and compatibility forms Django already folds; the look-alike letters are ours.
    assert "too much like an existing username" in page or "already exists" in page
    assert User.objects.count() == 1


def test_distinct_usernames_are_still_welcome(client, candidate):
    from django.contrib.auth.models import User

    for username in ("candidate2", "candidates", "\u0431\u043e\u0440\u0438\u0441"):  # борис
        client.logout()
        assert _sign_up(client, username).status_code == 302, username
    assert User.objects.count() == 4


def test_the_data_export_is_never_cached(candidate_client):
    response = candidate_client.get("/accounts/export.json")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# --- rate limits where the work is user-triggered ----------------------------------------------


def test_previews_are_rate_limited_per_person(candidate_client, other_candidate, settings):
    from django.test import Client

    settings.PREVIEWS_PER_MINUTE = 5
    url = reverse("markdown_preview")
    statuses = [candidate_client.post(url, {"text": "**hi**"}).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    htmx = candidate_client.post(url, {"text": "**hi**"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "previews in a minute" in htmx.content.decode()
    other = Client()
    other.force_login(other_candidate)
    assert other.post(url, {"text": "**hi**"}).status_code == 200, "a budget per person"


def test_compares_are_rate_limited_per_person(candidate_client, candidate, ad_question, settings):
    settings.COMPARES_PER_MINUTE = 3
    first = _graded(candidate, ad_question, {"goals": "one"})
    second = _graded(candidate, ad_question, {"goals": "two"})
    url = reverse("attempt_compare") + f"?a={first.pk}&b={second.pk}"
    statuses = [candidate_client.get(url).status_code for _ in range(5)]
    assert statuses == [200] * 3 + [429] * 2
