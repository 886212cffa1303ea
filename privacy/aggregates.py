"""Anonymous aggregate figures: the coordinator dashboard and complex insights.

Every function here returns counts and shares only, never a personal field, and computes
them with grouped SQL. They aggregate on columns that retention keeps (kind, district,
team, organisation, dates, status, outcome), so figures stay right after personal data
is erased. The threat model of this module is docs/privacy.md.

Suppression (DESIGN §3):
- a count under `MIN_CELL` (5) is not shown (`None`, rendered "–");
- `protect_table` is the one rule for counts that can be filtered or totalled: no
  published number combined with another (a filter, a row or column total, the
  municipality total) gives a count from 1 to 4 (complementary suppression);
- percentages are rounded to whole tens, half up: 44 % -> 40 %, 45 % -> 50 %;
- a complex under `MIN_COMPLEX` (10) households shows no share at all, a complex counts
  only once its address list is approved, and no answer is given for an address set
  within 4 addresses of a set answered before (`AnsweredSets`).
"""

import bisect
import functools
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType

from django.db import connection
from django.db.models import (
    Case as SqlCase,
)
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Greatest, TruncDate, TruncMonth
from django.utils import timezone

from cases.models import Case
from core.dates import add_months, local_midnight, month_start
from core.kinds import SignalKind
from core.working_days import working_day_numbers, working_days_counter
from partners.choices import AgreementStatus, ComplexStatus
from partners.models import Agreement, AnsweredAddressSet, ComplexAddress, District, Organisation
from signals import tally
from signals.models import Outcome, Signal

MIN_CELL = 5
MIN_COMPLEX = 10


# --- suppression rules ---------------------------------------------------------------


def cell(count: int, group_total: int | None = None) -> int | None:
    """The count when it may be shown: at least 5, and (within a group) leaving at least
    5 outside it; otherwise None."""
    if count < MIN_CELL:
        return None
    if group_total is not None and group_total - count < MIN_CELL:
        return None
    return count


ALL = None  # in a key of `protect_table`: the margin over every category of a dimension


@dataclass(frozen=True)
class _Layout:
    """The structure of a table and its margins, by position in `keys`: what each key is
    compared with. It depends on the categories only, so it is built once and reused for
    every month and measure of the same shape."""

    keys: tuple
    index: dict
    ancestors: tuple  # per key: the margins containing it
    partitions: tuple  # per key: per ALL position, the parts it is the total of
    corners: tuple  # per key: inclusion-exclusion corner sets [(key, sign), ...]
    atom_margins: dict  # per atom key: every key it counts in


@functools.lru_cache(maxsize=32)
def _layout(dimensions: tuple) -> _Layout:
    keys = tuple(itertools.product(*[[*d, ALL] for d in dimensions]))
    index = {key: i for i, key in enumerate(keys)}
    ancestors, partitions, corners = [], [], []
    for key in keys:
        fixed = [i for i, k in enumerate(key) if k is not ALL]
        ancestors.append(
            tuple(
                index[tuple(ALL if i in chosen else k for i, k in enumerate(key))]
                for r in range(1, len(fixed) + 1)
                for chosen in itertools.combinations(fixed, r)
            )
        )
        partitions.append(
            tuple(
                tuple(index[(*key[:i], c, *key[i + 1 :])] for c in dimensions[i])
                for i, k in enumerate(key)
                if k is ALL and dimensions[i]
            )
        )
        sets = []
        for r in range(2, len(fixed) + 1):
            for chosen in itertools.combinations(fixed, r):
                corner_set = []
                for mask in itertools.product((False, True), repeat=r):
                    dropped = {i for i, m in zip(chosen, mask, strict=True) if m}
                    corner = tuple(ALL if i in dropped else k for i, k in enumerate(key))
                    corner_set.append((index[corner], (-1) ** (r - len(dropped))))
                sets.append(tuple(corner_set))
        corners.append(tuple(sets))
    atom_margins = {key: (index[key], *ancestors[index[key]]) for key in keys if ALL not in key}
    return _Layout(keys, index, tuple(ancestors), tuple(partitions), tuple(corners), atom_margins)


def protect_table(
    counts: Mapping[tuple, int],
    dimensions: Sequence[Sequence],
    *,
    decided: Mapping[tuple, bool] | None = None,
    min_cell: int = MIN_CELL,
    publish_zeros: bool = False,
) -> dict[tuple, int | None]:
    """The published values of a table of counts and all its margins: primary and
    complementary (secondary) suppression in one place. Every figure about households or
    signals that can be filtered or totalled goes through here.

    `counts` maps a key, one category per dimension (e.g. `(corporation_id, team_id,
    kind)`), to a count; missing keys count 0. `dimensions` lists every category of each
    dimension, in key order; include categories with no counts when a user can ask for
    them (a filter option), so their margins exist. `decided` fixes keys whose fate was
    settled by another table sharing them: True = published there (never suppressed here,
    counts as visible), False = hidden there (hidden here too).

    Returns a dict from every key, with `ALL` (None) in any position for a margin (the
    "all corporations" filter, a row or column total, the grand total), to its count, or
    None where suppressed. What a reader can combine from the published values:
    1. no published value is under `min_cell` (primary suppression; 0 is hidden too);
    2. the difference of a published value and a published margin containing it is never
       under `min_cell` (0-4): no "total minus filtered" or "municipality minus
       corporation" recovers a small count; the finer value is suppressed instead;
    3. along every dimension, a published total minus its published parts is never 1-4,
       and a total never has exactly one hidden non-zero part (that part would be the
       difference): a further part, the smallest, is suppressed until both hold;
    4. over two or more dimensions at once, inclusion-exclusion of published values
       (total - corporation A - team T + A-and-T = neither A nor T) never gives 1-4.

    With `publish_zeros`, a value that is exactly 0 starts out published as 0 ("nothing")
    instead of hidden ("–"): a count of signals that is zero says nothing about a
    household. The rules above then treat it like any published value and hide it again
    where it would give a hidden count away (a total with one hidden part and zeros beside
    it). Not for figures where 0 itself is a statement about households (a complex's known
    share).

    Suppression only removes values, so the loop ends. The rules audit these patterns,
    not every linear combination of published values (no linear-programming audit); see
    docs/privacy.md for what remains. Computed in Python from counts already
    fetched: no queries."""
    layout = _layout(tuple(tuple(d) for d in dimensions))
    values = [0] * len(layout.keys)
    for key, n in counts.items():
        for i in layout.atom_margins[key] if n else ():
            values[i] += n
    hidden = [n < min_cell for n in values]
    fixed = [False] * len(values)
    if publish_zeros:
        # Zeros start out published; the rules below still hide one where it would let a
        # reader subtract their way to a hidden count.
        for i, n in enumerate(values):
            if n == 0:
                hidden[i] = False
    for key, shown in (decided or {}).items():
        hidden[layout.index[key]] = not shown
        fixed[layout.index[key]] = True

    def hide(i: int) -> bool:
        if hidden[i] or fixed[i]:
            return False
        hidden[i] = True
        return True

    def pairs_and_parts() -> bool:
        changed = False
        for k, n in enumerate(values):
            # Rule 2: a value and a margin containing it.
            for m in layout.ancestors[k] if not hidden[k] else ():
                # A margin of 0 has only zeros below it: nothing to protect.
                if not hidden[m] and values[m] and values[m] - n < min_cell:
                    changed |= hide(k) or hide(m)
                    if hidden[k]:
                        break
        for k, n in enumerate(values):
            # Rule 3: a total and its parts along one dimension.
            for parts in layout.partitions[k] if not hidden[k] else ():
                visible = [p for p in parts if not hidden[p]]
                rest = n - sum(values[p] for p in visible)
                hidden_nonzero = sum(1 for p in parts if hidden[p] and values[p])
                if 0 < rest < min_cell or hidden_nonzero == 1:
                    for p in sorted(visible, key=values.__getitem__):
                        if hide(p):
                            changed = True
                            break
                    else:
                        # Every visible part is fixed (decided by another table): the total
                        # itself goes, or the hidden part is one subtraction away.
                        if visible:
                            changed |= hide(k)
        return changed

    def inclusion_exclusion() -> bool:
        changed = False
        for k in range(len(values)):
            # Rule 4: inclusion-exclusion over several dimensions.
            for corner_set in layout.corners[k] if not hidden[k] else ():
                rest = 0
                for c, sign in corner_set:
                    if hidden[c]:
                        break
                    rest += sign * values[c]
                else:
                    if 0 < rest < min_cell:
                        changed |= hide(k) or any(hide(c) for c, _s in corner_set if c != k)
                        if hidden[k]:
                            break
        return changed

    while True:
        while pairs_and_parts():
            pass
        if not inclusion_exclusion():
            break
    return {key: None if hidden[i] else values[i] for i, key in enumerate(layout.keys)}


def round_percentage(numerator: int, denominator: int) -> int:
    """Percentage rounded to tens, half up, in integer arithmetic (no float surprises)."""
    return (20 * numerator + denominator) // (2 * denominator) * 10


def share(numerator: int, denominator: int) -> int | None:
    """A rounded percentage, or None when the part or its complement is under 5."""
    if cell(numerator, denominator) is None:
        return None
    return round_percentage(numerator, denominator)


def one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# --- coordinator dashboard ------------------------------------------------------------


@dataclass
class MonthFigures:
    month: date
    total: int | None = None
    per_kind: dict = field(default_factory=dict)
    triaged_in_term: int | None = None
    feedback_in_term: int | None = None
    median_triage_days: float | None = None
    open: int | None = None
    overdue: int | None = None
    capacity_agreed: int | None = None
    capacity_used: int | None = None


def _signals():
    return Signal.objects.all()


def _month_range(first_month: date, last_month: date) -> tuple[datetime, datetime]:
    """Start of the first month and end of the last, in local time."""
    start = datetime.combine(first_month, time.min)
    end = datetime.combine(add_months(month_start(last_month), 1), time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def _counts_per_month_and_kind(signals, today: date):
    """One grouped query: per month and kind, every count the dashboard needs. Rows are
    counted by `filed_at` (never null), not by id: every column read is then in the index
    `signal_team_dashboard`, and the query is answered from the index alone. The month is
    the local date of its first day, truncated in the database (no time-zone conversion
    per row in Python)."""
    triage_due = Q(triaged_at__isnull=False) | Q(triage_deadline__lt=today)
    feedback_due = Q(feedback_at__isnull=False) | Q(feedback_deadline__lt=today)
    is_open = Q(status__in=["received", "accepted"])
    overdue = is_open & (
        Q(triaged_at__isnull=True, triage_deadline__lt=today)
        | Q(feedback_at__isnull=True, feedback_deadline__lt=today)
    )
    return (
        signals.annotate(month=TruncMonth("filed_at", output_field=DateField()))
        .values("month", "organisation_id", "team_id", "kind")
        .annotate(
            n=Count("filed_at"),
            triage_due=Count("filed_at", filter=triage_due),
            triaged_in_term=Count("filed_at", filter=Q(triaged_at__date__lte=F("triage_deadline"))),
            feedback_due=Count("filed_at", filter=feedback_due),
            feedback_in_term=Count(
                "filed_at", filter=Q(feedback_at__date__lte=F("feedback_deadline"))
            ),
            open=Count("filed_at", filter=is_open),
            overdue=Count("filed_at", filter=overdue),
        )
        .order_by()
    )


SUMMED = (
    "n",
    "triage_due",
    "triaged_in_term",
    "feedback_due",
    "feedback_in_term",
    "open",
    "overdue",
)


def _triage_day_pairs(signals):
    """(filed date, triaged date, count), both dates local: grouped, so working days are
    counted once per distinct pair of dates, not once per signal; the month follows from
    the filed date."""
    return (
        signals.filter(triaged_at__isnull=False)
        .annotate(filed_on=TruncDate("filed_at"), triaged_on=TruncDate("triaged_at"))
        .values("filed_on", "triaged_on")
        .annotate(n=Count("filed_at"))
        .values_list("filed_on", "triaged_on", "n")
        .order_by()
    )


def weighted_median(values_with_counts: list[tuple[int, int]]) -> float | None:
    total = sum(n for _value, n in values_with_counts)
    if not total:
        return None
    ordered = sorted(values_with_counts)

    def nth(index):
        seen = 0
        for value, n in ordered:
            seen += n
            if index < seen:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _agreed_capacity(municipality_id, corporation_id, months: list[date]) -> dict:
    """Monthly capacity of the agreements (active, or since expired) valid in each month,
    with one query: agreements are few per municipality, so their validity periods are
    read once and matched to the months here."""
    agreements = Agreement.objects.filter(
        municipality_id=municipality_id,
        status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRED],
    )
    if corporation_id:
        agreements = agreements.filter(corporation_id=corporation_id)
    # No ordering: the model's orders by municipality and corporation name (two joins).
    periods = list(agreements.order_by().values_list("valid_from", "valid_to", "monthly_capacity"))
    capacity = {}
    for month in months:
        month_end = add_months(month, 1) - timedelta(days=1)
        valid = [
            c for start, end, c in periods if start <= month_end and (end is None or end >= month)
        ]
        capacity[month] = sum(valid) if valid else None
    return capacity


def dashboard(
    municipality_id: int,
    first_month: date,
    last_month: date,
    *,
    corporation_id: int | None = None,
    team_id: int | None = None,
    today: date | None = None,
    medians: bool = True,
    team_ids: list[int] | None = None,
) -> list[MonthFigures]:
    """Suppressed figures per month (newest first) for one municipality, optionally one
    corporation and/or one team. Four grouped queries, whatever the number of signals;
    three without `medians` (the median triage days are then left empty).

    Counts come from one cube per month (filer x team x kind, over the whole municipality)
    protected by `protect_table`, so that the figures of every filter combination the page
    and export offer are safe together: no subtraction between them recovers 1-4.
    `team_ids`: the municipality's teams (`_municipality_team_ids`), when the caller has
    read them already."""
    today = today or timezone.localdate()
    start, end = _month_range(first_month, last_month)
    if team_ids is None:
        team_ids = _municipality_team_ids(municipality_id)
    everything = _signals().filter(team_id__in=team_ids, filed_at__gte=start, filed_at__lt=end)
    months = []
    month = last_month
    while month >= first_month:
        months.append(month)
        month = add_months(month, -1)
    atoms: dict[date, list[dict]] = {m: [] for m in months}
    for row in _counts_per_month_and_kind(everything, today):
        atoms[row["month"]].append(row)

    scoped = everything
    if corporation_id:
        scoped = scoped.filter(organisation_id=corporation_id)
    if team_id:
        scoped = scoped.filter(team_id=team_id)
    day_pairs: dict[date, list[tuple[int, int]]] = {m: [] for m in months}
    if medians:
        working_days = working_days_counter(start.date(), max(today, end.date()))
        for filed_on, triaged_on, n in _triage_day_pairs(scoped):
            day_pairs[filed_on.replace(day=1)].append((working_days(filed_on, triaged_on), n))

    capacity = {} if team_id else _agreed_capacity(municipality_id, corporation_id, months)
    key = (corporation_id or ALL, team_id or ALL)
    figures = []
    for month in months:
        tables = protected_month(atoms[month], team_ids, extra_filers=[corporation_id])
        figure = MonthFigures(month=month)
        _fill_month(figure, tables, key, atoms[month], day_pairs[month], capacity.get(month))
        figures.append(figure)
    return figures


def _municipality_team_ids(municipality_id: int) -> list[int]:
    # The municipality's teams as a list of ids, not a join: the planner then reads each
    # team's range of the covering index (team, filed_at) instead of every signal filed
    # in the period nationally.
    teams = Organisation.objects.filter(municipality_id=municipality_id)
    return sorted(teams.values_list("pk", flat=True))


@dataclass
class ProtectedMonth:
    """One month's published counts for every filter: keys (filer or ALL, team or ALL,
    kind or ALL) in `kinds`, (filer or ALL, team or ALL, "yes" or ALL) in `open` and
    `overdue`; None where suppressed."""

    kinds: dict
    open: dict
    overdue: dict


FLAG = ("yes", "no")


def protected_month(rows: list[dict], team_ids, extra_filers=()) -> ProtectedMonth:
    """Protect one month's cube (rows of `_counts_per_month_and_kind`). The open and
    overdue counts share their totals with the kind table, so the totals it published
    (or hid) are decided for them. Every filter of the same month shares the cube, so
    the result is cached on the counts themselves."""
    cube = tuple(
        sorted(
            (r["organisation_id"], r["team_id"], r["kind"], r["n"], r["open"], r["overdue"])
            for r in rows
        )
    )
    filers, teams = _month_dimensions(cube, team_ids, extra_filers)
    return _protected_cube(cube, filers, teams)


@functools.lru_cache(maxsize=256)
def _protected_cube(cube: tuple, filers: tuple, teams: tuple) -> ProtectedMonth:
    rows = [
        {"organisation_id": f, "team_id": t, "kind": k, "n": n, "open": o, "overdue": d}
        for f, t, k, n, o, d in cube
    ]
    kinds = _protected_kinds(tuple((f, t, k, n) for f, t, k, n, _o, _d in cube), filers, teams)
    totals = {
        (f, t, ALL): kinds[(f, t, ALL)] is not None for f in [*filers, ALL] for t in [*teams, ALL]
    }
    flagged = {}
    for name in ("open", "overdue"):
        cube = defaultdict(int)
        for r in rows:
            cube[(r["organisation_id"], r["team_id"], "yes")] += r[name]
            cube[(r["organisation_id"], r["team_id"], "no")] += r["n"] - r[name]
        flagged[name] = protect_table(
            cube, [filers, teams, FLAG], decided=totals, publish_zeros=True
        )
    return ProtectedMonth(kinds=kinds, open=flagged["open"], overdue=flagged["overdue"])


@functools.lru_cache(maxsize=256)
def _protected_kinds(counts: tuple, filers: tuple, teams: tuple) -> Mapping:
    """A month's published counts per (filer, team, kind), margins included, from its
    sorted (filer, team, kind, count) rows: the table `_protected_cube` publishes first
    (the open and overdue counts follow from it, never the other way round), so a page
    that shows only these totals publishes the dashboard's own values. Shared between
    requests: read-only."""
    table = protect_table(
        {(f, t, k): n for f, t, k, n in counts},
        [filers, teams, SignalKind.values],
        publish_zeros=True,
    )
    return MappingProxyType(table)


def _month_dimensions(rows, team_ids, extra_filers=()) -> tuple[tuple, tuple]:
    """The filers and teams of a month's tables: those in its rows (filer, team, ...),
    every team of the municipality, and a filer asked for (a filter option)."""
    filers = sorted({r[0] for r in rows} | {f for f in extra_filers if f})
    teams = sorted(set(team_ids) | {r[1] for r in rows})
    return tuple(filers), tuple(teams)


def _fill_month(figure: MonthFigures, tables: ProtectedMonth, key, rows, pairs, capacity):
    corporation_id, team_id = key
    figure.capacity_agreed = capacity  # agreement terms, not a count of households
    figure.total = tables.kinds[(*key, ALL)]
    figure.per_kind = {kind: tables.kinds[(*key, kind)] for kind in SignalKind.values}
    if figure.total is None:
        # A suppressed total hides every figure derived from it.
        figure.per_kind = dict.fromkeys(SignalKind.values)
        return
    raw = defaultdict(int)
    for r in rows:
        if corporation_id not in (ALL, r["organisation_id"]) or team_id not in (ALL, r["team_id"]):
            continue
        for name in SUMMED:
            raw[name] += r[name]
    # Rounded to tens: a difference of two percentages is no exact count.
    figure.triaged_in_term = share(raw["triaged_in_term"], raw["triage_due"])
    figure.feedback_in_term = share(raw["feedback_in_term"], raw["feedback_due"])
    if sum(n for _days, n in pairs) >= MIN_CELL:
        figure.median_triage_days = weighted_median(pairs)
    figure.open = tables.open[(*key, "yes")]
    figure.overdue = tables.overdue[(*key, "yes")]
    if capacity:
        figure.capacity_used = round_percentage(figure.total, capacity)


# --- complex insights -----------------------------------------------------------------


def known_cases(today: date | None = None):
    """Cases that make their household known: open, or closed in the last 12 months, in
    any team. Asked per household (`Exists` on the `case_household` index), never
    evaluated into Python: an `IN` over every such case hashed all 200 000 cases of the
    country for one page of complexes (470 ms at national scale, 4 ms as probes)."""
    today = today or timezone.localdate()
    since = one_year_before(today)
    return Case.objects.exclude(household_key="").filter(
        ~Q(state="closed") | Q(closed_at__date__gte=since)
    )


NEAR_SET = 5  # address sets differing by fewer addresses than this are "the same set"


def address_set_digest(keys) -> str:
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()


class AnsweredSets:
    """The address sets each corporation got an insight for (`AnsweredAddressSet`). An
    answer for a set that differs from an earlier answered set of the same corporation by
    1 to NEAR_SET - 1 addresses is refused: otherwise adding one target address to a
    complex, or removing one, turns two answers into an answer about that household.
    One query to read, one to write, whatever the number of complexes."""

    def __init__(self, corporation_ids):
        model = AnsweredAddressSet
        self._model = model
        self._sets = defaultdict(dict)  # corporation -> digest -> frozenset of keys
        rows = model.objects.filter(corporation_id__in=corporation_ids).values_list(
            "corporation_id", "digest", "household_keys"
        )
        for corporation_id, digest, keys in rows:
            self._sets[corporation_id][digest] = frozenset(keys)
        self._new = []

    def may_answer(self, corporation_id: int, keys: frozenset) -> bool:
        digest = address_set_digest(keys)
        earlier = self._sets[corporation_id]
        if digest in earlier:
            return True
        for other in earlier.values():
            if abs(len(other) - len(keys)) < NEAR_SET and 0 < len(other ^ keys) < NEAR_SET:
                return False
        earlier[digest] = keys
        self._new.append(
            self._model(
                corporation_id=corporation_id,
                digest=digest,
                size=len(keys),
                household_keys=sorted(keys),
            )
        )
        return True

    def save(self) -> None:
        if self._new:
            self._model.objects.bulk_create(self._new, ignore_conflicts=True)


def complex_insights(complexes, today: date | None = None) -> list[dict]:
    """Per complex: code, name, households, and the rounded share known to a wijkteam, or
    None (suppressed). It never yields which households are known, and answers only

    - for an address list the municipality's coordinator approved (a corporation cannot
      compose the set it asks about), and
    - for a set not within NEAR_SET - 1 addresses of a set answered before (`AnsweredSets`).

    Three queries at most: the grouped counts, the keys of the answerable complexes and
    the earlier answered sets (plus one insert of the new ones)."""
    rows = list(
        complexes.annotate(
            households=Count("addresses", distinct=True),
            known=Count(
                "addresses",
                filter=Q(
                    Exists(
                        known_cases(today).filter(
                            household_key=OuterRef("addresses__household_key")
                        )
                    )
                ),
                distinct=True,
            ),
        )
        .values("pk", "code", "name", "corporation_id", "status", "households", "known")
        .order_by("code", "pk")
    )
    # Every approved set is remembered when asked about, also one under MIN_COMPLEX:
    # "too small" is an answer too, and 9 addresses plus a target make 10.
    answerable = [row for row in rows if row["status"] == ComplexStatus.APPROVED]
    allowed = set()
    if answerable:
        keys = defaultdict(set)
        addresses = ComplexAddress.objects.filter(complex_id__in=[row["pk"] for row in answerable])
        for complex_id, key in addresses.values_list("complex_id", "household_key"):
            keys[complex_id].add(key)
        memory = AnsweredSets({row["corporation_id"] for row in answerable})
        allowed = {
            row["pk"]
            for row in answerable
            if memory.may_answer(row["corporation_id"], frozenset(keys[row["pk"]]))
        }
        memory.save()
    return [_complex_row(row, row["pk"] in allowed) for row in rows]


def _complex_row(row: dict, answerable: bool) -> dict:
    households, known = row["households"], row["known"]
    known_share = None
    if answerable and households >= MIN_COMPLEX:
        known_share = share(known, households)
    return {
        "id": row["pk"],
        "code": row["code"],
        "name": row["name"],
        "households": households,
        "status": row["status"],
        "known_share": f"{known_share}%" if known_share is not None else None,
        "suppressed": known_share is None,
    }


# --- district analysis ----------------------------------------------------------------

QUARTERS_SHOWN = 8  # the last two years
NO_DISTRICT = 0  # signals of the central team: a category, so the municipality total holds
BECAME_CASE = ("accepted", "closed")  # signal statuses after a team opened (or merged) a case
NO_OUTCOME = "-"


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_label(start: date) -> str:
    return f"{start.year}-K{(start.month - 1) // 3 + 1}"


@dataclass
class KindFigures:
    kind: str | None  # None: every kind
    received: int | None = None
    became_case: int | None = None  # rounded percentage of `received`
    median_triage_days: float | None = None
    outcomes: dict = field(default_factory=dict)  # outcome -> count or None
    trend: int | None = None  # received minus the same quarter a year earlier


@dataclass
class QuarterFigures:
    start: date
    label: str
    kinds: list  # of KindFigures, every kind first, then "all kinds" (kind None)


def _rows(queryset) -> list[tuple]:
    """The rows of a `values_list` query as the database driver gives them: a cube has
    thousands of rows of integers and texts, which Django would pass one value at a time
    through converters that turn integers into integers."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _Period(Func):
    """Which period a moment falls in: the number of `starts` (ascending moments, a
    PostgreSQL timestamptz[] literal) at or before it, 0 before the first. The cubes group
    by it instead of truncating each row's moment to a local date (`AT TIME ZONE` and
    `date_trunc` per row were half of a cube's time at national scale); the local
    midnights are worked out once, in Python (`_local_midnights`)."""

    function = "WIDTH_BUCKET"
    template = "%(function)s(%(expressions)s::timestamptz[])"
    output_field = IntegerField()

    def __init__(self, column: str, starts: str):
        super().__init__(F(column), Value(starts))

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite (the `make run` default) has neither arrays nor WIDTH_BUCKET: the same
        # count comes from the function `register_sqlite_functions` adds to each connection.
        return self.as_sql(
            compiler, connection, function=SQLITE_PERIOD, template="%(function)s(%(expressions)s)"
        )


SQLITE_PERIOD = "WP_PERIOD"


@functools.lru_cache(maxsize=32)
def _utc_starts(starts: str) -> tuple[datetime, ...]:
    """The moments of a `_Period` literal as naive UTC, the form SQLite stores them in."""
    return tuple(
        datetime.fromisoformat(moment).astimezone(UTC).replace(tzinfo=None)
        for moment in starts.strip("{}").split(",")
        if moment
    )


def _sqlite_period(value: str | None, starts: str) -> int | None:
    if value is None:
        return None
    return bisect.bisect_right(_utc_starts(starts), datetime.fromisoformat(value))


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: gives a SQLite connection what `_Period` needs."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_PERIOD, 2, _sqlite_period, deterministic=True)


@functools.lru_cache(maxsize=32)
def _midnights(days: tuple, zone) -> str:
    return "{" + ",".join(local_midnight(day, zone).isoformat() for day in days) + "}"


def _local_midnights(days) -> str:
    """The local midnights of `days` (ascending) as a timestamptz[] literal for `_Period`,
    built once per list of days and time zone."""
    return _midnights(tuple(days), timezone.get_current_timezone())


def quarters_from(first: date, last: date) -> list[date]:
    """First days of the quarters from the one of `first` to the one of `last`, oldest first."""
    quarters, quarter = [], quarter_start(first)
    while quarter <= last:
        quarters.append(quarter)
        quarter = add_months(quarter, 3)
    return quarters


def _triage_day_counts(signals, quarters: list[date], first: date, last: date):
    """(quarter, district, kind, working days to triage, count) of the triaged `signals`
    (the districts the medians are for, filed from `first` on; `_triage_days`). The
    quarter is its position in `quarters` (1 for the first)."""
    triaged = Q(triaged_at__isnull=False)
    return (
        signals.filter(triaged, filed_at__gte=local_midnight(first))
        .annotate(
            quarter=_Period("filed_at", _local_midnights(quarters)),
            days=_triage_days(triaged, first, last),
        )
        .values("quarter", "district_id", "kind", "days")
        .annotate(n=Count("filed_at"))
        .values_list("quarter", "district_id", "kind", "days", "n")
        .order_by()
    )


# Beyond the last day of the analysis the calendar reaches this far, for a triage day
# after today (none is: a signal is triaged at the moment it happens).
CALENDAR_MARGIN = timedelta(days=3 * 366)


@functools.lru_cache(maxsize=8)
def _working_days(first: date, last: date) -> tuple[date, ...]:
    """The working days from `first` to `last`, from the calendar of `working_day_numbers`
    (a day is one where the count goes up), so both count alike."""
    numbers = working_day_numbers(first, last)
    return tuple(
        first + timedelta(days=i) for i, n in enumerate(numbers) if n > (numbers[i - 1] if i else 0)
    )


def _triage_days(condition: Q, first: date, last: date) -> SqlCase:
    """Working days from filing to triage of the signals meeting `condition` (triaged,
    filed from `first` on), None for the others. The working days from `first` up to and
    including a moment's local day are the working-day midnights at or before it
    (`_Period`); the difference of the triage's and the filing's is the number of working
    days between them (`working_days_between`), 0 when the triage comes first. The
    calendar runs to `last` plus a margin; a triage after that counts as 0 days."""
    calendar_end = last + CALENDAR_MARGIN
    midnights = _local_midnights(_working_days(first, calendar_end))
    counted = Greatest(_Period("triaged_at", midnights) - _Period("filed_at", midnights), Value(0))
    in_calendar = Q(triaged_at__lt=local_midnight(calendar_end + timedelta(days=1)))
    return SqlCase(
        When(condition & in_calendar, then=counted),
        When(condition, then=Value(0)),
        default=None,
        output_field=IntegerField(),
    )


def protected_quarter(rows: list[dict], districts: Sequence[int]) -> Mapping:
    """Protect one quarter's cube of the whole municipality (district x kind, with the
    central team's signals as district `NO_DISTRICT`). Every district page of the same
    municipality publishes from the same tables, so no two published numbers — across
    districts, kinds and the municipality total — differ by 1-4. The "became a case" and
    outcome counts share their totals with the received table, which decides them.

    Every district page and analysis of the municipality protects the same quarters, and
    a closed quarter's counts rarely change, so the result is cached on the counts
    themselves: changed counts are a different key, never a stale table. The tables
    returned are shared between requests, so they are read-only mappings."""
    return _protected_rows(
        [(r["district_id"], r["kind"], r["outcome"], r["n"], r["case"]) for r in rows], districts
    )


def _protected_rows(rows: list[tuple], districts: Sequence[int]) -> Mapping:
    """`protected_quarter` of rows (district, kind, outcome, count, became a case)."""
    cube = tuple(
        sorted(
            (d or NO_DISTRICT, kind, outcome or NO_OUTCOME, n, became_case)
            for d, kind, outcome, n, became_case in rows
        )
    )
    return _protected_quarter(cube, tuple(districts), tuple(_outcome_values()))


@functools.lru_cache(maxsize=1024)
def _protected_quarter(cube: tuple, districts: tuple, outcome_values: tuple) -> Mapping:
    outcomes = [*outcome_values, NO_OUTCOME]
    received, case, outcome = defaultdict(int), defaultdict(int), defaultdict(int)
    for d, kind, outcome_value, n, became_case in cube:
        received[(d, kind)] += n
        case[(d, kind, "yes")] += became_case
        case[(d, kind, "no")] += n - became_case
        outcome[(d, kind, outcome_value)] += n
    dims = [list(districts), SignalKind.values]
    received_table = protect_table(received, dims, publish_zeros=True)
    totals = {key: value is not None for key, value in received_table.items()}
    decided = {(*key, ALL): shown for key, shown in totals.items()}
    tables = {
        "received": received_table,
        "case": protect_table(case, [*dims, FLAG], decided=decided, publish_zeros=True),
        "outcome": protect_table(outcome, [*dims, outcomes], decided=decided, publish_zeros=True),
    }
    # A suppressed total hides every figure under it, zeros included: "none became a
    # case" of a hidden 1-4 is still a statement about those few.
    for name in ("case", "outcome"):
        table = tables[name]
        for key in table:
            if not totals[key[:-1]]:
                table[key] = None
    return MappingProxyType({name: MappingProxyType(table) for name, table in tables.items()})


def _outcome_values() -> list[str]:
    return list(Outcome.values)


def shown_quarters(today: date) -> list[date]:
    """First days of the quarters shown, newest (the current one) first."""
    last = quarter_start(today)
    return [add_months(last, -3 * i) for i in range(QUARTERS_SHOWN)]


def district_analysis(district, today: date | None = None) -> list[QuarterFigures]:
    return area_analysis(district.municipality_id, [district.pk], today)[district.pk]


def _municipality_areas(municipality_id: int) -> tuple[list[tuple[int, int | None]], list[int]]:
    """(district, serving team) of every district of the municipality, by id, and the
    municipality's teams (as `_municipality_team_ids`), in one query."""
    no_team = Value(None, output_field=IntegerField())
    rows = (
        District.objects.filter(municipality_id=municipality_id)
        .values_list("pk", "team_id", Value(True))
        .order_by()
        .union(
            Organisation.objects.filter(municipality_id=municipality_id)
            .values_list("pk", no_team, Value(False))
            .order_by(),
            all=True,
        )
    )
    districts, teams = [], []
    for pk, team_id, is_district in rows:
        if is_district:
            districts.append((pk, team_id))
        else:
            teams.append(pk)
    return sorted(districts), sorted(teams)


def area_analysis(
    municipality_id: int,
    district_ids,
    today: date | None = None,
    *,
    municipality_districts: list[tuple[int, int | None]] | None = None,
    team_ids: list[int] | None = None,
) -> dict[int, list[QuarterFigures]]:
    """Suppressed figures per quarter (newest first, the last two years) and kind for
    districts of one municipality. Three queries, whatever the number of signals,
    districts or quarters: the municipality's counts from the signal tally
    (`signals.tally`), the triage days of the districts asked for (for the medians), and
    the municipality's districts and teams (`_municipality_areas`), which the caller may
    pass when it read them already."""
    today = today or timezone.localdate()
    shown = shown_quarters(today)
    # A year before the oldest quarter shown, for trends.
    quarters = quarters_from(add_months(shown[-1], -12), shown[0])
    start, end = _month_range(quarters[0], add_months(shown[0], 2))
    if municipality_districts is None or team_ids is None:
        municipality_districts, team_ids = _municipality_areas(municipality_id)
    districts = [NO_DISTRICT, *(pk for pk, _team in municipality_districts)]
    counts: dict[date, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for month, district_id, kind, outcome, status, n in tally.counts(
        team_ids,
        quarters[0],
        end.date(),
        ("month", "district_id", "kind", "outcome", "status"),
    ):
        cell = counts[quarter_start(month)][(district_id, kind, outcome)]
        cell[0] += n
        if status in BECAME_CASE:
            cell[1] += n
    # Per (district, quarter, kind or ALL): signals per number of triage days; only for
    # the districts asked for, in the quarters shown (the year before is for trends).
    triaged: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    medians_for = _signals().filter(
        team_id__in=team_ids,
        district_id__in=list(district_ids),
        filed_at__gte=start,
        filed_at__lt=end,
    )
    for position, district_id, kind, days, n in _rows(
        _triage_day_counts(medians_for, quarters, shown[-1], max(today, end.date()))
    ):
        quarter = quarters[position - 1]
        triaged[(district_id, quarter, kind)][days] += n
        triaged[(district_id, quarter, ALL)][days] += n
    rows = {q: [(*key, n, c) for key, (n, c) in cells.items()] for q, cells in counts.items()}
    pairs = {key: list(days.items()) for key, days in triaged.items()}

    empty = _protected_rows([], districts)
    tables = {q: _protected_rows(rows[q], districts) for q in rows}
    return {
        pk: [_quarter_figures(pk, q, tables, empty, pairs) for q in shown] for pk in district_ids
    }


def _quarter_figures(district_id, quarter, tables, empty, pairs) -> QuarterFigures:
    table = tables.get(quarter, empty)
    year_before = tables.get(add_months(quarter, -12), empty)
    kinds = []
    outcome_values = _outcome_values()
    for kind in [*SignalKind.values, ALL]:
        key = (district_id, kind)
        figure = KindFigures(kind=kind, received=table["received"][key])
        before = year_before["received"][key]
        if figure.received is not None and before is not None:
            figure.trend = figure.received - before
        figure.outcomes = {o: table["outcome"][(*key, o)] for o in outcome_values}
        if figure.received:
            yes, no = table["case"][(*key, "yes")], table["case"][(*key, "no")]
            if yes is not None and no is not None:
                # Rounded to tens: a percentage is no exact count.
                figure.became_case = round_percentage(yes, figure.received)
            triaged = pairs.get((district_id, quarter, kind), [])
            if sum(n for _d, n in triaged) >= MIN_CELL:
                figure.median_triage_days = weighted_median(triaged)
        kinds.append(figure)
    return QuarterFigures(start=quarter, label=quarter_label(quarter), kinds=kinds)


CAPACITY_MONTHS = 12


def served_districts(district, municipality_districts=None) -> list[int]:
    """The districts of the municipality served by the district's team (none without),
    from `_municipality_areas` when the caller read them already."""
    if district.team_id is None:
        return []
    if municipality_districts is None:
        municipality_districts, _teams = _municipality_areas(district.municipality_id)
    return [pk for pk, team_id in municipality_districts if team_id == district.team_id]


def district_page_figures(district, today: date | None = None) -> tuple[list, list]:
    """The district page's quarters (`district_analysis`) and capacity months
    (`district_capacity`) from one area analysis of the district and the districts its
    team serves: the same figures as asking each, for half the work. The municipality's
    districts and teams are read once for both."""
    municipality_districts, team_ids = _municipality_areas(district.municipality_id)
    served = served_districts(district, municipality_districts)
    analysis = area_analysis(
        district.municipality_id,
        sorted({district.pk, *served}),
        today,
        municipality_districts=municipality_districts,
        team_ids=team_ids,
    )
    capacity = district_capacity(
        district, today, analysis=analysis, served=served, team_ids=team_ids
    )
    return analysis[district.pk], capacity


def _team_month_totals(
    team_id: int, first_month: date, last_month: date, team_ids
) -> list[MonthFigures]:
    """Per month (newest first) the team's total as the coordinator dashboard publishes it
    (`dashboard(..., team_id=team_id).total`: the same cube over the municipality, the same
    protected kind table), from the signal tally (`signals.tally`), grouped by nothing the
    total does not need."""
    months = []
    month = first_month
    while month <= last_month:
        months.append(month)
        month = add_months(month, 1)
    rows: dict[date, list[tuple]] = {m: [] for m in months}
    by = ("month", "organisation_id", "team_id", "kind")
    for month, *row in tally.counts(team_ids, first_month, add_months(last_month, 1), by):
        rows[month].append(tuple(row))
    figures = []
    for month in reversed(months):
        counts = tuple(sorted(rows[month]))
        kinds = _protected_kinds(counts, *_month_dimensions(counts, team_ids))
        figures.append(MonthFigures(month=month, total=kinds[(ALL, team_id, ALL)]))
    return figures


def district_capacity(
    district,
    today: date | None = None,
    *,
    analysis: dict | None = None,
    served=None,
    team_ids: list[int] | None = None,
) -> list[MonthFigures]:
    """Per month (the last 12, newest first) the signals routed to the district's team and
    the capacity agreed in the municipality's agreements. The counts are the coordinator
    dashboard's own published values for the team. A month is only shown when every
    month of its quarter is, and the quarter totals of every district the team serves
    are published: otherwise a quarter total minus two shown months would give the third,
    a hidden count."""
    if district.team_id is None:
        return []
    today = today or timezone.localdate()
    last = month_start(today)
    if team_ids is None:
        team_ids = _municipality_team_ids(district.municipality_id)
    figures = _team_month_totals(
        district.team_id,
        add_months(last, 1 - CAPACITY_MONTHS),
        last,
        team_ids,
    )
    capacity = _agreed_capacity(district.municipality_id, None, [f.month for f in figures])
    served = served_districts(district) if served is None else served
    quarters = analysis or area_analysis(district.municipality_id, served, today=today)
    published = {
        q.start: all(quarters[pk][i].kinds[-1].received is not None for pk in served)
        for i, q in enumerate(quarters[district.pk])
    }
    by_quarter = defaultdict(list)
    for figure in figures:
        by_quarter[quarter_start(figure.month)].append(figure)
    for start, months in by_quarter.items():
        whole = len(months) == 3 or start == quarter_start(today)
        complete = whole and all(f.total is not None for f in months)
        shown = complete and published.get(start, False)
        for figure in months:
            figure.capacity_agreed = capacity.get(figure.month)
            if not shown:
                figure.total = None
            elif figure.capacity_agreed:
                figure.capacity_used = round_percentage(figure.total, figure.capacity_agreed)
    return figures
