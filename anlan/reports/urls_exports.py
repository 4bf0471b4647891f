"""The ledger export page (in the ``reports`` namespace)."""

from django.urls import path

from . import views_exports

urlpatterns: list = [
    path("reports/exports/", views_exports.exports, name="exports"),
    path("reports/exports/download/", views_exports.export_download, name="exports-download"),
]
