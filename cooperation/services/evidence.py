"""Evidence files of an activity: attaching one (checked by content) and deleting one."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core import inputs
from partners import access
from partners.access import Action

from ..models import Activity, Evidence
from ..uploads import inspect_upload


@transaction.atomic
def add_evidence(*, user, activity: Activity, upload, description: str = "") -> Evidence:
    """Attach a file to an activity after checking its size and, by content, its type."""
    access.require(user, Action.CHANGE, activity)
    description = (description or "").strip()
    inputs.check_value(Evidence, "description", description)
    content_type = inspect_upload(upload)
    evidence = Evidence(
        activity=activity,
        original_name=inputs.file_name(upload.name),
        content_type=content_type,
        size=upload.size,
        description=description,
        uploaded_by=access.person(user),
    )
    evidence.file.save(upload.name or "file", upload, save=False)
    evidence.save()
    Activity.objects.filter(pk=activity.pk).update(
        updated_at=timezone.now(), updated_by=access.person(user)
    )
    return evidence


@transaction.atomic
def delete_evidence(*, user, evidence: Evidence) -> None:
    access.require(user, Action.CHANGE, evidence.activity)
    stored = evidence.file
    evidence.delete()
    # robust: an unreachable storage leaves a stray file, not an error after the commit.
    transaction.on_commit(lambda: stored.storage.delete(stored.name), robust=True)
