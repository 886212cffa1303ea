import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    environment = {**os.environ, **env}
    environment.pop("DEBUG", None) if "DEBUG" not in env else None
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_default_secret_key():
    result = run_check(DJANGO_ENV="production", SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = run_check(DJANGO_ENV="production", SECRET_KEY="x" * 50, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_starts_with_a_real_key():
    result = run_check(DJANGO_ENV="production", SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
