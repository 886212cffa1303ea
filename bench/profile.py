"""Where a request's time goes, for the benchmark only.

`ProfileMiddleware` is in the middleware list only when the environment variable
`BENCH_PROFILE` is `1` (the benchmark's gunicorn sets it; see `wijkportaal/settings.py`),
so a normal server pays nothing. Per request it splits the time spent inside the
middleware below it into:

- `sql_ms`: every query outside template rendering and the access-log write, timed with
  `connection.execute_wrapper` (count and the slowest query with its time);
- `template_ms`: template rendering, less the queries run while rendering (those count
  as SQL);
- `access_log_ms`: writing the access log (`privacy.chain.append`, or `append_many` for a
  page's several rows: the insert of the unchained rows; sealing happens later, outside
  the request), queries included;
- `python_ms`: the rest: middleware, view code, serialisation.

The split goes back in the `X-Bench-Profile` response header as JSON (ASCII)."""

import json
import threading
import time
from contextlib import contextmanager

from django.db import connections

HEADER = "X-Bench-Profile"
SLOWEST_SQL_CHARS = 300

_state = threading.local()


class _Profile:
    def __init__(self):
        self.phase = "view"  # "view", "template" or "access_log"
        self.sql_ms = 0.0
        self.queries = 0
        self.template_ms = 0.0
        self.template_sql_ms = 0.0
        self.access_log_ms = 0.0
        self.slowest_ms = 0.0
        self.slowest_sql = ""

    def add_query(self, sql: str, ms: float) -> None:
        self.queries += 1
        if self.phase == "template":
            self.template_sql_ms += ms
        if self.phase != "access_log":
            self.sql_ms += ms
            if ms > self.slowest_ms:
                self.slowest_ms, self.slowest_sql = ms, sql

    def as_dict(self, total_ms: float) -> dict:
        template = max(0.0, self.template_ms - self.template_sql_ms)
        return {
            "total_ms": round(total_ms, 2),
            "sql_ms": round(self.sql_ms, 2),
            "queries": self.queries,
            "template_ms": round(template, 2),
            "access_log_ms": round(self.access_log_ms, 2),
            "python_ms": round(max(0.0, total_ms - self.sql_ms - template - self.access_log_ms), 2),
            "slowest_sql_ms": round(self.slowest_ms, 2),
            "slowest_sql": " ".join(self.slowest_sql.split())[:SLOWEST_SQL_CHARS],
        }


def _current() -> _Profile | None:
    return getattr(_state, "profile", None)


@contextmanager
def _phase(name: str, attribute: str):
    profile = _current()
    if profile is None or profile.phase != "view":  # nested: the outer phase counts
        yield
        return
    profile.phase = name
    started = time.perf_counter()
    try:
        yield
    finally:
        setattr(profile, attribute, getattr(profile, attribute) + _ms(started))
        profile.phase = "view"


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _time_query(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        profile = _current()
        if profile is not None:
            profile.add_query(sql, _ms(started))


_installed = False
_install_lock = threading.Lock()


def install() -> None:
    """Wrap template rendering and the access-log write once per process."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from django.template.backends.django import Template

        from privacy import chain

        render, append, append_many = Template.render, chain.append, chain.append_many

        def timed_render(self, *args, **kwargs):
            with _phase("template", "template_ms"):
                return render(self, *args, **kwargs)

        def timed_append(entry):
            with _phase("access_log", "access_log_ms"):
                return append(entry)

        def timed_append_many(entries):
            with _phase("access_log", "access_log_ms"):
                return append_many(entries)

        Template.render = timed_render
        chain.append, chain.append_many = timed_append, timed_append_many
        _installed = True


class ProfileMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        install()

    def __call__(self, request):
        _state.profile = profile = _Profile()
        started = time.perf_counter()
        try:
            with connections["default"].execute_wrapper(_time_query):
                response = self.get_response(request)
                if hasattr(response, "render") and not response.is_rendered:
                    with _phase("template", "template_ms"):
                        response.render()
        finally:
            _state.profile = None
        response[HEADER] = json.dumps(profile.as_dict(_ms(started)), ensure_ascii=True)
        return response
