"""The fault-injection harness: its own Redis on a free port (stopped and started to
simulate a broker outage), real Celery workers as subprocesses (killed with SIGKILL to
simulate a lost worker) on the test database, and the figures of every scenario printed
and written to test-artifacts/reliability/summary.json.

Every test here is marked `reliability` and runs with `make test-reliability` (CI runs
it after `make test`)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kombu import pools

from tests.helpers import database_url
from tests.reliability import mailsink
from wijkportaal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "reliability"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
VISIBILITY_TIMEOUT = 5  # seconds: production uses 20 minutes, the mechanism is the same


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Redis:
    """A private redis-server: `stop()` and `start()` are the broker outage."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        """Like a crash: SIGKILL, no save. Queued messages are lost with it, which is the
        worst case the outbox has to cover."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _point_app_at(url: str):
    celery_app.conf.update(
        broker_url=url,
        broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "socket_connect_timeout": 1,
        },
        task_always_eager=False,
    )
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def broker(tmp_path, monkeypatch):
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    redis = Redis(tmp_path)
    redis.start()
    # Celery prefers these variables to its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    _point_app_at(redis.url)
    yield redis
    redis.stop()
    monkeypatch.undo()
    _point_app_at(saved["broker_url"])
    celery_app.conf.update(saved)


class Workers:
    """Celery workers as subprocesses on the test database and the private broker."""

    def __init__(self, broker: Redis, folder: Path):
        self.broker = broker
        self.folder = folder
        self.mail_log = folder / "mail.log"
        self.processes = []

    def env(self, mail_delay: float = 0.0) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reliability.worker_settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker.url,
            "REDIS_URL": self.broker.url,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "RELIABILITY_MAIL_LOG": str(self.mail_log),
            "RELIABILITY_MAIL_DELAY": str(mail_delay),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }

    def spawn(self, args: list[str], name: str, env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=env or self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def start(self, mail_delay: float = 0.0) -> subprocess.Popen:
        number = len(self.processes)
        return self.spawn(
            [
                "-m",
                "celery",
                "-A",
                "wijkportaal",
                "worker",
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
                "-n",
                f"fault{number}@%h",
            ],
            f"worker-{number}",
            self.env(mail_delay),
        )

    def start_beat(self) -> subprocess.Popen:
        """celery beat with the project's database schedule (django_celery_beat)."""
        return self.spawn(
            [
                "-m",
                "celery",
                "-A",
                "wijkportaal",
                "beat",
                "--loglevel",
                "WARNING",
                "--pidfile",
                str(self.folder / "beat.pid"),
            ],
            "beat",
        )

    def kill(self, process):
        process.send_signal(signal.SIGKILL)
        process.wait()

    def accepted(self) -> list[str]:
        return mailsink.accepted(self.mail_log)

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def workers(broker, tmp_path, transactional_db):
    pool = Workers(broker, tmp_path)
    yield pool
    pool.stop_all()


def wait_for(condition, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


_FIGURES: dict = {}


@pytest.fixture
def report(request):
    """`report(claimed=…, sent=…, duplicates=…, seconds_to_recover=…)`: printed and
    collected into test-artifacts/reliability/summary.json."""

    def record(**figures):
        name = request.node.name
        _FIGURES[name] = figures
        print(f"\n[reliability] {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "summary.json").write_text(json.dumps(_FIGURES, indent=2) + "\n")

    return record
