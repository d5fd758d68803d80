"""The results page, its polling partials, grade retries and optional LLM feedback."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from interviews.highlight import highlight_spans
from interviews.hooks import elsewhere_for
from interviews.models import Attempt, StageResponse, Whiteboard
from interviews.views.common import HtmxHttpRequest, get_attempt_for_user
from rubric.feedback import FeedbackRefused, feedback_request
from rubric.models import CriterionResult, Grade, LLMFeedback
from rubric.services import grade_retry
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGE_LABELS, STAGES


@login_required
@require_GET
def attempt_results(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    if attempt.status == Attempt.Status.DRAFT:
        return redirect("attempt_practice", pk=attempt.pk)
    grade = Grade.objects.filter(attempt=attempt).select_related("rubric").first()
    context = {
        "attempt": attempt,
        "question": attempt.question,
        "grade": grade,
        "elsewhere": elsewhere_for(attempt),
    }
    if grade and grade.status == Grade.Status.DONE:
        context.update(_results_context(attempt, grade))
        context["thin_stage_labels"] = [
            STAGE_LABELS[s] for s in grade.thin_stages if s in STAGE_LABELS
        ]
        context.update(_feedback_context(grade, request))
    if request.htmx:
        if grade and grade.status == Grade.Status.DONE:
            # The grade landed while the page was polling: load the full page once.
            return HttpResponseClientRedirect(reverse("attempt_results", args=[attempt.pk]))
        return render(request, "interviews/results.html#grade-status", context)
    return render(request, "interviews/results.html", context)


def _results_context(attempt: Attempt, grade: Grade) -> dict:
    results = list(CriterionResult.objects.filter(grade=grade))
    threads: dict[str, list] = {}
    for follow in attempt.follow_ups.all():
        threads.setdefault(follow.stage, []).append(follow)
    responses = {r.stage: r for r in StageResponse.objects.filter(attempt=attempt)}
    sections = []
    for stage in (*GRADED_STAGES, DIAGRAM):
        rows = [r for r in results if r.stage == stage]
        if not rows:
            continue
        response = responses.get(stage)
        quotes = [
            (q, r.title)
            for r in results
            for q, s in zip(r.evidence, r.evidence_stages, strict=False)
            if s == stage
        ]
        sections.append(
            {
                "key": stage,
                "label": STAGE_LABELS[stage],
                "score": grade.stage_scores.get(stage, 0),
                "criteria": rows,
                "response": response,
                "highlighted": highlight_spans(response.text, quotes) if response else [],
                "follow_ups": threads.get(stage, []),
                "budget_seconds": attempt.question.budget_minutes(stage) * 60
                if stage in STAGES
                else None,
            }
        )
    tips = [
        r for r in sorted(results, key=lambda r: (r.level, -r.weight)) if r.level < r.max_level
    ][:3]
    board = Whiteboard.objects.filter(attempt=attempt).first()
    components = grade.diagram.get("components", [])
    siblings = (
        Attempt.objects.filter(
            user=attempt.user, question=attempt.question, grade__status=Grade.Status.DONE
        )
        .exclude(pk=attempt.pk)
        .select_related("grade")
        .order_by("-started_at")[:8]
    )
    return {
        "sections": sections,
        "study_next": tips,
        "board": board,
        "recognised": [c for c in components if c["kind"]],
        "unrecognised": [c for c in components if not c["kind"]],
        "connections": grade.diagram.get("edges", []),
        "siblings": siblings,
    }


def _feedback_context(grade: Grade, request: HttpRequest) -> dict:
    feedback = LLMFeedback.objects.filter(grade=grade).first()
    rows = []
    if feedback and feedback.status == LLMFeedback.Status.DONE:
        verdicts = {v["id"]: v for v in feedback.result.get("verdicts", [])}
        for result in CriterionResult.objects.filter(grade=grade):
            verdict = verdicts.get(result.criterion_key)
            if verdict:
                rows.append(
                    {
                        "criterion": result,
                        "verdict": verdict,
                        "agrees": verdict["level"] == result.level,
                    }
                )
    return {"feedback": feedback, "feedback_rows": rows, "llm_enabled": settings.LLM_ENABLED}


@login_required
@require_http_methods(["GET", "POST"])
def attempt_feedback(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the feedback panel (polled while it is written). POST: ask for feedback."""
    attempt = get_attempt_for_user(request, pk)
    grade = get_object_or_404(Grade, attempt=attempt)
    error = ""
    if request.method == "POST":
        try:
            feedback_request(grade=grade, user=request.user)
        except FeedbackRefused as exc:
            error = str(exc)
    context = {
        "attempt": attempt,
        "grade": grade,
        "feedback_error": error,
        **_feedback_context(grade, request),
    }
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("attempt_results", args=[attempt.pk]) + "#llm-feedback")
    return render(request, "interviews/results.html#llm-feedback", context)


@login_required
@require_POST
def grade_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    grade = get_object_or_404(Grade, attempt=attempt)
    if not grade_retry(grade=grade):
        messages.info(request, "This grade is not in a failed state, so there is nothing to retry.")
    return redirect("attempt_results", pk=attempt.pk)
