from django import template

from anlan.patrols.services import may_record

register = template.Library()


@register.filter
def may_patrol(user) -> bool:
    """Whether the user records online patrols (regulators and system administrators); the
    pages they open check the enterprise against the user's jurisdiction."""
    return may_record(user)
