from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_login
from config.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/login/", admin_login),  # throttled like the site's login (accounts.views)
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("live/", include("live.urls")),
    path("", include("interviews.urls")),
]
