from django.contrib import admin

from rubric.models import Criterion, CriterionResult, DiagramCorrection, Grade, Rubric


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["question_slug", "stage", "key", "title", "kind", "weight"]
    readonly_fields = fields
    can_delete = False


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["version", "is_current", "created_at"]
    readonly_fields = ["version", "content", "created_at"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["title", "question_slug", "stage", "kind", "weight", "rubric"]
    list_filter = ["stage", "kind", "question_slug"]
    search_fields = ["title", "key"]


class CriterionResultInline(admin.TabularInline):
    model = CriterionResult
    extra = 0
    fields = ["stage", "title", "level", "max_level", "evidence", "missing"]
    readonly_fields = fields
    can_delete = False


class DiagramCorrectionInline(admin.TabularInline):
    model = DiagramCorrection
    extra = 0
    fields = ["label", "role", "score_before", "score_after", "updated_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["attempt", "status", "score", "band", "runs", "queued_at", "finished_at"]
    list_filter = ["status", "band"]
    list_select_related = ["attempt__user", "attempt__question"]
    readonly_fields = ["rubric", "stage_scores", "runs", "queued_at", "started_at", "finished_at"]
    inlines = [CriterionResultInline, DiagramCorrectionInline]
