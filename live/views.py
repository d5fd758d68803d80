"""Pages of a live interview: the list, the invite, the room (one per role) and the review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from interviews.models import Question, Whiteboard
from interviews.services import AttemptLocked
from interviews.views.common import json_error, json_login_required, locked_json
from interviews.views.practice import (
    BoardBodyRefused,
    board_save_answer,
    practice_context,
    read_board_save,
)
from interviews.whiteboards import whiteboard_save
from live import services
from live.models import LiveSession
from live.review import review_context
from live.room import interviewer_room_context
from live.services import LiveRefused


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
    )


@login_required
@require_POST
def live_create(request: HttpRequest) -> HttpResponse:
    # Bank questions only: a custom question is private to its owner.
    question = Question.objects.filter(
        in_bank=True, slug=request.POST.get("question", ""), is_active=True
    ).first()
    if question is None:
        messages.error(request, "Pick a question for the interview.")
        return redirect("live_list")
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
    context = practice_context(request, session.attempt, live=True)
    context["session"] = session
    context["live_state"] = {
        **services.session_data(session),
        "role": "candidate",
        "socketUrl": session.socket_path,
    }
    return render(request, "interviews/practice.html", context)


@json_login_required
@require_POST
def live_board_save(request: HttpRequest, pk: int) -> JsonResponse:
    """The interviewer draws on the candidate's board, when the candidate allows it."""
    if not LiveSession.objects.filter(pk=pk, interviewer=request.user).exists():
        raise Http404("No such live interview.")
    try:
        scene, version = read_board_save(request)
    except BoardBodyRefused as exc:
        return json_error(str(exc), exc.status)
    with transaction.atomic():
        # Locked, so the candidate taking the permission back cannot cross a save in flight.
        session = (
            LiveSession.objects.select_for_update(of=("self",))
            .select_related("candidate")
            .get(pk=pk)
        )
        if session.attempt_id is None or not session.candidate_allows_drawing:
            return json_error("The candidate has not let you draw on the board.", 403)
        try:
            outcome = whiteboard_save(
                attempt_id=session.attempt_id, user=session.candidate, scene=scene, version=version
            )
        except (Whiteboard.DoesNotExist, AttemptLocked):
            return locked_json()
        if outcome.saved:
            services.relay_board_saved(
                attempt_id=session.attempt_id, scene=scene, version=outcome.version
            )
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
