from django.urls import path

from . import views
from .urls_equipment import urlpatterns as equipment_urls
from .urls_members import urlpatterns as member_urls

app_name = "rescue"

urlpatterns = [
    path("", views.board, name="board"),
    *member_urls,
    *equipment_urls,
]
