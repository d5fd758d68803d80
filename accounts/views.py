from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.forms import AccountDeleteForm, LoginForm, SignupForm
from accounts.models import UsernameSkeleton
from interviews.exports import user_data
from interviews.models import Attempt
from live.exports import live_sessions_data


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("question_list")
    form = SignupForm(request.POST or None)
    # An invite link sends newcomers here with ?next=; only a path on this site is followed.
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            if not UsernameSkeleton.objects.filter(user=user).exists():
                # A look-alike signed up between the form's check and this save.
                transaction.set_rollback(True)
                user = None
        if user is None:
            form.add_error("username", "That is too much like an existing username. Pick another.")
            return render(request, "accounts/signup.html", {"form": form, "next": next_url})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # A path, never a URL name: `redirect()` would try to reverse "next=foo".
        return HttpResponseRedirect(next_url) if next_url else redirect("question_list")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/account.html", {"delete_form": AccountDeleteForm(request.user)}
    )


@never_cache  # everything the user has, so no browser or proxy may keep a copy
@login_required
@require_http_methods(["GET"])
def account_export(request: HttpRequest) -> JsonResponse:
    data = {**user_data(request.user), "live_interviews": live_sessions_data(request.user)}
    response = JsonResponse(data, json_dumps_params={"indent": 1, "ensure_ascii": False})
    response["Content-Disposition"] = (
        f'attachment; filename="chalktalk-{request.user.username}.json"'
    )
    return response


@login_required
@require_http_methods(["POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.user, request.POST)
    if not form.is_valid():
        return render(request, "accounts/account.html", {"delete_form": form}, status=400)
    user = request.user
    logout(request)
    with transaction.atomic():
        # Attempts first: they protect the custom questions that the user's deletion also removes.
        Attempt.objects.filter(user=user).delete()
        user.delete()
    messages.success(request, "Your account and all its data were deleted.")
    return redirect("home")


class ThrottledLoginView(auth_views.LoginView):
    """Django's login, paused for a while after repeated failures for a username or an address."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    form_class = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(self.request, "login_throttled", False):
            response.status_code = 429
        return response


def admin_login(request: HttpRequest, **kwargs) -> HttpResponse:
    """The admin's login page with the same throttle (its form is `AdminLoginForm`, set in
    accounts.apps), answering 429 while paused like the site's login."""
    response = admin.site.login(request, **kwargs)
    if getattr(request, "login_throttled", False):
        response.status_code = 429
    return response
