"""Interviewer-led sessions: who is in the room, the shared stage and clock, notes and a scorecard."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from interviews.models import STAGE_CHOICES, Attempt, Question
from rubric.schema import MAX_LEVEL
from rubric.stages import STAGES


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: unguessable, and short enough to paste


def default_invite_expiry():
    return timezone.now() + timedelta(hours=settings.LIVE_INVITE_TTL_HOURS)


class LiveSession(models.Model):
    class State(models.TextChoices):
        LOBBY = "lobby", "Waiting to start"
        RUNNING = "running", "In progress"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sessions_led"
    )
    # A candidate who deletes their account leaves the interviewer's notes and scorecard behind.
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_sessions_joined",
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    # Created when the candidate joins: the answer belongs to the candidate, like a solo attempt.
    attempt = models.OneToOneField(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_session"
    )
    invite_token = models.CharField(max_length=64, unique=True, default=new_invite_token)
    # Set when a candidate takes the seat, and never cleared: if they later delete their account
    # (candidate becomes NULL), the link must not seat a stranger beside the first one's notes.
    seat_taken_at = models.DateTimeField(null=True, blank=True)
    invite_expires_at = models.DateTimeField(default=default_invite_expiry)
    state = models.CharField(max_length=10, choices=State.choices, default=State.LOBBY)
    current_stage = models.CharField(max_length=12, choices=STAGE_CHOICES, default=STAGES[0])
    # The shared clock: seconds run before the last start, plus the time since it when running.
    clock_seconds = models.FloatField(default=0)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    candidate_allows_drawing = models.BooleanField(default=False)
    notes_shared = models.BooleanField(default=False)
    # Set when the interviewer asks to end: the candidate's page saves its last edits, then ends.
    end_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"live #{self.pk} · {self.question} · {self.interviewer}"

    def get_absolute_url(self) -> str:
        if self.state == self.State.ENDED:
            return reverse("live_review", args=[self.pk])
        return reverse("live_room", args=[self.pk])

    @property
    def socket_path(self) -> str:
        return f"/ws/live/{self.pk}/"  # live.routing

    def role_of(self, user) -> str | None:
        if user.pk == self.interviewer_id:
            return "interviewer"
        if self.candidate_id is not None and user.pk == self.candidate_id:
            return "candidate"
        return None

    def clock_elapsed(self, now=None) -> float:
        running = self.clock_started_at is not None
        extra = ((now or timezone.now()) - self.clock_started_at).total_seconds() if running else 0
        return self.clock_seconds + max(0.0, extra)

    @property
    def invite_expired(self) -> bool:
        return timezone.now() >= self.invite_expires_at

    @property
    def candidate_left(self) -> bool:
        """Someone took the seat and has since deleted their account."""
        return self.seat_taken_at is not None and self.candidate_id is None

    @property
    def is_open(self) -> bool:
        return self.state != self.State.ENDED

    # Who may see what: the room's socket, its events, the review and the data export all ask
    # these. The candidate sees the scorecard once the interview is over, the notes once shared.
    def may_see_notes(self, role: str | None) -> bool:
        return role == "interviewer" or (
            role == "candidate" and not self.is_open and self.notes_shared
        )

    def may_see_scorecard(self, role: str | None) -> bool:
        return role == "interviewer" or (role == "candidate" and not self.is_open)


class InterviewerNote(models.Model):
    """Private to the interviewer unless they share the notes after the session."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="notes")
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES)
    text = models.TextField()
    clock_seconds = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on live #{self.session_id}"


class ScorecardEntry(models.Model):
    """The interviewer's level (0–3, like the grader's) and comment on one rubric criterion."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="scorecard")
    criterion_key = models.CharField(max_length=80)
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_LEVEL)]
    )
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "criterion_key"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"live #{self.session_id} {self.criterion_key}={self.level}"
