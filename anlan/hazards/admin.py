from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Hazard, HazardAttachment, HazardTransition, RectificationPlan


class TransitionInline(admin.TabularInline):
    model = HazardTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hazard)
class HazardAdmin(SimpleHistoryAdmin):
    """Read-mostly: states change only through the hazard services (the web pages and API)."""

    list_display = ["code", "level", "status", "enterprise", "place_name", "region", "deadline"]
    list_filter = ["status", "level", "channel", "category"]
    search_fields = ["code", "description", "enterprise__name", "place_name"]
    readonly_fields = ["code", "status", "deadline", "duplicate_of", "closed_at", "created_at"]
    autocomplete_fields = ["enterprise", "region", "reported_by"]
    inlines = [TransitionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


admin.site.register(RectificationPlan, SimpleHistoryAdmin)
admin.site.register(HazardAttachment)
