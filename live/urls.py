from django.urls import path, register_converter

from live import views


class InviteTokenConverter:
    """What `live.models.new_invite_token` makes (URL-safe base64): anything else, a NUL byte
    included, is a 404 before it reaches the database."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(InviteTokenConverter, "invite")

urlpatterns = [
    path("", views.live_list, name="live_list"),
    path("new/", views.live_create, name="live_create"),
    path("join/<invite:token>/", views.live_join, name="live_join"),
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
