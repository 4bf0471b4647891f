"""Household and welfare-check pages (included by urls.py, namespace alerts, under /warnings/)."""

from django.urls import path

from . import views_households as views

urlpatterns: list = [
    path("households/", views.household_list, name="household-list"),
    path("households/export.xlsx", views.household_export, name="household-export"),
    path("households/new/", views.household_new, name="household-new"),
    path("households/import/", views.household_import, name="household-import"),
    path("households/import/template.xlsx", views.household_template, name="household-template"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path(
        "households/<int:pk>/deactivate/",
        views.household_deactivate,
        name="household-deactivate",
    ),
    path("households/<int:pk>/viewings/", views.household_viewings, name="household-viewings"),
    path("checks/", views.check_list, name="check-list"),
    path("checks/<int:pk>/record/", views.check_record, name="check-record"),
    path("checks/<int:pk>/hazard/", views.check_hazard, name="check-hazard"),
]
