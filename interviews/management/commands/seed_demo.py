from __future__ import annotations

import os
import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.utils import timezone

from interviews.models import Attempt, Question, StageResponse
from interviews.services import attempt_start, attempt_submit
from rubric.services import grade_run
from rubric.stages import STAGES

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create (or reset) the demo account for local use and print its login."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            help="also create N graded past attempts (only when the account has none yet)",
        )

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD", "practice-makes-perfect")
        user, _ = User.objects.get_or_create(username=DEMO_USERNAME)
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.save()
        # Only once: `make run` passes --history on every start, and history should not pile up.
        if options["history"] and not Attempt.objects.filter(user=user).exists():
            self._history(user, options["history"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account — username: {DEMO_USERNAME}  password: {password} (also an admin)"
            )
        )

    def _history(self, user: User, count: int) -> None:
        """Past attempts that improve over time, built from the bank's strong-answer outlines."""
        rng = random.Random(42)
        questions = list(Question.objects.filter(in_bank=True, is_active=True).order_by("slug"))
        # Midnight `count` days ago, so each attempt lands on its own day (8:00-20:00) whatever
        # the hour `make run` is started at.
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        start = midnight - timedelta(days=count)
        for i in range(count):
            question = questions[rng.randrange(len(questions))]
            attempt = attempt_start(user=user, question=question)
            lines = [
                line.strip("-# *")
                for line in question.strong_answer.splitlines()
                if len(line.split()) > 4
            ]
            share = min(1.0, 0.25 + 0.75 * i / max(count - 1, 1))  # later attempts cover more
            for stage in STAGES:
                picked = [line for line in lines if rng.random() < share]
                StageResponse.objects.filter(attempt=attempt, stage=stage).update(
                    text="\n".join(picked[len(picked) * STAGES.index(stage) // 6 :][:4]),
                    seconds_spent=rng.randint(150, 700),
                )
            when = start + timedelta(days=i, hours=rng.randint(8, 20))
            Attempt.objects.filter(pk=attempt.pk).update(started_at=when)
            grade = attempt_submit(attempt=attempt)
            Attempt.objects.filter(pk=attempt.pk).update(submitted_at=when + timedelta(minutes=44))
            grade_run(grade_id=grade.pk)
        self.stdout.write(f"Created {count} graded past attempts for {user.username}.")
