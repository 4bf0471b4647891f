"""The four risk colours in templates: ``{{ point.grade|risk_badge }}`` and the CSS classes in
``registry/risk.css`` (risk-red, risk-orange, risk-yellow, risk-blue; yellow has dark text)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from anlan.registry.choices import RiskGrade

register = template.Library()


@register.filter
def risk_label(grade) -> str:
    return str(RiskGrade(grade).label) if grade in RiskGrade.values else _("Not assessed")


@register.filter
def risk_badge(grade):
    css = f"risk-{grade}" if grade in RiskGrade.values else "risk-none"
    return format_html(
        '<span class="badge risk-badge {}" data-grade="{}">{}</span>',
        css,
        grade or "none",
        risk_label(grade),
    )


@register.filter
def risk_class(grade) -> str:
    return f"risk-{grade}" if grade in RiskGrade.values else "risk-none"
