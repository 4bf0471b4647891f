from django.urls import path

from . import views_portal

app_name = "commitments_portal"

urlpatterns = [
    path("", views_portal.board, name="board"),
    path("<int:pk>/", views_portal.board_detail, name="detail"),
]
