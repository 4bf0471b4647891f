from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, HazardSource, ResponsiblePerson, RiskFlag


class ResponsiblePersonInline(admin.TabularInline):
    model = ResponsiblePerson
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "industry", "region", "status", "is_demo"]
    list_filter = ["industry", "status", "risk_flags", "is_demo"]
    search_fields = ["name", "uscc", "address"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["risk_flags"]
    inlines = [ResponsiblePersonInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(ResponsiblePerson)
class ResponsiblePersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "post", "enterprise", "mobile"]
    search_fields = ["name", "enterprise__name"]
    autocomplete_fields = ["enterprise"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(HazardSource)
class HazardSourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "enterprise"]
    list_filter = ["level"]
    search_fields = ["name", "enterprise__name"]
    autocomplete_fields = ["enterprise", "principal", "technical_lead", "operations_lead"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


admin.site.register(RiskFlag)
