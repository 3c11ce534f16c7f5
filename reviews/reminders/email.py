"""The reminder e-mail: plain text and HTML, in the recipient's language (English and Chinese
when they have not chosen one), with dates and times in their city's time zone, and a
``Message-ID`` that stays the same for every attempt."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import time_format

from cooperation.models import Activity, ThemeAgency
from core.dates import long_date
from core.templatetags.content import tr_text
from partners import clock
from partners.models import Agency, Role

from ..models import Reminder
from .schedule import STALE_AFTER_DAYS

# Languages an e-mail is written in when the recipient has not chosen one: English first.
BOTH_LANGUAGES = ("en", "zh-hans")
# Long dates: the plan's English is British ("31 December 2021"); other languages use their
# locale's own date format (Chinese: 2021年12月31日).


def message_id(pk: int, kind: str = "review-reminder") -> str:
    """The same for every attempt at one e-mail, so a duplicate can be recognised."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{kind}-{pk}@{host}>"


def time_zone_of(profile) -> ZoneInfo:
    """The time zone of the person's city (the portal's own when unknown or misspelt)."""
    return clock.zone_of(getattr(profile, "city", None))


def local_when(value: datetime.datetime, tz: ZoneInfo) -> str:
    local = timezone.localtime(value, tz)
    return f"{long_date(local.date())} {time_format(local, 'H:i')}"


@dataclass
class _ActivityLine:
    title: str
    status: str
    updated: str
    url: str


@dataclass
class _AgencyLine:
    name: str
    count: int


@dataclass
class _Section:
    """The e-mail's text in one language, everything already formatted in it."""

    language: str
    name: str
    review_title: str
    plan_title: str
    year: str
    due_date: str
    days_left: int
    days_overdue: int
    review_url: str
    as_coordinator: bool
    side: str
    agency: str
    activities: list[_ActivityLine]
    agencies: list[_AgencyLine]
    stale_after_days: int
    sent_at: str
    time_zone: str


def email_languages(language: str) -> tuple[str, ...]:
    """The languages of an e-mail to someone who prefers ``language`` ("" = not chosen)."""
    available = {code for code, _name in settings.LANGUAGES}
    return (language,) if language in available else BOTH_LANGUAGES


def _agency_lines(reminder: Reminder, activities: list[Activity]) -> list[tuple[Agency, int]]:
    responsible = set(
        ThemeAgency.objects.filter(theme__plan_id=reminder.review.plan_id).values_list(
            "agency_id", flat=True
        )
    )
    counts: dict[int, int] = {}
    for activity in activities:
        involved = {activity.first_lead_agency_id, activity.second_lead_agency_id}
        involved.update(a.pk for a in activity.participants.all())
        for agency_id in involved & responsible:
            counts[agency_id] = counts.get(agency_id, 0) + 1
    agencies = Agency.objects.filter(pk__in=counts).select_related("city")
    return [(agency, counts[agency.pk]) for agency in agencies]


def build_message(
    reminder: Reminder,
    *,
    as_of: datetime.date | None = None,
    now: datetime.datetime | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """The reminder's e-mail (plain text and HTML) in the recipient's language(s)."""
    now = now or timezone.now()
    user = reminder.recipient
    profile = getattr(user, "profile", None)
    tz = time_zone_of(profile)
    as_of = as_of or timezone.localtime(now, tz).date()
    review = reminder.review
    days_left = (review.due_date - as_of).days
    activities = list(
        Activity.objects.filter(pk__in=reminder.activity_ids)
        .select_related("theme")
        .prefetch_related("participants")
        .order_by("theme__order", "id")
    )
    as_coordinator = bool(profile and profile.role == Role.COORDINATOR)
    agencies = _agency_lines(reminder, activities) if as_coordinator else []
    site = settings.SITE_URL

    sections = []
    for language in email_languages(reminder.language):
        with translation.override(language):
            sections.append(
                _Section(
                    language=language,
                    name=user.get_full_name() or user.get_username(),
                    review_title=tr_text(review, "title"),
                    plan_title=tr_text(review.plan, "title"),
                    year=str(review.due_date.year),
                    due_date=long_date(review.due_date),
                    days_left=max(days_left, 0),
                    days_overdue=max(-days_left, 0),
                    review_url=site + reverse("review-detail", args=[review.pk]),
                    as_coordinator=as_coordinator,
                    side=tr_text(profile.city, "name") if profile else "",
                    agency=tr_text(profile.agency, "name") if profile and profile.agency else "",
                    activities=[
                        _ActivityLine(
                            title=tr_text(activity, "title"),
                            status=str(activity.get_status_display()),
                            updated=local_when(activity.updated_at, tz),
                            url=site + reverse("activity-detail", args=[activity.pk]),
                        )
                        for activity in activities
                    ],
                    agencies=[
                        _AgencyLine(name=tr_text(agency, "name"), count=count)
                        for agency, count in agencies
                    ],
                    stale_after_days=STALE_AFTER_DAYS,
                    sent_at=local_when(now, tz),
                    time_zone=clock.zone_label_for(user),
                )
            )
    context = {"sections": sections, "my_reminders_url": site + reverse("my-reminders")}
    subject = " ".join(render_to_string("reviews/email/reminder_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reviews/email/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Message-ID": message_id(reminder.pk), "Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("reviews/email/reminder.html", context), "text/html"
    )
    return message
