from django.contrib import admin

from .models import GuaranteeCheck, StrictListEntry


@admin.register(GuaranteeCheck)
class GuaranteeCheckAdmin(admin.ModelAdmin):
    list_display = ("hazard_source", "role", "person_name", "period_start", "period_end")
    list_filter = ("role", "result")
    search_fields = ("hazard_source__name", "hazard_source__enterprise__name", "person_name")
    raw_id_fields = ("hazard_source", "person", "completed_by", "hazard")


@admin.register(StrictListEntry)
class StrictListEntryAdmin(admin.ModelAdmin):
    list_display = ("date", "enterprise", "computed_at")
    date_hierarchy = "date"
    search_fields = ("enterprise__name",)
    raw_id_fields = ("enterprise",)
