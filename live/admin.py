from django.contrib import admin

from live.models import InterviewerNote, LiveSession, ScorecardEntry


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ["pk", "question", "interviewer", "candidate", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["interviewer", "candidate", "attempt"]
    exclude = ["invite_token"]


admin.site.register(InterviewerNote)
admin.site.register(ScorecardEntry)
