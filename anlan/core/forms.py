from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anlan.registry.models import Enterprise
from anlan.rescue.models import Team

from .choices import UserRole
from .models import Region, User
from .permissions import manageable_roles
from .scoping import scope_of


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "display_name", "mobile", "role", "region", "enterprise", "team"]
        help_texts = {
            "region": _("For regional roles: the city, county, township or village they cover."),
            "enterprise": _("For enterprise roles."),
            "team": _("For rescue-team commanders."),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = manageable_roles(actor)
        self.fields["role"].choices = [(v, label) for v, label in UserRole.choices if v in allowed]
        scope = scope_of(actor)
        regions = Region.objects.all()
        if not scope.sees_all:
            regions = regions.filter(prefix__startswith=scope.region_prefix or "-")
        self.fields["region"].queryset = regions.order_by("code")
        self.fields["region"].label_from_instance = lambda r: f"{r.code} {r.full_name}"
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(actor).select_related(
            "region"
        )
        self.fields["team"].queryset = Team.objects.visible_to(actor)
        style_fields(self)
        self.fields["username"].help_text = _("Letters, digits and @ . + - _ only.")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's validation errors on the form: each on its field where the form has
    that field, the rest at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def style_fields(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget but check boxes (which the templates lay out)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
