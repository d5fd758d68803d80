"""Sending the grading and feedback tasks, by name.

`rubric.tasks` imports the services it runs; naming the tasks here instead of importing them keeps
the services free of an import cycle.
"""

from __future__ import annotations

from celery import current_app

GRADE_TASK = "rubric.tasks.grade_attempt"
FEEDBACK_TASK = "rubric.tasks.llm_feedback"


def send(task_name: str, object_id: int) -> None:
    """Send now; raises whatever the broker raises when it is down (the callers decide)."""
    current_app.signature(task_name, args=[object_id]).apply_async(retry=False)
