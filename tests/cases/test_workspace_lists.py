"""Lists that say what they show: "Mijn casussen" defaults to open cases and says how
many closed ones it leaves out."""

import csv
import io

from cases import services
from privacy.models import AccessAction, AccessLog


def test_my_cases_shows_open_ones_and_counts_the_closed_ones(file, user, client_for):
    noor, sara = user("noor"), user("sara")
    open_case = services.accept_signal(noor, file("anna", house_number=61))
    closed_case = services.accept_signal(noor, file("anna", house_number=62))
    for case in (open_case, closed_case):
        services.assign_case(noor, case, sara)
    services.transition_case(sara, closed_case, "in_progress")
    services.transition_case(sara, closed_case, "closed", outcome="help_accepted")
    client = client_for("sara")

    html = client.get("/casussen/mijn/").content.decode()
    assert open_case.reference in html and closed_case.reference not in html
    assert "1 afgesloten casus staat niet in deze lijst." in html
    assert 'href="?state=closed"' in html

    closed = client.get("/casussen/mijn/?state=closed").content.decode()
    assert closed_case.reference in closed and open_case.reference not in closed
    assert "staat niet in deze lijst" not in closed


def test_team_list_counts_the_closed_cases_it_leaves_out(file, user, client_for):
    noor = user("noor")
    case = services.accept_signal(noor, file("anna", house_number=63))
    services.transition_case(noor, case, "in_progress")
    services.transition_case(noor, case, "closed", outcome="help_accepted")
    html = client_for("noor").get("/casussen/").content.decode()
    assert "afgesloten casus" in html and "niet in deze lijst" in html


def exported(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Dutch Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def export_log(username, object_type):
    return AccessLog.objects.filter(
        user__username=username, action=AccessAction.EXPORT, object_type=object_type
    ).latest("pk")


def test_signal_export_is_the_filtered_list_formula_safe_and_logged(file, user, client_for):
    signal = file("anna", house_number=64, external_reference='=HYPERLINK("x")')
    other = file("bram", house_number=65)
    rows = exported(client_for("anna").get("/signalen/export.csv"))
    assert rows[0][:3] == ["Kenmerk", "Extern kenmerk", "Gemeld op"]
    line = next(row for row in rows if row[0] == signal.reference)
    assert line[1].startswith("'=")  # no live formula in Excel
    assert "1012 AB 64" in line
    assert not any(row[0] == other.reference for row in rows)  # bram's: not anna's to see
    assert "Geluidsoverlast" not in ";".join(";".join(row) for row in rows)
    entry = export_log("anna", "signal")
    assert entry.purpose == "export" and str(signal.pk) in entry.object_ids
    assert str(other.pk) not in entry.object_ids


def test_team_case_export_is_logged_with_the_ids_it_holds(file, user, client_for):
    case = services.accept_signal(user("noor"), file("anna", house_number=66))
    rows = exported(client_for("sara").get("/casussen/export.csv"))
    assert rows[0][0] == "Kenmerk"
    line = next(row for row in rows if row[0] == case.reference)
    assert line[1:3] == ["1012 AB 66", case.get_state_display()]
    assert str(case.pk) in export_log("sara", "case").object_ids
    # omar's team is another: he gets his own team's list, without this case.
    omar_rows = exported(client_for("omar").get("/casussen/export.csv"))
    assert not any(row[0] == case.reference for row in omar_rows)


def test_export_query_count_does_not_grow_with_the_list(file, user, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("anna")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get("/signalen/export.csv")
        return len(captured)

    file("anna", house_number=67)
    few = queries()
    for number in range(68, 73):
        file("anna", house_number=number)
    assert queries() == few


def test_corporation_staff_search_their_own_signals_by_address_and_it_is_logged(
    file, user, client_for
):
    own = file("anna", house_number=74)
    others = file("bram", postcode="1012 AB", house_number=74)
    html = client_for("anna").get("/signalen/?q=1012ab").content.decode()
    assert own.reference in html
    assert others.reference not in html  # another corporation's: not found by address
    entry = AccessLog.objects.filter(user__username="anna", object_type="signal").latest("pk")
    assert entry.action == AccessAction.LIST and str(own.pk) in entry.object_ids


def test_list_lengths_come_from_one_count_per_state_through_the_same_filter(file, user):
    """The case lists take their length and closed count from `state_counts`: for every
    state filter it equals counting the list itself, for the team and for "mine", and a
    confidential case the member may not see counts nowhere."""
    from cases import selectors

    noor, sara = user("noor"), user("sara")
    cases = [services.accept_signal(noor, file("anna", house_number=70 + n)) for n in range(4)]
    services.transition_case(noor, cases[1], "in_progress")
    services.transition_case(noor, cases[2], "in_progress")
    services.transition_case(noor, cases[2], "closed", outcome="help_accepted")
    services.set_confidential(noor, cases[3], True)
    for case in cases[:3]:
        services.assign_case(noor, case, sara)
    team = cases[0].team_id
    states = (selectors.OPEN, "", "closed", "in_progress", "new", "on_hold")
    for who in (noor, sara):
        team_counts = selectors.team_state_counts(who, team)
        my_counts = selectors.my_state_counts(who)
        for state in states:
            assert selectors.count_in_state(team_counts, state) == (
                selectors.team_case_list(who, team, state).count()
            )
            assert selectors.count_in_state(my_counts, state) == (
                selectors.my_case_list(who, state).count()
            )
    assert sum(selectors.team_state_counts(sara, team).values()) == 3  # not the confidential
    assert sum(selectors.team_state_counts(noor, team).values()) == 4
