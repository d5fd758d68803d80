"""Live interview pages: creating a session, the one-person invite, the rooms and the review."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from interviews.models import Attempt, StageResponse
from live import services
from live.models import InterviewerNote, LiveSession, ScorecardEntry
from rubric.models import Grade
from rubric.services import grade_run
from tests.factories import PASSWORD, make_user
from tests.live_helpers import seated_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def lobby(interviewer, ad_question):
    return seated_session(interviewer, None, ad_question)


@pytest.fixture
def room(interviewer, candidate, ad_question):
    return seated_session(interviewer, candidate, ad_question)


def test_an_interviewer_creates_a_session_and_sees_the_invite(client, interviewer, bank):
    client.force_login(interviewer)
    response = client.post("/live/new/", {"question": "ad-click-prediction"})
    session = LiveSession.objects.get()
    assert response.url == f"/live/{session.pk}/"
    page = client.get(response.url).content.decode()
    assert f"/live/join/{session.invite_token}/" in page
    assert "Waiting for the candidate to join" in page and "Start the clock" in page
    assert len(session.invite_token) >= 32


def test_creating_needs_a_real_question_you_may_use(client, interviewer, other_candidate, bank):
    from interviews.services import question_create_custom

    theirs = question_create_custom(
        owner=other_candidate, title="Theirs", prompt="Their own question"
    )
    client.force_login(interviewer)
    for slug in ["", "no-such-question", theirs.slug]:
        response = client.post("/live/new/", {"question": slug}, follow=True)
        assert "Pick a question for the interview." in response.content.decode()
    assert not LiveSession.objects.exists()
    assert client.get("/live/").status_code == 200


def test_the_invite_sends_a_logged_out_visitor_to_log_in_and_back(client, lobby):
    url = f"/live/join/{lobby.invite_token}/"
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")
    # Signing up from there comes back to the invite.
    signup = client.get(f"/accounts/signup/?next={url}").content.decode()
    assert f'name="next" value="{url}"' in signup
    response = client.post(
        "/accounts/signup/",
        {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD, "next": url},
    )
    assert response.url == url


def test_signup_treats_next_as_a_path_not_a_url_name(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD, "next": "foo"},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == "foo"


def test_signup_ignores_a_next_that_leaves_the_site(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD, "next": "https://evil.example/"},
    )  # fmt: skip
    assert response.url == "/questions/"


def test_the_first_person_to_join_takes_the_seat_and_the_link_closes(client, lobby, candidate):
    url = f"/live/join/{lobby.invite_token}/"
    client.force_login(candidate)
    assert "Join the interview" in client.get(url).content.decode()
    response = client.post(url)
    lobby.refresh_from_db()
    assert response.url == f"/live/{lobby.pk}/"
    assert lobby.candidate == candidate and lobby.attempt.mode == Attempt.Mode.LIVE
    assert lobby.attempt.user == candidate
    # Coming back through the link goes straight to the room.
    assert client.get(url).url == f"/live/{lobby.pk}/"

    third = make_user("third")
    client.force_login(third)
    page = client.get(url)
    assert page.status_code == 403 and "already joined" in page.content.decode()
    assert client.post(url).status_code == 403
    assert client.get(f"/live/{lobby.pk}/").status_code == 404
    lobby.refresh_from_db()
    assert lobby.candidate == candidate
    assert not Attempt.objects.filter(user=third).exists()


@pytest.mark.parametrize("problem", ["expired", "ended", "wrong token"])
def test_expired_ended_and_unknown_invites_are_refused(client, lobby, candidate, problem):
    token = lobby.invite_token
    if problem == "expired":
        LiveSession.objects.filter(pk=lobby.pk).update(
            invite_expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif problem == "ended":
        services.session_end(session_id=lobby.pk)
    else:
        token = "x" * 32
    client.force_login(candidate)
    assert client.get(f"/live/join/{token}/").status_code == 403
    assert client.post(f"/live/join/{token}/").status_code == 403
    assert LiveSession.objects.get(pk=lobby.pk).candidate is None


def test_the_interviewer_opening_their_own_link_does_not_take_the_seat(client, lobby, interviewer):
    client.force_login(interviewer)
    assert client.post(f"/live/join/{lobby.invite_token}/").url == f"/live/{lobby.pk}/"
    assert LiveSession.objects.get(pk=lobby.pk).candidate is None


def test_the_candidate_room_is_the_practice_page_following_the_interviewer(client, room, candidate):
    client.force_login(candidate)
    page = client.get(f"/live/{room.pk}/").content.decode()
    assert f'ws-connect="/ws/live/{room.pk}/"' in page
    assert "Let the interviewer draw" in page and "Hints from your interviewer" in page
    assert "submit-dialog" not in page and "Show a hint" not in page
    assert f"/live/{room.pk}/answer/stages/__stage__/" in page
    assert f"/live/{room.pk}/answer/whiteboard/" in page
    # The plain practice URL of a live attempt leads to the room.
    assert client.get(f"/attempts/{room.attempt_id}/").url == f"/live/{room.pk}/"


def test_the_interviewer_room_shows_answer_ladder_scorecard_and_private_notes(
    client, room, interviewer
):
    room.attempt.responses.filter(stage="goals").update(
        text="<img src=x onerror=alert(1)> we predict pCTR"
    )
    client.force_login(interviewer)
    page = client.get(f"/live/{room.pk}/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; we predict pCTR" in page
    assert "Private notes" in page and "Scorecard" in page and 'name="level"' in page
    assert "What a strong answer covers" in page
    assert page.count("data-ladder-send") >= 6


def test_strangers_cannot_see_rooms_reviews_or_draw(client, room, other_candidate):
    client.force_login(other_candidate)
    for url in [f"/live/{room.pk}/", f"/live/{room.pk}/review/"]:
        assert client.get(url).status_code == 404
    assert client.post(f"/live/{room.pk}/notes/share/", {"share": "1"}).status_code == 404
    response = client.post(f"/live/{room.pk}/whiteboard/", "{}", content_type="application/json")
    assert response.status_code == 404
    assert client.get("/live/").status_code == 200
    assert f"/live/{room.pk}/" not in client.get("/live/").content.decode()


def test_the_live_board_endpoint_validates_the_scene(client, room, interviewer):
    services.drawing_allow(session_id=room.pk, allow=True)
    client.force_login(interviewer)
    url = f"/live/{room.pk}/whiteboard/"
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    bad = '{"scene": {"elements": [{"id": "a", "type": "image"}]}, "version": 0}'
    assert client.post(url, bad, content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405


def _ended_with_scorecard(room):
    room.attempt.responses.filter(stage="goals").update(
        text="We optimise revenue; the model predicts calibrated pCTR."
    )
    services.scorecard_set(
        session_id=room.pk, criterion_key="business-to-ml-objective", level=0, comment="Missed it"
    )
    services.scorecard_set(
        session_id=room.pk, criterion_key="clarify-requirements", level=None, comment=""
    )
    services.note_add(session_id=room.pk, text="<script>alert('note')</script> check the baseline")
    services.session_end(session_id=room.pk)
    grade_run(grade_id=Grade.objects.get(attempt=room.attempt).pk)


def test_the_review_puts_the_scorecard_beside_the_grade_and_flags_disagreements(
    client, room, interviewer
):
    client.force_login(interviewer)
    _ended_with_scorecard(room)
    page = client.get(f"/live/{room.pk}/review/").content.decode()
    assert "Interviewer's scorecard beside the automatic grade" in page
    assert "Missed it" in page and "is-disagreement" in page and "not scored" in page
    assert "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt; check the baseline" in page
    assert "Share the notes with the candidate" in page
    # The room of an ended session leads to the review.
    assert client.get(f"/live/{room.pk}/").url == f"/live/{room.pk}/review/"


def test_the_candidate_sees_notes_only_once_shared(client, room, interviewer, candidate):
    _ended_with_scorecard(room)
    client.force_login(candidate)
    page = client.get(f"/live/{room.pk}/review/").content.decode()
    assert "kept their notes private" in page and "check the baseline" not in page
    assert "Missed it" in page  # the scorecard is the candidate's feedback
    assert client.post(f"/live/{room.pk}/notes/share/", {"share": "1"}).status_code == 404
    client.force_login(interviewer)
    client.post(f"/live/{room.pk}/notes/share/", {"share": "1"})
    client.force_login(candidate)
    assert "check the baseline" in client.get(f"/live/{room.pk}/review/").content.decode()
    results = client.get(f"/attempts/{room.attempt_id}/results/").content.decode()
    assert f"/live/{room.pk}/review/" in results


def test_the_review_polls_while_the_grade_is_pending(client, room, interviewer):
    services.session_end(session_id=room.pk)
    client.force_login(interviewer)
    page = client.get(f"/live/{room.pk}/review/").content.decode()
    assert "Grading the answer" in page and 'hx-trigger="every 1s"' in page
    partial = client.get(f"/live/{room.pk}/review/", headers={"HX-Request": "true"})
    assert "Grading the answer" in partial.content.decode()
    grade_run(grade_id=Grade.objects.get(attempt=room.attempt).pk)
    partial = client.get(f"/live/{room.pk}/review/", headers={"HX-Request": "true"})
    assert partial.headers["HX-Redirect"] == f"/live/{room.pk}/review/"


def test_notes_and_scorecards_survive_the_end_but_room_actions_do_not(room):
    services.session_end(session_id=room.pk)
    services.note_add(session_id=room.pk, text="Afterthought")
    services.scorecard_set(
        session_id=room.pk, criterion_key="clarify-requirements", level=3, comment=""
    )
    assert InterviewerNote.objects.filter(session=room).count() == 1
    assert ScorecardEntry.objects.get(session=room).level == 3
    with pytest.raises(services.LiveRefused):
        services.hint_send(session_id=room.pk, stage="goals", text="too late")


def test_the_data_export_holds_live_interviews_with_notes_only_for_who_may_read_them(
    client, room, interviewer, candidate
):
    services.note_add(session_id=room.pk, text="Only mine")
    services.scorecard_set(
        session_id=room.pk, criterion_key="clarify-requirements", level=2, comment="ok"
    )
    client.force_login(interviewer)
    (led,) = client.get("/accounts/export.json").json()["live_interviews"]
    assert led["role"] == "interviewer" and led["notes"][0]["text"] == "Only mine"
    client.force_login(candidate)
    (joined,) = client.get("/accounts/export.json").json()["live_interviews"]
    # While the interview runs, the candidate's export holds neither notes nor scorecard.
    assert joined["role"] == "candidate" and joined["notes"] is None and joined["scorecard"] is None
    services.session_end(session_id=room.pk)
    (joined,) = client.get("/accounts/export.json").json()["live_interviews"]
    assert joined["notes"] is None and joined["scorecard"][0]["level"] == 2


def test_a_running_live_attempt_cannot_be_submitted_hinted_or_deleted_by_the_candidate(
    client, room, candidate
):
    client.force_login(candidate)
    attempt = room.attempt_id
    assert client.post(f"/attempts/{attempt}/submit/").url == f"/live/{room.pk}/"
    response = client.post(f"/attempts/{attempt}/stages/goals/hint/")
    assert response.status_code == 409 and "from your interviewer" in response.json()["error"]
    client.post(f"/attempts/{attempt}/delete/")
    assert Attempt.objects.get(pk=attempt).status == Attempt.Status.DRAFT
    assert not Grade.objects.exists()


def test_a_candidate_joining_late_starts_on_the_interviewers_stage(client, lobby, candidate):
    services.stage_set(session_id=lobby.pk, stage="model")
    client.force_login(candidate)
    client.post(f"/live/join/{lobby.invite_token}/")
    lobby.refresh_from_db()
    assert lobby.attempt.current_stage == "model"
    page = client.get(f"/live/{lobby.pk}/?stage=goals").content.decode()
    assert '"currentStage": "model"' in page


def test_custom_questions_stay_private_and_cannot_be_used_live(client, interviewer, bank):
    from interviews.services import question_create_custom

    mine = question_create_custom(owner=interviewer, title="Mine", prompt="My own question")
    client.force_login(interviewer)
    assert mine.slug not in client.get("/live/").content.decode()
    client.post("/live/new/", {"question": mine.slug})
    assert not LiveSession.objects.exists()
    with pytest.raises(services.LiveRefused):
        services.live_session_create(interviewer=interviewer, question=mine)


def test_a_candidate_who_deletes_their_account_leaves_the_interviewers_notes(
    client, room, candidate
):
    services.note_add(session_id=room.pk, text="Kept")
    client.force_login(candidate)
    client.post("/accounts/delete/", {"password": PASSWORD})
    room.refresh_from_db()
    assert room.candidate is None and room.attempt is None
    assert InterviewerNote.objects.get(session=room).text == "Kept"


def test_only_the_seated_candidate_saves_through_the_interviews_answer_routes(
    client, room, interviewer, other_candidate
):
    body = json.dumps({"text": "mine", "version": 0})
    scene = json.dumps({"scene": {"elements": []}, "version": 0})
    for user in (interviewer, other_candidate):
        client.force_login(user)
        text = client.post(
            f"/live/{room.pk}/answer/stages/goals/", body, content_type="application/json"
        )
        board = client.post(
            f"/live/{room.pk}/answer/whiteboard/", scene, content_type="application/json"
        )
        assert (text.status_code, board.status_code) == (404, 404), user
    assert not StageResponse.objects.filter(attempt_id=room.attempt_id, text="mine").exists()
