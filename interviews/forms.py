from __future__ import annotations

from django import forms
from django.db.models import F, QuerySet

from interviews.models import Attempt, Question, StageResponse


class CustomQuestionForm(forms.Form):
    title = forms.CharField(max_length=120, min_length=4, strip=True)
    prompt = forms.CharField(
        max_length=2000,
        min_length=20,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Write it as an interviewer would say it. Graded by the base rubric.",
    )


class QuestionFilterForm(forms.Form):
    """Search and filters for the question list; every field is optional."""

    q = forms.CharField(required=False, max_length=100, label="Search questions")
    topic = forms.ChoiceField(required=False, label="Topic")
    difficulty = forms.ChoiceField(
        required=False, choices=[("", "Any difficulty"), *Question.Difficulty.choices]
    )

    def __init__(self, *args, topics: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any topic"), *((t, t) for t in topics)]

    def filter(self, questions: list[Question]) -> list[Question]:
        self.is_valid()  # a stale or forged field is dropped alone; the others still apply
        data = {"q": "", "topic": "", "difficulty": "", **getattr(self, "cleaned_data", {})}
        words = data["q"].casefold().split()
        return [
            q
            for q in questions
            if (not data["topic"] or data["topic"] in q.tags)
            and (not data["difficulty"] or q.difficulty == data["difficulty"])
            and all(w in f"{q.title} {q.summary} {' '.join(q.tags)}".casefold() for w in words)
        ]


class AttemptFilterForm(forms.Form):
    """Filters and sort order for "My attempts"; every field is optional."""

    SORTS = {
        "newest": ("-started_at",),
        "oldest": ("started_at",),
        "score_high": (F("grade__score").desc(nulls_last=True), "-started_at"),
        "score_low": (F("grade__score").asc(nulls_last=True), "-started_at"),
    }
    q = forms.CharField(required=False, max_length=200, label="Search your answers")
    question = forms.ChoiceField(required=False, label="Question")
    mode = forms.ChoiceField(required=False, choices=[("", "Any mode"), *Attempt.Mode.choices])
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), ("draft", "In progress"), ("graded", "Graded")]
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("score_high", "Highest score"),
                 ("score_low", "Lowest score")],
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only questions this user has attempted, so the list is short and reveals nothing else.
        questions = Question.objects.filter(attempts__user=user).distinct().order_by("title")
        self.fields["question"].choices = [
            ("", "All questions"),
            *((q.slug, q.title) for q in questions),
        ]

    def apply(self, attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
        data = self.cleaned_data
        if data["q"]:
            attempts = attempts.filter(
                pk__in=StageResponse.objects.filter(text__icontains=data["q"]).values("attempt_id")
            )
        if data["question"]:
            attempts = attempts.filter(question__slug=data["question"])
        if data["mode"]:
            attempts = attempts.filter(mode=data["mode"])
        if data["status"] == "draft":
            attempts = attempts.filter(status=Attempt.Status.DRAFT)
        elif data["status"] == "graded":
            attempts = attempts.filter(grade__status="done")
        return attempts.order_by(*self.SORTS[data["sort"] or "newest"])
