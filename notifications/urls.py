from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("voorkeuren/", views.preferences, name="preferences"),
    path("alles-gelezen/", views.mark_all_read, name="mark_all_read"),
    path("<int:reminder_id>/gelezen/", views.mark_read, name="mark_read"),
    path("<int:reminder_id>/openen/", views.open_notification, name="open"),
]
