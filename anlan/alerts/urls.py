from django.urls import path

from . import views
from .urls_households import urlpatterns as household_urls
from .urls_issue import urlpatterns as issue_urls

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    *household_urls,
    *issue_urls,
]
