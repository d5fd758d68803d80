from __future__ import annotations

import os

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create (or reset) the demo account for local use and print its login."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD", "practice-makes-perfect")
        user, _ = User.objects.get_or_create(username=DEMO_USERNAME)
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account — username: {DEMO_USERNAME}  password: {password} (also an admin)"
            )
        )
