from django.contrib import admin

from .models import Alarm, Gateway, Sensor


@admin.register(Gateway)
class GatewayAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "enterprise", "is_active", "last_seen")
    search_fields = ("code", "name", "enterprise__name")
    readonly_fields = ("key_prefix", "last_seen")
    exclude = ("key_hash",)


@admin.register(Sensor)
class SensorAdmin(admin.ModelAdmin):
    list_display = ("tag", "name", "kind", "enterprise", "gateway", "safety_critical", "is_active")
    list_filter = ("kind", "safety_critical", "is_active")
    search_fields = ("tag", "name", "enterprise__name")
    raw_id_fields = ("enterprise", "gateway", "hazard_source")


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    list_display = (
        "sensor",
        "kind",
        "level",
        "value",
        "raised_at",
        "acknowledged_at",
        "disposed_at",
        "cleared_at",
    )
    list_filter = ("kind", "level", "cause")
    raw_id_fields = ("sensor", "acknowledged_by", "disposed_by", "hazard")
    date_hierarchy = "raised_at"
