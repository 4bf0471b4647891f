from django.urls import include, path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/quarterly/", views.quarterly_list, name="quarterly"),
    path("reports/quarterly/new/", views.quarterly_generate, name="quarterly_generate"),
    path(
        "reports/quarterly/summary.xlsx",
        views.quarterly_summary_export,
        name="quarterly_summary_export",
    ),
    path("reports/quarterly/<int:pk>/", views.quarterly_detail, name="quarterly_detail"),
    path(
        "reports/quarterly/<int:pk>/export.xlsx",
        views.quarterly_export,
        name="quarterly_export",
    ),
    path(
        "reports/quarterly/<int:pk>/<str:action>/",
        views.quarterly_action,
        name="quarterly_action",
    ),
    path("", include("anlan.reports.urls_bulletins")),
    path("", include("anlan.reports.urls_exports")),
]
