from django.urls import path

from . import views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_report, name="report"),
    path("export.xlsx", views.hazard_export, name="export"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/<str:action>/", views.hazard_action, name="action"),
]
