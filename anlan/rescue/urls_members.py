"""Member, training, certificate and assessment pages (included by urls.py, namespace rescue)."""

from django.urls import path

from . import views_import
from . import views_members as views

urlpatterns: list = [
    path("teams/<int:team_id>/members/", views.member_list, name="member-list"),
    path("teams/<int:team_id>/members/export.xlsx", views.member_export, name="member-export"),
    path("teams/<int:team_id>/members/new/", views.member_new, name="member-new"),
    path(
        "teams/<int:team_id>/members/import/",
        views_import.member_import,
        name="member-import",
    ),
    path(
        "teams/<int:team_id>/members/import/template.xlsx",
        views_import.member_template,
        name="member-import-template",
    ),
    path("teams/<int:team_id>/units/new/", views.unit_new, name="unit-new"),
    path("teams/<int:team_id>/training/", views.training_summary, name="training-summary"),
    path("teams/<int:team_id>/scoring-rules/new/", views.scoring_rule_new, name="scoring-rule-new"),
    path("teams/<int:team_id>/assessments/", views.assessment_list, name="assessment-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/trainings/new/", views.training_new, name="training-new"),
    path("members/<int:pk>/certificates/new/", views.certificate_new, name="certificate-new"),
    path("members/<int:pk>/assessments/new/", views.assessment_new, name="assessment-new"),
    path("certificates/due/", views.certificates_due, name="certificates-due"),
    path(
        "certificates/due/export.xlsx",
        views.certificates_due_export,
        name="certificates-due-export",
    ),
]
