"""Forms for households and welfare checks. The forms only shape the input; the rules (village
in scope, categories, phone, duplicates) live in households.py and welfare.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.hazards.choices import HazardCategory

from . import households as services
from .choices import CheckGroup, CheckOutcome, HouseholdCategory


class HouseholdForm(forms.Form):
    region = forms.ModelChoiceField(queryset=None, label=_("village"))
    categories = forms.MultipleChoiceField(
        choices=HouseholdCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("categories"),
    )
    check_for = forms.MultipleChoiceField(
        choices=CheckGroup.choices, widget=forms.CheckboxSelectMultiple, label=_("check in")
    )
    people = forms.IntegerField(
        label=_("people in the household"), min_value=1, max_value=services.MAX_PEOPLE, initial=1
    )
    head_name = forms.CharField(label=_("head of household"), max_length=50)
    address = forms.CharField(label=_("address"), max_length=200)
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    needs = forms.CharField(
        label=_("needs"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = services.villages_for(user)
        self.fields["region"].label_from_instance = lambda r: f"{r.full_name or r.name} ({r.code})"
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class CheckOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[(v, label) for v, label in CheckOutcome.choices if v != CheckOutcome.PENDING],
    )
    note = forms.CharField(
        label=_("what was found"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class CheckHazardForm(forms.Form):
    description = forms.CharField(
        label=_("hazard found"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    category = forms.ChoiceField(
        label=_("category"),
        choices=HazardCategory.choices,
        initial=HazardCategory.OTHER,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
