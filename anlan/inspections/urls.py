from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/new/", views.checklist_new, name="checklist_new"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist"),
    path("checklists/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("coverage/", views.coverage_report, name="coverage"),
    path("coverage/export.xlsx", views.coverage_export, name="coverage_export"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/toggle/", views.plan_toggle, name="plan_toggle"),
]
