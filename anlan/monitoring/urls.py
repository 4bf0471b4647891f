from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.board, name="board"),
    path("board/rows/", views.board_rows, name="board-rows"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm"),
    path("sensors/", views.sensor_list, name="sensors"),
    path("sensors/new/", views.sensor_edit, name="sensor-new"),
    path("sensors/<int:pk>/edit/", views.sensor_edit, name="sensor-edit"),
    path("enterprises/<int:pk>/", views.enterprise_page, name="enterprise"),
]
