from django.contrib import admin

from interviews.models import Attempt, Question, StageResponse


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "difficulty", "in_bank", "is_active"]
    list_filter = ["difficulty", "in_bank", "is_active"]
    search_fields = ["title", "slug", "summary"]
    readonly_fields = ["in_bank"]


class StageResponseInline(admin.TabularInline):
    model = StageResponse
    extra = 0
    fields = ["stage", "version", "seconds_spent", "text"]
    readonly_fields = ["stage", "version", "seconds_spent"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "question", "mode", "status", "started_at", "submitted_at"]
    list_filter = ["status", "mode", "question"]
    search_fields = ["user__username", "question__title"]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user"]
    inlines = [StageResponseInline]
