from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:code }}``: a dict lookup by a variable key."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key


@register.simple_tag
def warning_menu(user) -> dict:
    """Which warning pages the signed-in user may open (for the section's menu)."""
    from anlan.alerts.households import sees_households
    from anlan.alerts.services import ISSUER_ROLES, may_import

    return {
        "issue": bool(user.is_superuser or getattr(user, "role", None) in ISSUER_ROLES),
        "import": may_import(user),
        "households": sees_households(user),
    }
