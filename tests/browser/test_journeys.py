"""The journeys of the portal's main users, in a real browser (see conftest.py).

1. A corporation employee files a signal (first with a wrong postcode), sees the team and
   the deadlines, and imports a CSV file with one bad row.
2. A triage lead triages a signal in one view, accepts it and assigns it from the success
   message; the assignee is notified, opens the case page, adds a note, pauses with a
   reason (refused first without one), resumes and closes with an outcome; the filer is
   notified and sees only "Afgerond", the outcome and the team's contact person.
3. A coordinator edits an agreement's terms, confirms a contact person and reads the
   dashboard.
4. Rent arrears with an eviction date: filed with the four Bgs steps, outreach and help
   accepted on the case, closed with the covenant's code, and the filer's receipt.
5. A district: corporation and team see the same figures on the district page, the
   coordinator reads the map and adds an action with an owner to the district plan.
"""

import re
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import Case, CaseState
from core.kinds import SignalKind
from partners.models import AgreementTerm, ContactPerson, District, PlanAction
from signals.models import INPUT_FIELDS, Signal, SignalImport, SignalStatus
from signals.services import file_signal
from tests.celery_worker import running_worker
from tests.helpers import at, signal

MAP_SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "district-map.png"

NOTE = "Huisbezoek gedaan; bewoner staat open voor schuldhulp."


def dutch(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def open_action(page, name: str) -> None:
    """Open an action of the case page (a <details> showing only that step's fields)."""
    page.locator("details.action > summary", has_text=name).click()


def status_badge(page):
    """The case's status in the case page's header."""
    return page.locator(".case-badges .status").first


def definition(page, term: str):
    """The <dd> that belongs to the <dt> with exactly this text."""
    return page.locator(f'dt:text-is("{term}") + dd').first


def import_file() -> bytes:
    """Three rows for the CSV import; the second (line 3) has a postcode that is none."""
    rows = [
        {"postcode": "1012 AB", "house_number": "7", "external_reference": "R-1"},
        {"postcode": "99999", "house_number": "8", "external_reference": "R-2"},
        {"postcode": "1013 CD", "house_number": "9", "external_reference": "R-3"},
    ]
    common = {"kind": "Overlast", "description": "Lawaai 's nachts.", "resident_informed": "ja"}
    lines = [";".join(INPUT_FIELDS)]
    for row in rows:
        row = {**common, **row}
        lines.append(";".join(row.get(field, "") for field in INPUT_FIELDS))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_corporation_files_a_signal_and_imports_a_file(journey, tmp_path):
    anna = journey("anna")
    page = anna.page

    page.get_by_role("link", name="Signaal melden").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaal melden")
    anna.step("formulier")
    page.get_by_label("Soort signaal").select_option(label="Overlast")
    page.get_by_label("Postcode").fill("1012 A")
    page.get_by_label("Huisnummer").fill("12")
    page.get_by_label("Omschrijving").fill("Harde muziek en ruzie, elke nacht na 23 uur.")
    page.get_by_label("De bewoner weet dat wij dit signaal doorgeven").check()
    page.get_by_role("button", name="Signaal melden").click()

    # Refused: the message names the field, and everything typed is still there.
    expect(page.locator(".error-summary")).to_contain_text("Vul een geldige postcode in")
    expect(page.locator("#id_postcode_error")).to_contain_text("bijvoorbeeld 1012 AB")
    expect(page.get_by_label("Postcode")).to_have_value("1012 A")
    expect(page.get_by_label("Huisnummer")).to_have_value("12")
    expect(page.get_by_label("Omschrijving")).to_have_value(
        "Harde muziek en ruzie, elke nacht na 23 uur."
    )
    expect(page.get_by_label("Soort signaal")).to_have_value(SignalKind.NUISANCE)
    expect(page.get_by_label("De bewoner weet dat wij dit signaal doorgeven")).to_be_checked()
    assert not Signal.objects.exists()
    anna.step("fout in postcode")

    page.get_by_label("Postcode").fill("1012ab")
    page.get_by_role("button", name="Signaal melden").click()
    signal = Signal.objects.get()
    page.wait_for_url(f"**/signalen/{signal.pk}/")
    assert signal.team.name == "Wijkteam Noord"
    triage, feedback = dutch(signal.triage_deadline), dutch(signal.feedback_deadline)
    expect(page.locator(".messages")).to_contain_text(
        f"Signaal {signal.reference} is gemeld bij Wijkteam Noord. "
        f"Triage uiterlijk {triage}, terugkoppeling uiterlijk {feedback}."
    )
    expect(definition(page, "Wijkteam")).to_have_text("Wijkteam Noord")
    expect(definition(page, "Triage uiterlijk")).to_have_text(triage)
    expect(definition(page, "Terugkoppeling uiterlijk")).to_have_text(feedback)
    expect(definition(page, "Adres")).to_have_text("1012 AB 12")
    anna.step("gemeld")

    # The import runs on a real Celery worker; the page refreshes itself until it is done.
    with running_worker("redis", tmp_path):
        anna.nav("Importeren")
        anna.step("importpagina")
        page.get_by_label("CSV-bestand").set_input_files(
            {"name": "huurders-november.csv", "mimeType": "text/csv", "buffer": import_file()}
        )
        page.get_by_role("button", name="Importeren").click()
        expect(page.locator("p[role=status]")).to_contain_text("Klaar", timeout=60_000)
    anna.step("importverslag")
    expect(definition(page, "Gemeld")).to_have_text("2")
    expect(definition(page, "Regels met fouten")).to_have_text("1")
    error_rows = page.locator("table tbody tr")
    expect(error_rows).to_have_count(1)
    expect(error_rows.first.locator("td").nth(0)).to_have_text("3")
    expect(error_rows.first.locator("td").nth(1)).to_have_text("postcode")
    expect(error_rows.first).to_contain_text("Vul een geldige postcode in")
    assert SignalImport.objects.get().created == 2
    imported = Signal.objects.filter(external_reference__startswith="R-")
    assert sorted(imported.values_list("external_reference", flat=True)) == ["R-1", "R-3"]
    expect(page.get_by_role("link", name="Download het foutenrapport (CSV)")).to_be_visible()


def test_triage_lead_works_a_signal_and_the_filer_sees_only_the_outcome(journey):
    anna_user = get_user_model().objects.get(username="anna")
    signal = file_signal(
        anna_user,
        {
            "kind": SignalKind.NUISANCE,
            "postcode": "1014 AB",
            "house_number": "3",
            "description": "Vervuild balkon en klachten van buren over stank.",
            "resident_informed": True,
        },
    )
    # Another corporation reports the same household: the triage view shows it beside.
    other = file_signal(
        get_user_model().objects.get(username="bram"),
        {
            "kind": SignalKind.NUISANCE,
            "postcode": "1014 AB",
            "house_number": "3",
            "description": "Buren klagen over stank in het portiek.",
            "resident_informed": False,
        },
    )
    noor = journey("noor")
    page = noor.page

    noor.nav("Werkbak")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkbak Wijkteam Noord")
    noor.step("werkbak")
    page.get_by_role("link", name=signal.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(signal.reference)
    # One view: the signal, the household's other signals and the three decisions.
    others = page.locator("section", has=page.locator("#others-heading"))
    expect(others).to_contain_text(other.reference)
    expect(others).to_contain_text("Stadswonen")
    for decision in ("Oppakken", "Niet oppakken", "Doorzetten naar ander wijkteam"):
        expect(page.get_by_role("heading", name=decision, exact=True)).to_be_visible()
    noor.step("triage")
    noor.document("triage")
    page.get_by_role("button", name="Signaal oppakken").click()
    case = Case.objects.get(case_signals__signal=signal)
    messages = page.locator(".messages")
    expect(messages).to_contain_text(
        f"Signaal {signal.reference} is opgepakt in casus {case.reference}."
    )
    noor.step("opgepakt")

    # The message offers the next step: assign, straight on the case page.
    messages.get_by_role("link", name="Nu toewijzen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Casus {case.reference}")
    assign = page.locator("details#toewijzen")
    expect(assign).to_have_attribute("open", "")
    noor.step("casus toewijzen")
    assign.get_by_label("Behandelaar").select_option(label="Sara El Amrani")
    assign.get_by_role("button", name="Toewijzen", exact=True).click()
    expect(messages).to_contain_text("De behandelaar is gewijzigd.")
    expect(definition(page, "Behandelaar")).to_contain_text("Sara El Amrani")
    noor.step("toegewezen")

    # The assignee is told: the notification links to the case.
    sara = journey("sara")
    page = sara.page
    page.goto("/meldingen/")
    expect(page.locator("main")).to_contain_text(f"Casus {case.reference} is aan u toegewezen")
    sara.step("melding toegewezen")
    sara.document("meldingen")
    page.locator("tr", has_text=case.reference).get_by_role(
        "button", name=re.compile("^Openen")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Casus {case.reference}")

    def act(name: str):
        """Open an action of the case page: it shows only the fields that step needs."""
        open_action(page, name)
        return page.locator("details.action[open]")

    note = act("Notitie toevoegen")
    note.get_by_role("textbox", name=re.compile(r"^Notitie")).fill(NOTE)
    note.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator(".messages")).to_contain_text("Notitie toegevoegd.")
    expect(page.locator("ol.timeline")).to_contain_text(NOTE)

    page.get_by_role("button", name="In behandeling nemen").click()
    expect(status_badge(page)).to_have_text("In behandeling")
    pause = act("Pauzeren")
    expect(pause.get_by_label("Uitkomst voor de melder")).to_have_count(0)
    pause.get_by_role("button", name="Pauzeren", exact=True).click()
    # Refused without a reason: the summary at the top says why and links to the field.
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Geef een reden op.")
    sara.step("pauzeren zonder reden")
    expect(summary.get_by_role("link", name=re.compile("Reden"))).to_have_attribute(
        "href", "#transition_on_hold_reason"
    )
    page.get_by_label("Reden").fill("Bewoner twee weken in het ziekenhuis.")
    page.locator("details#status-on_hold").get_by_role(
        "button", name="Pauzeren", exact=True
    ).click()
    expect(status_badge(page)).to_have_text("Gepauzeerd")
    page.get_by_role("button", name="Hervatten").click()
    expect(status_badge(page)).to_have_text("In behandeling")
    sara.step("casus")
    sara.document("casuspagina")

    close = act("Afsluiten")
    expect(close.get_by_label("Reden")).to_have_count(0)
    close.get_by_label("Uitkomst voor de melder").select_option(label="Hulp geaccepteerd")
    close.get_by_role("button", name="Afsluiten", exact=True).click()
    expect(status_badge(page)).to_have_text("Afgesloten")
    expect(definition(page, "Afgesloten op")).to_contain_text("Hulp geaccepteerd")
    # Closed: read-only, no old follow-up date, no forms.
    expect(page.locator(".read-only-note")).to_be_visible()
    expect(page.locator("details.action")).to_have_count(0)
    sara.step("afgesloten")
    case.refresh_from_db()
    signal.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert signal.status == SignalStatus.CLOSED

    anna = journey("anna")
    page = anna.page
    anna.nav("Signalen")
    row = page.locator("tr", has_text=signal.reference)
    expect(row).to_contain_text("Afgerond")
    anna.step("signalen")
    row.get_by_role("link", name=signal.reference).click()
    expect(definition(page, "Status")).to_have_text("Afgerond")
    expect(definition(page, "Uitkomst")).to_have_text("Hulp geaccepteerd")
    anna.step("uitkomst")
    anna.document("signaal-melder")
    # The filer follows the signal on a dated timeline and sees whom to call: the team's
    # fixed contact person for the district (noor is Noord's, named in the agreement).
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Gemeld")
    expect(timeline).to_contain_text("Opgepakt")
    expect(timeline).to_contain_text("Afgerond: Hulp geaccepteerd")
    contact = page.locator("section", has=page.get_by_role("heading", name=re.compile("contact")))
    expect(contact).to_contain_text("Noor Bakker")
    # Nothing of the team's work reaches the filer: no note, no worker, no case.
    content = page.locator("main").inner_text()
    for secret in (NOTE, "Sara", "El Amrani", case.reference, "Casus", "In behandeling"):
        assert secret not in content
    # The filer was told without looking: the notification links to the signal.
    page.goto("/meldingen/")
    expect(page.locator("main")).to_contain_text(f"Signaal {signal.reference} is afgerond")
    expect(page.locator("main")).to_contain_text(f"Signaal {signal.reference} is opgepakt")
    anna.step("melding")


def test_coordinator_edits_terms_confirms_a_contact_and_reads_the_dashboard(journey):
    eva = journey("eva")
    page = eva.page

    eva.nav("Afspraken")
    eva.step("afspraken")
    page.get_by_role("link", name=re.compile("De Linde")).click()
    eva.step("afspraak")
    page.get_by_role("link", name="Bewerken").click()
    eva.step("bewerken")
    page.get_by_label("Overlast: termijn triage (werkdagen)").fill("3")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".messages")).to_be_visible()
    nuisance = page.locator("tr", has=page.get_by_role("rowheader", name="Overlast"))
    expect(nuisance.locator("td").nth(0)).to_have_text("3")
    eva.step("termijn gewijzigd")
    term = AgreementTerm.objects.get(
        agreement__corporation__name="Woonstichting De Linde", kind=SignalKind.NUISANCE
    )
    assert term.triage_days == 3

    eva.nav("Contactpersonen")
    eva.step("contactpersonen")
    page.get_by_role("button", name=re.compile(r"Bevestig\s*Anna de Vries")).click()
    expect(page.locator(".messages")).to_contain_text("Bevestigd: Anna de Vries is nog juist.")
    anna_row = page.locator("tr", has_text="Anna de Vries").first
    expect(anna_row).to_contain_text(dutch(timezone.localdate()))
    eva.step("bevestigd")
    assert ContactPerson.objects.get(name="Anna de Vries").confirmed_on == timezone.localdate()

    eva.nav("Dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard samenwerking")
    expect(page.get_by_role("table").first).to_be_visible()
    eva.step("dashboard")


def test_rent_arrears_with_eviction_date_through_outreach_to_the_receipt(journey):
    """4. A corporation employee files rent arrears with an eviction date (all four Bgs
    steps); the triage lead accepts it, records a visit and the resident's yes to help,
    sees the first-conversation clock, records the call that is the first conversation
    and closes with the covenant's code; the filer sees that code and downloads the
    receipt for court."""
    anna = journey("anna")
    page = anna.page
    eviction = timezone.localdate() + timedelta(days=20)
    page.get_by_role("link", name="Signaal melden").first.click()
    page.get_by_label("Soort signaal").select_option(label="Huurachterstand")
    page.get_by_label("Postcode").fill("1014 AB")
    page.get_by_label("Huisnummer").fill("9")
    page.get_by_label("Omschrijving").fill("Vier maanden huur niet betaald, zitting gepland.")
    page.get_by_label("Achterstand in euro").fill("2.400,00")
    page.get_by_label("Aantal maanden achterstand").fill("4")
    page.get_by_label("a. Persoonlijk contact met de huurder geprobeerd").check()
    page.get_by_label("b. Huurder gewezen op schuldhulpverlening").check()
    page.get_by_label("c. Ten minste één schriftelijke herinnering verstuurd").check()
    page.get_by_label(re.compile(r"^d\. In de herinnering aangeboden")).check()
    page.get_by_label("Datum zitting of aangekondigde ontruiming").fill(eviction.isoformat())
    anna.step("huurachterstand invullen")
    page.get_by_role("button", name="Signaal melden").click()
    signal = Signal.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(signal.reference)
    expect(definition(page, "Urgentie")).to_have_text("Spoed")
    anna.step("huurachterstand gemeld")

    noor = journey("noor")
    page = noor.page
    noor.nav("Werkbak")
    page.get_by_role("link", name=signal.reference).click()
    page.get_by_role("button", name="Signaal oppakken").click()
    case = Case.objects.get(case_signals__signal=signal)
    page.goto(f"/casussen/{case.pk}/")
    noor.step("casus huurachterstand")

    now = timezone.localtime()
    moment = "%Y-%m-%dT%H:%M"
    open_action(page, "Contactpoging vastleggen")
    page.get_by_label("Kanaal").select_option(label="Huisbezoek")
    page.locator("#outreach_at").fill((now - timedelta(hours=2)).strftime(moment))
    page.get_by_label("Bewoner bereikt").check()
    page.get_by_role("button", name="Contactpoging opslaan").click()
    expect(page.locator(".messages")).to_contain_text("De contactpoging is vastgelegd.")
    open_action(page, "Antwoord op het hulpaanbod")
    page.get_by_label("Antwoord van de bewoner").select_option(label="Hulp geaccepteerd")
    page.locator("#help_at").fill((now - timedelta(hours=1)).strftime(moment))
    page.get_by_role("button", name="Antwoord opslaan").click()
    case.refresh_from_db()
    expect(definition(page, "Eerste gesprek (Wgs art. 4a)")).to_contain_text(
        dutch(case.first_conversation_due)
    )
    assert case.first_conversation_due <= timezone.localdate() + timedelta(days=7)
    noor.step("hulp geaccepteerd")

    open_action(page, "Contactpoging vastleggen")
    page.get_by_label("Kanaal").select_option(label="Telefoon")
    page.locator("#outreach_at").fill((now - timedelta(minutes=30)).strftime(moment))
    page.get_by_label("Bewoner bereikt").check()
    page.get_by_role("button", name="Contactpoging opslaan").click()
    expect(definition(page, "Eerste gesprek (Wgs art. 4a)")).to_contain_text("Gehouden op")

    page.get_by_role("button", name="In behandeling nemen").click()
    expect(status_badge(page)).to_have_text("In behandeling")
    open_action(page, "Afsluiten")
    page.get_by_label("Uitkomst voor de melder").select_option(
        label="Contact gelegd, hulp geaccepteerd"
    )
    page.locator("details#status-closed").get_by_role(
        "button", name="Afsluiten", exact=True
    ).click()
    expect(status_badge(page)).to_have_text("Afgesloten")
    expect(definition(page, "Afgesloten op")).to_contain_text("Contact gelegd, hulp geaccepteerd")
    noor.step("afgesloten met convenantcode")

    page = anna.page
    page.goto(f"/signalen/{signal.pk}/")
    expect(definition(page, "Uitkomst")).to_have_text("Contact gelegd, hulp geaccepteerd")
    anna.step("uitkomst en ontvangstbewijs")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ontvangstbewijs downloaden (pdf)").click()
    pdf = PdfReader(download.value.path())
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert signal.reference in text
    assert "b. Huurder gewezen op schuldhulpverlening: ja" in text
    assert "Verificatiecode" in text
    assert "Huisbezoek" not in text and "Telefoon" not in text


def _last_full_quarter_start(today: date) -> date:
    first_month = 3 * ((today.month - 1) // 3) + 1
    if first_month == 1:
        return date(today.year - 1, 10, 1)
    return date(today.year, first_month - 3, 1)


def test_partners_share_the_district_picture_and_the_coordinator_plans(journey, viewport_width):
    """5. anna (De Linde) and noor (Wijkteam Noord) read the same figures on Noord's
    district page; eva (coordinator) reads the map, opens Noord and adds an action owned by
    De Linde to the plan. Every page passes axe and fits 390 px (checked by the fixture)."""
    users = get_user_model().objects
    anna_user, bram_user = users.get(username="anna"), users.get(username="bram")
    filed_at = at(_last_full_quarter_start(timezone.localdate()) + timedelta(days=3))
    # Enough signals in the last full quarter, in every district, kind and the central
    # team's part, that the suppression rules leave the counts standing.
    for who, postcode, nuisance, rent_arrears in (
        (anna_user, "1012 AB", 14, 6),  # Noord
        (bram_user, "1024 AB", 8, 5),  # Zuid
        (bram_user, "1031 AB", 7, 5),  # in no district: the central team
    ):
        base = int(postcode[:4]) * 10
        for number in range(nuisance):
            signal(who, base + number, postcode=postcode, filed_at=filed_at)
        for number in range(rent_arrears):
            signal(
                who, base + 100 + number, postcode=postcode, kind="rent_arrears", filed_at=filed_at
            )
    noord = District.objects.get(name="Noord")
    url = f"/samenwerking/gebieden/{noord.pk}/"

    figures = {}
    for username in ("anna", "noor"):
        tab = journey(username)
        tab.nav("Gebieden")
        expect(tab.page.get_by_role("heading", level=1)).to_have_text("Gebieden")
        tab.page.get_by_role("table").get_by_role("link", name="Noord").click()
        tab.page.wait_for_url(f"**{url}")
        expect(tab.page.get_by_role("heading", level=1)).to_have_text("Wijk Noord (Demostad)")
        tab.step("wijkpagina")
        figures[username] = tab.page.locator("section[aria-labelledby=figures-heading]")
        figures[username] = figures[username].inner_text()
    assert figures["anna"] == figures["noor"]
    # The shared picture has numbers in it, not only suppressed cells.
    assert re.search(r"\b14\b", figures["anna"]), figures["anna"]

    eva = journey("eva")
    page = eva.page
    eva.nav("Gebieden")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebieden")
    kaart = page.get_by_role("group", name=re.compile("^Kaart van de wijken"))
    expect(kaart).to_be_visible()
    page.get_by_label("Kleur de kaart naar").select_option(label="Deel dat een casus werd")
    page.get_by_role("button", name="Toon").click()
    expect(kaart).to_have_accessible_name(re.compile("Deel dat een casus werd"))
    page.get_by_label("Kleur de kaart naar").select_option(label="Binnengekomen signalen")
    page.get_by_role("button", name="Toon").click()
    eva.step("kaart")
    if viewport_width == 1366:
        MAP_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=MAP_SCREENSHOT, full_page=True)
    # The map's districts are links named with their figure, the same as in the table.
    expect(kaart.get_by_role("link", name="Noord: 20")).to_be_visible()
    noord_row = page.locator("tr", has=page.get_by_role("rowheader", name="Noord"))
    expect(noord_row.locator("td").first).to_have_text("20")  # 14 + 6, all kinds

    noord_row.get_by_role("link", name="Noord").click()
    page.wait_for_url(f"**{url}")
    assert (
        page.locator("section[aria-labelledby=figures-heading]").inner_text() == (figures["anna"])
    )
    due = timezone.localdate() + timedelta(days=30)
    page.get_by_label(re.compile(r"^Actie")).fill("Spreekuur schuldhulp in het buurthuis")
    page.get_by_label("Eigenaar").select_option(label="Woonstichting De Linde")
    page.get_by_label("Uiterlijk").fill(due.isoformat())
    page.get_by_label("Capaciteit (uren per maand)").fill("8")
    eva.step("actie invullen")
    page.get_by_role("button", name="Actie toevoegen").click()
    expect(page.locator(".messages")).to_contain_text(
        "De actie is toegevoegd aan het plan van aanpak."
    )
    plan = page.locator("section[aria-labelledby=plan-heading]")
    row = plan.locator("tr", has_text="Spreekuur schuldhulp in het buurthuis")
    expect(row.locator("td").nth(0)).to_have_text("Woonstichting De Linde")
    expect(row.locator("td").nth(1)).to_have_text(dutch(due))
    expect(row.locator("td").nth(3)).to_have_text("8")
    eva.step("actie toegevoegd")
    action = PlanAction.objects.get(district=noord, what__startswith="Spreekuur")
    assert (action.owner.name, action.due_on, action.capacity_hours) == (
        "Woonstichting De Linde",
        due,
        8,
    )
