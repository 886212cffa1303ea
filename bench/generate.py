"""A realistic Wijkportaal database at a chosen scale, generated fast.

Small reference data (municipalities, districts, organisations, users, agreements) goes
through the ORM's `bulk_create`; the big tables (signals and their permission rows, cases,
case links and events, the access log, complex addresses) are streamed with PostgreSQL
COPY. Rows follow the same rules as the services: routing by PC4, working-day deadlines
from the agreed terms (`signals.deadlines`), the group permission rows of
`privacy.grants`, gap-free references and at most one open case per team and household.

Skew: municipalities and teams follow a Zipf-like curve (a few big cities with many
districts and busy teams), a small share of households collects many signals, older
signals are mostly closed or declined and some received ones are overdue."""

import io
import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

BENCH_PASSWORD = "wijkportaal-bench"  # noqa: S105 - generated benchmark users only
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
HISTORY_DAYS = 730
RETENTION_DAYS = 183
KINDS = ["nuisance", "rent_arrears", "renovation_finding", "other"]
KIND_WEIGHTS = [0.40, 0.35, 0.15, 0.10]
OUTCOMES = ["contact_made", "help_accepted", "help_declined", "no_contact_possible", "referred"]
DECLINE_REASONS = [
    "not_our_area",
    "insufficient_information",
    "no_support_needed",
    "other_organisation",
    "other",
]
DESCRIPTIONS = [
    "Buren melden geluidsoverlast in de avonduren.",
    "Huurder reageert niet op brieven over de achterstand.",
    "Bij de renovatie bleek de woning sterk vervuild.",
    "Bewoner lijkt vereenzaamd; post stapelt zich op.",
    "Herhaalde klachten over stankoverlast uit de woning.",
    "Signalen van verwaarlozing van kinderen, gemeld door de huismeester.",
]
NOTES = ["Huisbezoek afgelegd.", "Telefonisch contact gehad.", "Overleg met schuldhulp."]
# Demo teams get a big-city share of all signals; De Linde files about 2 % of them.
DEMO_TEAM_SHARE = {"Wijkteam Noord": 0.03, "Wijkteam Zuid": 0.015, "Centraal team Demostad": 0.005}
DEMO_CORPORATION_WEIGHTS = {"Woonstichting De Linde": 1.0, "Stadswonen": 0.4}


@dataclass(frozen=True)
class Scale:
    name: str
    signals: int
    municipalities: int
    districts: int
    corporations: int
    users: int

    @property
    def organisations(self) -> int:
        # One municipality organisation and one central team per municipality, one team
        # per district, and the corporations.
        return 2 * self.municipalities + self.districts + self.corporations


SCALES = {
    "tiny": Scale("tiny", 2_000, 2, 4, 4, 60),
    "small": Scale("small", 50_000, 5, 22, 8, 500),
    "national": Scale("national", 1_000_000, 40, 160, 60, 5_000),
}


@dataclass
class TeamInfo:
    id: int
    name: str
    group_id: int
    municipality_id: int
    district_id: int | None
    pc4s: list[int]
    weight: float = 0.0
    households: int = 50
    members: list[int] = field(default_factory=list)


@dataclass
class CorporationInfo:
    id: int
    name: str
    group_id: int
    members: list[int] = field(default_factory=list)


@dataclass
class World:
    now: datetime
    permission: dict[str, int]
    teams: list[TeamInfo]
    corporations: list[CorporationInfo]
    corporations_by_municipality: dict[int, tuple[list[CorporationInfo], list[float]]]
    terms: dict[tuple[int, int], list[tuple[date, date | None, dict]]]
    default_terms: tuple[int, int] = (5, 10)
    users: dict[int, tuple[str, str, int, str]] = field(default_factory=dict)


# --- database lifecycle ----------------------------------------------------------------


def default_database_url(scale: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/wp_bench_{scale}"


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database, so every run starts from the same state."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise SystemExit("De benchmark draait alleen op PostgreSQL (postgres://...).")
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(parsed._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


# --- helpers -----------------------------------------------------------------------------


def _pairs() -> list[str]:
    letters = "ABCDEFGHJKLMNPRSTVWXZ"
    pairs = [a + b for a in letters for b in letters if a + b not in {"SA", "SD", "SS"}]
    pairs.remove("AB")
    return ["AB", *pairs]


PAIRS = _pairs()


def household(team: TeamInfo, index: int) -> tuple[str, int, str, str]:
    """Address number `index` in the team's area: postcode, number, addition, key.
    Low indexes are `<pc4> AB 1`, `<pc4> AB 2` ... so a complex is a street."""
    pc4 = team.pc4s[index % len(team.pc4s)]
    rest = index // len(team.pc4s)
    letters = PAIRS[rest % len(PAIRS)]
    number = 1 + rest // len(PAIRS)
    addition = "A" if index % 11 == 5 else ""
    postcode = f"{pc4} {letters}"
    return postcode, number, addition, f"{pc4}{letters}-{number}-{addition}"


def _household_index(rng: random.Random, size: int) -> int:
    # Power law: a small share of households gets many signals.
    return min(size - 1, int(size * rng.random() ** 1.4))


@cache
def _start_day(day: date, after_hours: bool) -> date:
    from core.working_days import is_working_day, next_working_day

    if after_hours or not is_working_day(day):
        return next_working_day(day)
    return day


@cache
def _add_working_days(start: date, days: int) -> date:
    from core.working_days import add_working_days

    return add_working_days(start, days)


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def copy_rows(cursor, table: str, columns: list[str], rows, chunk: int = 100_000) -> int:
    """Stream rows into `table` with COPY, `chunk` rows per buffer. Values must contain no
    tab, newline or backslash (the generator's text never does)."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    buffer, pending, total = io.StringIO(), 0, 0
    for row in rows:
        buffer.write("\t".join(_text(value) for value in row))
        buffer.write("\n")
        pending += 1
        if pending == chunk:
            buffer.seek(0)
            cursor.copy_expert(statement, buffer)
            total += pending
            buffer, pending = io.StringIO(), 0
    if pending:
        buffer.seek(0)
        cursor.copy_expert(statement, buffer)
        total += pending
    return total


def _spread(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split `total` over `weights`, each at least `minimum`."""
    scale = sum(weights)
    counts = [max(minimum, round(total * w / scale)) for w in weights]
    counts[0] += total - sum(counts)
    return [max(minimum, c) for c in counts]


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM)


# --- reference data ----------------------------------------------------------------------


def _permission_ids() -> dict[str, int]:
    from privacy.grants import permission_id

    return {
        "view_signal": permission_id("signals", "view_signal"),
        "triage_signal": permission_id("signals", "triage_signal"),
        "view_case": permission_id("cases", "view_case"),
        "change_case": permission_id("cases", "change_case"),
    }


def _create_partners(rng: random.Random, scale: Scale, demo: dict):
    """Municipalities with districts, teams, corporations and their agreements."""
    from django.contrib.auth.models import Group

    from partners.models import District, Municipality, Organisation, PostcodeArea

    weights = [1 / rank for rank in range(1, scale.municipalities + 1)]
    districts_per = _spread(scale.districts, weights)
    next_pc4 = 1100
    plans = []
    for number, n_districts in enumerate(districts_per, start=1):
        sizes = [rng.randint(3, 9) for _ in range(n_districts)]
        uncovered = rng.randint(2, 4)
        first, last = next_pc4, next_pc4 + sum(sizes) + uncovered - 1
        plans.append((number, sizes, first, last))
        next_pc4 = last + 1
    municipalities = Municipality.objects.bulk_create(
        Municipality(name=f"Benchstad {number:02d}", pc4_ranges=f"{first}-{last}")
        for number, _sizes, first, last in plans
    )

    org_specs = []  # (name, kind, municipality)
    for municipality, (number, sizes, _first, _last) in zip(municipalities, plans, strict=True):
        org_specs.append((f"Gemeente Benchstad {number:02d}", "municipality", municipality))
        org_specs.append((f"Centraal team Benchstad {number:02d}", "wijkteam", municipality))
        org_specs.extend(
            (f"Wijkteam Benchstad {number:02d}-{d:02d}", "wijkteam", municipality)
            for d in range(1, len(sizes) + 1)
        )
    org_specs.extend(
        (f"Woningcorporatie {c:02d}", "corporation", None) for c in range(1, scale.corporations + 1)
    )
    groups = Group.objects.bulk_create(Group(name=f"org:{name}") for name, _k, _m in org_specs)
    orgs = Organisation.objects.bulk_create(
        Organisation(name=name, kind=kind, municipality=municipality, group=group)
        for (name, kind, municipality), group in zip(org_specs, groups, strict=True)
    )
    by_name = {org.name: org for org in orgs}

    teams, districts, areas = [], [], []
    for municipality, (number, sizes, first, last) in zip(municipalities, plans, strict=True):
        central = by_name[f"Centraal team Benchstad {number:02d}"]
        municipality.central_team = central
        pc4 = first
        for d, size in enumerate(sizes, start=1):
            team = by_name[f"Wijkteam Benchstad {number:02d}-{d:02d}"]
            districts.append(
                District(
                    municipality=municipality,
                    name=f"Wijk {d:02d}",
                    pc4_ranges=f"{pc4}-{pc4 + size - 1}",
                    team=team,
                )
            )
            pc4 += size
        teams.append((central, municipality, None, list(range(pc4, last + 1))))
    Municipality.objects.bulk_update(municipalities, ["central_team"])
    districts = District.objects.bulk_create(districts)
    for district in districts:
        low, high = (int(p) for p in district.pc4_ranges.split("-"))
        pc4s = list(range(low, high + 1))
        teams.append((district.team, district.municipality, district, pc4s))
        areas.extend(
            PostcodeArea(pc4=p, municipality=district.municipality, district=district) for p in pc4s
        )
    for _team, municipality, district, pc4s in teams:
        if district is None:
            areas.extend(PostcodeArea(pc4=p, municipality=municipality) for p in pc4s)
    PostcodeArea.objects.bulk_create(areas)

    team_infos = [
        TeamInfo(
            id=team.pk,
            name=team.name,
            group_id=team.group_id,
            municipality_id=municipality.pk,
            district_id=district.pk if district else None,
            pc4s=pc4s,
        )
        for team, municipality, district, pc4s in teams
    ]
    corporations = [org for org in orgs if org.kind == "corporation"]
    return municipalities, team_infos, corporations


def _demo_teams(demo: dict) -> list[TeamInfo]:
    municipality = demo["municipality"]
    orgs, districts = demo["organisations"], demo["districts"]
    noord, zuid = districts["Noord"], districts["Zuid"]
    return [
        TeamInfo(
            orgs["Wijkteam Noord"].pk,
            "Wijkteam Noord",
            orgs["Wijkteam Noord"].group_id,
            municipality.pk,
            noord.pk,
            list(range(1011, 1020)),
        ),
        TeamInfo(
            orgs["Wijkteam Zuid"].pk,
            "Wijkteam Zuid",
            orgs["Wijkteam Zuid"].group_id,
            municipality.pk,
            zuid.pk,
            list(range(1021, 1030)),
        ),
        TeamInfo(
            orgs["Centraal team Demostad"].pk,
            "Centraal team Demostad",
            orgs["Centraal team Demostad"].group_id,
            municipality.pk,
            None,
            list(range(1030, 1040)),
        ),
    ]


def _assign_team_weights(rng: random.Random, generated: list[TeamInfo], demo_teams, scale):
    """Zipf-like share per team; the demo teams get fixed big-city shares."""
    # Bigger municipalities come first (they were created in rank order); within one,
    # district teams in order and the central team (few uncovered PC4s) after them.
    order = sorted(
        range(len(generated)),
        key=lambda i: (
            generated[i].municipality_id,
            generated[i].district_id is None,
            generated[i].district_id or 0,
        ),
    )
    rest = 1 - sum(DEMO_TEAM_SHARE.values())
    raw = {
        i: (0.3 if generated[i].district_id is None else 1) / (rank + 4) ** 0.8
        for rank, i in enumerate(order)
    }
    total = sum(raw.values())
    for i, team in enumerate(generated):
        team.weight = rest * raw[i] / total
    for team in demo_teams:
        team.weight = DEMO_TEAM_SHARE[team.name]
    for team in [*generated, *demo_teams]:
        expected = scale.signals * team.weight
        team.households = max(50, int(expected * 0.6))


def _create_agreements(rng, municipalities, corporations, demo):
    """Each municipality works with a few corporations (the big ones in many places);
    each pair has an active agreement with terms per signal kind."""
    from partners.models import Agreement, AgreementTerm

    corp_weights = [1 / rank**0.7 for rank in range(1, len(corporations) + 1)]
    pairs: dict[int, list] = {}
    for municipality in municipalities:
        count = min(len(corporations), rng.randint(2, 5))
        chosen = []
        while len(chosen) < count:
            corp = rng.choices(corporations, weights=corp_weights)[0]
            if corp not in chosen:
                chosen.append(corp)
        pairs[municipality.pk] = chosen
    demostad = demo["municipality"]
    extra = list(corporations[:2])
    pairs[demostad.pk] = [
        demo["organisations"]["Woonstichting De Linde"],
        demo["organisations"]["Stadswonen"],
        *extra,
    ]

    signed = [
        (municipality, corp, municipality.name, rng.randint(20, 200))
        for municipality in municipalities
        for corp in pairs[municipality.pk]
    ] + [(demostad, corp, "Demostad", 80) for corp in extra]
    agreements = [
        Agreement(
            municipality=municipality,
            corporation=corp,
            title=f"Samenwerkingsafspraak {corp.name} – {place}",
            status="active",
            valid_from=date(2024, 1, 1),
            valid_to=date(2027, 12, 31),
            review_date=date(2027, 6, 1),
            monthly_capacity=capacity,
        )
        for municipality, corp, place, capacity in signed
    ]
    agreements = Agreement.objects.bulk_create(agreements)
    terms = []
    for agreement in agreements:
        for kind in KINDS:
            triage = rng.choice([3, 5, 5, 10])
            terms.append(
                AgreementTerm(
                    agreement=agreement,
                    kind=kind,
                    triage_days=triage,
                    feedback_days=triage + rng.choice([5, 10]),
                )
            )
    AgreementTerm.objects.bulk_create(terms)
    return pairs


def _terms_table() -> dict[tuple[int, int], list[tuple[date, date | None, dict]]]:
    """Active agreements per (corporation, municipality), newest first, with their terms."""
    from partners.models import AgreementTerm

    table: dict[tuple[int, int], dict[tuple, dict]] = defaultdict(dict)
    for (
        corp,
        municipality,
        valid_from,
        valid_to,
        kind,
        triage,
        feedback,
    ) in AgreementTerm.objects.filter(agreement__status="active").values_list(
        "agreement__corporation_id",
        "agreement__municipality_id",
        "agreement__valid_from",
        "agreement__valid_to",
        "kind",
        "triage_days",
        "feedback_days",
    ):
        table[(corp, municipality)].setdefault((valid_from, valid_to), {})[kind] = (
            triage,
            feedback,
        )
    return {
        pair: sorted(((f, t, terms) for (f, t), terms in periods.items()), reverse=True)
        for pair, periods in table.items()
    }


def _terms_on(world: "World", corp_id: int, municipality_id: int, kind: str, day: date):
    """Like `signals.intake.agreed_terms`: the newest agreement valid on `day`."""
    for valid_from, valid_to, terms in world.terms.get((corp_id, municipality_id), ()):
        if valid_from <= day and (valid_to is None or valid_to >= day) and kind in terms:
            return terms[kind]
    return world.default_terms


def _create_users(rng, scale, municipality_orgs, teams, corporations, demo, world_users):
    """Benchmark users with memberships and the matching group rows."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from partners.models import Membership

    user_model = get_user_model()
    plan = []  # (org id, group id, role, members list to append to)
    for org in municipality_orgs:
        plan.append((org.pk, org.group_id, "coordinator", None))
        plan.append((org.pk, org.group_id, "privacy_officer", None))
    remaining = max(0, scale.users - len(plan))
    corp_counts = _spread(
        int(remaining * 0.35), [1 / r for r in range(1, len(corporations) + 1)], 2
    )
    for corp, count in zip(corporations, corp_counts, strict=True):
        plan.extend(
            (corp.id, corp.group_id, "corporation_staff", corp.members) for _ in range(count)
        )
    team_counts = _spread(remaining - sum(corp_counts), [t.weight for t in teams], 3)
    for team, count in zip(teams, team_counts, strict=True):
        plan.extend(
            (team.id, team.group_id, "triage_lead" if i % 6 == 0 else "team_member", team.members)
            for i in range(count)
        )
    password = make_password(BENCH_PASSWORD)
    users = user_model.objects.bulk_create(
        user_model(
            username=f"bench{number:05d}",
            first_name="Bench",
            last_name=f"Gebruiker {number}",
            email=f"bench{number:05d}@bench.example",
            password=password,
        )
        for number in range(1, len(plan) + 1)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation_id=org_id, role=role)
        for user, (org_id, _group, role, _members) in zip(users, plan, strict=True)
    )
    user_model.groups.through.objects.bulk_create(
        user_model.groups.through(user_id=user.pk, group_id=group_id)
        for user, (_org, group_id, _role, _members) in zip(users, plan, strict=True)
    )
    org_names = {o.pk: o.name for o in municipality_orgs}
    org_names.update({c.id: c.name for c in corporations})
    org_names.update({t.id: t.name for t in teams})
    for user, (org_id, _group, role, members) in zip(users, plan, strict=True):
        if members is not None:
            members.append(user.pk)
        world_users[user.pk] = (user.username, role, org_id, org_names[org_id])
    _add_demo_members(demo, teams, corporations, world_users)


def _add_demo_members(demo, teams, corporations, world_users):
    users, orgs = demo["users"], demo["organisations"]
    by_name = {t.name: t for t in teams} | {c.name: c for c in corporations}
    for username, org_name, role in [
        ("anna", "Woonstichting De Linde", "corporation_staff"),
        ("bram", "Stadswonen", "corporation_staff"),
        ("sara", "Wijkteam Noord", "team_member"),
        ("noor", "Wijkteam Noord", "triage_lead"),
        ("omar", "Wijkteam Zuid", "triage_lead"),
    ]:
        user = users[username]
        by_name[org_name].members.append(user.pk)
        world_users[user.pk] = (username, role, orgs[org_name].pk, org_name)
    # Every demo team has a few members besides the demo users.
    for name in ("Wijkteam Zuid", "Centraal team Demostad"):
        if not by_name[name].members:
            by_name[name].members.append(users["omar"].pk)


# --- signals -----------------------------------------------------------------------------

SIGNAL_COLUMNS = [
    "id",
    "reference",
    "kind",
    "urgency",
    "postcode",
    "house_number",
    "house_number_addition",
    "household_key",
    "description",
    "resident_informed",
    "arrears_amount",
    "arrears_months",
    "wgs_reminder_sent",
    "wgs_contact_attempted",
    "wgs_handover_offered",
    "wgs_debt_help_pointed",
    "external_reference",
    "organisation_id",
    "filed_by_id",
    "district_id",
    "team_id",
    "status",
    "outcome",
    "decline_reason_category",
    "decline_reason",
    "is_multiple",
    "filed_at",
    "triage_deadline",
    "feedback_deadline",
    "triaged_at",
    "feedback_at",
    "closed_at",
    "updated_at",
    "erased_at",
]
COL = {name: i for i, name in enumerate(SIGNAL_COLUMNS)}


class _Chain:
    """Hash-chains generated access-log rows exactly as `privacy.chain.seal` does (sealed
    in the order generated), so `verify_access_log` holds on the benchmark database too.
    Takes rows as dicts of `privacy.chain.CONTENT_FIELDS` and yields them in
    `self.columns` order."""

    def __init__(self):
        from privacy.chain import CONTENT_FIELDS

        self.fields = CONTENT_FIELDS
        self.columns = [*CONTENT_FIELDS, "seq", "prev_hash", "hash"]
        self.last_hash = ""
        self.count = 0

    def rows(self, entries):
        from privacy.chain import row_hash

        for values in entries:
            digest = row_hash(self.last_hash, values)
            self.count += 1
            yield [*(values[f] for f in self.fields), self.count, self.last_hash, digest]
            self.last_hash = digest

    def store_head(self, cursor):
        cursor.execute(
            "INSERT INTO privacy_accesslogchainhead (id, last_id, last_seq, last_hash) "
            "SELECT 1, max(id), %s, %s FROM privacy_accesslog "
            "ON CONFLICT (id) DO UPDATE SET last_id = EXCLUDED.last_id, "
            "last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash",
            [self.count, self.last_hash],
        )


def _filing_moments(rng: random.Random, count: int, now: datetime) -> list[tuple[date, int, int]]:
    """Local (day, hour, minute) of each filing, ascending, none after `now`."""
    today = now.astimezone(AMSTERDAM).date()
    hours = list(range(7, 22))
    hour_weights = [1, 4, 6, 6, 5, 4, 5, 5, 4, 3, 2, 1, 1, 1, 1]
    moments = []
    for _ in range(count):
        day = today - timedelta(days=int(HISTORY_DAYS * rng.random() ** 1.2))
        if day.weekday() >= 5 and rng.random() < 0.85:
            day -= timedelta(days=day.weekday() - 4)
        hour = rng.choices(hours, hour_weights)[0]
        moments.append((day, hour, rng.randrange(60)))
    local_now = now.astimezone(AMSTERDAM)
    last = (local_now.date(), local_now.hour, local_now.minute)
    return sorted(m if m <= last else (local_now.date(), 7, 0) for m in moments)


def _later(moment: datetime, start: date, working_days: int, now: datetime) -> datetime | None:
    day = _add_working_days(start, working_days)
    at = _at(day, 9 + (working_days * 7) % 8, (working_days * 13) % 60)
    at = max(at, moment + timedelta(minutes=30))
    return at if at <= now else None


def _signal_state(rng, age_days: int) -> str:
    """Lifecycle track of a signal by its age: received, declined, closed or case."""
    r = rng.random()
    if age_days <= 7:
        return "received" if r < 0.65 else "case" if r < 0.90 else "declined"
    if r < 0.02:
        return "received"  # overdue
    if r < 0.20:
        return "declined"
    if r < 0.47:
        return "case"
    return "closed"


def _build_signals(rng: random.Random, scale: Scale, world: World, count: int):
    """Signal rows (as lists in SIGNAL_COLUMNS order), ascending by filing moment."""
    now = world.now
    today = now.astimezone(AMSTERDAM).date()
    teams = world.teams
    team_cum, running = [], 0.0
    for team in teams:
        running += team.weight
        team_cum.append(running)
    chosen = rng.choices(teams, cum_weights=team_cum, k=count)
    counters: dict[int, int] = defaultdict(int)
    rows = []
    for (day, hour, minute), team in zip(_filing_moments(rng, count, now), chosen, strict=True):
        corps, weights = world.corporations_by_municipality[team.municipality_id]
        corp = rng.choices(corps, weights)[0]
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        triage_days, feedback_days = _terms_on(world, corp.id, team.municipality_id, kind, day)
        start = _start_day(day, hour >= 17)
        filed_at = _at(day, hour, minute)
        counters[day.year] += 1
        postcode, number, addition, key = household(team, _household_index(rng, team.households))
        arrears = kind == "rent_arrears"
        row = [
            uuid.UUID(int=rng.getrandbits(128), version=4),
            f"SIG-{day.year}-{counters[day.year]:06d}",
            kind,
            "urgent" if rng.random() < 0.1 else "normal",
            postcode,
            number,
            addition,
            key,
            rng.choice(DESCRIPTIONS),
            rng.random() < 0.7,
            f"{rng.randint(300, 6000)}.00" if arrears else None,
            rng.randint(1, 12) if arrears else None,
            arrears,
            arrears,
            arrears,
            arrears,
            f"EXT-{counters[day.year]}-{day.year}" if rng.random() < 0.2 else None,
            corp.id,
            rng.choice(corp.members) if corp.members else None,
            team.district_id,
            team.id,
            "received",
            "",
            "",
            "",
            False,
            filed_at,
            _add_working_days(start, triage_days),
            _add_working_days(start, feedback_days),
            None,
            None,
            None,
            filed_at,
            None,
        ]
        _advance(rng, row, team, start, triage_days, feedback_days, (today - day).days, now)
        rows.append(row)
    return rows, dict(counters)


def _advance(rng, row, team, start, triage_days, feedback_days, age_days, now):
    """Move a fresh signal along its lifecycle track; the track is kept in `status`
    (`case` is turned into accepted/closed once its case is known)."""
    track = _signal_state(rng, age_days)
    if track == "received":
        return
    late = rng.random() < 0.15
    triage_after = triage_days + rng.randint(1, 5) if late else rng.randint(0, triage_days)
    triaged_at = _later(row[COL["filed_at"]], start, triage_after, now)
    if triaged_at is None:
        return
    row[COL["triaged_at"]] = row[COL["updated_at"]] = triaged_at
    if track == "declined":
        row[COL["status"]] = "declined"
        row[COL["decline_reason_category"]] = rng.choice(DECLINE_REASONS)
        row[COL["decline_reason"]] = "Zie toelichting bij de triage."
        return
    feedback_after = feedback_days + (rng.randint(1, 10) if rng.random() < 0.1 else 0)
    closed_at = _later(triaged_at, start, max(triage_after, feedback_after), now)
    if track == "closed" and closed_at is None:
        track = "case"
    if track == "case":
        row[COL["status"]] = "case"
        row[COL["closed_at"]] = closed_at if age_days > 45 and rng.random() < 0.8 else None
        return
    row[COL["status"]] = "closed"
    row[COL["outcome"]] = rng.choice(OUTCOMES)
    row[COL["feedback_at"]] = row[COL["closed_at"]] = row[COL["updated_at"]] = closed_at


def _erase_old(rows, now: datetime, in_case: set) -> None:
    """Declined or closed signals that never became a case lose their personal data after
    the retention period, as the retention task does."""
    limit = now - timedelta(days=RETENTION_DAYS)
    for row in rows:
        if row[COL["id"]] in in_case:
            continue
        status = row[COL["status"]]
        ended = row[COL["closed_at"]] if status == "closed" else row[COL["triaged_at"]]
        if status in ("closed", "declined") and ended and ended < limit:
            erased = ended + timedelta(days=RETENTION_DAYS + 1)
            for name in ("postcode", "house_number_addition", "household_key", "description"):
                row[COL[name]] = ""
            row[COL["decline_reason"]] = ""
            for name in ("house_number", "arrears_amount", "arrears_months"):
                row[COL[name]] = None
            row[COL["erased_at"]] = row[COL["updated_at"]] = erased


def _mark_multiple(rows) -> None:
    """Open signals about a household reported by more than one partner."""
    partners: dict[str, set[int]] = defaultdict(set)
    open_rows = [r for r in rows if r[COL["status"]] in ("received", "accepted", "case")]
    for row in open_rows:
        partners[row[COL["household_key"]]].add(row[COL["organisation_id"]])
    for row in open_rows:
        row[COL["is_multiple"]] = len(partners[row[COL["household_key"]]]) > 1


# --- cases -------------------------------------------------------------------------------


@dataclass
class CaseRow:
    id: uuid.UUID
    team: TeamInfo
    signals: list[list]
    reference: str = ""
    state: str = "new"
    assignee: int | None = None


def _build_cases(rng: random.Random, rows, teams_by_id: dict[int, TeamInfo]) -> list[CaseRow]:
    """One case per team and household for the signals on the case track; it is open
    when any of its signals is not yet closed."""
    groups: dict[tuple[int, str], CaseRow] = {}
    for row in rows:
        if row[COL["status"]] != "case":
            continue
        key = (row[COL["team_id"]], row[COL["household_key"]])
        case = groups.get(key)
        if case is None:
            team = teams_by_id[row[COL["team_id"]]]
            case = groups[key] = CaseRow(uuid.UUID(int=rng.getrandbits(128), version=4), team, [])
        case.signals.append(row)
    counters: dict[int, int] = defaultdict(int)
    cases = sorted(groups.values(), key=lambda c: c.signals[0][COL["triaged_at"]])
    for case in cases:
        opened = case.signals[0][COL["triaged_at"]]
        counters[opened.year] += 1
        case.reference = f"CAS-{opened.year}-{counters[opened.year]:06d}"
        open_case = any(s[COL["closed_at"]] is None for s in case.signals)
        case.state = rng.choice(["new", "in_progress", "in_progress", "on_hold"])
        if not open_case:
            case.state = "closed"
        members = case.team.members
        if members and (case.state != "new" or rng.random() < 0.5):
            case.assignee = rng.choice(members)
        outcome = rng.choice(OUTCOMES)
        for signal in case.signals:
            closed = signal[COL["closed_at"]] is not None
            signal[COL["status"]] = "closed" if closed else "accepted"
            signal[COL["outcome"]] = outcome if closed else ""
            signal[COL["feedback_at"]] = signal[COL["closed_at"]]
            signal[COL["updated_at"]] = signal[COL["closed_at"]] or signal[COL["triaged_at"]]
    return cases


# The demo triage lead works a fixed share of her team's open cases, so "my cases" and
# her notifications are never empty at any scale (rng-free: the rest of the data stays).
DEMO_ASSIGNEE = ("Wijkteam Noord", "noor")
DEMO_ASSIGNEE_EVERY = 20


def _assign_demo_cases(cases: list[CaseRow], team_id: int, user_id: int) -> int:
    """Make the demo user the assignee of every `DEMO_ASSIGNEE_EVERY`-th open case of her
    team (at least one when the team has an open case); returns how many she has."""
    open_cases = [c for c in cases if c.team.id == team_id and c.state != "closed"]
    for index, case in enumerate(open_cases):
        if index % DEMO_ASSIGNEE_EVERY == 0:
            case.assignee = user_id
    return sum(1 for c in open_cases if c.assignee == user_id)


def _case_table_rows(rng, cases: list[CaseRow], now: datetime):
    today = now.astimezone(AMSTERDAM).date()
    for case in cases:
        first = case.signals[0]
        closed = case.state == "closed"
        closed_at = max(s[COL["closed_at"]] for s in case.signals) if closed else None
        follow_up = today + timedelta(days=rng.randint(-10, 30)) if not closed else None
        yield [
            case.id,
            case.reference,
            case.team.id,
            first[COL["household_key"]],
            first[COL["postcode"]],
            first[COL["house_number"]],
            first[COL["house_number_addition"]],
            case.state,
            case.assignee,
            rng.random() < 0.05,
            follow_up if rng.random() < 0.5 else None,
            case.signals[-1][COL["outcome"]] if closed else "",
            first[COL["triaged_at"]],
            closed_at,
            closed_at or case.signals[-1][COL["triaged_at"]],
            None,
            "",  # no help response recorded
            "",  # no threat recorded
        ]


def _case_event_rows(rng, cases: list[CaseRow]):
    for case in cases:
        opened = case.signals[0][COL["triaged_at"]]
        actor = case.assignee
        yield [case.id, opened, actor, "opened", "", "new", "", "{}"]
        for signal in case.signals[1:]:
            yield [case.id, signal[COL["triaged_at"]], actor, "merged", "", "", "", "{}"]
        if case.assignee:
            yield [case.id, opened + timedelta(minutes=5), actor, "assigned", "", "", "", "{}"]
        if case.state != "new":
            at = opened + timedelta(hours=2)
            yield [case.id, at, actor, "transition", "new", "in_progress", "", "{}"]
            yield [case.id, at + timedelta(days=2), actor, "note", "", "", rng.choice(NOTES), "{}"]
        if case.state in ("on_hold", "closed"):
            closed_at = max(
                (s[COL["closed_at"]] for s in case.signals if s[COL["closed_at"]]),
                default=opened + timedelta(days=3),
            )
            yield [case.id, closed_at, actor, "transition", "in_progress", case.state, "", "{}"]


# --- access log and permissions -------------------------------------------------------------


def _log_row(world: World, at, user_id, action, object_type, object_id, key, purpose) -> dict:
    username, role, org_id, org_name = world.users.get(user_id, ("", "", None, ""))
    return {
        "at": at,
        "user_id": user_id,
        "username": username,
        "organisation_id": org_id,
        "organisation_name": org_name,
        "role": role,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "object_ids": [],
        "household_key": key,
        "purpose": purpose,
        "reason_entry_id": None,
        "request_id": "",
    }


def _signal_log_rows(rng, world: World, rows, teams_by_id):
    for row in rows:
        key = row[COL["household_key"]]
        yield _log_row(
            world,
            row[COL["filed_at"]],
            row[COL["filed_by_id"]],
            "create",
            "signal",
            row[COL["id"]],
            key,
            "work",
        )
        triaged = row[COL["triaged_at"]]
        members = teams_by_id[row[COL["team_id"]]].members
        if triaged and members:
            reader = rng.choice(members)
            yield _log_row(world, triaged, reader, "read", "signal", row[COL["id"]], key, "triage")


def _case_log_rows(world: World, cases: list[CaseRow]):
    for case in cases:
        if case.assignee:
            first = case.signals[0]
            yield _log_row(
                world,
                first[COL["triaged_at"]] + timedelta(hours=1),
                case.assignee,
                "read",
                "case",
                case.id,
                first[COL["household_key"]],
                "work",
            )


def _signal_permission_rows(world: World, rows, groups_by_org: dict[int, int]):
    view, triage = world.permission["view_signal"], world.permission["triage_signal"]
    for row in rows:
        team_group = groups_by_org[row[COL["team_id"]]]
        yield (groups_by_org[row[COL["organisation_id"]]], view, row[COL["id"]])
        yield (team_group, view, row[COL["id"]])
        yield (team_group, triage, row[COL["id"]])


def _case_permission_rows(world: World, cases: list[CaseRow]):
    for case in cases:
        yield (case.team.group_id, world.permission["view_case"], case.id)
        yield (case.team.group_id, world.permission["change_case"], case.id)


# --- notifications ---------------------------------------------------------------------------

REMINDER_COLUMNS = [
    "kind",
    "object_type",
    "object_id",
    "due",
    "recipient_id",
    "subject",
    "body",
    "link",
    "created_at",
    "read_at",
    "email_wanted",
    "email_sent_at",
    "email_error",
    "email_attempts",
    "email_next_try_at",
]
UNREAD_DAYS = 14  # notifications of the last two weeks are unread half of the time


def _reminder_rows(rng, world: World, rows, cases: list[CaseRow], teams_by_id):
    """The notifications a running portal has collected, with the sweeps' unique keys:
    a `triage_overdue` reminder to every triage lead of the team for each signal that was
    triaged late (read when it was triaged), and a `case_assigned` notification to the
    assignee of each case. Received signals that are overdue now get none: those are the
    reminder sweep's work in the benchmark. The e-mails count as sent (no outbox)."""
    leads = {
        team.id: [m for m in team.members if world.users.get(m, ("", ""))[1] == "triage_lead"]
        for team in world.teams
    }
    now = world.now
    recent = now - timedelta(days=UNREAD_DAYS)

    def row(kind, object_type, object_id, due, user_id, subject, body, link, at, read_at):
        if at >= recent and rng.random() < 0.5:
            read_at = None
        return [kind, object_type, object_id, due, user_id, subject, body, link, at, read_at]

    for signal in rows:
        triaged, deadline = signal[COL["triaged_at"]], signal[COL["triage_deadline"]]
        if triaged is None or triaged.astimezone(AMSTERDAM).date() <= deadline:
            continue
        at = _at(deadline + timedelta(days=1), 7, 0)
        if at > triaged:
            at = triaged - timedelta(minutes=1)
        reference, pk = signal[COL["reference"]], signal[COL["id"]]
        for user_id in leads[signal[COL["team_id"]]]:
            yield row(
                "triage_overdue",
                "signal",
                pk,
                deadline,
                user_id,
                f"Triagetermijn verstreken: {reference}",
                f"Signaal {reference} had uiterlijk {deadline:%d-%m-%Y} getrieerd moeten zijn.",
                f"/signalen/{pk}/",
                at,
                triaged,
            )
    for case in cases:
        if not case.assignee:
            continue
        at = case.signals[0][COL["triaged_at"]] + timedelta(minutes=5)
        yield row(
            "case_assigned",
            "case",
            case.id,
            at.astimezone(AMSTERDAM).date(),
            case.assignee,
            f"Casus {case.reference} is aan u toegewezen",
            f"Casus {case.reference} is aan u toegewezen. Bekijk de casus in het portaal.",
            f"/casussen/{case.id}/",
            at,
            min(now, at + timedelta(hours=rng.randint(1, 48))),
        )


def _reminder_table_rows(rng, world: World, rows, cases, teams_by_id):
    for values in _reminder_rows(rng, world, rows, cases, teams_by_id):
        at = values[8]
        # E-mail wanted and sent at once, as delivery does; the outbox stays empty.
        yield [*values, True, at, "", 1, at]


# --- complexes ----------------------------------------------------------------------------


def _create_complexes(rng, cursor, world: World, pairs, demo):
    """A few complexes per corporation: a street of 10–150 addresses in a team's area."""
    from partners.models import Complex

    teams_by_municipality: dict[int, list[TeamInfo]] = defaultdict(list)
    for team in world.teams:
        teams_by_municipality[team.municipality_id].append(team)
    municipalities_of: dict[int, list[int]] = defaultdict(list)
    for municipality_id, corps in pairs.items():
        for corp in corps:
            municipalities_of[corp.pk].append(municipality_id)
    delinde = demo["organisations"]["Woonstichting De Linde"].pk
    plans = []
    for corp in world.corporations:
        if not municipalities_of[corp.id]:
            continue
        prefix = "DL" if corp.id == delinde else f"C{corp.id}"
        first = 2 if corp.id == delinde else 1
        for number in range(first, first + max(2, len(corp.members) // 2)):
            team = rng.choice(teams_by_municipality[rng.choice(municipalities_of[corp.id])])
            plans.append((corp.id, f"{prefix}-{number:03d}", team, rng.randint(10, 150)))
    complexes = Complex.objects.bulk_create(
        # Approved, as a coordinator would have left them, so insights answer.
        Complex(corporation_id=corp_id, code=code, name=f"Complex {code}", status="approved")
        for corp_id, code, _team, _size in plans
    )

    from partners.models import ComplexAddress

    def addresses():
        # An address belongs to one complex (a database constraint), the demo's DL-001 too.
        seen = set(ComplexAddress.objects.values_list("household_key", flat=True))
        for complex_, (_corp, _code, team, size) in zip(complexes, plans, strict=True):
            position = rng.randrange(len(team.pc4s))
            pair = rng.randrange(3)
            for number in range(size):
                index = position + len(team.pc4s) * (pair + len(PAIRS) * number)
                postcode, house_number, addition, key = household(team, index)
                if key not in seen:
                    seen.add(key)
                    yield (complex_.pk, postcode, house_number, addition, key)

    columns = ["complex_id", "postcode", "house_number", "house_number_addition", "household_key"]
    return len(complexes), copy_rows(cursor, "partners_complexaddress", columns, addresses())


# --- the whole world -------------------------------------------------------------------------


def populate(scale: Scale, now: datetime | None = None, seed: int = 20261121, fast=True) -> dict:
    """Fill the current (migrated) database with the demo world plus `scale`'s data and
    return the row counts. `fast` skips foreign-key triggers while loading (the data is
    consistent by construction; tests load without it and check the constraints)."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from partners.demo import load_demo_world
    from partners.models import Organisation
    from signals import tally

    rng = random.Random(seed)
    now = (now or timezone.now()).replace(microsecond=0)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if fast:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL synchronous_commit = off")
        demo = load_demo_world()
        municipalities, generated_teams, corporation_orgs = _create_partners(rng, scale, demo)
        demo_teams = _demo_teams(demo)
        teams = demo_teams + generated_teams
        _assign_team_weights(rng, generated_teams, demo_teams, scale)
        pairs = _create_agreements(rng, municipalities, corporation_orgs, demo)
        corporations = [
            CorporationInfo(c.pk, c.name, c.group_id)
            for c in [
                demo["organisations"]["Woonstichting De Linde"],
                demo["organisations"]["Stadswonen"],
                *corporation_orgs,
            ]
        ]
        corp_by_id = {c.id: c for c in corporations}
        world = World(
            now=now,
            permission=_permission_ids(),
            teams=teams,
            corporations=corporations,
            corporations_by_municipality={},
            terms=_terms_table(),
            default_terms=(settings.DEFAULT_TRIAGE_DAYS, settings.DEFAULT_FEEDBACK_DAYS),
        )
        for municipality_id, corps in pairs.items():
            infos = [corp_by_id[c.pk] for c in corps]
            weights = [
                DEMO_CORPORATION_WEIGHTS.get(c.name, 1 / (i + 1) ** 0.5)
                for i, c in enumerate(infos)
            ]
            world.corporations_by_municipality[municipality_id] = (infos, weights)
        municipality_orgs = list(
            Organisation.objects.filter(kind="municipality").exclude(name="Gemeente Demostad")
        )
        _create_users(rng, scale, municipality_orgs, teams, corporations, demo, world.users)
        counts = _load_big_tables(rng, scale, world, demo, pairs, fast)
        # `fast` loads with the triggers off, the signal tally's too: count it once here.
        with connection.cursor() as cursor:
            tally.refill(cursor)
        counts.update(
            organisations=Organisation.objects.count(),
            municipalities=len(municipalities) + 1,
            users=len(world.users) + 3,
        )
    return counts


def _load_big_tables(rng, scale: Scale, world: World, demo, pairs, fast: bool) -> dict:
    from django.db import connection

    from partners.models import Organisation
    from signals.models import ReferenceCounter

    teams_by_id = {t.id: t for t in world.teams}
    groups_by_org = dict(Organisation.objects.values_list("pk", "group_id"))
    rows, signal_years = _build_signals(rng, scale, world, scale.signals)
    cases = _build_cases(rng, rows, teams_by_id)
    team_name, username = DEMO_ASSIGNEE
    _assign_demo_cases(cases, demo["organisations"][team_name].pk, demo["users"][username].pk)
    _erase_old(rows, world.now, {s[COL["id"]] for case in cases for s in case.signals})
    _mark_multiple(rows)
    case_years: dict[int, int] = defaultdict(int)
    for case in cases:
        case_years[int(case.reference[4:8])] += 1
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(prefix="SIG", year=y, last_number=n) for y, n in signal_years.items()]
        + [ReferenceCounter(prefix="CAS", year=y, last_number=n) for y, n in case_years.items()]
    )
    perm_columns = ["group_id", "permission_id", "content_object_id"]
    case_columns = [
        "id",
        "reference",
        "team_id",
        "household_key",
        "postcode",
        "house_number",
        "house_number_addition",
        "state",
        "assignee_id",
        "confidential",
        "follow_up_date",
        "outcome",
        "opened_at",
        "closed_at",
        "updated_at",
        "erased_at",
        "help_response",
        "threat",
    ]
    event_columns = ["case_id", "at", "actor_id", "kind", "from_state", "to_state", "text", "data"]
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg2 cursor, for copy_expert
        dropped = _drop_secondary_indexes(cursor) if fast else []
        counts = {
            "signals": copy_rows(cursor, "signals_signal", SIGNAL_COLUMNS, rows),
            "signal_permissions": copy_rows(
                cursor,
                "privacy_signalgroupobjectpermission",
                perm_columns,
                _signal_permission_rows(world, rows, groups_by_org),
            ),
            "cases": copy_rows(
                cursor, "cases_case", case_columns, _case_table_rows(rng, cases, world.now)
            ),
            "case_signals": copy_rows(
                cursor,
                "cases_casesignal",
                ["case_id", "signal_id", "added_at"],
                (
                    (case.id, s[COL["id"]], s[COL["triaged_at"]])
                    for case in cases
                    for s in case.signals
                ),
            ),
            "case_events": copy_rows(
                cursor, "cases_caseevent", event_columns, _case_event_rows(rng, cases)
            ),
            "case_permissions": copy_rows(
                cursor,
                "privacy_casegroupobjectpermission",
                perm_columns,
                _case_permission_rows(world, cases),
            ),
        }
        log_rows = _signal_log_rows(rng, world, rows, teams_by_id)
        chain = _Chain()
        counts["access_log"] = copy_rows(
            cursor, "privacy_accesslog", chain.columns, chain.rows(log_rows)
        )
        counts["access_log"] += copy_rows(
            cursor,
            "privacy_accesslog",
            chain.columns,
            chain.rows(_case_log_rows(world, cases)),
        )
        chain.store_head(cursor)
        counts["reminders"] = copy_rows(
            cursor,
            "cases_reminder",
            REMINDER_COLUMNS,
            _reminder_table_rows(rng, world, rows, cases, teams_by_id),
        )
        counts["complexes"], counts["complex_addresses"] = _create_complexes(
            rng, cursor, world, pairs, demo
        )
        _recreate_indexes(cursor, dropped)
    return counts


BULK_TABLES = [
    "signals_signal",
    "privacy_signalgroupobjectpermission",
    "cases_case",
    "cases_casesignal",
    "cases_caseevent",
    "privacy_casegroupobjectpermission",
    "privacy_accesslog",
    "cases_reminder",
]


def _drop_secondary_indexes(cursor) -> list[str]:
    """Indexes that back no constraint are dropped before COPY and built afterwards in one
    pass each, which is several times faster than maintaining them row by row."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [BULK_TABLES],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


def _recreate_indexes(cursor, definitions: list[str]) -> None:
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for definition in definitions:
        cursor.execute(definition)


def analyze() -> None:
    """VACUUM ANALYZE: statistics for the planner, and the visibility map that a database
    in service has from autovacuum. Without it every index-only scan (the permission
    semi-joins, the counts) still visits the heap, which no running portal does."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
