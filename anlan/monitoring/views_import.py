"""Sensors imported from Excel (all or nothing), and the empty template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anlan.core.downloads import xlsx_response

from . import excel, services


@login_required
def sensor_import(request):
    if not services.may_register(request.user):
        raise PermissionDenied
    context = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose an Excel file."))
        else:
            try:
                report = excel.import_sensors(upload.read(), user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                if report.ok:
                    messages.success(
                        request,
                        _("Imported: %(created)d sensors added, %(updated)d updated.")
                        % {"created": report.created, "updated": report.updated},
                    )
                    return redirect("monitoring:sensors")
                context["errors"] = report.errors
    return render(request, "monitoring/sensor_import.html", context)


@login_required
def sensor_template(request):
    return xlsx_response(excel.template(), "sensors-template")
