"""The work tray: order, flags, filters, counts, team switching and query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import selectors
from partners.choices import Role
from partners.models import Organisation
from partners.services import add_membership
from signals.models import Signal


@pytest.fixture
def noord(demo):
    return Organisation.objects.get(name="Wijkteam Noord")


def set_deadline(signal, days_from_today):
    Signal.objects.filter(pk=signal.pk).update(
        triage_deadline=timezone.localdate() + timedelta(days=days_from_today)
    )


def test_order_flags_and_counts(file, user, noord):
    late = file("anna", house_number=1)
    today_normal = file("anna", house_number=2)
    today_urgent = file("anna", house_number=3, urgency="urgent")
    later = file("bram", house_number=1, kind="other")  # second partner: multiple
    zuid = file("anna", postcode="1022 AB")  # Wijkteam Zuid: not in Noord's tray
    set_deadline(late, -2)
    set_deadline(today_normal, 0)
    set_deadline(today_urgent, 0)
    set_deadline(later, 3)

    sara = user("sara")
    tray = list(selectors.work_tray(sara, noord.pk, selectors.TrayFilters()))
    assert [s.pk for s in tray] == [late.pk, today_urgent.pk, today_normal.pk, later.pk]
    assert zuid.pk not in {s.pk for s in tray}
    assert [(s.is_overdue, s.is_due_today) for s in tray] == [
        (True, False),
        (False, True),
        (False, True),
        (False, False),
    ]

    counts = selectors.tray_counts(sara, noord.pk)
    assert counts["total"] == 4
    assert counts["overdue"] == 1
    assert counts["due_today"] == 2
    assert counts["multiple"] == 2  # house number 1: De Linde and Stadswonen
    assert counts["kind"] == {"nuisance": 3, "rent_arrears": 0, "renovation_finding": 0, "other": 1}
    assert counts["urgency"] == {"normal": 3, "urgent": 1}
    assert [(d["district__name"], d["n"]) for d in counts["district"]] == [("Noord", 4)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "other"}, {"b1"}),
        ({"urgency": "urgent"}, {"a3"}),
        ({"overdue": "1"}, {"a1"}),
        ({"multiple": "1"}, {"a1", "b1"}),
        ({"kind": "nonsense"}, {"a1", "a2", "a3", "b1"}),
    ],
)
def test_filters(file, user, noord, query, expected):
    signals = {
        "a1": file("anna", house_number=1),
        "a2": file("anna", house_number=2),
        "a3": file("anna", house_number=3, urgency="urgent"),
        "b1": file("bram", house_number=1, kind="other"),
    }
    set_deadline(signals["a1"], -1)
    filters = selectors.TrayFilters.from_query(query)
    found = {s.pk for s in selectors.work_tray(user("sara"), noord.pk, filters)}
    assert found == {signals[name].pk for name in expected}


def test_district_filter(file, user, noord, demo):
    signal = file("anna", house_number=4)
    noord_district = demo["districts"]["Noord"]
    zuid_district = demo["districts"]["Zuid"]
    by = lambda d: {  # noqa: E731
        s.pk
        for s in selectors.work_tray(
            user("sara"), noord.pk, selectors.TrayFilters.from_query({"district": str(d.pk)})
        )
    }
    assert by(noord_district) == {signal.pk}
    assert by(zuid_district) == set()


def test_tray_page_marks_and_logs(client_for, file):
    signal = file("anna", house_number=5)
    set_deadline(signal, -1)
    response = client_for("sara").get("/casussen/werkbak/")
    assert response.status_code == 200
    html = response.content.decode()
    assert signal.reference in html
    assert "Te laat" in html
    assert 'name="signals"' not in html  # members see the tray, leads triage
    response = client_for("noor").get("/casussen/werkbak/?overdue=1")
    assert 'name="signals"' in response.content.decode()
    assert f'href="/casussen/werkbak/{signal.pk}/"' in response.content.decode()


def test_tray_query_count_does_not_grow(client_for, file, django_assert_max_num_queries):
    client = client_for("noor")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/casussen/werkbak/").status_code == 200
        return len(ctx.captured_queries)

    for number in range(1, 4):
        file("anna", house_number=number)
    queries()  # the first request looks up permission ids, cached for the process after
    few = queries()
    for number in range(4, 24):
        file("bram", house_number=number)
    many = queries()
    assert many == few
    with django_assert_max_num_queries(few):
        client.get("/casussen/werkbak/")


def test_member_of_two_teams_switches(client_for, user, file, demo):
    sara = user("sara")
    add_membership(sara, demo["organisations"]["Wijkteam Zuid"], Role.TEAM_MEMBER)
    noord_signal = file("anna", house_number=6)
    zuid_signal = file("anna", postcode="1022 AB")
    client = client_for("sara")
    html = client.get("/casussen/werkbak/").content.decode()
    assert noord_signal.reference in html and zuid_signal.reference not in html
    zuid = demo["organisations"]["Wijkteam Zuid"]
    response = client.post("/casussen/werkbak/team/", {"team": zuid.pk, "next": "/casussen/"})
    assert response.status_code == 302 and response["Location"] == "/casussen/"
    html = client.get("/casussen/werkbak/").content.decode()
    assert zuid_signal.reference in html and noord_signal.reference not in html
    assert "Wijkteam Zuid" in html
    centraal = demo["organisations"]["Centraal team Demostad"]
    assert client.post("/casussen/werkbak/team/", {"team": centraal.pk}).status_code == 403


def test_tray_only_for_team_members(client_for):
    assert client_for("anna").get("/casussen/werkbak/").status_code == 403
    assert client_for("admin").get("/casussen/werkbak/").status_code == 403


def test_member_of_one_team_and_lead_of_another_sees_the_menu_once(client_for, user, demo):
    sara = user("sara")
    add_membership(sara, demo["organisations"]["Wijkteam Zuid"], Role.TRIAGE_LEAD)
    for username in ("sara", "noor", "omar"):  # both roles; a triage lead only
        html = client_for(username).get("/casussen/").content.decode()
        menu = html[html.index('<ul class="nav-list"') : html.index("</ul>")]
        for link in ("/casussen/werkbak/", "/casussen/mijn/", "/casussen/", "/signalen/"):
            assert menu.count(f'href="{link}"') == 1, (username, link)


def test_tray_rows_show_flags_names_and_dates(client_for, file):
    late = file("anna", house_number=7, house_number_addition="A", urgency="urgent")
    file("bram", house_number=7, house_number_addition="A", kind="other")  # multiple
    today = file("anna", house_number=8)
    no_district = file("anna", house_number=9)
    set_deadline(late, -1)
    set_deadline(today, 0)
    Signal.objects.filter(pk=no_district.pk).update(district=None)
    late.refresh_from_db()

    html = client_for("noor").get("/casussen/werkbak/").content.decode()
    row = html[html.index(f'value="{late.pk}"') : html.index("</tr>", html.index(str(late.pk)))]
    assert f'id="select-{late.pk}" aria-label="Selecteer {late.reference}"' in row
    assert f'<a href="/casussen/werkbak/{late.pk}/">{late.reference}</a>' in row
    assert '<td>Overlast <span class="badge badge-urgent">Spoed</span>' in row
    assert '<span class="badge">Meervoudig</span>' in row
    assert "<td>1012 AB 7-A</td>" in row and "<td>Woonstichting De Linde</td>" in row
    filed = timezone.localtime(late.filed_at)
    assert f"<td>{filed:%d-%m-%Y}</td>" in row
    assert f'{late.triage_deadline:%d-%m-%Y}\n        <span class="badge badge-overdue">' in row
    assert '<span class="badge badge-today">Vandaag</span>' in html
    assert "<td>—</td>" in html  # a signal without a district

    member = client_for("sara").get("/casussen/werkbak/").content.decode()
    assert f"      \n      <td>{late.reference}</td>" in member
    assert 'name="signals"' not in member and 'aria-label="Selecteer' not in member

    english = client_for("noor").get("/casussen/werkbak/", HTTP_ACCEPT_LANGUAGE="en")
    assert f'aria-label="Select {late.reference}"' in english.content.decode()

    # Every value is escaped as the template escaped it.
    Organisation.objects.filter(name="Woonstichting De Linde").update(name="De Linde & 'Zn' <b>")
    html = client_for("noor").get("/casussen/werkbak/").content.decode()
    assert "<td>De Linde &amp; &#x27;Zn&#x27; &lt;b&gt;</td>" in html
    assert "<b>" not in html


def test_empty_tray_says_so(client_for):
    html = client_for("noor").get("/casussen/werkbak/").content.decode()
    assert '<tr><td colspan="8">Geen signalen in de werkbak.</td></tr>' in html
    assert 'name="action"' not in html  # no bulk form without rows


def test_filter_options_show_their_counts(client_for, file):
    file("anna", house_number=10, kind="other", urgency="urgent")
    file("anna", house_number=11)
    html = client_for("noor").get("/casussen/werkbak/?kind=other").content.decode()
    assert '<option value="other" selected>Overig (1)</option>' in html
    assert '<option value="nuisance">Overlast (1)</option>' in html
    assert '<option value="rent_arrears">Huurachterstand (0)</option>' in html
    assert '<option value="urgent">Spoed (1)</option>' in html


def test_triage_page_queries_do_not_grow_with_the_teams(client_for, file, demo):
    signal = file("anna", house_number=12)
    client = client_for("noor")
    url = f"/casussen/werkbak/{signal.pk}/"

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    queries()
    few, html = queries()
    zuid = demo["organisations"]["Wijkteam Zuid"]
    assert f'<option value="{zuid.pk}">Wijkteam Zuid</option>' in html
    assert f'<option value="{demo["organisations"]["Wijkteam Noord"].pk}">' not in html
    demostad = zuid.municipality
    for number in range(10):
        Organisation.objects.create(
            name=f"Wijkteam Extra {number}", kind="wijkteam", municipality=demostad
        )
    Organisation.objects.create(
        name="Wijkteam Opgeheven", kind="wijkteam", municipality=demostad, is_active=False
    )
    many, html = queries()
    assert many == few
    assert "Wijkteam Extra 9</option>" in html and "Wijkteam Opgeheven" not in html
    assert '<select name="team" required id="reroute_team">' in html


def test_reroute_error_marks_the_picker(client_for, file):
    signal = file("anna", house_number=13)
    response = client_for("noor").post(
        f"/casussen/werkbak/{signal.pk}/doorzetten/", {"team": "", "reason": "Zuid"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<select name="team" required aria-invalid="true" '
        'aria-describedby="reroute_team_error" id="reroute_team">'
    ) in html
    assert '<p class="error" id="reroute_team_error">' in html
    assert '<option value="" selected>---------</option>' in html
