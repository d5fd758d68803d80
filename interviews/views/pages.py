"""Question list, custom questions, starting attempts and "My attempts"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from interviews.forms import AttemptFilterForm, CustomQuestionForm, QuestionFilterForm
from interviews.models import Attempt, Question
from interviews.services import (
    attempt_start,
    question_create_custom,
)
from interviews.views.common import HtmxHttpRequest
from rubric.models import Criterion, Grade, Rubric
from rubric.stages import STAGE_LABELS, STAGES


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("question_list")
    return render(request, "landing.html", {"stages": [(k, STAGE_LABELS[k]) for k in STAGES]})


@login_required
@require_GET
@vary_on_headers("HX-Request")  # the same URL answers htmx with the grid alone
def question_list(request: HtmxHttpRequest) -> HttpResponse:
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
    practises = _practises_by_slug()
    for question in questions:
        question.draft = drafts.get(question.pk)
        question.practises = practises.get(question.slug, [])
    topics = sorted({tag for q in questions for tag in q.tags})
    filters = QuestionFilterForm(request.GET or None, topics=topics)
    shown = filters.filter(questions)
    context = {
        "questions": shown,
        "total": len(questions),
        "filters": filters,
        "custom_form": custom_form,
    }
    if request.htmx and request.method == "GET":
        return render(request, "interviews/question_list.html#question-grid", context)
    return render(request, "interviews/question_list.html", context, status=status)


def _practises_by_slug() -> dict[str, list[str]]:
    """What each bank question practises: its first two weight-3 criteria of its own."""
    rubric = Rubric.objects.filter(is_current=True).first()
    rows = (
        Criterion.objects.filter(rubric=rubric, weight=3)
        .exclude(question_slug="")
        .exclude(kind="diagram")
        .order_by("pk")
        .values_list("question_slug", "title")
    )
    out: dict[str, list[str]] = {}
    for slug, title in rows:
        if len(out.setdefault(slug, [])) < 2:
            out[slug].append(title)
    return out


@login_required
@require_POST
def custom_question_create(request: HttpRequest) -> HttpResponse:
    form = CustomQuestionForm(request.POST)
    if not form.is_valid():
        return _render_question_list(request, form, status=400)
    question = question_create_custom(owner=request.user, **form.cleaned_data)
    attempt = attempt_start(user=request.user, question=question, preview=True)
    return redirect("attempt_practice", pk=attempt.pk)


@login_required
@require_POST
def attempt_create(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.filter(Q(in_bank=True) | Q(owner=request.user)), slug=slug, is_active=True
    )
    realistic = request.POST.get("realistic") == "1"  # anything else: the usual attempt
    attempt = attempt_start(user=request.user, question=question, preview=True, realistic=realistic)
    return redirect("attempt_practice", pk=attempt.pk)


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
