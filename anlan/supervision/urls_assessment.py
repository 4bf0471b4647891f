"""Pages of assessment schemes and assessments (in the ``supervision`` namespace)."""

from django.urls import path

from . import views_assessment as views

urlpatterns: list = [
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme-edit"),
    path("schemes/<int:pk>/copy/", views.scheme_copy, name="scheme-copy"),
    path("schemes/<int:pk>/items/new/", views.indicator_edit, name="scheme-item-add"),
    path("schemes/<int:pk>/items/<int:indicator_pk>/", views.indicator_edit, name="scheme-item"),
    path(
        "schemes/<int:pk>/items/<int:indicator_pk>/delete/",
        views.indicator_delete,
        name="scheme-item-delete",
    ),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/export.xlsx", views.assessment_export, name="assessments-export"),
    path("assessments/compute/", views.assessment_compute, name="assessments-compute"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/sheet.xlsx", views.assessment_sheet, name="assessment-sheet"),
    path("assessments/<int:pk>/score/", views.assessment_score, name="assessment-score"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment-submit"),
    path("assessments/<int:pk>/sign/", views.assessment_sign, name="assessment-sign"),
    path("assessments/<int:pk>/return/", views.assessment_return, name="assessment-return"),
    path("assessments/evidence/<int:pk>/", views.evidence_file, name="assessment-evidence"),
]
