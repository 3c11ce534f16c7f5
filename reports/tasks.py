"""Celery task for progress reports: a thin wrapper that takes an id and calls
``services.render_report``. Queued by ``services.request_report`` once the row is committed.
"""

from __future__ import annotations

import logging

from celery import shared_task

from core.doors import Door, through

from . import services
from .models import ProgressReport, ReportStatus

log = logging.getLogger(__name__)

# A transient failure (the database went away, a lock timed out) is tried again after 30 s,
# 60 s, 120 s; the report shows "failed" with the reason meanwhile and after the last try.
RETRY_DELAYS = (30, 60, 120)


# The name it had in the reviews app: messages queued before the move still find it.
@shared_task(
    name="reviews.report_tasks.render_progress_report",
    bind=True,
    acks_late=True,
    max_retries=len(RETRY_DELAYS),
)
@through(Door.TASK)
def render_progress_report(self, report_id: int) -> str:
    """Render one report; returns its status. A repeated delivery of a report that is done
    already (acks_late redelivers after a worker dies) does nothing."""
    if ProgressReport.objects.filter(pk=report_id, status=ReportStatus.DONE).exists():
        log.info("report %s is done already; nothing to do", report_id)
        return ReportStatus.DONE
    try:
        report = services.render_report(report_id)
    except ProgressReport.DoesNotExist:
        log.info("report %s no longer exists; nothing to do", report_id)
        return "missing"
    except services.TRANSIENT_ERRORS as exc:
        delay = RETRY_DELAYS[min(self.request.retries, len(RETRY_DELAYS) - 1)]
        raise self.retry(exc=exc, countdown=delay) from exc
    return report.status
