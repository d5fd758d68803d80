"""The results page, its polling partials, grade retries and optional LLM feedback."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from interviews.evidence import board_labels, clean_all, without_element_ids
from interviews.grade_advice import top_changes
from interviews.highlight import highlight_spans
from interviews.hooks import elsewhere_for
from interviews.models import Attempt, StageResponse, Whiteboard
from interviews.views.common import HtmxHttpRequest, get_attempt_for_user
from rubric.feedback import FeedbackRefused, feedback_request
from rubric.models import CriterionResult, DiagramCorrection, Grade, LLMFeedback
from rubric.services import (
    CorrectionRefused,
    bank_and_slug_for,
    correction_roles,
    criterion_example,
    grade_correct,
    grade_retry,
)
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
    labels = board_labels(grade.diagram)
    for result in results:  # shown, not saved: old grades quoted element ids beside labels
        result.evidence = clean_all(result.evidence, labels)
        result.missing = without_element_ids(result.missing, labels)
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
                "at_top": sum(r.level >= r.max_level for r in rows),
                "response": response,
                "highlighted": highlight_spans(response.text, quotes) if response else [],
                "follow_ups": threads.get(stage, []),
                "budget_seconds": attempt.question.budget_minutes(stage) * 60
                if stage in STAGES
                else None,
            }
        )
    bank, slug = bank_and_slug_for(attempt.question)
    board = Whiteboard.objects.filter(attempt=attempt).first()
    siblings = (
        Attempt.objects.filter(
            user=attempt.user, question=attempt.question, grade__status=Grade.Status.DONE
        )
        .exclude(pk=attempt.pk)
        .select_related("grade")
        .order_by("-started_at")[:8]
    )
    board_read = _board_context(grade, labels)
    for result in results:  # each diagram criterion explains itself check by check
        result.findings = board_read["findings"].get(result.criterion_key, [])
    return {
        "sections": sections,
        "changes": top_changes(
            results, lambda key: criterion_example(bank=bank, slug=slug, criterion_id=key)
        ),
        "board": board,
        "siblings": siblings,
        **board_read,
    }


def _board_context(grade: Grade, labels: dict[str, str]) -> dict:
    """The board as the grader read it: each box with the roles it was read as (and where each
    came from), the boxes it did not recognise with the roles the candidate may pick, the
    connections, and every diagram check's explanation in the candidate's own labels."""
    diagram = grade.diagram or {}
    said = {c.element_id: c for c in DiagramCorrection.objects.filter(grade=grade)}
    roles = correction_roles(grade)
    role_labels = dict(roles)
    components = []
    for c in diagram.get("components", []):
        if c.get("is_area") and not c.get("kind"):
            continue  # an unnamed frame is layout, not a box to correct
        chips = c.get("roles") or (
            [{"role": c["kind"], "label": c.get("kind_label") or c["kind"], "source": "label"}]
            if c.get("kind")
            else []
        )  # grades read before roles existed have one kind per box
        correction = said.get(c["id"])
        components.append(
            {
                **c,
                "chips": [
                    {**chip, "note": _chip_note(chip.get("source", "label"), c)}
                    for chip in chips
                    if chip.get("source") != "said"
                ],
                "correction": correction,
                "said_label": role_labels.get(correction.role, correction.role)
                if correction
                else None,
            }
        )
    findings: dict[str, list[dict]] = {}
    for finding in diagram.get("findings", []):
        findings.setdefault(finding["criterion"], []).append(
            {
                **finding,
                "text": without_element_ids(finding.get("text", ""), labels),
                "elements_attr": " ".join(finding.get("elements", [])),
            }
        )
    recognised = [c for c in components if c.get("kind") and not c["correction"]]
    corrected = [c for c in components if c["correction"]]
    return {
        "recognised": recognised,
        "recognised_count": len(recognised) + len(corrected),
        "corrected": corrected,
        "unrecognised": [c for c in components if not c.get("kind") and not c["correction"]],
        "connections": diagram.get("edges", []),
        "findings": findings,
        "correction_roles": roles,
    }


def _chip_note(source: str, component: dict) -> str:
    if source == "library":
        return "from the component library"
    if source == "area":
        return f"from “{component.get('area') or 'its frame'}”"
    return ""


MAX_CORRECTION_BYTES = 2048


def _correction_allowed(user_id: int) -> bool:
    """At most BOARD_CORRECTIONS_PER_HOUR per user: each one regrades the attempt."""
    key = f"board-corrections:{user_id}"
    if cache.add(key, 1, timeout=3600):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=3600)
        return True
    return count <= settings.BOARD_CORRECTIONS_PER_HOUR


@login_required
@require_POST
def board_correction(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Say what an unrecognised box on the board is; the attempt is regraded with it."""
    attempt = get_attempt_for_user(request, pk)
    grade = get_object_or_404(Grade, attempt=attempt)
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = MAX_CORRECTION_BYTES + 1
    if size > MAX_CORRECTION_BYTES:
        return HttpResponseBadRequest("The correction is too large.", content_type="text/plain")
    element_id = request.POST.get("element", "")
    role = request.POST.get("role", "")
    if not element_id or len(element_id) > 64 or len(role) > 40:
        return HttpResponseBadRequest(
            "Say which box (element) and what it is (role).", content_type="text/plain"
        )
    if not _correction_allowed(request.user.pk):
        return HttpResponse(
            "Too many corrections for now; try again in an hour.",
            status=429,
            content_type="text/plain",
        )
    try:
        correction = grade_correct(grade=grade, element_id=element_id, role=role)
    except CorrectionRefused as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain")
    if correction is None:
        messages.info(request, "Correction removed; the grade was recomputed.")
    else:
        messages.success(
            request,
            f"Noted: “{correction.label}” is {dict(correction_roles(grade)).get(role, role).lower()}. "
            f"Grade recomputed: {correction.score_before} → {correction.score_after}.",
        )
    target = reverse("attempt_results", args=[attempt.pk]) + "#board-read"
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


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
