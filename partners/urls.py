from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("afspraken/", views.agreement_list, name="agreements"),
    path("afspraken/nieuw/", views.agreement_create, name="agreement_create"),
    path("afspraken/<int:pk>/", views.agreement_detail, name="agreement"),
    path("afspraken/<int:pk>/bewerken/", views.agreement_edit, name="agreement_edit"),
    path("afspraken/<int:pk>/activeren/", views.agreement_activate, name="agreement_activate"),
    path("afspraken/<int:pk>/laten-verlopen/", views.agreement_expire, name="agreement_expire"),
    path("afspraken/<int:pk>/evaluatie/", views.agreement_review, name="agreement_review"),
    path("contactpersonen/", views.contact_list, name="contacts"),
    path("contactpersonen/nieuw/", views.contact_create, name="contact_create"),
    path("contactpersonen/<int:pk>/bewerken/", views.contact_edit, name="contact_edit"),
    path("contactpersonen/<int:pk>/beeindigen/", views.contact_end, name="contact_end"),
    path("contactpersonen/<int:pk>/bevestigen/", views.contact_confirm, name="contact_confirm"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_export, name="dashboard_export"),
    path("monitor/", views.monitor, name="monitor"),
    path("monitor/export.csv", views.monitor_export, name="monitor_export"),
    path("inzichten/", views.insights, name="insights"),
    path("complexen/importeren/", views.complex_import, name="complex_import"),
    path("complexen/goedkeuren/", views.complex_approvals, name="complex_approvals"),
    path("complexen/<int:pk>/goedkeuren/", views.complex_approve, name="complex_approve"),
    path("gebieden/", views.district_list, name="districts"),
    path("gebieden/<int:pk>/", views.district_detail, name="district"),
    path("gebieden/<int:pk>/observaties/", views.observation_add, name="observation_add"),
    path("gebieden/<int:pk>/acties/", views.plan_action_add, name="plan_action_add"),
    path("gebieden/acties/<int:pk>/", views.plan_action_edit, name="plan_action_edit"),
    path("gebieden/observaties/", views.observation_review, name="observation_review"),
    path(
        "gebieden/observaties/<int:pk>/wissen/", views.observation_erase, name="observation_erase"
    ),
]
