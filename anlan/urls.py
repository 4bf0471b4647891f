from django.contrib import admin
from django.urls import include, path

from anlan.api import api

handler500 = "anlan.core.faults.server_error"

urlpatterns = [
    path("", include("anlan.reports.urls")),
    path("", include("anlan.core.urls")),
    path("enterprises/", include("anlan.registry.urls")),
    path("hazards/", include("anlan.hazards.urls")),
    path("portal/commitments/", include("anlan.commitments.urls_portal")),
    path("portal/warnings/", include("anlan.alerts.urls_public")),
    path("portal/", include("anlan.portal.urls")),
    path("inspections/standards/", include("anlan.inspections.urls_standards")),
    path("inspections/", include("anlan.inspections.urls")),
    path("monitoring/", include("anlan.monitoring.urls")),
    path("supervision/", include("anlan.supervision.urls")),
    path("patrols/", include("anlan.patrols.urls")),
    path("commitments/", include("anlan.commitments.urls")),
    path("rescue/", include("anlan.rescue.urls")),
    path("warnings/", include("anlan.alerts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
