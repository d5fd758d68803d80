from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts.forms import AdminLoginForm
        from accounts.throttle import client_address, login_failed, login_succeeded

        def count_failure(sender, credentials, request=None, **kwargs) -> None:
            if request is not None:
                login_failed(str(credentials.get("username", "")), client_address(request))

        def clear_failures(sender, request, user, **kwargs) -> None:
            login_succeeded(user.get_username())

        # Every form that checks a password sends these: the site's login and the admin's.
        user_login_failed.connect(
            count_failure, weak=False, dispatch_uid="accounts-count-login-failure"
        )
        user_logged_in.connect(
            clear_failures, weak=False, dispatch_uid="accounts-clear-login-failures"
        )
        admin.site.login_form = AdminLoginForm

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from accounts.services import username_skeleton_record

        post_save.connect(
            username_skeleton_record,
            sender=get_user_model(),
            weak=False,
            dispatch_uid="accounts-username-skeleton",
        )
