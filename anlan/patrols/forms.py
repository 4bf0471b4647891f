from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.hazards.choices import HazardCategory, HazardLevel

from .choices import PatrolItem, PatrolKind, PatrolResult


def _bootstrap(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class PatrolForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PatrolKind.choices, initial=PatrolKind.PATROL)
    started_at = forms.DateTimeField(
        label=_("started at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    items = forms.MultipleChoiceField(
        label=_("what was looked at"),
        choices=PatrolItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    summary = forms.CharField(
        label=_("summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    result = forms.ChoiceField(
        label=_("result"), choices=PatrolResult.choices, widget=forms.RadioSelect, initial="ok"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)
        if not self.is_bound:
            self.initial.setdefault(
                "started_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class FindingForm(forms.Form):
    """One finding row; every field is checked by the service (an empty row is skipped)."""

    description = forms.CharField(
        label=_("description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    category = forms.ChoiceField(
        label=_("category"), choices=HazardCategory.choices, initial=HazardCategory.MANAGEMENT
    )
    level = forms.ChoiceField(
        label=_("hazard level"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL
    )
    deadline = forms.DateField(
        label=_("rectification deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description") or "").strip() and not data.get("deadline")


FindingFormSet = forms.formset_factory(FindingForm, extra=1, max_num=50, validate_max=True)
