"""Looking back: progress dashboard, comparing attempts, replay, export and deletion."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from interviews.charts import Series, bar_rows, before_after_rows, line_chart, sparkline
from interviews.compare import compare_attempts
from interviews.exports import attempt_markdown
from interviews.hooks import running_elsewhere
from interviews.progress import progress_for
from interviews.ratelimit import rate_allowed
from interviews.replay import replay_timeline
from interviews.views.common import get_attempt_for_user
from rubric.models import Grade
from rubric.stages import COMPETENCY_LABELS, STAGE_LABELS


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    summary = progress_for(request.user)
    labels = [a["date"].strftime("%b %-d") for a in summary.attempts]
    stage_chart = competency_chart = time_chart = overall_chart_narrow = None
    stage_rows: list[tuple] = []
    competency_rows: list[tuple] = []
    before = after = ""
    if summary.attempts:
        window = max(1, min(3, len(summary.attempts) // 2))
        attempts = "attempt" if window == 1 else f"{window} attempts"
        before, after = f"first {attempts}", f"last {attempts}"

        def change(values: list) -> tuple:
            known = [v for v in values if v is not None]
            if not known:
                return None, None
            return sum(known[:window]) / len(known[:window]), sum(known[-window:]) / len(
                known[-window:]
            )

        sparks = [
            (STAGE_LABELS[s], sparkline(v, label=STAGE_LABELS[s]))
            for s, v in summary.stage_series.items()
            if any(x is not None for x in v)
        ] + [
            (COMPETENCY_LABELS[c], sparkline(v, label=COMPETENCY_LABELS[c]))
            for c, v in summary.competency_series.items()
        ]
        stage_rows = [(STAGE_LABELS[s], *change(v)) for s, v in summary.stage_series.items()]
        competency_rows = [
            (COMPETENCY_LABELS[c], *change(v)) for c, v in summary.competency_series.items()
        ]
        stage_chart = before_after_rows(stage_rows, before=before, after=after)
        competency_chart = before_after_rows(competency_rows, before=before, after=after)
        overall = [Series("Overall", [a["score"] for a in summary.attempts])]
        overall_chart = line_chart(overall, labels)
        # A phone shows the same line drawn for its width (the wide one's text would be tiny)
        # and the bar charts as tables.
        overall_chart_narrow = line_chart(overall, labels, width=360, height=220)
        longest = max(
            [m for _, m, _ in summary.time_rows] + [b for _, _, b in summary.time_rows] + [1]
        )
        time_chart = bar_rows(summary.time_rows, max_value=longest * 1.1, unit=" min")
    else:
        overall_chart = None
    context = {
        "summary": summary,
        "overall_chart": overall_chart,
        "overall_chart_narrow": overall_chart_narrow,
        "stage_rows": stage_rows,
        "competency_rows": competency_rows,
        "before_label": before,
        "after_label": after,
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
        (get_attempt_for_user(request, pk) for pk in ids), key=lambda a: a.started_at
    )
    limit = settings.COMPARES_PER_MINUTE
    if not rate_allowed(kind="compare", user_id=request.user.pk, limit=limit):
        problem = f"That is {limit} comparisons in a minute; wait a moment and reload."
        context = {"first": first, "second": second, "problem": problem, "comparison": None}
        return render(request, "interviews/compare.html", context, status=429)
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
def attempt_replay(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    timeline = replay_timeline(attempt)
    return render(
        request,
        "interviews/replay.html",
        {"attempt": attempt, "timeline": timeline, "board": {"scene": None}},
    )


@login_required
@require_GET
def attempt_export_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    response = HttpResponse(attempt_markdown(attempt), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="chalktalk-{attempt.question.slug}-{attempt.pk}.md"'
    )
    return response


@login_required
@require_POST
def attempt_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    if running_elsewhere(attempt) is not None:
        messages.error(request, "This attempt is part of a live interview that is still running.")
        return redirect("attempt_list")
    title = attempt.question.title
    attempt.delete()
    messages.success(request, f"Deleted your attempt at “{title}”.")
    return redirect("attempt_list")
