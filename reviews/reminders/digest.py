"""The monthly digest: between reviews, the staff of each agency hear once a month about their
open activities that have had no update for ``DIGEST_STALE_DAYS`` days.

The same claim-then-send machinery as the review reminders: ``sweep_digests`` claims each
(recipient, month) by inserting its ``Digest`` row (the unique constraint lets exactly one
sweep win, however often it runs and on however many workers) and queues its delivery once
the row is committed; ``deliver_digest`` sends it through ``delivery.send_once`` (one
conditional UPDATE claims it). Who gets one: active agency staff with an e-mail address who
have not opted out on their profile, whose agency leads or takes part in such an activity of
a plan that is running (not a draft, concluded or renewed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.lifecycle import NOT_RUNNING
from cooperation.models import CLOSED_STATUSES, Activity
from core.templatetags.content import tr_text
from partners import clock
from partners.models import Role

from ..models import Digest, ReminderStatus
from .delivery import due_again, send_once
from .email import email_languages, local_when, message_id, time_zone_of

User = get_user_model()

DIGEST_STALE_DAYS = 90


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def stale_cutoff(today: datetime.date) -> datetime.datetime:
    """Not updated since the start of the day ``DIGEST_STALE_DAYS`` days ago (portal time)."""
    day = today - datetime.timedelta(days=DIGEST_STALE_DAYS)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=clock.portal_zone())


def stale_by_agency(today: datetime.date) -> dict[int, list[int]]:
    """Agency id -> ids of the stale open activities it leads or takes part in: two queries."""
    stale = (
        Activity.objects.filter(updated_at__lt=stale_cutoff(today))
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(theme__plan__status__in=NOT_RUNNING)
    )
    by_agency: dict[int, set[int]] = {}
    for pk, first, second in stale.values_list(
        "pk", "first_lead_agency_id", "second_lead_agency_id"
    ):
        for agency_id in (first, second):
            if agency_id:
                by_agency.setdefault(agency_id, set()).add(pk)
    participations = Activity.participants.through.objects.filter(activity__in=stale)
    for agency_id, pk in participations.values_list("agency_id", "activity_id"):
        by_agency.setdefault(agency_id, set()).add(pk)
    return {agency_id: sorted(ids) for agency_id, ids in by_agency.items()}


@dataclass
class PlannedDigest:
    recipient: object
    language: str
    activity_ids: list[int]
    digest_id: int | None = None


@dataclass
class DigestSweepResult:
    month: datetime.date
    dry_run: bool
    digests: list[PlannedDigest] = field(default_factory=list)
    lost_races: int = 0
    requeued: list[int] = field(default_factory=list)


def plan_digests(today: datetime.date) -> list[PlannedDigest]:
    """Who gets this month's digest, in which language, about which activities."""
    by_agency = stale_by_agency(today)
    people = (
        User.objects.filter(
            is_active=True,
            profile__role=Role.AGENCY_STAFF,
            profile__agency_id__in=list(by_agency),
            profile__wants_monthly_digest=True,
        )
        .exclude(email="")
        .select_related("profile")
        .order_by("username")
    )
    return [
        PlannedDigest(
            recipient=user,
            language=user.profile.preferred_language,
            activity_ids=by_agency[user.profile.agency_id],
        )
        for user in people
    ]


def _queue_delivery(digest_id: int) -> None:
    from ..tasks import deliver_digest_task

    transaction.on_commit(lambda: deliver_digest_task.delay(digest_id), robust=True)


def _claim(planned: PlannedDigest, month: datetime.date) -> int | None:
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                recipient=planned.recipient,
                month=month,
                activity_ids=planned.activity_ids,
                language=planned.language,
            )
            _queue_delivery(digest.pk)
    except IntegrityError:
        return None
    return digest.pk


def sweep_digests(
    *, today: datetime.date | None = None, dry_run: bool = False
) -> DigestSweepResult:
    """Send this month's digest to whoever should have it and has not had it yet. Safe to
    run any number of times, concurrently too; ``dry_run`` writes and queues nothing."""
    today = today or clock.today_for(None)
    month = month_of(today)
    result = DigestSweepResult(month=month, dry_run=dry_run)
    had_it = set(Digest.objects.filter(month=month).values_list("recipient_id", flat=True))
    planned = [p for p in plan_digests(today) if p.recipient.pk not in had_it]
    if dry_run:
        result.digests = planned
        return result
    for item in planned:
        item.digest_id = _claim(item, month)
        if item.digest_id is None:
            result.lost_races += 1
        else:
            result.digests.append(item)
    claimed_now = {item.digest_id for item in result.digests}
    again = Digest.objects.filter(due_again(timezone.now()), recipient__is_active=True)
    for digest_id in again.order_by("pk").values_list("pk", flat=True):
        if digest_id not in claimed_now:
            _queue_delivery(digest_id)
            result.requeued.append(digest_id)
    return result


# --- the e-mail -----------------------------------------------------------------------------


def build_digest(digest: Digest, *, connection=None) -> EmailMultiAlternatives:
    """The digest's e-mail (plain text and HTML) in the recipient's language(s)."""
    user = digest.recipient
    profile = getattr(user, "profile", None)
    tz = time_zone_of(profile)
    activities = list(
        Activity.objects.filter(pk__in=digest.activity_ids)
        .select_related("theme__plan")
        .order_by("theme__plan_id", "theme__order", "id")
    )
    site = settings.SITE_URL
    sections = []
    for language in email_languages(digest.language):
        with translation.override(language):
            sections.append(
                {
                    "language": language,
                    "name": user.get_full_name() or user.get_username(),
                    "agency": tr_text(profile.agency, "name") if profile and profile.agency else "",
                    "days": DIGEST_STALE_DAYS,
                    "activities": [
                        {
                            "title": tr_text(activity, "title"),
                            "plan": tr_text(activity.theme.plan, "title"),
                            "status": str(activity.get_status_display()),
                            "updated": local_when(activity.updated_at, tz),
                            "url": site + reverse("activity-detail", args=[activity.pk]),
                        }
                        for activity in activities
                    ],
                }
            )
    context = {"sections": sections, "profile_url": site + reverse("profile")}
    subject = " ".join(render_to_string("reviews/email/digest_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reviews/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "Message-ID": message_id(digest.pk, "monthly-digest"),
            "Auto-Submitted": "auto-generated",
        },
        connection=connection,
    )
    message.attach_alternative(render_to_string("reviews/email/digest.html", context), "text/html")
    return message


def deliver_digest(digest_id: int) -> bool:
    """Send one digest, once. True when this call sent it."""
    digest = (
        Digest.objects.select_related("recipient__profile__city", "recipient__profile__agency")
        .filter(pk=digest_id)
        .first()
    )
    if digest is None or digest.status == ReminderStatus.SENT:
        return False
    profile = getattr(digest.recipient, "profile", None)
    if not digest.recipient.is_active or not getattr(profile, "wants_monthly_digest", False):
        return False  # left, or opted out since the sweep
    return send_once(
        Digest,
        digest_id,
        recipient=digest.recipient,
        build=lambda connection: build_digest(digest, connection=connection),
    )
