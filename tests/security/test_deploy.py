"""Production settings: `check --deploy` is clean, and insecure settings are refused."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k9#Qv2!rT7x@Lm4$Wz8&Np3*Hs6^Bd1(Fg5)Jc0-Ye2+Ua7=Oi" + "Xq"  # 52 characters


def run(args: list[str], **env_overrides: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "wijkportaal.example.nl",
        "DEBUG": "",
        "CELERY_DATA_DIR": str(ROOT / ".celery"),
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_production_refuses_the_insecure_default_key():
    result = run(["manage.py", "check"], SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY to a random value of at least 40 characters." in result.stderr


def test_production_refuses_debug():
    result = run(["manage.py", "check"], DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off in production." in result.stderr


def test_production_requires_2fa_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REQUIRE_2FA, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="wijkportaal.settings")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "31536000", "True"]


def test_readme_configuration_table_lists_every_environment_variable():
    """Every variable `wijkportaal/settings.py` reads is documented in the README table."""
    source = (ROOT / "wijkportaal" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'\benv(?:_bool|_int|_list)?\("([A-Z0-9_]+)"', source))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z0-9_]+)`", table))
    assert read - documented == set()
