"""The compose stack and the image, checked without a Docker engine (there is none in CI).

The compose file must parse, name every service, command and health check, and hand the
settings every variable they need; the README must document every variable they read.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from django.conf import settings

ROOT = settings.BASE_DIR
APP_SERVICES = ["migrate", "web", "worker", "beat"]
# What production needs from the environment (the rest have safe defaults).
REQUIRED_IN_PRODUCTION = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "MEDIA_ROOT",
]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _interpolate(value: str, env: dict) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, as `docker compose` does."""

    def one(match):
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if name in env and env[name] != "":
            return env[name]
        if op == ":-":
            return arg
        if op == ":?":
            raise KeyError(f"{name}: {arg}")
        return ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def _settings_variables() -> set[str]:
    text = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(
        re.findall(r"""(?:env\.\w+|_bool|_int|_secret|_rate)\(\s*["']([A-Z][A-Z0-9_]+)["']""", text)
    )
    return names


def _gunicorn_variables() -> set[str]:
    """What the web server's own settings read: gunicorn's processes and threads."""
    text = (ROOT / "config" / "gunicorn.conf.py").read_text(encoding="utf-8")
    return set(re.findall(r"""environ\.get\(["']([A-Z][A-Z0-9_]+)["']""", text))


def _profiled(compose, profile: str | None) -> set[str]:
    return {
        name
        for name, service in compose["services"].items()
        if (profile in service.get("profiles", []))
        or (profile is None and "profiles" not in service)
    }


def test_every_service_is_there(compose):
    assert _profiled(compose, None) == {"db", "redis", *APP_SERVICES}
    assert _profiled(compose, "s3") == {"minio", "storage-bucket"}


def test_the_scaled_layout_replicates_web_and_workers_and_runs_beat_once(compose):
    services = compose["services"]
    assert services["web"]["deploy"]["replicas"] == "${WEB_REPLICAS:-1}"
    assert services["worker"]["deploy"]["replicas"] == "${WORKER_REPLICAS:-1}"
    assert services["beat"]["deploy"]["replicas"] == 1
    # Replicas share files through object storage when STORAGE_URL is given.
    for name in APP_SERVICES:
        assert services[name]["environment"]["STORAGE_URL"] == "${STORAGE_URL:-}"
    # The default stack never waits for the s3 profile.
    for name in _profiled(compose, None):
        assert not set(services[name].get("depends_on", {})) & _profiled(compose, "s3"), name
    assert services["storage-bucket"]["depends_on"]["minio"]["condition"] == "service_healthy"
    assert "minio-data:/data" in services["minio"]["volumes"]


def test_app_services_run_the_portal_image_with_their_commands(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["image"] == "sistercity-portal:latest"
    assert services["web"]["command"][:2] == ["gunicorn", "config.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"


def test_app_services_wait_for_healthy_db_and_redis_and_for_migrations(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        needs = services[name]["depends_on"]
        assert needs["db"]["condition"] == "service_healthy"
        assert needs["redis"]["condition"] == "service_healthy"
        if name != "migrate":
            assert needs["migrate"]["condition"] == "service_completed_successfully"


def test_every_long_running_service_has_a_health_check(compose):
    for name in ["db", "redis", "web", "worker", "beat"]:
        assert compose["services"][name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def test_data_lives_in_volumes(compose):
    services = compose["services"]
    assert "db-data:/var/lib/postgresql/data" in services["db"]["volumes"]
    for name in ["web", "worker"]:
        assert "media:/data/media" in services[name]["volumes"]
    assert {"db-data", "media"} <= set(compose["volumes"])


def test_app_services_get_every_variable_production_needs(compose):
    known = _settings_variables()
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        missing = [v for v in REQUIRED_IN_PRODUCTION if v not in environment]
        assert not missing, (name, missing)
        own = _gunicorn_variables() if name == "web" else set()
        unknown = sorted(set(environment) - known - own)
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"
        assert "@db:5432/" in environment["DATABASE_URL"]
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


@pytest.mark.parametrize(
    ("given", "storage"),
    [
        ({}, "FileSystemStorage"),
        (
            {
                "STORAGE_URL": "s3://portal-media?endpoint_url=http://minio:9000",
                "AWS_ACCESS_KEY_ID": "portal",
                "AWS_SECRET_ACCESS_KEY": "minio-secret-0123",
            },
            "S3Storage",
        ),
    ],
)
def test_the_compose_environment_loads_the_settings(compose, given, storage):
    """The web service's environment, as compose would resolve it, makes valid settings."""
    env = {"SECRET_KEY": "compose-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz", **given}
    resolved = {
        key: _interpolate(str(value), env)
        for key, value in compose["services"]["web"]["environment"].items()
    }
    code = (
        "import config.settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['HOST'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.MEDIA_ROOT, s.STORAGES['default']['BACKEND'].rsplit('.', 1)[1])"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "TESTING"} and not k.startswith(("AWS_", "STORAGE_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **resolved},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "db", "False", "/data/media", storage]


def test_secret_key_is_required_by_compose(compose):
    with pytest.raises(KeyError, match="SECRET_KEY"):
        _interpolate(compose["services"]["web"]["environment"]["SECRET_KEY"], {})


@pytest.mark.skipif(
    not (shutil.which("docker-compose") or shutil.which("docker")),
    reason="no compose client on this machine",
)
@pytest.mark.parametrize("profile", [[], ["--profile", "s3"]])
def test_a_compose_client_accepts_the_file(profile):
    if shutil.which("docker-compose"):
        client = ["docker-compose"]
    else:
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode != 0:
            pytest.skip("docker has no compose plugin here")
        client = ["docker", "compose"]
    result = subprocess.run(
        [*client, *profile, "config", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_image_installs_what_weasyprint_and_chinese_need():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for package in ["fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "gettext"]:
        assert package in dockerfile
    assert "compilemessages" in dockerfile and "collectstatic" in dockerfile
    assert "USER portal" in dockerfile


def test_the_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = sorted(v for v in _settings_variables() if f"`{v}`" not in readme)
    assert not undocumented, f"document these in README.md: {undocumented}"


def test_the_celery_app_knows_the_beat_task():
    from config.celery import app

    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule["review-reminders"]
    assert schedule["task"] in app.tasks
    # Workers must know every task the portal queues, not only the scheduled one.
    for task in [
        "reviews.tasks.deliver_reminder_task",
        "reviews.report_tasks.render_progress_report",
    ]:
        assert task in app.tasks, task
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({8}, {0})
    assert app.conf.timezone == "Europe/Helsinki"


def test_health_check_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
