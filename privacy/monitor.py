"""The vroegsignalering monitor: per month and signal kind, the figures the national
monitor of the Landelijk Convenant Vroegsignalering asks of a municipality.

Counted per household (a household signalled twice in a month counts once), from the
signals filed in the month and the work on the case they went into:
- `signals`: signals received; `households`: unique households;
- `attempt_in_term`: households with a contact attempt on or before the agreed
  first-outreach deadline (only signals whose agreement sets such a term);
- `reached`: households reached by at least one attempt;
- `help_accepted` / `help_declined`: the resident's answer recorded on the case;
- `median_days_to_attempt`: median working days from filing to the first attempt;
- `conversation_in_term`: first conversations held within the Wgs art. 4a term.

Counts only, never a personal field, and every count passes the dashboard's disclosure
control (`_suppress`, one function, so the rule can be swapped in one place): a cell
under 5, or leaving fewer than 5 households of its month and kind, is not shown; a
suppressed household total hides its whole row, and two counts of a row that differ by
1-4 hide the smaller (`_suppress_small_differences`). The monitor publishes no totals
over months or kinds, so no other combination exists. Erased signals (retention blanks their
address) each count as a household of their own."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Count, Exists, F, Min, OuterRef, Q, When
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from cases.models import Outreach
from core.kinds import SignalKind
from core.working_days import working_days_between
from partners.models import Organisation
from signals.models import Signal

from . import aggregates

COUNTS = (
    "attempt_in_term",
    "reached",
    "help_accepted",
    "help_declined",
    "conversation_in_term",
)


def _suppress(count: int, group_total: int | None) -> int | None:
    """The disclosure control of every published monitor count."""
    return aggregates.cell(count, group_total)


@dataclass
class MonitorRow:
    month: date
    kind: str
    signals: int | None = None
    households: int | None = None
    attempt_in_term: int | None = None
    reached: int | None = None
    help_accepted: int | None = None
    help_declined: int | None = None
    median_days_to_attempt: float | None = None
    conversation_in_term: int | None = None
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def kind_label(self) -> str:
        return str(SignalKind(self.kind).label)


def _scoped(municipality_id: int, first_month: date, last_month: date):
    teams = Organisation.objects.filter(municipality_id=municipality_id)
    start, end = aggregates._month_range(first_month, last_month)
    return Signal.objects.filter(
        team_id__in=list(teams.values_list("pk", flat=True)), filed_at__gte=start, filed_at__lt=end
    )


def _household():
    """Household identity of a signal row: its key, or for an erased signal its own id."""
    return Case(
        When(household_key="", then=Cast("pk", CharField())),
        default=F("household_key"),
        output_field=CharField(),
    )


def _grouped(signals):
    case = OuterRef("case_link__case")
    case_field = "case_link__case__"
    in_term = Q(
        **{f"{case_field}first_conversation_at__isnull": False},
        **{
            f"{case_field}first_conversation_at__date__lte": F(
                f"{case_field}first_conversation_due"
            )
        },
    )
    households = {"distinct": True}
    return (
        signals.annotate(
            month=TruncMonth("filed_at"),
            household=_household(),
            attempt_ok=Exists(
                Outreach.objects.filter(case=case, at__date__lte=OuterRef("outreach_deadline"))
            ),
            was_reached=Exists(Outreach.objects.filter(case=case, reached=True)),
        )
        .values("month", "kind")
        .annotate(
            signals=Count("pk"),
            households=Count("household", **households),
            attempt_in_term=Count(
                "household",
                filter=Q(attempt_ok=True, outreach_deadline__isnull=False),
                **households,
            ),
            reached=Count("household", filter=Q(was_reached=True), **households),
            help_accepted=Count(
                "household", filter=Q(**{f"{case_field}help_response": "accepted"}), **households
            ),
            help_declined=Count(
                "household", filter=Q(**{f"{case_field}help_response": "declined"}), **households
            ),
            conversation_in_term=Count("household", filter=in_term, **households),
        )
        .order_by()
    )


def _first_attempts(signals):
    """Per signal whose case has an attempt: kind, filing moment and the first attempt."""
    return (
        signals.filter(case_link__case__outreach__isnull=False)
        .values("pk", "kind", "filed_at")
        .annotate(first_attempt=Min("case_link__case__outreach__at"))
        .order_by()
    )


def monitor(municipality_id: int, first_month: date, last_month: date) -> list[MonitorRow]:
    """Suppressed rows per month (newest first) and kind for one municipality: two
    queries: the grouped counts, and the first attempt per signal for the median."""
    signals = _scoped(municipality_id, first_month, last_month)
    rows: dict[tuple[date, str], MonitorRow] = {}
    for raw in _grouped(signals):
        month = timezone.localtime(raw["month"]).date()
        rows[(month, raw["kind"])] = MonitorRow(month=month, kind=raw["kind"], raw=raw)
    pairs: dict[tuple[date, str], dict[int, int]] = {}
    for raw in _first_attempts(signals):
        filed = timezone.localtime(raw["filed_at"]).date()
        attempt = timezone.localdate(raw["first_attempt"])
        days = working_days_between(filed, attempt)
        counts = pairs.setdefault((filed.replace(day=1), raw["kind"]), {})
        counts[days] = counts.get(days, 0) + 1
    for key, row in rows.items():
        _fill(row, sorted(pairs.get(key, {}).items()))
    kinds = list(SignalKind.values)
    return sorted(rows.values(), key=lambda r: (-r.month.toordinal(), kinds.index(r.kind)))


def _suppress_small_differences(row: "MonitorRow", households: int) -> None:
    """Complementary suppression within a row. The counts of a row nest (households ⊇
    reached ⊇ help accepted ⊇ first conversations in term, …), so the difference of two
    published counts is itself a count of households (e.g. reached but not accepting
    help). Whenever two published counts of the row, or a count and the households, differ
    by 1-4, the smaller is hidden too, until no such pair is left. Stricter than the
    nesting needs, so it holds whichever counts nest."""
    changed = True
    while changed:
        changed = False
        published = [(households, None)] + [
            (getattr(row, name), name) for name in COUNTS if getattr(row, name) is not None
        ]
        for value, name in published:
            if name is None:
                continue
            if any(
                other_name != name and 0 < other - value < aggregates.MIN_CELL
                for other, other_name in published
            ):
                setattr(row, name, None)
                changed = True
                break


def _fill(row: MonitorRow, day_counts: list[tuple[int, int]]) -> None:
    households = row.raw["households"]
    row.households = _suppress(households, None) if households else None
    if row.households is None:
        return
    row.signals = row.raw["signals"]
    for name in COUNTS:
        setattr(row, name, _suppress(row.raw[name], households))
    _suppress_small_differences(row, households)
    if sum(n for _days, n in day_counts) >= aggregates.MIN_CELL:
        row.median_days_to_attempt = aggregates.weighted_median(day_counts)
