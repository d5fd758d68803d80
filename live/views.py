"""Pages of a live interview: the list, the invite, the room (one per role) and the review."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from interviews.errors import AttemptLocked
from interviews.http import (
    BodyRefused,
    board_save_answer,
    board_save_body,
    json_error,
    json_login_required,
    loads_strict,
    locked_json,
    text_save_answer,
    text_save_body,
)
from interviews.models import Question, StageResponse, Whiteboard
from interviews.practice_page import practice_context
from live import services
from live.models import LiveSession
from live.relay import relay_mark
from live.review import review_context
from live.room import interviewer_room_context
from live.services import LiveRefused
from rubric.stages import STAGES


class LiveCreateForm(forms.Form):
    question = forms.SlugField(max_length=80)


def _session_for(request: HttpRequest, pk: int) -> tuple[LiveSession, str]:
    """The session and the user's role in it; anyone else gets a 404 (nothing to learn)."""
    session = get_object_or_404(
        LiveSession.objects.select_related("question", "attempt", "interviewer", "candidate"),
        pk=pk,
    )
    role = session.role_of(request.user)
    if role is None:
        raise Http404("No such live interview.")
    return session, role


@login_required
@require_GET
def live_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _list_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    sessions = (
        LiveSession.objects.filter(Q(interviewer=request.user) | Q(candidate=request.user))
        .select_related("question", "interviewer", "candidate", "attempt__grade")
        .order_by("-created_at")[:100]
    )
    questions = Question.objects.filter(is_active=True, in_bank=True)
    return render(
        request,
        "live/list.html",
        {"sessions": sessions, "questions": questions.order_by("title")},
        status=status,
    )


@login_required
@require_POST
def live_create(request: HttpRequest) -> HttpResponse:
    # Bank questions only: a custom question is private to its owner. A slug field refuses what
    # no slug holds (a NUL byte, which PostgreSQL cannot even compare) before any query.
    form = LiveCreateForm(request.POST)
    question = (
        Question.objects.filter(
            in_bank=True, slug=form.cleaned_data["question"], is_active=True
        ).first()
        if form.is_valid()
        else None
    )
    if question is None:
        messages.error(request, "Pick a question for the interview.")
        return _list_page(request, status=400)
    session = services.live_session_create(interviewer=request.user, question=question)
    return redirect("live_room", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def live_join(request: HttpRequest, token: str) -> HttpResponse:
    session = (
        LiveSession.objects.select_related("question", "interviewer", "candidate")
        .filter(invite_token=token)
        .first()
    )
    if session is not None and session.role_of(request.user) is not None:
        return redirect(session.get_absolute_url())
    if request.method == "POST":
        try:
            session = services.live_session_join(token=token, user=request.user)
        except LiveRefused as exc:
            return render(
                request, "live/join.html", {"session": None, "refusal": str(exc)}, status=403
            )
        return redirect("live_room", pk=session.pk)
    refusal = services.join_refusal(session)
    context = {"session": None if refusal else session, "refusal": refusal}
    return render(request, "live/join.html", context, status=403 if refusal else 200)


@login_required
@require_GET
def live_room(request: HttpRequest, pk: int) -> HttpResponse:
    session, role = _session_for(request, pk)
    if not session.is_open:
        return redirect("live_review", pk=session.pk)
    if role == "interviewer":
        context = interviewer_room_context(request, session)
        return render(request, "live/interviewer.html", context)
    context = practice_context(
        request,
        session.attempt,
        follows_interviewer=True,
        save_url=reverse("live_text_save", args=[session.pk, "__stage__"]),
        board_save_url=reverse("live_candidate_board_save", args=[session.pk]),
    )
    context["session"] = session
    context["live_state"] = {
        **services.session_data(session),
        "role": "candidate",
        "socketUrl": session.socket_path,
    }
    return render(request, "live/candidate.html", context)


def _seated_attempt_or_404(request: HttpRequest, pk: int) -> int:
    try:
        return services.seated_attempt_id(session_id=pk, user=request.user)
    except LiveSession.DoesNotExist:
        raise Http404("No such live interview.") from None


@json_login_required
@require_POST
def live_text_save(request: HttpRequest, pk: int, stage: str) -> JsonResponse:
    """The candidate's stage save during the interview: practice's save, relayed live."""
    attempt_id = _seated_attempt_or_404(request, pk)
    if stage not in STAGES:
        raise Http404("No such stage.")
    try:
        text, version = text_save_body(request)
        outcome = services.candidate_text_save(
            session_id=pk, attempt_id=attempt_id, user=request.user, stage=stage, text=text,
            version=version, relayed=relay_mark(loads_strict(request.body).get("relay")),
        )  # fmt: skip
    except BodyRefused as exc:
        return json_error(str(exc), exc.status)
    except StageResponse.DoesNotExist:
        raise Http404("No such live interview.") from None
    except AttemptLocked:
        return locked_json()
    return text_save_answer(outcome)


@json_login_required
@require_POST
def live_candidate_board_save(request: HttpRequest, pk: int) -> JsonResponse:
    """The candidate's board save during the interview, relayed live."""
    attempt_id = _seated_attempt_or_404(request, pk)
    try:
        scene, version = board_save_body(request)
        outcome = services.candidate_board_save(
            session_id=pk, attempt_id=attempt_id, user=request.user, scene=scene, version=version
        )
    except BodyRefused as exc:
        return json_error(str(exc), exc.status)
    except Whiteboard.DoesNotExist:
        raise Http404("No such live interview.") from None
    except AttemptLocked:
        return locked_json()
    return board_save_answer(outcome)


@json_login_required
@require_POST
def live_board_save(request: HttpRequest, pk: int) -> JsonResponse:
    """The interviewer draws on the candidate's board, when the candidate allows it."""
    if not LiveSession.objects.filter(pk=pk, interviewer=request.user).exists():
        raise Http404("No such live interview.")
    try:
        scene, version = board_save_body(request)
        outcome = services.interviewer_board_save(session_id=pk, scene=scene, version=version)
    except BodyRefused as exc:
        return json_error(str(exc), exc.status)
    except LiveRefused as exc:
        return json_error(str(exc), 403)
    except (Whiteboard.DoesNotExist, AttemptLocked):
        return locked_json()
    return board_save_answer(outcome)


@login_required
@require_GET
def live_review(request: HttpRequest, pk: int) -> HttpResponse:
    session, role = _session_for(request, pk)
    if session.is_open:
        return redirect("live_room", pk=session.pk)
    context = review_context(session, role)
    if request.htmx:
        if context["grade_done"]:
            return HttpResponseClientRedirect(reverse("live_review", args=[session.pk]))
        return render(request, "live/review.html#grade-status", context)
    return render(request, "live/review.html", context)


@login_required
@require_POST
def live_notes_share(request: HttpRequest, pk: int) -> HttpResponse:
    session, role = _session_for(request, pk)
    if role != "interviewer":
        raise Http404("No such live interview.")
    share = request.POST.get("share") == "1"
    services.notes_share(session=session, share=share)
    messages.success(
        request,
        "Your notes are now visible to the candidate."
        if share
        else "Your notes are private again.",
    )
    return redirect("live_review", pk=session.pk)
