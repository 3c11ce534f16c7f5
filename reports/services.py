"""Progress report writes: requesting a report, rendering a stored one, rendering to a file.

One write path, three callers. ``render_report(report_id)`` renders a stored ``ProgressReport``
(the Celery task and the tests call it); ``write_report_pdf(...)`` renders to a file without a
database row (``manage.py render_report`` and the benchmark call it, and so does
``render_report``); ``request_report(...)`` records a request and queues its rendering once the
row is committed (the report page and the API call it).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import ActionPlan, Theme
from core import inputs
from partners import access, clock
from partners.access import Action

from . import parallel, rendering, snapshot, workers
from .models import ProgressReport, ReportLanguage, ReportStatus

log = logging.getLogger(__name__)

#: Errors worth another try later (the database went away, a lock timed out): the task
#: retries on these; anything else is recorded as the report's failure at once.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
ERROR_MAX_CHARS = 1000


class ReportRequestError(ValidationError):
    """The request cannot be made (theme of another plan, date in the future, …)."""


@dataclass
class RenderResult:
    page_count: int
    html_seconds: float
    layout_seconds: float
    write_seconds: float
    activity_count: int
    processes: int = 1  # the processes it was laid out in (1: one WeasyPrint document)
    # In parts: the CPU seconds of each worker's task, in two rounds (the parts and the
    # front's page count; then the overlay and the front), for the benchmark.
    worker_cpu: list = field(default_factory=list)


def write_report_pdf(
    *,
    plan: ActionPlan,
    theme: Theme | None,
    language: str,
    as_of: datetime.date,
    output: str | os.PathLike | BinaryIO,
    generated_at: datetime.datetime | None = None,
    url_fetcher=None,
    processes: int | None = None,
) -> RenderResult:
    """Render the report of ``plan`` (or ``theme``) as of ``as_of`` in ``language`` to
    ``output``. Used by ``render_report``, ``manage.py render_report`` and the benchmark.

    With ``settings.REPORT_TAGGED`` (the default) the report is a tagged PDF/UA-1, in parts
    too (their structure trees merged, ``reports.structure_merge``). ``processes``: with 1,
    the report is one WeasyPrint document laid out here; with more, and more than one theme
    chapter, its parts are laid out in that many worker processes
    and merged (``reports.parallel``). None (the default) chooses by size: one document for a
    small report, parts in ``settings.REPORT_RENDER_PROCESSES`` workers for a large one
    (``parallel.use_parts``). A custom ``url_fetcher`` serves this process's layouts only;
    workers use ``StaticFilesFetcher``.
    """
    if theme is not None and theme.plan_id != plan.pk:
        raise ReportRequestError(_("This theme belongs to another plan."))
    started = time.perf_counter()
    # Unless asked for one process, what this process holds already stays out of the
    # collector's way (and so unshared pages uncopied) while the report is rendered.
    with contextlib.nullcontext() if processes == 1 else workers.heap_frozen():
        data = snapshot.collect(plan, theme, as_of)
        context = rendering.report_context(data, language, generated_at=generated_at)
        in_parts = parallel.use_parts(data, processes)
        if in_parts:
            html_seconds = time.perf_counter() - started
            with rendering.ONE_PDF_AT_A_TIME:
                pages, layout, write, worker_cpu = parallel.write_parallel(
                    context, output, processes=in_parts, url_fetcher=url_fetcher
                )
    if not in_parts:
        html = rendering.render_template("reports/report.html", context)
        html_seconds = time.perf_counter() - started
        pages, layout, write = rendering.html_to_pdf(
            html, output, url_fetcher=url_fetcher, tagged=settings.REPORT_TAGGED
        )
    return RenderResult(
        page_count=pages,
        html_seconds=html_seconds,
        layout_seconds=layout,
        write_seconds=write,
        activity_count=data.activity_count,
        processes=in_parts or 1,
        worker_cpu=worker_cpu if in_parts else [],
    )


# --- stored reports -------------------------------------------------------------------------


def request_report(
    *,
    user,
    plan: ActionPlan,
    theme: Theme | None,
    language: str,
    as_of: datetime.date,
) -> ProgressReport:
    """Record a request for a report and queue its rendering once the row is committed.

    Any member of the plan's partnership may ask (``Action.VIEW``). Raises PermissionDenied or
    ReportRequestError.
    """
    access.require(user, Action.VIEW, plan)
    if theme is not None and theme.plan_id != plan.pk:
        raise ReportRequestError({"theme": _("This theme belongs to another plan.")})
    if language not in ReportLanguage.values:
        raise ReportRequestError({"language": _("Choose one of the listed languages.")})
    refused = inputs.date_error(ProgressReport._meta.get_field("as_of"), as_of)
    if refused is not None:
        raise ReportRequestError({"as_of": refused})
    if as_of > clock.today_for(user):
        raise ReportRequestError({"as_of": _("The report date cannot be in the future.")})
    with transaction.atomic():
        report = ProgressReport.objects.create(
            plan=plan,
            theme=theme,
            language=language,
            as_of=as_of,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
        )
        queue_render(report.pk)
    return report


def queue_render(report_id: int) -> None:
    """Queue the rendering after the current transaction commits (never before)."""
    from .tasks import render_progress_report

    transaction.on_commit(lambda: render_progress_report.delay(report_id), robust=True)


def _file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(partial(fh.read, 1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:  # OSError locally; botocore's errors from object storage
        log.warning("could not delete the replaced report file %s", name, exc_info=True)


def _reason(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text[:ERROR_MAX_CHARS]


def _mark_failed(report_id: int, reason: str) -> None:
    try:
        ProgressReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=reason, finished_at=timezone.now()
        )
    except TRANSIENT_ERRORS:
        log.warning("could not record the failure of report %s", report_id, exc_info=True)


def render_report(report_id: int) -> ProgressReport:
    """Render a stored report, replacing its previous file; safe to run again.

    Marks it ``rendering``, renders to a temporary file, then in one transaction stores the
    file under a new generated name with its checksum, size and page count and marks it
    ``done``; the file it replaces is deleted once that commits. On an error the report is
    ``failed`` with the reason and no new file is kept. Transient database errors are raised
    again (after recording them) so that the task can retry; other errors are not raised.
    Raises ProgressReport.DoesNotExist for an unknown id.
    """
    report = ProgressReport.objects.select_related("plan", "theme").get(pk=report_id)
    ProgressReport.objects.filter(pk=report_id).update(
        status=ReportStatus.RENDERING, started_at=timezone.now(), error=""
    )
    fd, tmp_name = tempfile.mkstemp(prefix="progress-report-", suffix=".pdf")
    os.close(fd)
    tmp = Path(tmp_name)
    saved_name = None
    committed = False
    try:
        result = write_report_pdf(
            plan=report.plan,
            theme=report.theme,
            language=report.language,
            as_of=report.as_of,
            output=tmp,
            generated_at=report.created_at,
        )
        sha256, size = _file_digest(tmp)
        with transaction.atomic():
            locked = ProgressReport.objects.select_for_update().get(pk=report_id)
            old_name = locked.file.name
            with tmp.open("rb") as fh:
                locked.file.save("report.pdf", File(fh), save=False)
            saved_name = locked.file.name
            locked.sha256 = sha256
            locked.size = size
            locked.page_count = result.page_count
            locked.status = ReportStatus.DONE
            locked.error = ""
            locked.finished_at = timezone.now()
            locked.save(
                update_fields=[
                    "file",
                    "sha256",
                    "size",
                    "page_count",
                    "status",
                    "error",
                    "finished_at",
                ]
            )
            if old_name and old_name != saved_name:
                transaction.on_commit(partial(_delete_file, old_name))
        committed = True
        log.info(
            "report %s rendered: %s pages, %s bytes, %.1f s",
            report_id,
            result.page_count,
            size,
            result.html_seconds + result.layout_seconds + result.write_seconds,
        )
    except TRANSIENT_ERRORS as exc:
        log.warning("report %s: transient error, will retry: %s", report_id, exc)
        _mark_failed(report_id, _reason(exc))
        raise
    except Exception as exc:
        log.exception("report %s failed", report_id)
        _mark_failed(report_id, _reason(exc))
    finally:
        tmp.unlink(missing_ok=True)
        if saved_name and not committed:
            _delete_file(saved_name)
    return ProgressReport.objects.select_related("plan", "theme").get(pk=report_id)
