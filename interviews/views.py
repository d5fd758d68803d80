from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from interviews.charts import Series, bar_rows, before_after_rows, line_chart, sparkline
from interviews.compare import compare_attempts
from interviews.exports import attempt_markdown
from interviews.forms import AttemptFilterForm, CustomQuestionForm
from interviews.highlight import highlight_spans
from interviews.markdown import render_markdown
from interviews.models import Attempt, HintUse, Question, StageResponse, Whiteboard
from interviews.progress import progress_for
from interviews.replay import replay_timeline
from interviews.services import (
    AttemptLocked,
    attempt_start,
    attempt_submit,
    question_create_custom,
    stage_text_save,
    stage_time_record,
)
from interviews.whiteboards import whiteboard_save
from rubric.feedback import FeedbackRefused, feedback_request
from rubric.models import CriterionResult, Grade, LLMFeedback
from rubric.scene import MAX_SCENE_BYTES, clean_scene
from rubric.services import grade_retry
from rubric.stages import COMPETENCY_LABELS, DIAGRAM, GRADED_STAGES, STAGE_LABELS, STAGES

MAX_JSON_BODY = 256 * 1024  # 20,000 characters of text can take up to 4 bytes each, plus escaping


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _json_error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def json_login_required(view):
    """Like `login_required`, but answers scripts with 401 JSON instead of a login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _json_error("Your session has ended. Log in again to keep saving.", 401)
        return view(request, *args, **kwargs)

    return wrapper


def _read_json(request: HttpRequest, limit: int = MAX_JSON_BODY) -> dict:
    if len(request.body) > limit:
        raise ValueError("The request is too large.")
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ValueError("Expected a JSON object.")
    return data


def _get_attempt_for_user(request: HttpRequest, pk: int) -> Attempt:
    """The one way views load an attempt: another user's attempt is a 404, never a 403."""
    return get_object_or_404(Attempt.objects.select_related("question"), pk=pk, user=request.user)


def _locked() -> JsonResponse:
    return _json_error("This attempt was submitted and can no longer be edited.", 409, locked=True)


def _refuse(request: HttpRequest, pk: int, message: str, status: int) -> JsonResponse:
    _get_attempt_for_user(request, pk)  # another user's attempt stays a 404
    return _json_error(message, status)


def _stage_or_404(stage: str) -> str:
    if stage not in STAGES:
        raise Http404("No such stage.")
    return stage


# --- pages ----------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("question_list")
    return render(request, "landing.html", {"stages": [(k, STAGE_LABELS[k]) for k in STAGES]})


@login_required
@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    return _render_question_list(request, CustomQuestionForm())


def _render_question_list(
    request: HttpRequest, custom_form: CustomQuestionForm, status: int = 200
) -> HttpResponse:
    mine = Q(attempts__user=request.user)
    questions = (
        Question.objects.filter(is_active=True)
        .filter(Q(in_bank=True) | Q(owner=request.user))
        .annotate(
            my_attempts=Count("attempts", filter=mine, distinct=True),
            my_best=Max(
                "attempts__grade__score", filter=mine & Q(attempts__grade__status=Grade.Status.DONE)
            ),
        )
        .order_by("difficulty", "title")
    )
    difficulty_order = {"easy": 0, "medium": 1, "hard": 2}
    questions = sorted(questions, key=lambda q: (difficulty_order.get(q.difficulty, 9), q.title))
    drafts = {
        a.question_id: a
        for a in Attempt.objects.filter(user=request.user, status=Attempt.Status.DRAFT).order_by(
            "started_at"
        )
    }
    for question in questions:
        question.draft = drafts.get(question.pk)
    context = {"questions": questions, "custom_form": custom_form}
    return render(request, "interviews/question_list.html", context, status=status)


@login_required
@require_POST
def custom_question_create(request: HttpRequest) -> HttpResponse:
    form = CustomQuestionForm(request.POST)
    if not form.is_valid():
        return _render_question_list(request, form, status=400)
    question = question_create_custom(owner=request.user, **form.cleaned_data)
    attempt = attempt_start(user=request.user, question=question)
    return redirect("attempt_practice", pk=attempt.pk)


@login_required
@require_POST
def attempt_create(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.filter(Q(in_bank=True) | Q(owner=request.user)), slug=slug, is_active=True
    )
    attempt = attempt_start(user=request.user, question=question)
    return redirect("attempt_practice", pk=attempt.pk)


@login_required
@require_GET
def attempt_practice(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    if attempt.status != Attempt.Status.DRAFT:
        return redirect("attempt_results", pk=attempt.pk)
    question = attempt.question
    responses = {r.stage: r for r in attempt.responses.all()}
    revealed = dict(
        attempt.hint_uses.values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    requested = request.GET.get("stage")
    current = requested if requested in STAGES else attempt.current_stage
    stages = [
        {
            "key": key,
            "label": STAGE_LABELS[key],
            "number": i + 1,
            "budget_minutes": question.budget_minutes(key),
            "guiding_questions": question.guiding_questions.get(key, []),
            "hints_shown": question.hints.get(key, [])[: revealed.get(key, 0)],
            "hints_total": len(question.hints.get(key, [])),
            "response": responses[key],
            "is_current": key == current,
        }
        for i, key in enumerate(STAGES)
    ]
    board = Whiteboard.objects.get_or_create(attempt=attempt)[0]
    client_state = {
        "attemptId": attempt.pk,
        "deadline": attempt.deadline.isoformat(),
        "currentStage": current,
        "maxChars": settings.STAGE_TEXT_MAX_CHARS,
        "saveUrl": reverse("stage_save", args=[attempt.pk, "__stage__"]),
        "timeUrl": reverse("stage_time", args=[attempt.pk]),
        "stages": {
            key: {"version": responses[key].version, "seconds": responses[key].seconds_spent,
                  "budget": question.budget_minutes(key) * 60}
            for key in STAGES
        },
    }  # fmt: skip
    return render(
        request,
        "interviews/practice.html",
        {
            "attempt": attempt,
            "question": question,
            "stages": stages,
            "client_state": client_state,
            "board": board,
        },
    )


@json_login_required
@require_POST
def stage_save(request: HttpRequest, pk: int, stage: str) -> JsonResponse:
    # The hot path: ownership, draft status and version are checked by one UPDATE in the service;
    # the refusals below check ownership first so that they reveal nothing about others' attempts.
    _stage_or_404(stage)
    try:
        data = _read_json(request)
    except ValueError as exc:
        return _refuse(request, pk, str(exc), 400)
    text, version = data.get("text"), data.get("version")
    if (
        not isinstance(text, str)
        or not isinstance(version, int)
        or isinstance(version, bool)
        or version < 0
    ):
        return _refuse(request, pk, "Send {text: string, version: non-negative integer}.", 400)
    limit = settings.STAGE_TEXT_MAX_CHARS
    if len(text) > limit:
        return _refuse(
            request,
            pk,
            f"This stage is limited to {limit:,} characters; yours has {len(text):,}.",
            413,
        )
    try:
        outcome = stage_text_save(
            attempt_id=pk, user=request.user, stage=stage, text=text, version=version
        )
    except StageResponse.DoesNotExist:
        raise Http404("No such attempt.") from None
    except AttemptLocked:
        return _locked()
    if not outcome.saved:
        return _json_error(
            "A newer version of this stage was saved elsewhere.",
            409,
            text=outcome.text,
            version=outcome.version,
        )
    return JsonResponse({"version": outcome.version})


@json_login_required
@require_POST
def whiteboard_save_view(request: HttpRequest, pk: int) -> JsonResponse:
    if len(request.body) > MAX_SCENE_BYTES:
        return _refuse(
            request, pk, f"The board is limited to {MAX_SCENE_BYTES // 1024 // 1024} MB.", 413
        )
    try:
        data = _read_json(request, limit=MAX_SCENE_BYTES)
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise ValueError("Send {scene: object, version: non-negative integer}.")
        scene = clean_scene(data.get("scene"))
        if scene is None:
            raise ValueError("Send {scene: object, version: non-negative integer}.")
    except ValueError as exc:  # includes SceneError
        return _refuse(request, pk, str(exc), 400)
    try:
        outcome = whiteboard_save(attempt_id=pk, user=request.user, scene=scene, version=version)
    except Whiteboard.DoesNotExist:
        raise Http404("No such attempt.") from None
    except AttemptLocked:
        return _locked()
    if not outcome.saved:
        return _json_error(
            "A newer board was saved elsewhere.", 409, scene=outcome.scene, version=outcome.version
        )
    return JsonResponse({"version": outcome.version})


@json_login_required
@require_POST
def stage_time(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    try:
        data = _read_json(request)
    except ValueError as exc:
        return _json_error(str(exc), 400)
    stage, seconds, current = data.get("stage"), data.get("seconds"), data.get("current")
    if stage not in STAGES or (current is not None and current not in STAGES):
        return _json_error("Unknown stage.", 400)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        return _json_error("`seconds` must be a non-negative integer.", 400)
    try:
        stage_time_record(attempt=attempt, stage=stage, seconds=seconds, current_stage=current)
    except AttemptLocked:
        return _json_error("This attempt was submitted.", 409, locked=True)
    return HttpResponse(status=204)


@login_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("text", "")[: settings.STAGE_TEXT_MAX_CHARS]
    return render(
        request,
        "interviews/_markdown_preview.html",
        {"html": render_markdown(text), "empty": not text.strip()},
    )


@login_required
@require_POST
def attempt_submit_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    try:
        attempt_submit(attempt=attempt)
    except AttemptLocked:
        messages.info(request, "This attempt was already submitted.")
    return redirect("attempt_results", pk=attempt.pk)


@login_required
@require_GET
def attempt_results(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    if attempt.status == Attempt.Status.DRAFT:
        return redirect("attempt_practice", pk=attempt.pk)
    grade = Grade.objects.filter(attempt=attempt).select_related("rubric").first()
    context = {"attempt": attempt, "question": attempt.question, "grade": grade}
    if grade and grade.status == Grade.Status.DONE:
        context.update(_results_context(attempt, grade))
        context.update(_feedback_context(grade, request))
    if request.htmx:
        if grade and grade.status == Grade.Status.DONE:
            # The grade landed while the page was polling: load the full page once.
            return HttpResponseClientRedirect(reverse("attempt_results", args=[attempt.pk]))
        return render(request, "interviews/results.html#grade-status", context)
    return render(request, "interviews/results.html", context)


def _results_context(attempt: Attempt, grade: Grade) -> dict:
    results = list(CriterionResult.objects.filter(grade=grade))
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


@login_required
@require_POST
def grade_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    grade = get_object_or_404(Grade, attempt=attempt)
    if not grade_retry(grade=grade):
        messages.info(request, "This grade is not in a failed state, so there is nothing to retry.")
    return redirect("attempt_results", pk=attempt.pk)


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
    attempt = _get_attempt_for_user(request, pk)
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
@require_GET
def attempt_list(request: HtmxHttpRequest) -> HttpResponse:
    filters = AttemptFilterForm(request.GET or None, user=request.user)
    attempts = Attempt.objects.filter(user=request.user)
    attempts = filters.apply(attempts) if filters.is_valid() else attempts.order_by("-started_at")
    attempts = attempts.select_related("question", "grade").annotate(
        seconds_spent=Sum("responses__seconds_spent")
    )
    page = Paginator(attempts, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "has_any": Attempt.objects.filter(user=request.user).exists(),
    }
    template = (
        "interviews/attempt_list.html#attempt-table"
        if request.htmx
        else "interviews/attempt_list.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    summary = progress_for(request.user)
    labels = [a["date"].strftime("%b %-d") for a in summary.attempts]
    stage_chart = competency_chart = time_chart = None
    if summary.attempts:
        window = max(1, min(3, len(summary.attempts) // 2))
        before, after = f"first {window} attempts", f"last {window} attempts"

        def change(values: list) -> tuple:
            known = [v for v in values if v is not None]
            if not known:
                return None, None
            return sum(known[:window]) / len(known[:window]), sum(known[-window:]) / len(
                known[-window:]
            )

        sparks = [
            (STAGE_LABELS[s], sparkline(v))
            for s, v in summary.stage_series.items()
            if any(x is not None for x in v)
        ] + [(COMPETENCY_LABELS[c], sparkline(v)) for c, v in summary.competency_series.items()]
        stage_chart = before_after_rows(
            [(STAGE_LABELS[s], *change(v)) for s, v in summary.stage_series.items()],
            before=before,
            after=after,
        )
        competency_chart = before_after_rows(
            [(COMPETENCY_LABELS[c], *change(v)) for c, v in summary.competency_series.items()],
            before=before,
            after=after,
        )
        overall_chart = line_chart(
            [Series("Overall", [a["score"] for a in summary.attempts])], labels
        )
        longest = max(
            [m for _, m, _ in summary.time_rows] + [b for _, _, b in summary.time_rows] + [1]
        )
        time_chart = bar_rows(summary.time_rows, max_value=longest * 1.1, unit=" min")
    else:
        overall_chart = None
    context = {
        "summary": summary,
        "overall_chart": overall_chart,
        "stage_chart": stage_chart,
        "competency_chart": competency_chart,
        "time_chart": time_chart,
        "sparks": sparks if summary.attempts else [],
    }
    return render(request, "interviews/progress.html", context)


@login_required
@require_GET
def attempt_compare(request: HttpRequest) -> HttpResponse:
    """Two of my graded attempts of the same question, side by side (older first)."""
    try:
        ids = [int(request.GET["a"]), int(request.GET["b"])]
    except (KeyError, ValueError):
        raise Http404("Choose two attempts to compare.") from None
    first, second = sorted(
        (_get_attempt_for_user(request, pk) for pk in ids), key=lambda a: a.started_at
    )
    graded = (
        Grade.objects.filter(attempt__in=[first, second], status=Grade.Status.DONE).count() == 2
    )
    problem = ""
    if first.pk == second.pk:
        problem = "Pick two different attempts."
    elif first.question_id != second.question_id:
        problem = "Only attempts of the same question can be compared."
    elif not graded:
        problem = "Both attempts need a finished grade first."
    comparison = None if problem else compare_attempts(first, second)
    context = {"first": first, "second": second, "problem": problem, "comparison": comparison}
    return render(request, "interviews/compare.html", context, status=400 if problem else 200)


@login_required
@require_GET
def attempt_export_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    response = HttpResponse(attempt_markdown(attempt), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="chalktalk-{attempt.question.slug}-{attempt.pk}.md"'
    )
    return response


@login_required
@require_POST
def attempt_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    title = attempt.question.title
    attempt.delete()
    messages.success(request, f"Deleted your attempt at “{title}”.")
    return redirect("attempt_list")


@login_required
@require_GET
def attempt_replay(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    timeline = replay_timeline(attempt)
    return render(
        request,
        "interviews/replay.html",
        {"attempt": attempt, "timeline": timeline, "board": {"scene": None}},
    )


@json_login_required
@require_POST
def hint_reveal(request: HttpRequest, pk: int, stage: str) -> JsonResponse:
    """Record that the next hint of a stage was revealed and return its text."""
    attempt = _get_attempt_for_user(request, pk)
    _stage_or_404(stage)
    if attempt.status != Attempt.Status.DRAFT:
        return _json_error("This attempt was submitted.", 409, locked=True)
    hints = attempt.question.hints.get(stage, [])
    used = HintUse.objects.filter(attempt=attempt, stage=stage).count()
    if used >= len(hints):
        return _json_error("There are no more hints for this stage.", 404)
    HintUse.objects.get_or_create(attempt=attempt, stage=stage, index=used)
    return JsonResponse({"index": used, "hint": hints[used], "left": len(hints) - used - 1})
