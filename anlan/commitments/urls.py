from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("export/", views.commitment_export, name="export"),
    path("today/", views.fill, name="fill"),
    path("enterprises/<int:pk>/", views.enterprise_page, name="enterprise"),
    path("permits/", views.permit_list, name="permits"),
    path("permits/new/", views.permit_new, name="permit-new"),
    path("permits/import/", views.permit_import, name="permit-import"),
    path("permits/template.xlsx", views.permit_template, name="permit-template"),
    path("overview/", views.overview, name="overview"),
    path("overview/export/", views.overview_export, name="overview-export"),
]
