"""The interface catalogues: complete, well-formed, and holding every string of the code."""

import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

CATALOGUES = ["zh_Hans", "fi"]
SOURCE_DIRS = [
    "config",
    "core",
    "partners",
    "cooperation",
    "events",
    "reviews",
    "reports",
    "portal",
    "api",
    "templates",
]
SOURCE_DIRS += ["static", "locale"]
IGNORED = shutil.ignore_patterns("__pycache__", "*.mo")

needs_gettext = pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext is not installed")


def _po(locale: str):
    return settings.BASE_DIR / "locale" / locale / "LC_MESSAGES" / "django.po"


def _msgids(path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every live entry, continuation lines joined."""
    entries, context, msgid, field = set(), None, None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if msgid:
                entries.add((context, msgid))
            if not line:
                context, msgid, field = None, None, None
            continue
        if line.startswith("msgctxt "):
            context, field = line[8:].strip('"'), "ctx"
        elif line.startswith("msgid "):
            msgid, field = line[6:].strip('"'), "id"
        elif line.startswith(("msgid_plural", "msgstr")):
            field = None
        elif line.startswith('"') and field == "id":
            msgid += line.strip('"')
        elif line.startswith('"') and field == "ctx":
            context += line.strip('"')
    return entries


@needs_gettext
@pytest.mark.parametrize("locale", CATALOGUES)
def test_catalogue_is_complete_and_well_formed(locale):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(_po(locale))],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert re.match(r"^\d+ translated messages\.$", result.stderr.strip()), result.stderr


@needs_gettext
@pytest.mark.parametrize("locale", CATALOGUES)
def test_catalogue_holds_every_string_of_the_code(locale, tmp_path, settings, monkeypatch):
    """makemessages over a copy of the sources finds nothing the committed catalogue lacks.

    A copy, because makemessages writes into the ``locale`` folder of the tree it walks.
    """
    source = settings.BASE_DIR
    for name in SOURCE_DIRS:
        if (source / name).is_dir():
            shutil.copytree(source / name, tmp_path / name, ignore=IGNORED)
    copy = tmp_path / "locale"
    settings.LOCALE_PATHS = [copy]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages",
        locale=[locale],
        ignore_patterns=["static/*"],
        no_obsolete=True,
        verbosity=0,
    )
    extracted = _msgids(copy / locale / "LC_MESSAGES" / "django.po")
    committed = _msgids(_po(locale))
    missing = sorted(m for c, m in extracted - committed)
    assert not missing, f"run `make messages` and translate: {missing[:20]}"


@pytest.mark.parametrize(
    ("language", "english", "translated"),
    [
        ("zh-hans", "Activities", "活动"),
        ("zh-hans", "Dashboard", "概览"),
        ("fi", "Events", "Tapahtumat"),
    ],
)
def test_the_interface_speaks_the_language(language, english, translated):
    with translation.override(language):
        assert translation.gettext(english) == translated
