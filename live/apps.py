from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live interviews"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from interviews.hooks import attempt_elsewhere, follow_up_replied
        from live.events import close_login_sockets
        from live.practice_hooks import live_attempt_elsewhere, live_follow_up_replied

        attempt_elsewhere.connect(live_attempt_elsewhere, dispatch_uid="live-attempt-elsewhere")
        follow_up_replied.connect(live_follow_up_replied, dispatch_uid="live-follow-up-replied")

        def signed_out(sender, request, user, **kwargs) -> None:
            # Sent before the session is flushed, so its key still names the sockets to close.
            key = getattr(getattr(request, "session", None), "session_key", None)
            if key:
                close_login_sockets(key)

        user_logged_out.connect(signed_out, weak=False, dispatch_uid="live-close-on-logout")
