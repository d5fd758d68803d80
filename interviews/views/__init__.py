"""Views, one module per part of the product; `interviews.urls` imports them from here."""

from interviews.views.pages import (
    attempt_create,
    attempt_list,
    custom_question_create,
    home,
    question_list,
)
from interviews.views.practice import (
    attempt_clock,
    attempt_practice,
    attempt_submit_view,
    curveball_view,
    follow_up_ask_view,
    follow_up_reply_view,
    hint_reveal,
    markdown_preview,
    stage_save,
    stage_time,
    whiteboard_save_view,
)
from interviews.views.results import (
    attempt_feedback,
    attempt_results,
    board_correction,
    grade_retry_view,
)
from interviews.views.review import (
    attempt_compare,
    attempt_delete,
    attempt_export_markdown,
    attempt_replay,
    progress,
)

__all__ = [
    "attempt_clock", "attempt_compare", "attempt_create", "attempt_delete", "attempt_export_markdown", "attempt_feedback",
    "attempt_list", "attempt_practice", "attempt_replay", "attempt_results", "attempt_submit_view",
    "board_correction", "custom_question_create", "curveball_view", "follow_up_ask_view", "follow_up_reply_view",
    "grade_retry_view", "hint_reveal", "home", "markdown_preview", "progress",
    "question_list", "stage_save", "stage_time", "whiteboard_save_view",
]  # fmt: skip
