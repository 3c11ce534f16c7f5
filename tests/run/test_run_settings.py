"""What `make run` gives the settings: an embedded broker, DEBUG off over plain http on the
loopback address, SITE_URL on the chosen port, mail in files; tests keep in-process tasks."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from tests.run.test_supervisor import load_run_all

ROOT = Path(settings.BASE_DIR)
REMOVED = {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "TESTING", "SITE_URL", "PORT", "RUN_DIR"}
REMOVED |= {"CELERY_BROKER_URL", "REDIS_URL", "EMAIL_URL", "SECURE_SSL_REDIRECT"}
REMOVED |= {"SECURE_COOKIES", "SECURE_HSTS_SECONDS", "DEMO_PASSWORD", "DEMO_PASSWORD_FILE"}


def _settings(code: str, env: dict) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in REMOVED}
    clean["DATABASE_URL"] = "sqlite:///tmp/unused.sqlite3"
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", f"import json, config.settings as s; print(json.dumps({code}))"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


BROKER = "[s.CELERY_BROKER_URL, s.CELERY_BROKER_TRANSPORT_OPTIONS, s.CELERY_TASK_ALWAYS_EAGER]"


def test_without_a_broker_url_tasks_wait_in_files_under_run_dir(tmp_path):
    url, options, eager = _settings(BROKER, {"RUN_DIR": str(tmp_path)})
    assert url.startswith("filesystem://")
    assert eager is False
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "broker/queue")
    assert options["control_folder"] == str(tmp_path / "broker/control")
    assert options["processed_folder"] == str(tmp_path / "broker/processed")


def test_only_the_tests_run_tasks_in_process(tmp_path):
    assert _settings(BROKER, {"TESTING": "true"}) == ["", {}, True]
    given = _settings(BROKER, {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/10"})
    assert given == ["redis://127.0.0.1:6379/10", {}, False]
    # And in this very process (pytest): in-process.
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_the_worker_and_the_web_make_the_broker_folders(tmp_path, settings):
    from config.celery import embedded_broker_folders

    class Conf:
        broker_url = "filesystem://localhost/"
        broker_transport_options = {"data_folder_in": str(tmp_path / "q"), "store_processed": 0}

    assert embedded_broker_folders(Conf) == [tmp_path / "q"]
    Conf.broker_url = "redis://127.0.0.1:6379/10"
    assert embedded_broker_folders(Conf) == []


def test_site_url_follows_port_unless_given():
    assert _settings("s.SITE_URL", {"PORT": "18801"}) == "http://127.0.0.1:18801"
    assert _settings("s.SITE_URL", {}) == "http://127.0.0.1:8000"
    given = {"PORT": "18801", "SITE_URL": "https://portal.example.org/"}
    assert _settings("s.SITE_URL", given) == "https://portal.example.org"


def test_make_run_serves_with_debug_off_over_plain_http(tmp_path):
    run_all = load_run_all()
    env = run_all.local_environment({"RUN_DIR": str(tmp_path)}, port=18801)
    assert env["DEBUG"] == "false" and env["PORT"] == "18801"
    key = Path(env["SECRET_KEY_FILE"])
    assert key.parent == tmp_path and len(key.read_text().strip()) > 50
    assert key.stat().st_mode & 0o077 == 0
    code = (
        "[s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SITE_URL, s.EMAIL_BACKEND, str(s.EMAIL_FILE_PATH),"
        " s.ALLOWED_HOSTS, s.STORAGES['staticfiles']['BACKEND']]"
    )
    values = _settings(code, {k: v for k, v in env.items() if k in REMOVED})
    assert values[:6] == [False, False, False, False, 0, "http://127.0.0.1:18801"]
    assert values[6] == "django.core.mail.backends.filebased.EmailBackend"
    assert values[7] == str(tmp_path / "mail")
    assert {"127.0.0.1", "localhost"} <= set(values[8])
    assert values[9] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_restart_keeps_the_secret_key_and_what_was_given(tmp_path):
    run_all = load_run_all()
    first = run_all.local_environment({"RUN_DIR": str(tmp_path)}, port=8000)
    key = Path(first["SECRET_KEY_FILE"]).read_text()
    again = run_all.local_environment({"RUN_DIR": str(tmp_path)}, port=8000)
    assert Path(again["SECRET_KEY_FILE"]).read_text() == key
    given = {
        "RUN_DIR": str(tmp_path),
        "DEBUG": "true",
        "SECRET_KEY": "mine",
        "EMAIL_URL": "smtp://mail.example.org:25",
    }
    env = run_all.local_environment(given, port=8000)
    assert env["DEBUG"] == "true" and "SECRET_KEY_FILE" not in env
    assert env["EMAIL_URL"] == "smtp://mail.example.org:25"


@pytest.mark.django_db
def test_a_missing_activity_shows_the_portals_404_with_debug_off(client, settings):
    from tests.factories import UserFactory

    settings.DEBUG = False
    client.force_login(UserFactory())
    response = client.get("/activities/9999/")
    assert response.status_code == 404
    assert "portal/404.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'class="site-header"' in page and "Traceback" not in page


def test_the_license_is_an_spdx_expression_setuptools_reads_without_warning():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # The table form ({text = ...}) is deprecated since setuptools 77, which reads the string.
    assert project["project"]["license"] == "MIT"
    assert project["build-system"]["requires"] == ["setuptools>=77"]


def test_make_run_installs_only_what_running_needs():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installed = makefile.split("$(VENV)/.installed: pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "pip install --quiet -e ." in installed and "[dev]" not in installed
    assert "install-test: system-test $(VENV)/.installed-test" in makefile


def test_celerys_root_warning_does_not_follow_the_login_lines(tmp_path):
    run_all = load_run_all()
    env = run_all.local_environment({"RUN_DIR": str(tmp_path)}, port=8000)
    code = (
        "import warnings\n"
        "class SecurityWarning(UserWarning): pass\n"
        "warnings.warn(SecurityWarning(\"You're running the worker with superuser privileges:"
        ' this is\\nabsolutely not recommended!"))\n'
        "warnings.warn(UserWarning('another warning'))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONWARNINGS": env["PYTHONWARNINGS"]},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "superuser" not in result.stderr
    assert "another warning" in result.stderr  # only that one is hushed
