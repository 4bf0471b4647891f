"""API of ledger exports with chosen columns (mounted at /api/exports)."""

from __future__ import annotations

from django.http import FileResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from anlan.core.downloads import XLSX_TYPE

from . import ledgers

router = Router(tags=["exports"])


class ColumnOut(Schema):
    key: str
    header: str


class FilterOut(Schema):
    name: str
    label: str
    kind: str = Field(..., description="choice, region, date_from, date_to, flag or int")
    choices: list[str]


class LedgerOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    filters: list[FilterOut]


def _describe(ledger: ledgers.Ledger) -> dict:
    return {
        "key": ledger.key,
        "title": str(ledger.title),
        "columns": [{"key": c.key, "header": str(c.header)} for c in ledger.columns],
        "filters": [
            {
                "name": f.name,
                "label": str(f.label),
                "kind": f.kind,
                "choices": [str(v) for v, _label in f.choices],
            }
            for f in ledger.filters
        ],
    }


@router.get("/", response=list[LedgerOut], summary="The ledgers, their columns and filters")
def list_ledgers(request):
    return [_describe(ledger) for ledger in ledgers.all_ledgers()]


class ExportIn(Schema):
    columns: str = Field(
        "",
        max_length=2000,
        description="Comma-separated column keys, in the order wanted (default: all)",
    )


@router.get(
    "/{ledger}.xlsx",
    summary="A ledger as .xlsx with the chosen columns; the ledger's filters as query parameters",
    description=(
        "Only the rows you may see. Filters are the ledger's own query parameters (see "
        "GET /api/exports/), e.g. status, region, date_from. An unknown ledger, column or bad "
        "filter value answers 422 naming it; more rows than ANLAN_EXPORT_MAX_ROWS answers 422 "
        "on `rows`."
    ),
)
def export_ledger(request, ledger: str, filters: Query[ExportIn]):
    if ledger not in ledgers.BUILDERS:
        ledgers.get_ledger(ledger)  # raises, naming the ledger
    params = request.GET.copy()
    params.pop("columns", None)
    out, _rows = ledgers.export(ledger, user=request.user, columns=filters.columns, params=params)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        out, as_attachment=True, filename=f"{ledger}-{stamp}.xlsx", content_type=XLSX_TYPE
    )
