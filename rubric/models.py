from __future__ import annotations

from django.db import models
from django.utils import timezone

from interviews.models import Attempt
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGE_LABELS


class Rubric(models.Model):
    """One version of the whole question bank; `version` is the content hash of its files."""

    version = models.CharField(max_length=32, unique=True)
    content = models.JSONField()
    is_current = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version}{' (current)' if self.is_current else ''}"


class Criterion(models.Model):
    """A criterion of a rubric version, kept as rows so the admin and progress views can query it."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    question_slug = models.CharField(
        max_length=80, blank=True, help_text="Empty for base criteria."
    )
    key = models.CharField(max_length=80)
    stage = models.CharField(
        max_length=12, choices=[(s, STAGE_LABELS[s]) for s in (*GRADED_STAGES, DIAGRAM)]
    )
    title = models.CharField(max_length=160)
    kind = models.CharField(max_length=20)
    weight = models.PositiveSmallIntegerField()
    competencies = models.JSONField(default=list)

    class Meta:
        ordering = ["rubric", "question_slug", "stage", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "question_slug", "key"], name="criterion_key_per_rubric"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_slug or 'base'} · {self.title}"


class Grade(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Grading"
        DONE = "done", "Graded"
        FAILED = "failed", "Failed"

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="grade")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="grades")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=20, blank=True)
    # The answer hardly touches the question asked: its score is capped and the page says so.
    off_topic = models.BooleanField(default=False)
    engine_version = models.CharField(max_length=20, blank=True)
    # Stages left (nearly) empty; two or more cap the answer at lean no hire.
    thin_stages = models.JSONField(default=list, blank=True)
    stage_scores = models.JSONField(default=dict, blank=True)
    # The board as the grader read it: recognised components and connections.
    diagram = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    runs = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"Grade of attempt {self.attempt_id}: {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class CriterionResult(models.Model):
    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="results")
    criterion_key = models.CharField(max_length=80)
    stage = models.CharField(max_length=12)
    title = models.CharField(max_length=160)
    kind = models.CharField(max_length=20)
    weight = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    max_level = models.PositiveSmallIntegerField()
    evidence = models.JSONField(default=list)
    evidence_stages = models.JSONField(default=list)
    missing = models.TextField(blank=True)
    tip = models.TextField(blank=True)
    competencies = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)
    # Little matched in text that says a lot: shown as "grader unsure" beside the level.
    unsure = models.BooleanField(default=False)

    class Meta:
        ordering = ["grade", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "criterion_key"], name="one_result_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_key}: {self.level}/{self.max_level}"

    @property
    def evidence_pairs(self) -> list[tuple[str, str]]:
        stages = self.evidence_stages or [""] * len(self.evidence)
        return [
            (STAGE_LABELS.get(stage, ""), quote)
            for stage, quote in zip(stages, self.evidence, strict=False)
        ]


class DiagramCorrection(models.Model):
    """What the candidate said a box on their board is, where the grader did not recognise it.

    The grade is recomputed with every correction applied (the same engine, the same rubric
    version), and the results page shows the role as the candidate's ("you said: …").
    """

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="corrections")
    element_id = models.CharField(max_length=64)
    label = models.CharField(max_length=200, help_text="The box's label when it was corrected.")
    role = models.CharField(max_length=40)
    score_before = models.PositiveSmallIntegerField(null=True, blank=True)
    score_after = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["grade", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "element_id"], name="one_correction_per_element"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label!r} is {self.role} (grade {self.grade_id})"


class LLMFeedback(models.Model):
    """An optional interviewer-style read of a graded attempt by a language model."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Writing feedback"
        DONE = "done", "Done"
        FAILED = "failed", "Unavailable"

    grade = models.OneToOneField(Grade, on_delete=models.CASCADE, related_name="llm_feedback")
    requested_by = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    model = models.CharField(max_length=100)
    prompt_version = models.CharField(max_length=40)
    request_hash = models.CharField(max_length=64, db_index=True)
    result = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    dropped_quotes = models.PositiveIntegerField(default=0)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=6, default=0)
    from_cache = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"LLM feedback for grade {self.grade_id}: {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class LLMDailyUsage(models.Model):
    """Feedback requests counted against a day's budget: one row per user and day, and one row
    per day with no user for the service's total. Claimed with a conditional UPDATE
    (`rubric.feedback`), so concurrent requests cannot both take the last one."""

    day = models.DateField()
    user = models.ForeignKey("auth.User", null=True, on_delete=models.CASCADE, related_name="+")
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "user"],
                condition=models.Q(user__isnull=False),
                name="llm_usage_one_row_per_user_day",
            ),
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(user__isnull=True),
                name="llm_usage_one_total_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id or 'total'}: {self.requests}"
