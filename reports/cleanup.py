"""A report's file goes with its row: when a plan or theme is removed, its reports go by
cascade (no service sees them one by one), so the file is deleted when such a delete commits.
With object storage nothing else would ever remove the object."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete

from .models import ProgressReport


def _report_deleted(sender, instance: ProgressReport, **kwargs) -> None:
    if instance.file.name:
        # robust: a stray file is better than an error after the delete has committed.
        file = instance.file
        transaction.on_commit(partial(file.storage.delete, file.name), robust=True)


def connect() -> None:
    post_delete.connect(_report_deleted, sender=ProgressReport, dispatch_uid="report-file")
