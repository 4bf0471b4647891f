"""Forms of the bulletin pages: generate (kind, region, period), commentary of one section,
subscription."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import bulletins as services
from .choices import BulletinKind
from .figures import SECTIONS

PERIOD_CHOICES = [
    ("week", _("A week (Monday to Sunday)")),
    ("month", _("A calendar month")),
    ("custom", _("A custom range")),
]


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=BulletinKind.choices)
    region = forms.ChoiceField(label=_("region"))
    period = forms.ChoiceField(label=_("period"), choices=PERIOD_CHOICES, initial="month")
    day = forms.DateField(
        label=_("a day of the week or month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_start = forms.DateField(
        label=_("first day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("last day (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in services.manageable_regions(user).order_by("code")}
        self.fields["region"].choices = [
            (c, r.full_name or r.name) for c, r in self.regions.items()
        ]
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class", "form-select" if isinstance(f, forms.ChoiceField) else "form-control"
            )
        if not self.is_bound:
            last_month = services.previous_month(timezone.localdate())[0]
            self.initial.setdefault("day", last_month)
            self.initial.setdefault("kind", BulletinKind.MONTHLY)
            if user is not None and getattr(user, "region_id", None):
                self.initial.setdefault("region", user.region.code)

    def clean(self):
        data = super().clean()
        region = self.regions.get(data.get("region"))
        if region is None:
            self.add_error("region", _("Choose a region in your jurisdiction."))
        data["region_obj"] = region
        period = data.get("period")
        if period in ("week", "month"):
            day = data.get("day")
            if not isinstance(day, dt.date):
                self.add_error("day", _("Enter a day of the period."))
                return data
            start, end = (services.week_of if period == "week" else services.month_of)(day)
        else:
            start, end = data.get("period_start"), data.get("period_end")
            if start is None:
                self.add_error("period_start", _("Enter the first day of the period."))
            if end is None:
                self.add_error("period_end", _("Enter the last day of the period."))
            if start is None or end is None:
                return data
        try:
            services.check_period(data.get("kind") or "", start, end)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        data["start"], data["end"] = start, end
        return data


class CommentaryForm(forms.Form):
    section = forms.ChoiceField(choices=[(s, s) for s in SECTIONS], widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("commentary"),
        required=False,
        max_length=services.COMMENTARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
