from django.urls import include, path

from . import views

app_name = "supervision"

urlpatterns = [
    path("checks/", views.check_list, name="checks"),
    path("checks/export.xlsx", views.check_export, name="checks-export"),
    path("checks/<int:pk>/", views.check_detail, name="check"),
    path("checks/<int:pk>/photo/", views.check_photo, name="check-photo"),
    path("strict-list/", views.strict_list, name="strict-list"),
    path("strict-list/export.xlsx", views.strict_export, name="strict-export"),
    path("strict-list/recompute/", views.strict_recompute, name="strict-recompute"),
    path("strict-list/enterprises/<int:pk>/", views.strict_history, name="strict-history"),
    # The committee office (issue #8): units and tasks, activities, assessments.
    path("", include("anlan.supervision.urls_office")),
    path("", include("anlan.supervision.urls_activities")),
    path("", include("anlan.supervision.urls_assessment")),
]
