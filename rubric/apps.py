from django.apps import AppConfig


class RubricConfig(AppConfig):
    name = "rubric"
    verbose_name = "Rubric and grading"

    def ready(self) -> None:
        # Services send tasks by name (`rubric.queue`); register them in every process, the web
        # process included, where `make run` runs them in-process.
        from rubric import tasks  # noqa: F401
