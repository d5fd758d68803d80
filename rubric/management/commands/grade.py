"""Grade answer files from the command line, one JSON result per input line. No database needed."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rubric.bank_files import load_bank
from rubric.engine import Answer, grade_for
from rubric.schema import Bank, RubricError


def grade_line(bank: Bank, line: str, number: int) -> dict[str, Any]:
    """Grade one JSONL line; a fault becomes `{"id", "error"}` instead of an exception."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return {
            "id": None,
            "error": f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})",
        }
    except ValueError:  # Python's digit limit on an integer thousands of digits long
        return {"id": None, "error": f"line {number}: a number on this line is too long"}
    if not isinstance(data, dict):
        return {"id": None, "error": f"line {number}: expected a JSON object"}
    answer_id = data.get("id")
    slug = data.get("question")
    if not isinstance(slug, str) or slug not in bank.questions:
        known = ", ".join(sorted(bank.questions))
        return {
            "id": answer_id,
            "error": f"line {number}: unknown question {slug!r}; known: {known}",
        }
    try:
        answer = Answer.from_dict(data)
    except ValueError as exc:  # includes SceneError for a bad whiteboard
        return {"id": answer_id, "error": f"line {number}: {exc}"}
    result = grade_for(bank, slug, answer).to_dict()
    return {"id": answer_id, "question": slug, "rubric_version": bank.version, **result}


class Command(BaseCommand):
    help = "Grade answers in FILE (JSON lines; `-` reads stdin) and print one JSON result per line."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="JSONL answer file, or - for standard input")

    def handle(self, *args, **options) -> None:
        try:
            bank = load_bank()
        except RubricError as exc:
            raise CommandError(f"Rubric files are invalid: {exc}") from None
        path = options["file"]
        try:
            stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        failures = 0
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                output = grade_line(bank, line, number)
                failures += "error" in output
                self.stdout.write(json.dumps(output, ensure_ascii=False))
        if failures:
            raise CommandError(f"{failures} line(s) could not be graded.", returncode=1)
