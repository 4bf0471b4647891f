from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SafetyCommitment, WorkPermit


@admin.register(SafetyCommitment)
class SafetyCommitmentAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "day", "units_total", "hazards_safe", "submitted_at")
    list_filter = ("day", "hazards_safe")
    search_fields = ("enterprise__name",)
    raw_id_fields = ("enterprise", "submitted_by")
    date_hierarchy = "day"


@admin.register(WorkPermit)
class WorkPermitAdmin(SimpleHistoryAdmin):
    list_display = ("number", "kind", "enterprise", "planned_start", "planned_end", "supervisor")
    list_filter = ("kind",)
    search_fields = ("number", "enterprise__name", "location")
    raw_id_fields = ("enterprise", "hazard_source", "issued_by")
