from django.urls import path

from live.consumers import LiveSessionConsumer

websocket_urlpatterns = [
    path("ws/live/<int:pk>/", LiveSessionConsumer.as_asgi()),
]
