from django.db import migrations, models
from django.db.models import F


def existing_clocks_run_from_the_start(apps, schema_editor):
    """Attempts made before the preview existed started their clock when they were created."""
    apps.get_model("interviews", "Attempt").objects.update(clock_running_since=F("started_at"))


class Migration(migrations.Migration):
    dependencies = [("interviews", "0006_follow_up")]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="clock_seconds",
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name="attempt",
            name="clock_running_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(existing_clocks_run_from_the_start, migrations.RunPython.noop),
    ]
