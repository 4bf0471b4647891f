"""Monitoring pages: the live alarm board, alarm detail with acknowledge / dispose, the sensor
registry, and an enterprise's monitoring page with trend charts. Every look-up goes through
``visible_to``."""

from __future__ import annotations

import hashlib

import filetype
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_http_methods

from anlan.core.uploads import check_upload
from anlan.registry.models import Enterprise

from . import readings, services
from .forms import DisposeForm, SensorForm
from .models import Alarm, Sensor


def _board_alarms(user):
    return (
        Alarm.objects.visible_to(user)
        .filter(disposed_at__isnull=True)
        .select_related("sensor__enterprise")
        .order_by("-raised_at")[:200]
    )


@login_required
def board(request):
    return render(request, "monitoring/board.html", {"alarms": _board_alarms(request.user)})


def _board_etag(request, *args, **kwargs) -> str | None:
    """A fingerprint of the board for this user, from one aggregate query: the page polls
    every second and gets 304 Not Modified (no rendering) while nothing changed."""
    if not request.user.is_authenticated:
        return None
    state = (
        Alarm.objects.visible_to(request.user)
        .filter(disposed_at__isnull=True)
        .aggregate(
            n=Count("pk"),
            top=Max("pk"),
            acked=Max("acknowledged_at"),
            cleared=Max("cleared_at"),
            escalated=Max("escalated_at"),
        )
    )
    key = "|".join(str(state[k]) for k in ("n", "top", "acked", "cleared", "escalated"))
    key += f"|{request.user.pk}|{translation.get_language()}"
    return hashlib.sha1(key.encode()).hexdigest()[:20]  # noqa: S324 - a cache key, not security


@login_required
@condition(etag_func=_board_etag)
def board_rows(request):
    response = render(
        request, "monitoring/_board_rows.html", {"alarms": _board_alarms(request.user)}
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def alarm_attachment(request, pk: int):
    """The disposal's evidence, to those who may see the alarm."""
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user), pk=pk)
    if not alarm.attachment:
        raise Http404
    kind = filetype.guess(alarm.attachment.open("rb").read(261))
    alarm.attachment.seek(0)
    content_type = kind.mime if kind else "application/octet-stream"
    return FileResponse(
        alarm.attachment,
        content_type=content_type,
        filename=alarm.attachment.name.rsplit("/", 1)[-1],
        as_attachment=content_type == "application/pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def alarm_detail(request, pk: int):
    alarm = get_object_or_404(
        Alarm.objects.visible_to(request.user).select_related(
            "sensor__enterprise", "acknowledged_by", "disposed_by", "hazard"
        ),
        pk=pk,
    )
    form = DisposeForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "acknowledge":
                services.acknowledge(alarm=alarm, user=request.user)
                messages.success(request, _("Alarm acknowledged."))
                return redirect("monitoring:alarm", pk=alarm.pk)
            form = DisposeForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data.get("attachment")
                if upload is not None:
                    upload = check_upload(upload.read(), upload.name, field="attachment")
                services.dispose(
                    alarm=alarm,
                    user=request.user,
                    cause=form.cleaned_data["cause"],
                    measures=form.cleaned_data["measures"],
                    attachment=upload,
                )
                messages.success(request, _("Disposal recorded."))
                return redirect("monitoring:alarm", pk=alarm.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in form.fields:
                    form.add_error(field, errors)
                else:
                    messages.error(request, " ".join(errors))
    return render(
        request,
        "monitoring/alarm_detail.html",
        {
            "alarm": alarm,
            "form": form,
            "may_handle": services.can_handle(request.user, alarm),
            "ack_deadline": services.ack_deadline(alarm),
            "dispose_deadline": services.dispose_deadline(alarm),
            "overdue": services.is_overdue(alarm),
        },
    )


@login_required
def sensor_list(request):
    sensors = Sensor.objects.visible_to(request.user).select_related("enterprise", "gateway")
    q = request.GET.get("q", "").strip()
    if q:
        sensors = sensors.filter(tag__icontains=q) | sensors.filter(name__icontains=q)
    page = Paginator(sensors.order_by("enterprise_id", "tag"), 50).get_page(request.GET.get("page"))
    return render(request, "monitoring/sensor_list.html", {"page": page, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def sensor_edit(request, pk: int | None = None):
    sensor = None
    if pk is not None:
        sensor = get_object_or_404(Sensor.objects.visible_to(request.user), pk=pk)
    if not (
        services.can_manage(request.user, sensor.enterprise)
        if sensor
        else services.may_register(request.user)
    ):
        raise PermissionDenied
    form = SensorForm(request.POST or None, instance=sensor, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = sensor.enterprise if sensor else form.cleaned_data["enterprise"]
        data = {name: form.cleaned_data.get(name) for name in services.SENSOR_FIELDS}
        try:
            saved = services.save_sensor(
                user=request.user, enterprise=enterprise, data=data, sensor=sensor
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Sensor saved."))
            return redirect("monitoring:enterprise", pk=saved.enterprise_id)
    return render(request, "monitoring/sensor_form.html", {"form": form, "sensor": sensor})


@login_required
def enterprise_page(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    sensors = list(Sensor.objects.filter(enterprise=enterprise).order_by("tag"))
    last = readings.latest([s.pk for s in sensors[:200]])
    for sensor in sensors:
        ts_value = last.get(sensor.pk)
        sensor.last_value = ts_value[1] if ts_value else None
        sensor.last_at = readings.ms_to_datetime(ts_value[0]) if ts_value else None
    alarms = Alarm.objects.filter(sensor__enterprise=enterprise).select_related("sensor")[:50]
    hours = request.GET.get("hours", "6")
    return render(
        request,
        "monitoring/enterprise.html",
        {
            "enterprise": enterprise,
            "sensors": sensors,
            "alarms": alarms,
            "hours": hours if hours in {"1", "6", "24", "168", "720"} else "6",
        },
    )


@login_required
def offline_quality(request):
    """离线与数据质量: what is offline now and the per-enterprise rates of a chosen day."""
    import datetime as dt

    from django.utils import timezone

    from . import offline
    from .models import OfflineEpisode

    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today
    day = min(day, today)
    episodes = (
        OfflineEpisode.objects.visible_to(request.user)
        .open()
        .select_related("enterprise", "gateway", "sensor")
        .order_by("started_at", "pk")[:500]
    )
    rates = offline.daily_quality(day=day, sensors=Sensor.objects.visible_to(request.user))
    counties = offline.by_county(rates, OfflineEpisode.objects.visible_to(request.user).open())
    if request.GET.get("format") == "xlsx":
        from anlan.core.downloads import xlsx_response

        return xlsx_response(offline.quality_workbook(day, counties, rates), "data-quality")
    chart = {
        "counties": [c.enterprise_name for c in counties],
        "online": [c.percents()["online"] for c in counties],
        "completeness": [c.percents()["completeness"] for c in counties],
        "gateways_offline": [c.gateways_offline for c in counties],
    }
    return render(
        request,
        "monitoring/offline.html",
        {
            "episodes": episodes,
            "rates": rates,
            "counties": counties,
            "chart": chart,
            "day": day,
            "today": today,
        },
    )
