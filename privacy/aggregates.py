"""Anonymous aggregate figures: the coordinator dashboard and complex insights.

Every function here returns counts and shares only, never a personal field, and computes
them with grouped SQL. They aggregate on columns that retention keeps (kind, district,
team, organisation, dates, status, outcome), so figures stay right after personal data
is erased.

Suppression (DESIGN §3):
- a cell under `MIN_CELL` (5), or whose complement within its group is under 5, is not
  shown (`None`, rendered "<5" or "–");
- a filtered total (one corporation or team) is a cell of the unfiltered municipality
  total, so a small difference between the two is suppressed too (no differencing);
- percentages are rounded to whole tens, half up: 44 % -> 40 %, 45 % -> 50 %;
- a complex under `MIN_COMPLEX` (10) households shows no share at all.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from partners.choices import AgreementStatus, SignalKind

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


def round_percentage(numerator: int, denominator: int) -> int:
    """Percentage rounded to tens, half up, in integer arithmetic (no float surprises)."""
    return (20 * numerator + denominator) // (2 * denominator) * 10


def share(numerator: int, denominator: int) -> int | None:
    """A rounded percentage, or None when the part or its complement is under 5."""
    if cell(numerator, denominator) is None:
        return None
    return round_percentage(numerator, denominator)


def add_months(day: date, months: int) -> date:
    """First day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


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
    return apps.get_model("signals", "Signal").objects.all()


def _scoped_signals(municipality_id, corporation_id=None, team_id=None):
    # The municipality's teams as a list of ids, not a join: the planner then reads each
    # team's range of the covering index (team, filed_at) instead of every signal filed
    # in the period nationally.
    teams = apps.get_model("partners", "Organisation").objects.filter(
        municipality_id=municipality_id
    )
    signals = _signals().filter(team_id__in=list(teams.values_list("pk", flat=True)))
    if corporation_id:
        signals = signals.filter(organisation_id=corporation_id)
    if team_id:
        signals = signals.filter(team_id=team_id)
    return signals


def _month_range(first_month: date, last_month: date) -> tuple[datetime, datetime]:
    """Start of the first month and end of the last, in local time."""
    start = datetime.combine(first_month, time.min)
    end = datetime.combine(add_months(last_month, 1), time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def _counts_per_month_and_kind(signals, today: date):
    """One grouped query: per month and kind, every count the dashboard needs. Rows are
    counted by `filed_at` (never null), not by id: every column read is then in the index
    `signal_team_dashboard`, and the query is answered from the index alone."""
    triage_due = Q(triaged_at__isnull=False) | Q(triage_deadline__lt=today)
    feedback_due = Q(feedback_at__isnull=False) | Q(feedback_deadline__lt=today)
    is_open = Q(status__in=["received", "accepted"])
    overdue = is_open & (
        Q(triaged_at__isnull=True, triage_deadline__lt=today)
        | Q(feedback_at__isnull=True, feedback_deadline__lt=today)
    )
    return (
        signals.annotate(month=TruncMonth("filed_at"))
        .values("month", "kind")
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
    """(month, filed date, triaged date, count): grouped, so working days are counted once
    per distinct pair of dates, not once per signal."""
    return (
        signals.filter(triaged_at__isnull=False)
        .annotate(
            month=TruncMonth("filed_at"),
            filed_on=TruncDate("filed_at"),
            triaged_on=TruncDate("triaged_at"),
        )
        .values("month", "filed_on", "triaged_on")
        .annotate(n=Count("filed_at"))
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
    Agreement = apps.get_model("partners", "Agreement")
    agreements = Agreement.objects.filter(
        municipality_id=municipality_id,
        status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRED],
    )
    if corporation_id:
        agreements = agreements.filter(corporation_id=corporation_id)
    periods = list(agreements.values_list("valid_from", "valid_to", "monthly_capacity"))
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
) -> list[MonthFigures]:
    """Suppressed figures per month (newest first) for one municipality, optionally one
    corporation and/or one team. Four grouped queries, whatever the number of signals."""
    from signals.deadlines import working_days_between

    today = today or timezone.localdate()
    start, end = _month_range(first_month, last_month)
    scoped = _scoped_signals(municipality_id, corporation_id, team_id).filter(
        filed_at__gte=start, filed_at__lt=end
    )
    months = []
    month = last_month
    while month >= first_month:
        months.append(month)
        month = add_months(month, -1)
    figures = {m: MonthFigures(month=m) for m in months}
    raw = {m: {"n": 0, "kinds": {}} for m in months}
    for row in _counts_per_month_and_kind(scoped, today):
        bucket = raw[timezone.localtime(row["month"]).date()]
        bucket["kinds"][row["kind"]] = row["n"]
        for key in SUMMED:
            bucket[key] = bucket.get(key, 0) + row[key]

    filtered = bool(corporation_id or team_id)
    municipality_totals = {}
    if filtered:
        all_signals = _scoped_signals(municipality_id).filter(filed_at__gte=start, filed_at__lt=end)
        municipality_totals = {
            timezone.localtime(row["month"]).date(): row["n"]
            for row in all_signals.annotate(month=TruncMonth("filed_at"))
            .values("month")
            .annotate(n=Count("*"))
            .order_by()
        }

    day_pairs: dict[date, list[tuple[int, int]]] = {m: [] for m in months}
    for row in _triage_day_pairs(scoped):
        day_pairs[timezone.localtime(row["month"]).date()].append(
            (working_days_between(row["filed_on"], row["triaged_on"]), row["n"])
        )

    capacity = {} if team_id else _agreed_capacity(municipality_id, corporation_id, months)
    for month in months:
        _fill_month(
            figures[month],
            raw[month],
            municipality_totals.get(month) if filtered else None,
            day_pairs[month],
            capacity.get(month),
        )
    return [figures[m] for m in months]


def _fill_month(figure: MonthFigures, raw: dict, group_total, pairs, capacity) -> None:
    total = raw["n"]
    figure.total = cell(total, group_total)
    figure.per_kind = {kind: cell(raw["kinds"].get(kind, 0), total) for kind in SignalKind.values}
    if figure.total is None:
        # A suppressed total hides every figure derived from it.
        figure.per_kind = dict.fromkeys(SignalKind.values)
        return
    figure.triaged_in_term = share(raw.get("triaged_in_term", 0), raw.get("triage_due", 0))
    figure.feedback_in_term = share(raw.get("feedback_in_term", 0), raw.get("feedback_due", 0))
    if sum(n for _days, n in pairs) >= MIN_CELL:
        figure.median_triage_days = weighted_median(pairs)
    figure.open = cell(raw.get("open", 0), total)
    figure.overdue = cell(raw.get("overdue", 0), total)
    figure.capacity_agreed = capacity
    if capacity:
        figure.capacity_used = round_percentage(total, capacity)


# --- complex insights ------------------------------------------------------------------


def known_household_keys(today: date | None = None):
    """Household keys with an open case, or a case closed in the last 12 months, in any
    team: a subquery, never evaluated into Python."""
    Case = apps.get_model("cases", "Case")
    today = today or timezone.localdate()
    since = one_year_before(today)
    return (
        Case.objects.exclude(household_key="")
        .filter(~Q(state="closed") | Q(closed_at__date__gte=since))
        .values("household_key")
    )


def complex_insights(complexes, today: date | None = None) -> list[dict]:
    """Per complex: code, name, households, and the rounded share known to a wijkteam, or
    None (suppressed). One grouped query; it never yields which households are known."""
    rows = (
        complexes.annotate(
            households=Count("addresses", distinct=True),
            known=Count(
                "addresses",
                filter=Q(addresses__household_key__in=known_household_keys(today)),
                distinct=True,
            ),
        )
        .values("pk", "code", "name", "households", "known")
        .order_by("code", "pk")
    )
    return [_complex_row(row) for row in rows]


def _complex_row(row: dict) -> dict:
    households, known = row["households"], row["known"]
    known_share = None
    if households >= MIN_COMPLEX:
        known_share = share(known, households)
    return {
        "id": row["pk"],
        "code": row["code"],
        "name": row["name"],
        "households": households,
        "known_share": f"{known_share}%" if known_share is not None else None,
        "suppressed": known_share is None,
    }
