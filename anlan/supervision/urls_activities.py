"""Pages of trainings, expert visits and campaigns (in the ``supervision`` namespace)."""

from django.urls import path

from . import views_activities as views

urlpatterns: list = [
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.training_new, name="training-new"),
    path("trainings/export.xlsx", views.training_export, name="trainings-export"),
    path("trainings/import/", views.training_import, name="trainings-import"),
    path("trainings/template.xlsx", views.training_template, name="trainings-template"),
    path("trainings/<int:pk>/", views.training_detail, name="training"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training-edit"),
    path("trainings/<int:pk>/delete/", views.training_delete, name="training-delete"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit-new"),
    path("visits/export.xlsx", views.visit_export, name="visits-export"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("visits/<int:pk>/delete/", views.visit_delete, name="visit-delete"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/export.xlsx", views.campaign_export, name="campaign-export"),
    path("campaigns/<int:pk>/items/", views.item_new, name="campaign-item-new"),
    path("campaign-items/<int:pk>/edit/", views.item_edit, name="campaign-item-edit"),
    path("campaign-items/<int:pk>/progress/", views.item_progress, name="campaign-item-progress"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity-new"),
    path("activities/export.xlsx", views.activity_export, name="activities-export"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity-delete"),
]
