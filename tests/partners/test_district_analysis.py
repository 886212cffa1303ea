"""Issue 19: who sees which district (404 otherwise) and the area figures of the district
API: suppressed so that no two published numbers reveal a count from 1 to 4."""

import itertools
from collections import Counter
from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from core.working_days import working_days_between
from partners.models import District
from partners.services import sync_postcode_areas
from privacy.aggregates import (
    ALL,
    FLAG,
    NO_DISTRICT,
    _triage_day_counts,
    protected_quarter,
    quarter_start,
    quarters_from,
)
from privacy.models import AccessLog
from signals import tally
from signals.models import Outcome, Signal
from tests.helpers import at, signal

KINDS = ["nuisance", "rent_arrears", "renovation_finding", "other"]
TODAY = date(2026, 12, 1)


def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def _district(name: str) -> District:
    return District.objects.get(name=name)


# --- who sees which district -------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "districts"),
    [
        ("anna", {"Noord"}),  # De Linde's approved complex DL-001 lies in Noord
        ("bram", set()),  # Stadswonen has no approved housing and no signals yet
        ("sara", {"Noord"}),
        ("noor", {"Noord"}),
        ("omar", {"Zuid"}),
        ("eva", {"Noord", "Zuid"}),
    ],
)
def test_partners_see_the_districts_they_work_in(api_for, username, districts):
    response = api_for(username).get("/api/v1/districts/")
    assert response.status_code == 200
    assert _names(response) == districts


@pytest.mark.parametrize("username", ["pim", "admin"])
def test_privacy_officer_and_administrator_get_no_districts(api_for, username):
    assert api_for(username).get("/api/v1/districts/").status_code == 403


def test_a_signal_filed_in_a_district_makes_it_the_corporations(api_for, user):
    signal(user("bram"), 7, postcode="1024 AB")
    assert _names(api_for("bram").get("/api/v1/districts/")) == {"Zuid"}


@pytest.mark.parametrize(
    ("username", "district"),
    [("anna", "Zuid"), ("bram", "Noord"), ("sara", "Zuid"), ("omar", "Noord")],
)
def test_analysis_of_a_district_one_does_not_work_in_is_404(api_for, username, district):
    pk = _district(district).pk
    assert api_for(username).get(f"/api/v1/districts/{pk}/analysis/").status_code == 404


def test_analysis_of_a_missing_district_is_404_too(api_for):
    assert api_for("eva").get("/api/v1/districts/999999/analysis/").status_code == 404
    assert api_for("eva").get("/api/v1/districts/abc/analysis/").status_code == 404


def test_analysis_is_in_the_access_log(api_for, demo):
    pk = _district("Noord").pk
    before = AccessLog.objects.count()
    assert api_for("noor").get(f"/api/v1/districts/{pk}/analysis/").status_code == 200
    row = AccessLog.objects.order_by("pk").last()
    assert AccessLog.objects.count() > before
    assert (row.object_type, row.object_id) == ("district_analysis", str(pk))


# --- the figures --------------------------------------------------------------------------


def _file(user, count: int, *, start: int, day: date, postcode="1012 AB", **fields):
    for n in range(count):
        signal(user, start + n, postcode=postcode, filed_at=at(day), **fields)


def _quarter(body: dict, label: str) -> dict:
    quarter = next(q for q in body["quarters"] if q["label"] == label)
    return {k["kind"]: k for k in quarter["kinds"]}


def test_partners_of_a_district_see_the_same_suppressed_figures(api_for, user, freeze_today):
    anna, bram = user("anna"), user("bram")
    # Enough signals in every district and kind that no count needs hiding.
    for who, postcode, nuisance in (
        (anna, "1012 AB", 20),
        (bram, "1024 AB", 12),
        (bram, "1031 AB", 12),
    ):
        base = int(postcode[:4]) * 10
        accepted = 12 if nuisance == 20 else 6
        _file(
            who, accepted, start=base, day=date(2026, 10, 5), postcode=postcode, status="accepted"
        )
        _file(who, nuisance - accepted, start=base + 100, day=date(2026, 10, 5), postcode=postcode)
        for status, start in (("accepted", 200), ("received", 300)):
            _file(
                who,
                5,
                start=base + start,
                day=date(2026, 11, 5),
                postcode=postcode,
                kind="rent_arrears",
                status=status,
            )
    # A year earlier, for the trend.
    for who, postcode in ((anna, "1012 AB"), (bram, "1024 AB")):
        base = int(postcode[:4]) * 10 + 400
        _file(who, 6, start=base, day=date(2025, 10, 2), postcode=postcode)
        _file(
            who, 5, start=base + 100, day=date(2025, 10, 2), postcode=postcode, kind="rent_arrears"
        )
    pk = _district("Noord").pk
    anna_view = api_for("anna").get(f"/api/v1/districts/{pk}/analysis/").json()
    noor_view = api_for("noor").get(f"/api/v1/districts/{pk}/analysis/").json()
    assert anna_view == noor_view
    assert [q["label"] for q in anna_view["quarters"]][:2] == ["2026-K4", "2026-K3"]
    assert len(anna_view["quarters"]) == 8
    now = _quarter(anna_view, "2026-K4")
    assert now["nuisance"]["received"] == 20
    assert now["nuisance"]["became_case"] == 60  # 12 of 20
    assert now["nuisance"]["trend"] == 14  # 20 now, 6 a year earlier
    assert now["rent_arrears"]["received"] == 10
    assert now["rent_arrears"]["became_case"] == 50
    assert now[None]["received"] == 30
    assert now[None]["trend"] == 19


def test_a_small_count_is_suppressed_and_not_recoverable(api_for, user, freeze_today):
    anna = user("anna")
    _file(anna, 20, start=100, day=date(2026, 10, 5))
    _file(anna, 2, start=200, day=date(2026, 10, 5), kind="other")
    _file(user("bram"), 9, start=300, day=date(2026, 11, 2), postcode="1024 AB")
    for name in ("Noord", "Zuid"):
        pk = _district(name).pk
        now = _quarter(api_for("eva").get(f"/api/v1/districts/{pk}/analysis/").json(), "2026-K4")
        assert now["other"]["received"] in (None, 0)
        total = now[None]["received"]
        if total is not None:
            parts = [now[k]["received"] for k in KINDS]
            assert not 1 <= total - sum(p for p in parts if p is not None) <= 4
    noord = _quarter(
        api_for("eva").get(f"/api/v1/districts/{_district('Noord').pk}/analysis/").json(),
        "2026-K4",
    )
    assert noord["other"]["received"] is None


def test_queries_do_not_grow_with_districts_or_quarters(api_for, user, demo, freeze_today):
    pk = _district("Noord").pk
    anna = user("anna")
    _file(anna, 6, start=100, day=date(2026, 10, 5))

    def count() -> int:
        client = api_for("eva")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/districts/{pk}/analysis/").status_code == 200
        return len(queries)

    few = count()
    municipality = demo["municipality"]
    for n, pc4 in enumerate(range(1031, 1036)):
        District.objects.create(municipality=municipality, name=f"Wijk {n}", pc4_ranges=str(pc4))
    sync_postcode_areas(municipality)
    for year, month in itertools.product((2025, 2026), (1, 4, 7)):
        _file(anna, 5, start=year * 10 + month * 100, day=date(year, month, 3))
        _file(anna, 5, start=year * 10 + month * 100, day=date(year, month, 3), postcode="1031 AB")
    assert count() == few


def _file_a_published_quarter(anna, bram, day: date) -> None:
    """Enough signals filed on `day` in Noord (anna: 20 nuisance, 12 of them accepted)
    and Zuid, nuisance and rent arrears, that no count of Noord's needs hiding."""
    for who, postcode, accepted in ((anna, "1012 AB", 12), (bram, "1024 AB", 6)):
        base = int(postcode[:4]) * 10
        _file(who, accepted, start=base, day=day, postcode=postcode, status="accepted")
        _file(who, 20 - accepted, start=base + 100, day=day, postcode=postcode)
        for status, start in (("accepted", 200), ("received", 300)):
            _file(
                who,
                5,
                start=base + start,
                day=day,
                postcode=postcode,
                kind="rent_arrears",
                status=status,
            )


def test_median_triage_days_count_working_days_across_easter(api_for, user, freeze_today):
    """Filed Thursday 2 April 2026: triaged Tuesday 7 April is 1 working day (Good Friday
    and Easter Monday are none), Tuesday 14 April 6; six of each give a median of 3.5."""
    day = date(2026, 4, 2)
    _file_a_published_quarter(user("anna"), user("bram"), day)
    pk = _district("Noord").pk
    noord = Signal.objects.filter(district_id=pk, kind="nuisance").order_by("pk")
    ids = list(noord.values_list("pk", flat=True))
    assert len(ids) == 20
    Signal.objects.filter(pk__in=ids[:6]).update(triaged_at=at(date(2026, 4, 7)))
    Signal.objects.filter(pk__in=ids[6:12]).update(triaged_at=at(date(2026, 4, 14), hour=23))
    assert working_days_between(day, date(2026, 4, 7)) == 1
    assert working_days_between(day, date(2026, 4, 14)) == 6
    body = api_for("noor").get(f"/api/v1/districts/{pk}/analysis/").json()
    quarter = _quarter(body, "2026-K2")
    assert quarter["nuisance"]["median_triage_days"] == 3.5
    assert quarter["rent_arrears"]["median_triage_days"] is None  # none triaged
    assert quarter[None]["median_triage_days"] == 3.5


def test_quarters_and_triage_days_follow_local_time(api_for, user, freeze_today):
    """Filed at midnight on 1 April 2026 in Amsterdam (22:00 UTC on 31 March) is the
    second quarter, and triaged the next day is 1 working day: both counted in local time."""
    _file_a_published_quarter(user("anna"), user("bram"), date(2026, 4, 1))
    Signal.objects.update(filed_at=at(date(2026, 4, 1), hour=0))
    pk = _district("Noord").pk
    noord = Signal.objects.filter(district_id=pk, kind="nuisance").order_by("pk")
    ids = list(noord.values_list("pk", flat=True))
    Signal.objects.filter(pk__in=ids[:6]).update(triaged_at=at(date(2026, 4, 2), hour=0))
    body = api_for("noor").get(f"/api/v1/districts/{pk}/analysis/").json()
    second, first = _quarter(body, "2026-K2"), _quarter(body, "2026-K1")
    assert (second["nuisance"]["received"], second[None]["received"]) == (20, 30)
    assert second["nuisance"]["median_triage_days"] == 1.0
    assert first[None]["received"] == 0


def test_a_change_in_a_closed_quarter_is_shown_at_once(api_for, user, freeze_today):
    """The protected tables of a quarter are reused between requests: a signal of a
    closed quarter that changes (even by a bulk update, which touches no timestamp) or
    one filed late into it gives new figures on the next request, never the old ones."""
    anna, day = user("anna"), date(2026, 5, 4)
    _file_a_published_quarter(anna, user("bram"), day)
    pk = _district("Noord").pk

    def closed_quarter() -> dict:
        body = api_for("noor").get(f"/api/v1/districts/{pk}/analysis/").json()
        return _quarter(body, "2026-K2")["nuisance"]

    before = closed_quarter()
    assert (before["received"], before["became_case"]) == (20, 60)
    assert closed_quarter() == before
    noord = Signal.objects.filter(
        district_id=pk, filed_at__date=day, status="received", kind="nuisance"
    )
    two = list(noord.order_by("pk").values_list("pk", flat=True)[:2])
    Signal.objects.filter(pk__in=two).update(status="accepted")
    assert closed_quarter()["became_case"] == 70  # 14 of 20
    _file(anna, 5, start=9000, day=date(2026, 6, 1), status="accepted")
    after = closed_quarter()
    assert (after["received"], after["became_case"]) == (25, 80)  # 19 of 25


@pytest.fixture
def freeze_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


# --- the suppression property ----------------------------------------------------------------

DISTRICTS = [NO_DISTRICT, 1, 2, 3]
OUTCOMES = [*Outcome.values, "-"]

row_strategy = st.builds(
    lambda d, k, o, n, c: {"district_id": d, "kind": k, "outcome": o, "n": n, "case": min(c, n)},
    st.sampled_from(DISTRICTS),
    st.sampled_from(KINDS),
    st.sampled_from(["", *Outcome.values[:3]]),
    st.integers(1, 12),
    st.integers(0, 12),
)


def _contains(outer: tuple, inner: tuple) -> bool:
    return outer != inner and all(o is ALL or o == i for o, i in zip(outer, inner, strict=True))


def _check_table(table: dict) -> None:
    published = {k: v for k, v in table.items() if v is not None}
    for value in published.values():
        assert not 1 <= value <= 4
    for (outer, a), (inner, b) in itertools.permutations(published.items(), 2):
        if _contains(outer, inner):
            assert not 1 <= a - b <= 4, (outer, inner, a, b)


def _check_parts(table: dict, dimensions: list) -> None:
    """A published total minus its published parts along any dimension is never 1-4."""
    for key, total in table.items():
        if total is None:
            continue
        for i, category in enumerate(key):
            if category is not ALL:
                continue
            parts = [table[(*key[:i], c, *key[i + 1 :])] for c in dimensions[i]]
            rest = total - sum(p for p in parts if p is not None)
            assert not 1 <= rest <= 4, (key, i, rest)


@settings(max_examples=60, deadline=None)
@given(st.lists(row_strategy, max_size=25))
def test_no_published_district_figure_reveals_a_small_count(rows):
    """Across districts (and the central team), kinds, the municipality total, and the
    "became a case" and outcome counts sharing those totals."""
    tables = protected_quarter(rows, DISTRICTS)
    received = tables["received"]
    _check_table(received)
    _check_parts(received, [DISTRICTS, KINDS])
    for name, categories in (("case", list(FLAG)), ("outcome", OUTCOMES)):
        table = tables[name]
        _check_table(table)
        _check_parts(table, [DISTRICTS, KINDS, categories])
        for key, total in received.items():
            # The totals are shared: this table's margin equals the received value.
            assert table[(*key, ALL)] == total
            if total is None:
                assert all(table[(*key, c)] is None for c in categories)


def test_cached_quarter_tables_cannot_be_changed_by_one_reader_for_the_next():
    """The protected tables are cached and shared between requests: a reader that wrote
    into them would change what the next district page publishes."""
    rows = [{"district_id": DISTRICTS[0], "kind": KINDS[0], "outcome": None, "n": 12, "case": 3}]
    tables = protected_quarter(rows, DISTRICTS)
    key = (DISTRICTS[0], KINDS[0])
    published = dict(tables["received"])
    with pytest.raises(TypeError):
        tables["received"][key] = 2
    with pytest.raises(TypeError):
        tables["received"] = {}
    assert dict(protected_quarter(rows, DISTRICTS)["received"]) == published


# --- the periods and working days counted in the database ------------------------------------


def _moments():
    """Filing and triage moments around midnight, quarter ends and both summer-time
    changes of 2026 (29 March, 25 October), in local time."""
    days = [
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 3, 27),
        date(2026, 3, 29),
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 6, 30),
        date(2026, 10, 24),
        date(2026, 10, 25),
        date(2026, 10, 26),
        date(2026, 12, 1),
    ]
    for day in days:
        for hour, minute in ((0, 0), (1, 30), (17, 0), (23, 59)):
            yield timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_quarters_and_working_days_in_the_database_match_python(user):
    """The district figures count signals per local month of filing (the signal tally's
    trigger) and group triage days by the local midnights of working days (`WIDTH_BUCKET`,
    worked out in Python): every signal lands in the quarter of its local filing day, and
    its triage days are `working_days_between` its local filing and triage days (0 when
    triaged first), also across midnight and summer time."""
    anna = user("anna")
    moments = list(_moments())
    expected_quarters, expected_days = Counter(), Counter()
    number = 0
    for filed in moments:
        for triaged in moments[::3]:
            number += 1
            signal(anna, number, filed_at=filed, triaged_at=triaged)
            filed_on = timezone.localtime(filed).date()
            expected_quarters[quarter_start(filed_on)] += 1
            days = working_days_between(filed_on, timezone.localtime(triaged).date())
            expected_days[(quarter_start(filed_on), days)] += 1
    noord = _district("Noord")
    quarters = quarters_from(date(2025, 10, 1), date(2026, 12, 1))
    signals = Signal.objects.filter(
        district=noord,
        filed_at__gte=timezone.make_aware(datetime(2025, 10, 1)),
        filed_at__lt=timezone.make_aware(datetime(2027, 1, 1)),
    )
    assert Signal.objects.filter(district=noord).count() == number
    teams = set(Signal.objects.values_list("team_id", flat=True))
    counted, triaged = Counter(), Counter()
    for month, n in tally.counts(teams, date(2025, 10, 1), date(2027, 1, 1), ("month",)):
        counted[quarter_start(month)] += n
    for quarter, _d, _kind, days, n in _triage_day_counts(
        signals, quarters, date(2025, 10, 1), TODAY
    ):
        triaged[(quarters[quarter - 1], days)] += n
    assert counted == expected_quarters
    assert triaged == expected_days
