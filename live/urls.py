from django.urls import path

from live import views

urlpatterns = [
    path("", views.live_list, name="live_list"),
    path("new/", views.live_create, name="live_create"),
    path("join/<str:token>/", views.live_join, name="live_join"),
    path("<int:pk>/", views.live_room, name="live_room"),
    # The candidate's saves (practice's protocol, relayed live); the interviewer's board door.
    path("<int:pk>/answer/stages/<str:stage>/", views.live_text_save, name="live_text_save"),
    path(
        "<int:pk>/answer/whiteboard/",
        views.live_candidate_board_save,
        name="live_candidate_board_save",
    ),
    path("<int:pk>/whiteboard/", views.live_board_save, name="live_board_save"),
    path("<int:pk>/review/", views.live_review, name="live_review"),
    path("<int:pk>/notes/share/", views.live_notes_share, name="live_notes_share"),
]
