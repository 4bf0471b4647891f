from django import template

from ..notices import escalation_reached

register = template.Library()


@register.simple_tag
def escalation_of(hazard):
    """The escalation level the hazard's current deadline has reached, and when (or None)."""
    return escalation_reached(hazard)
