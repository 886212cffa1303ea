from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("mijn/", views.my_cases, name="mine"),
    path("export.csv", views.case_export, name="export"),
    path("werkbak/", views.tray, name="tray"),
    path("werkbak/team/", views.switch_team, name="switch_team"),
    path("werkbak/bulk/", views.bulk, name="bulk"),
    path("werkbak/<uuid:signal_id>/", views.triage, name="triage"),
    path("werkbak/<uuid:signal_id>/oppakken/", views.triage_accept, name="accept"),
    path("werkbak/<uuid:signal_id>/afwijzen/", views.triage_decline, name="decline"),
    path("werkbak/<uuid:signal_id>/doorzetten/", views.triage_reroute, name="reroute"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/notitie/", views.add_note, name="note"),
    path("<uuid:case_id>/status/", views.transition, name="transition"),
    path("<uuid:case_id>/contactpoging/", views.record_outreach, name="outreach"),
    path("<uuid:case_id>/hulpaanbod/", views.record_help, name="help"),
    path("<uuid:case_id>/vervolgdatum/", views.set_follow_up, name="follow_up"),
    path("<uuid:case_id>/toewijzen/", views.assign, name="assign"),
    path("<uuid:case_id>/vertrouwelijk/", views.set_confidential, name="confidential"),
    path("<uuid:case_id>/delen/", views.share, name="share"),
    path("<uuid:case_id>/delen/beeindigen/", views.end_share, name="end_share"),
]
