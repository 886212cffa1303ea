"""The permission matrix: every role against every view and endpoint.

Each app adds a module here with `ROWS` (a list of `Row`) and, when its rows need
objects, a `setup(world)` function that adds them to the shared `world` dict.
`tests/test_permission_matrix.py` collects and runs them all. Every row lists an expected
status for every user in `USERS`, so a new view cannot be added without deciding who
may use it."""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

USERS = ["anonymous", "anna", "bram", "sara", "noor", "omar", "eva", "pim", "admin"]


@dataclass
class Row:
    name: str
    method: str
    url: Callable[[dict], str]
    expect: dict[str, int]
    data: Callable[[dict], dict] | dict | None = None
    api: bool = False  # API rows authenticate with a token, web rows with a session
    multipart: bool = False
    logs_access: bool = False  # a 2xx answer must write at least one access-log row
    extra: dict = field(default_factory=dict)


def modules():
    for info in pkgutil.iter_modules(__path__):
        yield importlib.import_module(f"{__name__}.{info.name}")


def all_rows() -> list[Row]:
    rows = []
    for module in modules():
        rows.extend(getattr(module, "ROWS", []))
    return rows


def build_world(demo: dict) -> dict:
    world = dict(demo)
    for module in modules():
        setup = getattr(module, "setup", None)
        if setup:
            setup(world)
    return world
