"""Attack 2 (issue 13): dashboard cells recovered by subtraction, and the property that
defends against it: `privacy.aggregates.protect_table` over random data, across every
filter combination the coordinator dashboard and its export offer."""

import itertools
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.aggregates import ALL, FLAG, MIN_CELL, protect_table, protected_month
from tests.helpers import at, signal

KINDS = ["nuisance", "rent_arrears", "renovation_finding", "other"]


# --- attack 2 end to end ---------------------------------------------------------------------


def _export(client, **filters) -> dict:
    """The March 2026 row of the coordinator's CSV export: column -> value."""
    response = client.get("/samenwerking/dashboard/export.csv", {"months": "36", **filters})
    header, *lines = response.content.decode("utf-8-sig").splitlines()
    row = next(line for line in lines if line.startswith("03-2026;"))
    return dict(zip(header.split(";"), row.split(";"), strict=True))


def _published(value: str) -> int | None:
    return None if value == "–" else int(value)


def test_dashboard_cells_recovered_by_subtraction(demo, user, client_for):
    """De Linde files 10 nuisance and 6 rent-arrears signals in March, Stadswonen 3
    nuisance and 5 rent arrears. On main the export without a filter said nuisance 13
    and with `&corporation=De Linde` 10 (its total 16 of 24 passed the old check):
    Stadswonen's 3 one subtraction away. Now no published number, in any filter of the
    export, minus another gives 1-4."""
    anna, bram = user("anna"), user("bram")
    march = at(date(2026, 3, 3))
    for n in range(1, 11):
        signal(anna, 300 + n, filed_at=march)
    for n in range(1, 7):
        signal(anna, 400 + n, kind="rent_arrears", filed_at=march)
    for n in range(1, 4):
        signal(bram, 300 + n, postcode="1013 AB", filed_at=march)
    for n in range(1, 6):
        signal(bram, 500 + n, kind="rent_arrears", postcode="1013 AB", filed_at=march)
    organisations = demo["organisations"]
    eva = client_for("eva")
    filters = [{}] + [
        {"corporation": str(organisations[name].pk)}
        for name in ("Woonstichting De Linde", "Stadswonen")
    ]
    numbers = {}  # (corporation filter, column) -> every published count
    for f in filters:
        row = _export(eva, **f)
        for column in ("Overlast", "Huurachterstand", "Totaal"):
            value = _published(row[column])
            if value is not None:
                numbers[(f.get("corporation"), column)] = value
    assert numbers, "the municipality's own figures are still published"

    def contains(outer, inner) -> bool:
        (f_out, c_out), (f_in, c_in) = outer, inner
        return outer != inner and f_out in (None, f_in) and c_out in ("Totaal", c_in)

    for outer, inner in itertools.permutations(numbers, 2):
        if contains(outer, inner):
            assert not 1 <= numbers[outer] - numbers[inner] <= 4, (outer, inner)
    # The total minus the visible kinds of each row reveals nothing small either.
    for f in filters:
        row = _export(eva, **f)
        total = _published(row["Totaal"])
        if total is not None:
            visible = [_published(row[c]) for c in ("Overlast", "Huurachterstand")]
            rest = total - sum(v for v in visible if v is not None)
            assert not 1 <= rest <= 4


def test_dashboard_still_shows_a_safe_corporation_split(demo, user, client_for):
    """Suppression is not everything-hidden: with enough signals on both sides each
    corporation's row is shown, and it adds up."""
    anna, bram = user("anna"), user("bram")
    march = at(date(2026, 3, 3))
    for n in range(1, 11):
        signal(anna, 300 + n, filed_at=march)
    for n in range(1, 9):
        signal(bram, 300 + n, postcode="1013 AB", filed_at=march)
    organisations = demo["organisations"]
    eva = client_for("eva")
    whole = _export(eva)
    linde = _export(eva, corporation=str(organisations["Woonstichting De Linde"].pk))
    stad = _export(eva, corporation=str(organisations["Stadswonen"].pk))
    assert (whole["Totaal"], linde["Totaal"], stad["Totaal"]) == ("18", "10", "8")


# --- the rule as a property over random tables ----------------------------------------------

small = st.integers(min_value=0, max_value=12)


def _keys(dimensions):
    return itertools.product(*[[*d, ALL] for d in dimensions])


def _true(counts, key) -> int:
    return sum(
        n
        for atom, n in counts.items()
        if all(k is ALL or k == a for k, a in zip(key, atom, strict=True))
    )


def _contains(margin, key) -> bool:
    return margin != key and all(m is ALL or m == k for m, k in zip(margin, key, strict=True))


def assert_no_small_difference(counts, dimensions, published, zeros_public=False):
    """What a reader can do with two published numbers or a total and its visible parts:
    none of it may give a count from 1 to 4. With `zeros_public` (the dashboard), a 0 may
    be published as "nothing"."""
    shown = {key: n for key, n in published.items() if n is not None}
    for key, n in shown.items():
        assert n == _true(counts, key)
        assert n >= MIN_CELL or (zeros_public and n == 0)
    for key, margin in itertools.permutations(shown, 2):
        if _contains(margin, key) and shown[margin]:  # a margin of 0 hides nothing
            assert not 0 <= shown[margin] - shown[key] < MIN_CELL, (margin, key)
    for key in shown:
        for i, category in enumerate(key):
            if category is ALL:
                parts = [(*key[:i], c, *key[i + 1 :]) for c in dimensions[i]]
                rest = shown[key] - sum(shown.get(p, 0) for p in parts)
                assert not 1 <= rest <= 4, (key, i, rest)
    # Inclusion-exclusion over two dimensions: total - A - T + (A and T) = neither.
    for key in shown:
        fixed = [i for i, k in enumerate(key) if k is not ALL]
        for i, j in itertools.combinations(fixed, 2):
            drop_i = (*key[:i], ALL, *key[i + 1 :])
            drop_j = (*key[:j], ALL, *key[j + 1 :])
            both = (*drop_i[:j], ALL, *drop_i[j + 1 :])
            if all(k in shown for k in (drop_i, drop_j, both)):
                neither = shown[both] - shown[drop_i] - shown[drop_j] + shown[key]
                assert not 1 <= neither <= 4, (key, i, j, neither)


@settings(max_examples=300, deadline=None)
@given(
    corporations=st.integers(min_value=1, max_value=3),
    teams=st.integers(min_value=1, max_value=3),
    data=st.data(),
)
def test_protect_table_leaves_no_small_difference(corporations, teams, data):
    dimensions = [list(range(corporations)), [f"t{t}" for t in range(teams)], KINDS]
    counts = {key: data.draw(small) for key in itertools.product(*dimensions)}
    published = protect_table(counts, dimensions)
    assert set(published) == set(_keys(dimensions))
    assert_no_small_difference(counts, dimensions, published)


@settings(max_examples=150, deadline=None)
@given(
    corporations=st.integers(min_value=1, max_value=3),
    teams=st.integers(min_value=1, max_value=3),
    data=st.data(),
)
def test_dashboard_month_is_safe_across_every_filter_combination(corporations, teams, data):
    """The tables the dashboard and export publish for one month, for every filter the
    form offers (all or one corporation, all or one team): kinds, totals, open and overdue
    counts, each combined with any other of any filter."""
    team_ids = [100 + t for t in range(teams)]
    rows = []
    for corporation, team, kind in itertools.product(range(1, corporations + 1), team_ids, KINDS):
        n = data.draw(small)
        open_ = data.draw(st.integers(min_value=0, max_value=n))
        overdue = data.draw(st.integers(min_value=0, max_value=open_))
        rows.append(
            {
                "organisation_id": corporation,
                "team_id": team,
                "kind": kind,
                "n": n,
                "open": open_,
                "overdue": overdue,
            }
        )
    tables = protected_month(rows, team_ids)
    dims = [list(range(1, corporations + 1)), team_ids]
    kind_counts = {(r["organisation_id"], r["team_id"], r["kind"]): r["n"] for r in rows}
    assert_no_small_difference(kind_counts, [*dims, KINDS], tables.kinds, zeros_public=True)
    for name, table in (("open", tables.open), ("overdue", tables.overdue)):
        flag_counts = {}
        for r in rows:
            for flag, n in (("yes", r[name]), ("no", r["n"] - r[name])):
                key = (r["organisation_id"], r["team_id"], flag)
                flag_counts[key] = flag_counts.get(key, 0) + n
        # What the page shows: the open count of each filter, next to that filter's total.
        shown = {key: v for key, v in table.items() if key[2] != "no"}
        for key in shown:
            if key[2] is ALL:
                shown[key] = tables.kinds[key]
        assert_no_small_difference(flag_counts, [*dims, list(FLAG)], shown, zeros_public=True)


def test_protect_table_documented_example():
    """The issue's example: nuisance 13 in the municipality, 10 of them De Linde's."""
    counts = {("linde", "nuisance"): 10, ("stad", "nuisance"): 3}
    published = protect_table(counts, [["linde", "stad"], ["nuisance", "other"]])
    assert published[(ALL, ALL)] == 13
    assert published[("stad", "nuisance")] is None
    assert published[("linde", "nuisance")] is None  # 13 - 10 would give 3


def test_protect_table_keeps_decided_keys():
    counts = {("a", "yes"): 6, ("a", "no"): 6, ("b", "yes"): 7, ("b", "no"): 1}
    published = protect_table(
        counts, [["a", "b"], ["yes", "no"]], decided={("b", ALL): True, ("a", ALL): False}
    )
    assert published[("b", ALL)] == 8 and published[("a", ALL)] is None
    assert published[("b", "yes")] is None  # 8 - 7 = 1


def test_dashboard_stays_within_its_query_bound_with_many_months(
    demo, user, django_assert_max_num_queries
):
    from privacy import aggregates

    anna = user("anna")
    for months_back in range(0, 30, 3):
        day = date(2026, 11, 2) - timedelta(days=30 * months_back)
        for n in range(6):
            signal(anna, 600 + months_back * 10 + n, filed_at=at(day))
    with django_assert_max_num_queries(4):
        figures = aggregates.dashboard(
            demo["municipality"].pk,
            date(2024, 1, 1),
            date(2026, 12, 1),
            corporation_id=demo["organisations"]["Stadswonen"].pk,
        )
    assert len(figures) == 36
