from django.urls import path

from . import views
from .urls_households import urlpatterns as household_urls
from .urls_issue import urlpatterns as issue_urls

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/board/", views.board_rows, name="board-rows"),
    path("<int:pk>/export.xlsx", views.board_export, name="board-export"),
    path("targets/<int:pk>/ack/", views.target_ack, name="target-ack"),
    path("targets/<int:pk>/measures/", views.target_measures, name="target-measures"),
    path("targets/<int:pk>/hazard/", views.target_hazard, name="target-hazard"),
    path("import/", views.import_view, name="import"),
    path("rejected/", views.rejected_list, name="rejected"),
    path("rejected/<int:pk>/", views.rejected_detail, name="rejected-detail"),
    path("feeds/", views.feeds, name="feeds"),
    path("matrix/", views.matrix_view, name="matrix"),
    *household_urls,
    *issue_urls,
]
