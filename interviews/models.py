from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from rubric.stages import DEFAULT_BUDGET_MINUTES, STAGE_LABELS, STAGES

STAGE_CHOICES = [(key, STAGE_LABELS[key]) for key in STAGES]


class Question(models.Model):
    """A prompt from the question bank (rubric/bank is the source of truth) or a user's own."""

    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=200)
    prompt = models.TextField()
    difficulty = models.CharField(
        max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    tags = models.JSONField(default=list, blank=True)
    scale_hints = models.JSONField(default=list, blank=True)
    clarifications = models.JSONField(default=list, blank=True)
    budgets = models.JSONField(default=dict, blank=True)
    guiding_questions = models.JSONField(default=dict, blank=True)
    hints = models.JSONField(default=dict, blank=True)
    strong_answer = models.TextField(blank=True)
    # True for questions from the bank files; custom questions are graded by the base rubric.
    in_bank = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def budget_minutes(self, stage: str) -> int:
        return int(self.budgets.get(stage) or DEFAULT_BUDGET_MINUTES[stage])

    @property
    def total_minutes(self) -> int:
        return sum(self.budget_minutes(stage) for stage in STAGES)


class Attempt(models.Model):
    class Mode(models.TextChoices):
        SOLO = "solo", "Solo practice"
        LIVE = "live", "Live session"

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempts")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SOLO)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    current_stage = models.CharField(max_length=12, choices=STAGE_CHOICES, default=STAGES[0])
    time_limit_minutes = models.PositiveIntegerField(default=45)
    # Solo "realistic mode": the question's curveball is delivered once, at its minute.
    realistic = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The solo interview clock: seconds it ran before its current run, and since when it runs
    # (None: stopped). Stopped at 0 is the question's preview, stopped later is a pause.
    clock_seconds = models.FloatField(default=0)
    clock_running_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.question} · {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        if self.status == self.Status.DRAFT:
            return reverse("attempt_practice", args=[self.pk])
        return reverse("attempt_results", args=[self.pk])

    @property
    def clock_state(self) -> str:
        """ "preview" (not started yet), "running" or "paused"."""
        if self.clock_running_since is not None:
            return "running"
        return "paused" if self.clock_seconds > 0 else "preview"

    def clock_elapsed(self, now: datetime | None = None) -> float:
        running = 0.0
        if self.clock_running_since is not None:
            running = ((now or timezone.now()) - self.clock_running_since).total_seconds()
        return self.clock_seconds + max(0.0, running)

    def seconds_left(self, now: datetime | None = None) -> float:
        """Negative once over time."""
        return self.time_limit_minutes * 60 - self.clock_elapsed(now)

    def can_edit(self, user) -> bool:
        return self.user_id == user.pk and self.status == self.Status.DRAFT

    @property
    def duration(self) -> timedelta:
        """Wall-clock time from start to submission (or until now while in progress)."""
        end = self.submitted_at or timezone.now()
        return end - self.started_at


class StageResponse(models.Model):
    """One stage's answer text. `version` guards against overwriting newer text."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES)
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    seconds_spent = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    snapshot_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "stage"], name="one_response_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.stage} v{self.version}"


class Whiteboard(models.Model):
    """The attempt's one board: the latest Excalidraw scene, versioned like the stage texts."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="whiteboard")
    scene = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    element_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # Element versions as of the last snapshot, so the next snapshot stores only what changed.
    snapshot_versions = models.JSONField(default=dict, blank=True)
    snapshot_at = models.DateTimeField(null=True, blank=True)
    snapshot_stage = models.CharField(max_length=12, blank=True)
    snapshot_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"board of attempt {self.attempt_id} v{self.version}"


class WhiteboardSnapshot(models.Model):
    """A point in the board's history for replay: a full keyframe or the elements changed since."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="board_snapshots")
    taken_at = models.DateTimeField(default=timezone.now)
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES)
    is_keyframe = models.BooleanField(default=False)
    elements = models.JSONField(default=list)
    removed_ids = models.JSONField(default=list)
    size_bytes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempt", "taken_at", "pk"]

    def __str__(self) -> str:
        return f"snapshot {self.pk} of attempt {self.attempt_id}"


class StageTextSnapshot(models.Model):
    """A stage's text as it was at a moment (throttled), for replaying how an answer grew."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="text_snapshots")
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES)
    text = models.TextField(blank=True)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempt", "taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.stage} @ {self.taken_at:%H:%M:%S}"


class HintUse(models.Model):
    """A hint the candidate revealed, or one a live interviewer sent; shown in the replay's timeline."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="hint_uses")
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES)
    # The position in the question's hint ladder, or None for a live interviewer's own words.
    index = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempt", "used_at"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "stage", "index"], name="one_use_per_hint")
        ]

    def __str__(self) -> str:
        which = "interviewer's hint" if self.index is None else f"hint {self.index + 1}"
        return f"{self.attempt_id}:{self.stage} {which}"

    def text_in(self, question: Question) -> str:
        if self.index is None:
            return self.text
        ladder = question.hints.get(self.stage, [])
        return ladder[self.index] if self.index < len(ladder) else ""


class FollowUp(models.Model):
    """A question the interviewer asked after a stage (in solo practice, the bank's probe for the
    stage's weakest criterion) and the candidate's reply, which is graded with the stage."""

    MAX_PER_STAGE = 2  # the bank's probes in solo practice; a live interviewer has a wider cap
    CURVEBALL = "curveball"  # criterion_key of the question's change of requirements

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="follow_ups")
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES)
    criterion_key = models.CharField(max_length=80)
    question = models.TextField()
    # The bank's wording when `question` was phrased by the LLM from the candidate's words.
    bank_probe = models.TextField(blank=True)
    reply = models.TextField(blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.stage} follow-up on {self.criterion_key}"

    @property
    def is_curveball(self) -> bool:
        return self.criterion_key == self.CURVEBALL
