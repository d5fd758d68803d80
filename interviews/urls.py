from django.urls import path

from interviews import views

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/custom/", views.custom_question_create, name="custom_question_create"),
    path("questions/<slug:slug>/start/", views.attempt_create, name="attempt_create"),
    path("attempts/", views.attempt_list, name="attempt_list"),
    path("progress/", views.progress, name="progress"),
    path("attempts/compare/", views.attempt_compare, name="attempt_compare"),
    path("attempts/<int:pk>/", views.attempt_practice, name="attempt_practice"),
    path("attempts/<int:pk>/stages/<str:stage>/", views.stage_save, name="stage_save"),
    path("attempts/<int:pk>/stages/<str:stage>/hint/", views.hint_reveal, name="hint_reveal"),
    path(
        "attempts/<int:pk>/stages/<str:stage>/follow-up/",
        views.follow_up_ask_view,
        name="follow_up_ask",
    ),
    path(
        "attempts/<int:pk>/curveball/",
        views.curveball_view,
        name="curveball",
    ),
    path(
        "attempts/<int:pk>/follow-ups/<int:follow_up_id>/reply/",
        views.follow_up_reply_view,
        name="follow_up_reply",
    ),
    path("attempts/<int:pk>/time/", views.stage_time, name="stage_time"),
    path("attempts/<int:pk>/clock/", views.attempt_clock, name="attempt_clock"),
    path("attempts/<int:pk>/whiteboard/", views.whiteboard_save_view, name="whiteboard_save"),
    path("attempts/<int:pk>/submit/", views.attempt_submit_view, name="attempt_submit"),
    path("attempts/<int:pk>/results/", views.attempt_results, name="attempt_results"),
    path(
        "attempts/<int:pk>/export.md", views.attempt_export_markdown, name="attempt_export_markdown"
    ),
    path("attempts/<int:pk>/replay/", views.attempt_replay, name="attempt_replay"),
    path("attempts/<int:pk>/delete/", views.attempt_delete, name="attempt_delete"),
    path("attempts/<int:pk>/feedback/", views.attempt_feedback, name="attempt_feedback"),
    path("attempts/<int:pk>/results/retry/", views.grade_retry_view, name="grade_retry"),
    path(
        "attempts/<int:pk>/results/board/corrections/",
        views.board_correction,
        name="board_correction",
    ),
    path("preview/", views.markdown_preview, name="markdown_preview"),
]
