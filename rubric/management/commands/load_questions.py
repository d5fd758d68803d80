from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rubric.bank_files import load_bank
from rubric.schema import RubricError
from rubric.services import bank_sync


class Command(BaseCommand):
    help = "Validate the question bank files in rubric/bank and load them into the database."

    def handle(self, *args, **options) -> None:
        try:
            bank = load_bank()
        except RubricError as exc:
            raise CommandError(f"Rubric files are invalid: {exc}") from None
        rubric, created = bank_sync(bank=bank)
        state = "loaded new rubric version" if created else "rubric version unchanged"
        self.stdout.write(
            self.style.SUCCESS(f"{len(bank.questions)} questions, {state} {rubric.version}.")
        )
