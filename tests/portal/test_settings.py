"""Settings come from the environment, strictly: a bad value stops the start with its name."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SECRET = "a-long-random-looking-secret-for-these-tests-0123456789-abcdefghijkl"


def _run(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "TESTING"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _load(**env) -> subprocess.CompletedProcess:
    return _run("import config.settings as s; print(s.DEBUG, s.MAX_UPLOAD_MB)", **env)


def test_defaults_need_nothing():
    result = _load(DATABASE_URL="sqlite:///tmp/x.sqlite3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "10"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "ture"}, "DEBUG must be true or false"),
        ({"DEBUG": "false"}, "SECRET_KEY (or SECRET_KEY_FILE) is required"),
        ({"MAX_UPLOAD_MB": "ten"}, "MAX_UPLOAD_MB must be a whole number"),
        ({"MAX_UPLOAD_MB": "0"}, "MAX_UPLOAD_MB must be at least 1"),
        ({"SITE_URL": "portal.example.org"}, "SITE_URL must start with http"),
        ({"SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE: cannot read"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(env, message):
    result = _load(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(SECRET + "\n")
    result = _run(
        f"import config.settings as s; print(s.SECRET_KEY == {SECRET!r})",
        DEBUG="false",
        SECRET_KEY_FILE=str(secret),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_production_settings_pass_the_deployment_check():
    result = _run(
        "import sys; from django.core.management import execute_from_command_line as run;"
        "run(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL="https://portal.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_hardened():
    result = _run(
        "import config.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT, s.PASSWORD_HASHERS[0])",
        DEBUG="false",
        SECRET_KEY=SECRET,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_object_storage_comes_from_the_environment_and_a_bad_url_stops_the_start():
    code = (
        "import config.settings as s; o = s.STORAGES['default'];"
        " print(o['BACKEND'], s.STORAGE_DOWNLOADS, o['OPTIONS']['querystring_expire'])"
    )
    result = _run(
        code,
        STORAGE_URL="s3://media/portal?endpoint_url=http://minio:9000",
        STORAGE_DOWNLOADS="signed",
        STORAGE_SIGNED_URL_SECONDS="30",
        AWS_ACCESS_KEY_ID="AKIA",
        AWS_SECRET_ACCESS_KEY="s3cr3t",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "signed", "30"]
    bad = _load(STORAGE_URL="s3://media?endpoint=http://minio:9000")
    assert bad.returncode != 0
    assert "ImproperlyConfigured: STORAGE_URL: unknown option 'endpoint'" in bad.stderr


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        # As the README writes it: filemail:// and the absolute folder.
        ("filemail:///var/spool/portal-mail", "/var/spool/portal-mail"),
        # What an older README asked for (django-environ dropped one slash) still works.
        ("filemail:////var/spool/portal-mail", "/var/spool/portal-mail"),
        # Without a leading slash: in the project folder.
        ("filemail://var/mail", str(settings.BASE_DIR / "var" / "mail")),
    ],
)
def test_file_mail_goes_to_the_folder_the_url_names(url, folder):
    result = _run(
        "import config.settings as s; print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)",
        DATABASE_URL="sqlite:///tmp/x.sqlite3",
        EMAIL_URL=url,
    )
    assert result.returncode == 0, result.stderr
    backend, path = result.stdout.splitlines()[-2:]
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path == folder


def test_file_mail_without_a_folder_stops_the_start():
    result = _run(
        "import config.settings", DATABASE_URL="sqlite:///tmp/x.sqlite3", EMAIL_URL="filemail://"
    )
    assert result.returncode != 0
    assert "filemail:// needs a folder" in result.stderr
