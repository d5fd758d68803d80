from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live interviews"

    def ready(self) -> None:
        from interviews.hooks import attempt_elsewhere
        from live.practice_hooks import live_attempt_elsewhere

        attempt_elsewhere.connect(live_attempt_elsewhere, dispatch_uid="live-attempt-elsewhere")
