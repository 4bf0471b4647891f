"""The export page: pick a ledger, tick columns (remembered per user and ledger in the session),
optional filters, download .xlsx. Ledger pages link here as ``reports:exports?ledger=…&<their
filters>``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.downloads import XLSX_TYPE
from anlan.core.models import Region

from . import ledgers

SESSION_KEY = "exports.columns.{}"


def _remembered(request, ledger: ledgers.Ledger) -> list[str]:
    keys = request.session.get(SESSION_KEY.format(ledger.key)) or ledger.default_keys()
    known = ledger.column_map
    return [k for k in keys if k in known]


def _chosen_keys(request) -> list[str]:
    """Columns from ``columns`` (ticked boxes, or one comma-separated value), in order."""
    keys: list[str] = []
    for raw in request.GET.getlist("columns"):
        keys.extend(k.strip() for k in raw.split(",") if k.strip())
    return keys


@login_required
def exports(request):
    """The page: the ledger chosen (``?ledger=``), its columns and filters prefilled from the
    query string."""
    key = request.GET.get("ledger", "").strip() or "hazards"
    try:
        ledger = ledgers.get_ledger(key)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        ledger = ledgers.get_ledger("hazards")
    ticked = _chosen_keys(request) or _remembered(request, ledger)
    ticked = [k for k in ticked if k in ledger.column_map]
    # Ticked columns first in the chosen order, then the others.
    ordered = [ledger.column_map[k] for k in ticked] + [
        c for c in ledger.columns if c.key not in ticked
    ]
    values = {spec.name: request.GET.get(spec.name, "")[:40] for spec in ledger.filters}
    # Other parameters a ledger page passed on (its search box, sort…) go along unchanged.
    carried = [
        (name, value[:100])
        for name, value in request.GET.items()
        if name not in values and name not in ("ledger", "columns", "page") and value
    ][:20]
    return render(
        request,
        "reports/exports.html",
        {
            "ledger": ledger,
            "ledgers": ledgers.all_ledgers(),
            "columns": ordered,
            "ticked": set(ticked),
            "filters": [(spec, values[spec.name]) for spec in ledger.filters],
            "carried": carried,
            "regions": Region.objects.visible_to(request.user)
            .filter(level__in=["city", "county", "township"])
            .order_by("code"),
            "max_rows": ledgers.max_rows(),
        },
    )


@login_required
def export_download(request):
    """The workbook: the visible rows of the ledger with the chosen columns and filters. A bad
    choice goes back to the page with the reason."""
    key = request.GET.get("ledger", "").strip()
    keys = _chosen_keys(request)
    try:
        ledger = ledgers.get_ledger(key)
        if not keys:
            raise ValidationError({"columns": _("Tick at least one column.")})
        out, _rows = ledgers.export(key, user=request.user, columns=keys, params=request.GET)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for message in errors:
                messages.error(request, f"{field}: {message}")
        return redirect(f"{reverse('reports:exports')}?{request.GET.urlencode()}")
    request.session[SESSION_KEY.format(ledger.key)] = [
        c.key for c in ledgers.parse_columns(ledger, keys)
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        out, as_attachment=True, filename=f"{ledger.key}-{stamp}.xlsx", content_type=XLSX_TYPE
    )
