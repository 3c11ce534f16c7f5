"""Hostile values and what must hold after each of them, shared by the generated tests of every
form (tests/portal/test_hostile_forms.py) and every writable API endpoint
(tests/api/test_hostile_api.py): never a 500; a refusal changes nothing; whatever is accepted
is within the bounds of core.inputs."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Max, Sum

from core import inputs
from core.models import HistoryEntry

TEXTS = [
    "a\nb",
    "a\x00b",
    "a\u202eb",
    "a\x1b[31mb",
    "x" * (inputs.LIMITS["text"] + 1),
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "\ud800",
]
DATES = ["0001-01-01", "9999-12-31", "2021-02-30", "1949-12-31"]
NUMBERS = ["-1", "99999999999999999999999", "1.5", "abc", "1e400"]

# Written by the system, never from input (their texts are the portal's own).
NOT_INPUT = {"core.HistoryEntry", "reviews.Reminder", "reviews.Digest", "reports.ProgressReport"}
_APPS = {
    "auth",
    "partners",
    "cooperation",
    "events",
    "reviews",
    "reports",
    "api",
    "plandata",
    "public",
    "portal",
}


def _input_models():
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in _APPS and label not in NOT_INPUT and not model._meta.proxy:
            yield model


def stored_problems() -> set:
    """Every stored text or date out of bounds: (model, pk, field)."""
    found = set()
    for model in _input_models():
        for obj in model._default_manager.all():
            found |= {(model._meta.label, obj.pk, name) for name in inputs.problems(obj)}
    return found


def fingerprint() -> tuple:
    """What moves when anything is written: the history, and what it does not record."""
    from api.models import ApiToken, CalendarFeed
    from cooperation.models import Evidence, StatusUpdate
    from plandata.models import PlanDraft
    from reports.models import ProgressReport
    from reviews.models import Review

    return (
        HistoryEntry.objects.aggregate(m=Max("pk"))["m"],
        *(m.objects.count() for m in (StatusUpdate, Evidence, ApiToken, CalendarFeed)),
        ProgressReport.objects.count(),
        PlanDraft.objects.aggregate(v=Sum("version"), n=Max("pk"))["v"],
        Review.objects.aggregate(v=Sum("version"))["v"],
    )


def check_outcome(status: int, before: tuple, problems_before: set, where) -> None:
    """After one hostile request: no 500; refused → nothing written; accepted → in bounds."""
    assert status < 500, (where, status)
    if status >= 400:
        assert fingerprint() == before, ("refused but written", where, status)
    else:
        leaked = stored_problems() - problems_before
        assert not leaked, ("stored out of bounds", where, sorted(leaked))
