from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, Delivery, JobMessage, Notification, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_fictional"]
    list_filter = ["level", "is_fictional"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "display_name", "role", "region", "enterprise", "team", "is_active"]
    list_filter = ["role", "is_active", "is_demo"]
    search_fields = ["username", "display_name", "mobile"]
    autocomplete_fields = ["region", "enterprise", "team"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (
            _("Role and scope"),
            {"fields": ["display_name", "mobile", "role", "region", "enterprise", "team"]},
        ),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Role and scope"), {"fields": ["display_name", "role", "region", "enterprise", "team"]}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "user__username"]
    autocomplete_fields = ["user"]
    fields = ["user", "name", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, raw = ApiToken.issue(user=obj.user, name=obj.name)
        obj.pk = token.pk
        messages.warning(
            request,
            _("Token created. Copy it now, it will not be shown again: %(raw)s") % {"raw": raw},
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username", "subject", "dedup_key"]
    date_hierarchy = "created_at"
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at"]


@admin.register(JobMessage)
class JobMessageAdmin(admin.ModelAdmin):
    """Background jobs the queue could not be trusted with (anlan.core.queue): *waiting* for
    the queue (Redis was down) or *running* in a worker (re-queued if that worker dies). An
    empty list is the normal state. Read-only: the workers manage these rows."""

    list_display = ["created_at", "name", "state", "worker", "lease_until", "attempts"]
    list_filter = ["state"]
    search_fields = ["name", "worker"]
    readonly_fields = ["key", "name", "state", "worker", "lease_until", "attempts", "created_at"]
    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Outbound e-mail, SMS and webhook deliveries: filter by status to see failures."""

    list_display = ["created_at", "channel", "kind", "target", "status", "attempts", "error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["target", "error"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Delivery._meta.fields]
