"""`make run`'s supervisor (wijkportaal.devstack): one process ending stops the others,
and a process that ignores SIGTERM is killed after the grace period. Uses small Python
processes instead of the real web server, worker and beat."""

import signal
import subprocess
import sys

import pytest

from wijkportaal import devstack

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)",
]


@pytest.fixture
def started(monkeypatch):
    """The processes the supervisor starts; any still running are killed afterwards."""
    processes = []
    real_popen = subprocess.Popen

    def popen(command, **kwargs):
        process = real_popen(command, **kwargs)
        processes.append(process)
        return process

    monkeypatch.setattr(devstack.subprocess, "Popen", popen)
    previous = signal.getsignal(signal.SIGTERM)
    yield processes
    signal.signal(signal.SIGTERM, previous)
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_commands_start_web_worker_and_beat():
    web, worker, beat = devstack.commands("8123")
    assert web[1:4] == ["manage.py", "runserver", "127.0.0.1:8123"]
    assert "worker" in worker
    assert "beat" in beat


def test_one_process_ending_stops_the_others(started, monkeypatch):
    monkeypatch.setattr(devstack, "commands", lambda port: [SLEEPER, [sys.executable, "-c", ""]])
    assert devstack.main() == 0
    assert len(started) == 2
    assert all(process.poll() is not None for process in started)


def test_a_process_ignoring_sigterm_is_killed(started, monkeypatch):
    monkeypatch.setattr(devstack, "GRACE_SECONDS", 0.5)
    process = subprocess.Popen(STUBBORN, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    devstack.stop([process])
    assert process.returncode == -signal.SIGKILL
