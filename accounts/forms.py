from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User

from accounts.models import UsernameSkeleton
from accounts.throttle import client_address, login_blocked
from accounts.usernames import skeleton


class ThrottledLoginMixin:
    """Refuse to check a password while its username or the client's address is paused.

    The failures themselves are counted from the `user_login_failed` signal (accounts.apps).
    Sets `request.login_throttled`, so the view can answer 429.
    """

    request: object
    cleaned_data: dict

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if self.request is not None and login_blocked(username, client_address(self.request)):
            self.request.login_throttled = True
            minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
            raise forms.ValidationError(
                f"Too many failed attempts. Wait {minutes} minutes and try again.",
                code="throttled",
            )
        return super().clean()


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional. Only used to recover your account."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self) -> str:
        username = super().clean_username()  # None when Django found a case-only twin
        if username and UsernameSkeleton.objects.filter(skeleton=skeleton(username)).exists():
            raise forms.ValidationError(
                "That is too much like an existing username; people could mistake one for the "
                "other. Pick another.",
                code="look_alike",
            )
        return username


class AccountDeleteForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password, to confirm")

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right; nothing was deleted.")
        return password
