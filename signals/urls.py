from django.urls import path

from . import views

app_name = "signals"

urlpatterns = [
    path("", views.signal_list, name="list"),
    path("nieuw/", views.signal_new, name="new"),
    path("export.csv", views.signal_export, name="export"),
    path("importeren/", views.import_upload, name="import"),
    path("importeren/sjabloon.csv", views.import_template, name="import_template"),
    path("importeren/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("importeren/<uuid:pk>/fouten.csv", views.import_errors, name="import_errors"),
    path("<uuid:pk>/", views.signal_detail, name="detail"),
    path("<uuid:pk>/ontvangstbewijs.pdf", views.signal_receipt, name="receipt"),
]
