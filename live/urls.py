from django.urls import path

from live import views

urlpatterns = [
    path("", views.live_list, name="live_list"),
    path("new/", views.live_create, name="live_create"),
    path("join/<str:token>/", views.live_join, name="live_join"),
    path("<int:pk>/", views.live_room, name="live_room"),
    path("<int:pk>/whiteboard/", views.live_board_save, name="live_board_save"),
    path("<int:pk>/review/", views.live_review, name="live_review"),
    path("<int:pk>/notes/share/", views.live_notes_share, name="live_notes_share"),
]
