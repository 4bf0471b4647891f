from django.contrib import admin

from .models import OnlinePatrol, PatrolFinding


class FindingInline(admin.TabularInline):
    model = PatrolFinding
    extra = 0
    readonly_fields = ("hazard",)


@admin.register(OnlinePatrol)
class OnlinePatrolAdmin(admin.ModelAdmin):
    list_display = ("started_at", "kind", "enterprise", "patroller", "level", "result")
    list_filter = ("kind", "level", "result")
    search_fields = ("enterprise__name", "summary")
    raw_id_fields = ("enterprise", "patroller")
    inlines = [FindingInline]
