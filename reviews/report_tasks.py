"""Celery task for progress reports: a thin wrapper that takes an id and calls
``reports.render_report``. Queued by ``reports.request_report`` once the row is committed.

Celery's autodiscovery imports ``reviews.tasks`` only: that module must import this one
(``from . import report_tasks``) for workers to know the task.
"""

from __future__ import annotations

import logging

from celery import shared_task

from . import reports
from .models import ProgressReport, ReportStatus

log = logging.getLogger(__name__)

# A transient failure (the database went away, a lock timed out) is tried again after 30 s,
# 60 s, 120 s; the report shows "failed" with the reason meanwhile and after the last try.
RETRY_DELAYS = (30, 60, 120)


@shared_task(bind=True, acks_late=True, max_retries=len(RETRY_DELAYS))
def render_progress_report(self, report_id: int) -> str:
    """Render one report; returns its status. A repeated delivery of a report that is done
    already (acks_late redelivers after a worker dies) does nothing."""
    if ProgressReport.objects.filter(pk=report_id, status=ReportStatus.DONE).exists():
        log.info("report %s is done already; nothing to do", report_id)
        return ReportStatus.DONE
    try:
        report = reports.render_report(report_id)
    except ProgressReport.DoesNotExist:
        log.info("report %s no longer exists; nothing to do", report_id)
        return "missing"
    except reports.TRANSIENT_ERRORS as exc:
        delay = RETRY_DELAYS[min(self.request.retries, len(RETRY_DELAYS) - 1)]
        raise self.retry(exc=exc, countdown=delay) from exc
    return report.status
