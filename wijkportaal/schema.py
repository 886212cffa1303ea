"""The OpenAPI schema's own pieces. Kept apart from `api.py`, which DRF imports while it
starts up (drf-spectacular's AutoSchema imports DRF in turn)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema

# The one-line summary of every operation in the OpenAPI schema and the browsable docs, in
# Dutch like the portal (English through the catalog), keyed by operation id; a test keeps
# every operation listed.
SUMMARIES = {
    "signals_list": _("Signalen die u mag zien"),
    "signals_create": _("Een signaal melden"),
    "signals_retrieve": _("Eén signaal (404 als u het niet mag zien)"),
    "signals_accept_create": _("Signaal oppakken (nieuwe casus of toegevoegd aan de open casus)"),
    "signals_decline_create": _("Signaal niet oppakken, met een reden"),
    "signals_receipt_retrieve": _("Ontvangstbewijs voor de rechter (pdf), voor de melder"),
    "signals_import_create": _("Signalen importeren uit een CSV-bestand"),
    "signals_imports_retrieve": _("Voortgang en verslag van een import op de achtergrond"),
    "cases_list": _("Casussen die u mag zien"),
    "cases_retrieve": _("Eén casus met signalen en geschiedenis"),
    "cases_transition_create": _("Status van een casus wijzigen"),
    "cases_notes_create": _("Notitie toevoegen aan een casus"),
    "cases_outreach_create": _("Contactpoging vastleggen"),
    "cases_help_create": _("Antwoord van de bewoner op het hulpaanbod vastleggen"),
    "agreements_list": _("Samenwerkingsafspraken"),
    "agreements_retrieve": _("Eén samenwerkingsafspraak"),
    "contacts_list": _("Vaste contactpersonen"),
    "contacts_retrieve": _("Eén vaste contactpersoon"),
    "insights_complexes_list": _("Inzichten per eigen complex"),
    "districts_list": _("Wijken waarin u werkt"),
    "districts_analysis_retrieve": _("Gebiedsanalyse van een wijk per kwartaal en soort"),
    "access_log_list": _("Inzagelog per huishouden (privacyfunctionaris)"),
    "notifications_list": _("Uw meldingen, ongelezen eerst"),
    "notifications_read_create": _("Melding als gelezen markeren"),
    "notifications_read_all_create": _("Alle meldingen als gelezen markeren"),
    "tokens_list": _("Uw API-sleutels"),
    "tokens_retrieve": _("Eén API-sleutel"),
    "tokens_revoke_create": _("API-sleutel intrekken"),
}


class PortalAutoSchema(AutoSchema):
    """Summaries from `SUMMARIES`, one table instead of a string per view."""

    def get_summary(self):
        summary = SUMMARIES.get(self.get_operation_id())
        return str(summary) if summary else super().get_summary()
