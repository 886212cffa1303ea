from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("inzagelog/", views.access_log, name="access_log"),
    path("inzagelog/export.csv", views.access_log_export, name="access_log_export"),
    path("inzagelog/rapport/", views.access_log_report, name="access_log_report"),
    path("huishouden/", views.household, name="household"),
    path("huishouden/wissen/", views.household_erase, name="household_erase"),
    path("bewaartermijnen/", views.retention_runs, name="retention_runs"),
]
