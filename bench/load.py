"""The concurrent mixed-load run (`python -m bench --load`, `make bench LOAD=1`).

N virtual users work at once against gunicorn for a fixed time, each in a closed loop
(no think time) with its own connections, session and token: corporation staff file
signals through the API and read their signal list and details, team members work on
the tray, the signal lists and case pages, and a coordinator watches the dashboard.
Every user picks its next request by weight from its role's mix.

Per N the run reports requests per second, the error count (an answer outside 2xx/3xx or
an exception) and p50/p95/p99 per page kind. While it runs, a sampler reads the CPU time
of gunicorn's processes and of the database's PostgreSQL backends from /proc and counts
lock waits in `pg_stat_activity` (those on the access-log chain head apart). Where the
throughput stops growing (< 10 % more from N to 2N) the samples of the larger N name
the reason: CPU, lock waits or connections (requests queueing for a worker)."""

import itertools
import os
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench.run import (
    DEMO_PASSWORD,
    Http,
    _fmt,
    _issue_token,
    _percentile,
    login,
    print_rows,
)

DEFAULT_USERS = (8, 16, 32)
DEFAULT_SECONDS = 30.0
WARMUP_SECONDS = 2.0  # per N, not counted: the new users' first requests
SATURATION_GAIN = 0.10  # less than 10 % more throughput from N to 2N: saturated
CPU_BUSY = 0.80  # share of the cores used by gunicorn + PostgreSQL that counts as "CPU"
MACHINE_BUSY = 0.90  # share of the whole machine's CPU that counts as "CPU"
LOCK_WAITS = 0.5  # backends waiting on a lock, on average, that counts as "lock"
SAMPLE_SECONDS = 0.5
CHAIN_HEAD_TABLE = "privacy_accesslogchainhead"


# --- the mix -----------------------------------------------------------------------------


@dataclass
class VirtualUser:
    username: str
    role: str  # "corporatie", "team" or "coördinator"
    organisation: int | None = None
    signals: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)

    @property
    def password(self) -> str:
        from bench.generate import BENCH_PASSWORD

        return BENCH_PASSWORD if self.username.startswith("bench") else DEMO_PASSWORD


@dataclass(frozen=True)
class Action:
    kind: str  # the page kind the latencies are reported under
    method: str
    path: Callable[[VirtualUser, random.Random], str]
    weight: int
    api: bool = True
    needs: str | None = None  # "signals" or "cases": only for users that have some
    body: Callable[[VirtualUser, random.Random, str], dict] | None = None


def _pick(items: list[str], rng: random.Random) -> str:
    return rng.choice(items)


def _load_signal(user: VirtualUser, rng: random.Random, reference: str) -> dict:
    return {
        "kind": "nuisance",
        "postcode": _pick(user.postcodes, rng),
        "house_number": rng.randint(1, 900),
        "house_number_addition": "",
        "description": "Geluidsoverlast gemeld door de buren (belastingtest).",
        "urgency": "normal",
        "resident_informed": True,
        "external_reference": reference,
    }


MIX = {
    "corporatie": [
        Action(
            "signaal melden API",
            "POST",
            lambda u, r: "/api/v1/signals/",
            2,
            needs="postcodes",
            body=_load_signal,
        ),
        Action("signalen API (corporatie)", "GET", lambda u, r: "/api/v1/signals/", 3),
        Action("signalen (pagina, corporatie)", "GET", lambda u, r: "/signalen/", 2, api=False),
        Action(
            "signaal detail API (corporatie)",
            "GET",
            lambda u, r: f"/api/v1/signals/{_pick(u.signals, r)}/",
            2,
            needs="signals",
        ),
        Action(
            "signaal detail (pagina, corporatie)",
            "GET",
            lambda u, r: f"/signalen/{_pick(u.signals, r)}/",
            1,
            api=False,
            needs="signals",
        ),
    ],
    "team": [
        Action("werkbak team (pagina)", "GET", lambda u, r: "/casussen/werkbak/", 4, api=False),
        Action("signalen API (team)", "GET", lambda u, r: "/api/v1/signals/", 2),
        Action(
            "signalen API (team, status=received)",
            "GET",
            lambda u, r: "/api/v1/signals/?status=received",
            1,
        ),
        Action("signalen (pagina, team)", "GET", lambda u, r: "/signalen/", 1, api=False),
        Action(
            "signaal detail API (team)",
            "GET",
            lambda u, r: f"/api/v1/signals/{_pick(u.signals, r)}/",
            1,
            needs="signals",
        ),
        Action(
            "casus (pagina)",
            "GET",
            lambda u, r: f"/casussen/{_pick(u.cases, r)}/",
            3,
            api=False,
            needs="cases",
        ),
        Action(
            "casus detail API",
            "GET",
            lambda u, r: f"/api/v1/cases/{_pick(u.cases, r)}/",
            1,
            needs="cases",
        ),
    ],
    "coördinator": [
        Action(
            "coördinatordashboard (pagina)",
            "GET",
            lambda u, r: "/samenwerking/dashboard/",
            1,
            api=False,
        ),
    ],
}


def actions_for(user: VirtualUser) -> list[Action]:
    """The role's mix without the requests this user has nothing for."""
    return [a for a in MIX[user.role] if a.needs is None or getattr(user, a.needs)]


def role_counts(users: int) -> dict[str, int]:
    """How many users of each role among `users`: one coordinator from 4 users on, 40 %
    corporation staff (at least one) and the rest team members."""
    coordinators = 1 if users >= 4 else 0
    corporation = max(1, round((users - coordinators) * 0.4))
    return {
        "corporatie": corporation,
        "team": max(0, users - coordinators - corporation),
        "coördinator": coordinators,
    }


def _round_robin(memberships: list[tuple[str, int]], first: str) -> list[tuple[str, int]]:
    """`first` (a demo user), then the others one organisation at a time, so the load is
    spread over organisations like real users are."""
    by_org: dict[int, list[tuple[str, int]]] = defaultdict(list)
    head = [m for m in memberships if m[0] == first]
    for membership in memberships:
        if membership[0] != first:
            by_org[membership[1]].append(membership)
    queues = [by_org[org] for org in sorted(by_org)]
    spread = []
    while any(queues):
        for queue in queues:
            if queue:
                spread.append(queue.pop(0))
    return head + spread


def choose_users(users: int, per_user: int = 20) -> list[VirtualUser]:
    """The virtual users for N = `users`: anna and generated corporation staff, noor and
    generated team members, eva; each with some signals and cases of their organisation.
    The same N always gives the same users, and a smaller N a prefix of a larger one."""
    from cases.models import Case
    from partners.models import Membership
    from signals.models import Signal

    counts = role_counts(users)
    pools = {
        "corporatie": ("anna", ["corporation_staff"]),
        "team": ("noor", ["team_member", "triage_lead"]),
        "coördinator": ("eva", ["coordinator"]),
    }
    chosen = []
    for role, (first, roles) in pools.items():
        if not counts[role]:
            continue
        members = list(
            Membership.objects.filter(role__in=roles, user__is_active=True)
            .order_by("user__username")
            .values_list("user__username", "organisation_id")
        )
        if role == "coördinator":
            members = [m for m in members if m[0] == first]  # eva: the demo municipality
        for username, org in _round_robin(members, first)[: counts[role]]:
            user = VirtualUser(username, role, org)
            if role == "corporatie":
                signals = Signal.objects.filter(organisation_id=org)
                user.postcodes = sorted(
                    set(
                        signals.filter(erased_at__isnull=True)
                        .exclude(postcode="")
                        .order_by("-filed_at")
                        .values_list("postcode", flat=True)[:per_user]
                    )
                )
            elif role == "team":
                signals = Signal.objects.filter(team_id=org)
                user.cases = [
                    str(pk)
                    for pk in Case.objects.filter(team_id=org, confidential=False)
                    .exclude(state="closed")
                    .order_by("-opened_at")
                    .values_list("pk", flat=True)[:per_user]
                ]
            else:
                signals = Signal.objects.none()
            user.signals = [
                str(pk)
                for pk in signals.order_by("-filed_at").values_list("pk", flat=True)[:per_user]
            ]
            chosen.append(user)
    return chosen


# --- the virtual users ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    kind: str
    ms: float
    ok: bool
    note: str = ""  # the HTTP status or the exception of a failed request


class Sessions:
    """Session cookies and API tokens per username, made once and shared between the runs
    (a login costs a password hash; the runs measure work, not signing in)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, dict] = {}
        self.tokens: dict[str, str] = {}

    def prepare(self, users: list[VirtualUser]) -> None:
        for user in users:
            if user.username not in self.tokens:
                self.tokens[user.username] = _issue_token(user.username)
        todo = [u for u in users if u.username not in self.cookies]
        with ThreadPoolExecutor(max_workers=4) as pool:
            cookies = pool.map(lambda u: login(self.port, u.username, u.password), todo)
            for user, cookie in zip(todo, cookies, strict=True):
                self.cookies[user.username] = cookie

    def clients(self, user: VirtualUser) -> tuple[Http, Http]:
        """(pages, api): a session for the portal's pages, a token for the API."""
        pages = Http(self.port, cookies=self.cookies[user.username])
        api = Http(self.port, headers={"Authorization": f"Token {self.tokens[user.username]}"})
        return pages, api


def _user_loop(user, sessions, run_id, number, warm_until, stop_at, samples, lock) -> None:
    rng = random.Random(f"{run_id}-{number}")
    actions = actions_for(user)
    weights = [a.weight for a in actions]
    pages, api = sessions.clients(user)
    mine: list[Sample] = []
    sequence = 0
    while time.monotonic() < stop_at:
        action = rng.choices(actions, weights)[0]
        sequence += 1
        started = time.perf_counter()
        try:
            path = action.path(user, rng)
            if action.body:
                payload = action.body(user, rng, f"LOAD-{run_id}-{number}-{sequence}")
                status, _data = api.json(action.method, path, payload)
            elif action.api:
                status, _data = api.json(action.method, path)
            else:
                status, _data = pages.request(action.method, path)
            ok, note = 200 <= status < 400, "" if 200 <= status < 400 else f"HTTP {status}"
        except Exception as exc:  # every failure counts as an error
            ok, note = False, f"{type(exc).__name__}: {exc}"[:200]
        ms = (time.perf_counter() - started) * 1000
        if time.monotonic() >= warm_until or not ok:  # errors always count
            mine.append(Sample(action.kind, ms, ok, note))
    pages.close()
    api.close()
    with lock:
        samples.extend(mine)


def run_users(
    port: int,
    users: list[VirtualUser],
    seconds: float,
    sessions: Sessions,
    run_id: str,
    warmup: float = WARMUP_SECONDS,
) -> tuple[list[Sample], float]:
    """Every user in its own thread for `warmup` + `seconds`; the samples after the warm-up
    and the measured time (until the last user finished its last request)."""
    samples: list[Sample] = []
    lock = threading.Lock()
    begin = time.monotonic()
    warm_until = begin + warmup
    stop_at = warm_until + seconds
    threads = [
        threading.Thread(
            target=_user_loop,
            args=(user, sessions, run_id, number, warm_until, stop_at, samples, lock),
            daemon=True,
        )
        for number, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.monotonic() - warm_until


# --- figures -------------------------------------------------------------------------------


def summarize(samples: list[Sample], seconds: float) -> dict:
    """Requests per second, errors and p50/p95/p99 (nearest rank, ms) per page kind and in
    all; a failed request counts as an error and not in the latencies."""
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)

    def figures(group: list[Sample]) -> dict:
        latencies = [s.ms for s in group if s.ok]
        errors = [s for s in group if not s.ok]
        return {
            "requests": len(group),
            "errors": len(errors),
            "rps": round(len(group) / seconds, 2) if seconds > 0 else 0.0,
            "p50_ms": _percentile(latencies, 50) if latencies else None,
            "p95_ms": _percentile(latencies, 95) if latencies else None,
            "p99_ms": _percentile(latencies, 99) if latencies else None,
        }

    notes: dict[str, int] = defaultdict(int)
    for sample in samples:
        if not sample.ok:
            notes[f"{sample.kind}: {sample.note}"] += 1
    return {
        **figures(samples),
        "seconds": round(seconds, 2),
        "kinds": {kind: figures(group) for kind, group in sorted(by_kind.items())},
        "error_notes": dict(sorted(notes.items(), key=lambda item: -item[1])[:10]),
    }


def bottleneck(sampled: dict, cores: int, workers: int, users: int) -> tuple[str, str]:
    """Why throughput stops growing, from the samples of a run: ("cpu"|"lock"|
    "connections", explanation)."""
    ours = sampled.get("cpu_cores") or 0.0
    machine = sampled.get("machine_busy") or 0.0
    waits = sampled.get("lock_waits_avg") or 0.0
    chain = sampled.get("chain_head_waits_avg") or 0.0
    locks = f"lock-wachten gem. {waits:.2f} (ketenkop {chain:.2f})"
    if ours >= CPU_BUSY * cores or machine >= MACHINE_BUSY:
        return "cpu", (
            f"CPU: gunicorn + PostgreSQL {ours:.2f} van {cores} kernen, machine "
            f"{machine:.0%} bezet; {locks}"
        )
    if waits >= LOCK_WAITS:
        return "lock", f"{locks}; CPU {ours:.2f} van {cores} kernen"
    connections = sampled.get("connections_max") or 0
    limit = sampled.get("max_connections") or 0
    return "connections", (
        f"verbindingen: {users} gebruikers op {workers} sync workers, verzoeken wachten op "
        f"een vrije worker (PostgreSQL {connections} verbindingen, max. {limit}); CPU "
        f"{ours:.2f} van {cores} kernen; {locks}"
    )


def saturation(runs: list[dict], cores: int, workers: int) -> dict:
    """The first N after which throughput grows less than 10 % when the users double (or
    grow to the next N measured), with the reason sampled at the larger N; `users` None
    when it still grows up to the largest N."""
    ordered = sorted(runs, key=lambda run: run["users"])
    for lower, higher in itertools.pairwise(ordered):
        if not lower["rps"]:
            continue
        gain = higher["rps"] / lower["rps"] - 1
        if gain < SATURATION_GAIN:
            reason, detail = bottleneck(higher.get("sampled", {}), cores, workers, higher["users"])
            return {
                "users": lower["users"],
                "next_users": higher["users"],
                "gain": round(gain, 3),
                "reason": reason,
                "detail": detail,
            }
    top = ordered[-1]["users"] if ordered else None
    return {
        "users": None,
        "next_users": None,
        "gain": None,
        "reason": None,
        "detail": f"de doorvoer groeit nog tot N={top}",
    }


# --- sampling -------------------------------------------------------------------------------


def _cpu_ticks(pid: int) -> int | None:
    """utime + stime of one process in clock ticks, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(p) for p in children.read().split()]
    except OSError:
        return []


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


class Sampler:
    """Samples, every half second while a run lasts: the CPU time of the gunicorn master
    and its workers and of PostgreSQL's processes for this database (its backends and the
    server's background processes), the whole machine's CPU, and `pg_stat_activity`:
    backends waiting on a lock, those waiting on the access-log chain head, active ones
    and connections. With `application_name` only the server's own backends count."""

    def __init__(
        self,
        database_url: str,
        server_pid: int | None,
        interval=SAMPLE_SECONDS,
        application_name: str | None = None,
    ):
        self.database_url = database_url
        self.server_pid = server_pid
        # The server's connections carry this name, so other clients of the same
        # database are not counted; None: every backend of the database.
        self.application_name = application_name
        self.interval = interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ticks: dict[int, int] = {}
        self.used_ticks = 0
        self.activity: list[tuple[int, int, int, int]] = []
        self.max_connections = 0

    def __enter__(self):
        self.begin = time.monotonic()
        self.machine_begin = _machine_ticks()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        import psycopg2

        conn = psycopg2.connect(self.database_url)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute("SHOW max_connections")
                self.max_connections = int(cursor.fetchone()[0])
                while True:
                    self._sample(cursor)
                    if self.stopped.wait(self.interval):
                        self._sample(cursor)
                        break
        finally:
            conn.close()
        self.end = time.monotonic()
        self.machine_end = _machine_ticks()

    def _sample(self, cursor) -> None:
        cursor.execute(
            "SELECT pid, datname IS NULL, state, wait_event_type = 'Lock', "
            "query ILIKE %(chain)s FROM pg_stat_activity "
            "WHERE (datname IS NULL OR (datname = current_database() "
            "AND (%(app)s::text IS NULL OR application_name = %(app)s::text))) "
            "AND pid <> pg_backend_pid()",
            {"chain": f"%{CHAIN_HEAD_TABLE}%", "app": self.application_name},
        )
        rows = cursor.fetchall()
        backends = [r for r in rows if not r[1]]
        waiting = [r for r in backends if r[3]]
        self.activity.append(
            (
                len(waiting),
                sum(1 for r in waiting if r[4]),
                sum(1 for r in backends if r[2] == "active"),
                len(backends),
            )
        )
        pids = [r[0] for r in rows]
        if self.server_pid:
            pids += [self.server_pid, *_children(self.server_pid)]
        for pid in pids:
            ticks = _cpu_ticks(pid)
            if ticks is None:
                continue
            if pid in self.ticks:
                self.used_ticks += max(0, ticks - self.ticks[pid])
            self.ticks[pid] = ticks

    def summary(self) -> dict:
        elapsed = max(1e-6, self.end - self.begin)
        busy = self.machine_end[0] - self.machine_begin[0]
        total = self.machine_end[1] - self.machine_begin[1]
        count = max(1, len(self.activity))
        return {
            "cpu_cores": round(self.used_ticks / os.sysconf("SC_CLK_TCK") / elapsed, 2),
            "machine_busy": round(busy / total, 3) if total else None,
            "lock_waits_avg": round(sum(a[0] for a in self.activity) / count, 2),
            "lock_waits_max": max((a[0] for a in self.activity), default=0),
            "chain_head_waits_avg": round(sum(a[1] for a in self.activity) / count, 2),
            "chain_head_waits_max": max((a[1] for a in self.activity), default=0),
            "active_avg": round(sum(a[2] for a in self.activity) / count, 2),
            "connections_max": max((a[3] for a in self.activity), default=0),
            "max_connections": self.max_connections,
            "samples": len(self.activity),
        }


# --- the run ---------------------------------------------------------------------------------


def measure_load(
    port: int,
    database_url: str,
    user_counts: list[int],
    seconds: float,
    workers: int,
    server_pid: int | None = None,
    warmup: float = WARMUP_SECONDS,
    application_name: str | None = None,
) -> dict:
    """Run the mix for every N in `user_counts` against the server on `port`."""
    from django.db import connections

    run_id = uuid.uuid4().hex[:8]
    sessions = Sessions(port)
    runs = []
    for count in user_counts:
        users = choose_users(count)
        sessions.prepare(users)
        connections.close_all()  # the run itself does not use Django's connection
        client_before = _cpu_ticks(os.getpid()) or 0
        with Sampler(database_url, server_pid, application_name=application_name) as sampler:
            samples, elapsed = run_users(
                port, users, seconds, sessions, f"{run_id}-{count}", warmup
            )
        client_cores = ((_cpu_ticks(os.getpid()) or 0) - client_before) / os.sysconf("SC_CLK_TCK")
        run = {
            "users": count,
            "roles": dict(role_counts(count)),
            "usernames": [u.username for u in users],
            **summarize(samples, elapsed),
            "sampled": {
                **sampler.summary(),
                "client_cores": round(client_cores / max(1e-6, elapsed + warmup), 2),
                "load_average_1m": round(os.getloadavg()[0], 2),  # the machine's, at the end
            },
        }
        runs.append(run)
        print(
            f"  N={count}: {run['rps']:.1f} req/s, {run['errors']} fouten, "
            f"CPU {run['sampled']['cpu_cores']:.2f} kernen",
            flush=True,
        )
    cores = os.cpu_count() or 1
    return {
        "run_id": run_id,
        "seconds": seconds,
        "warmup_seconds": warmup,
        "workers": workers,
        "cores": cores,
        "mix": {role: {a.kind: a.weight for a in actions} for role, actions in MIX.items()},
        "runs": runs,
        "saturation": saturation(runs, cores, workers),
    }


def print_load_table(load: dict) -> None:
    header = [
        "N",
        "req/s",
        "verzoeken",
        "fouten",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "CPU kernen",
        "machine",
        "lock-wachten",
        "ketenkop",
    ]
    rows = []
    for run in load["runs"]:
        sampled = run["sampled"]
        rows.append(
            [
                run["users"],
                _fmt(run["rps"]),
                run["requests"],
                run["errors"],
                _fmt(run["p50_ms"]),
                _fmt(run["p95_ms"]),
                _fmt(run["p99_ms"]),
                _fmt(sampled["cpu_cores"], 2),
                f"{sampled['machine_busy']:.0%}" if sampled["machine_busy"] is not None else "—",
                f"{sampled['lock_waits_avg']:.2f} (max {sampled['lock_waits_max']})",
                f"{sampled['chain_head_waits_avg']:.2f} (max {sampled['chain_head_waits_max']})",
            ]
        )
    print_rows(header, rows)
    print()
    kinds = sorted({kind for run in load["runs"] for kind in run["kinds"]})
    header = ["soort"]
    for run in load["runs"]:
        header += [f"N={run['users']} n", "p50", "p95", "p99", "fout"]
    rows = []
    for kind in kinds:
        row = [kind]
        for run in load["runs"]:
            figures = run["kinds"].get(kind)
            if figures is None:
                row += ["—"] * 5
                continue
            row += [
                figures["requests"],
                _fmt(figures["p50_ms"]),
                _fmt(figures["p95_ms"]),
                _fmt(figures["p99_ms"]),
                figures["errors"],
            ]
        rows.append(row)
    print_rows(header, rows)
    for run in load["runs"]:
        for note, count in run["error_notes"].items():
            print(f"  N={run['users']} fout {count}×: {note}")
    found = load["saturation"]
    if found["users"]:
        print(
            f"\nVerzadigd bij N={found['users']}: van N={found['users']} naar "
            f"N={found['next_users']} {found['gain']:+.0%} doorvoer. Reden: {found['detail']}"
        )
    else:
        print(f"\nGeen verzadiging gemeten: {found['detail']}.")


def main(
    scale_name: str,
    database_url: str,
    generate: bool = True,
    workers: int = 4,
    user_counts: list[int] | None = None,
    seconds: float = DEFAULT_SECONDS,
) -> dict:
    from bench import run

    started = time.perf_counter()
    env, generation = run.prepare(scale_name, database_url, generate)
    from django.utils import timezone

    user_counts = list(user_counts or DEFAULT_USERS)
    port = run.free_port()
    # The server's PostgreSQL connections are named, so the sampler counts only them
    # (others may use the same database meanwhile).
    application_name = f"wp-bench-load-{port}"
    separator = "&" if "?" in database_url else "?"
    server_env = {
        **env,
        "DATABASE_URL": f"{database_url}{separator}application_name={application_name}",
    }
    server = run.start_server(server_env, port, workers)
    try:
        load = measure_load(
            port,
            database_url,
            user_counts,
            seconds,
            workers,
            server.pid,
            application_name=application_name,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {
        "kind": "load",
        "scale": scale_name,
        "database": database_url.rsplit("/", 1)[-1],
        "taken_at": timezone.now().isoformat(),
        "machine": run.machine_info(),
        "generation": generation,
        "total_s": round(time.perf_counter() - started, 1),
        "load": load,
    }
    print()
    print_load_table(load)
    path = run.write_json(report, f"load-{scale_name}")
    print(f"\nTotaal {report['total_s']} s; resultaten in {path.relative_to(run.ROOT)}")
    return report


def parse_users(value: str) -> list[int]:
    """`--load-users 8,16,32` -> [8, 16, 32] (ascending, each at least 1)."""
    try:
        counts = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError:
        raise ValueError(f"Geen lijst van aantallen: {value!r}") from None
    if not counts or counts[0] < 1:
        raise ValueError(f"Geen lijst van aantallen: {value!r}")
    return counts
