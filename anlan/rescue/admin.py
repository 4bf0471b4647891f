from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Team


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "region", "headcount"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]
