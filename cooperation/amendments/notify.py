"""E-mails about amendments: to the other side's coordinators when one is submitted, to the
author's side when it is approved or returned. Each in the recipient's language (English and
Chinese when they have not chosen one), sent after the decision is committed (the services
call these through ``transaction.on_commit``), never failing the decision itself.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.dates import long_date
from core.templatetags.content import tr_text
from partners.models import Profile, Role

from .models import Amendment, AmendmentStatus

log = logging.getLogger("portal.mail")
BOTH_LANGUAGES = ("en", "zh-hans")


def _languages(profile: Profile) -> tuple[str, ...]:
    available = {code for code, _name in settings.LANGUAGES}
    chosen = profile.preferred_language
    return (chosen,) if chosen in available else BOTH_LANGUAGES


def _coordinators(city_ids):
    return (
        Profile.objects.filter(role=Role.COORDINATOR, city_id__in=city_ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "city")
        .order_by("user_id")
    )


def _send(amendment: Amendment, profiles, template: str) -> int:
    url = settings.SITE_URL + reverse("amendment-detail", args=[amendment.pk])
    sent = 0
    for profile in profiles:
        sections = []
        for language in _languages(profile):
            with translation.override(language):
                sections.append(
                    {
                        "language": language,
                        "plan": tr_text(amendment.plan, "title"),
                        "title": tr_text(amendment, "title"),
                        "number": amendment.number,
                        "side": tr_text(amendment.side, "name"),
                        "effective_on": long_date(amendment.effective_on),
                        "status": str(amendment.get_status_display()),
                        "approved": amendment.status == AmendmentStatus.APPROVED,
                        "comment": amendment.return_comment,
                    }
                )
        context = {"sections": sections, "url": url}
        subject = " ".join(
            render_to_string(f"cooperation/email/{template}_subject.txt", context).split()
        )
        message = EmailMessage(
            subject=subject,
            body=render_to_string(f"cooperation/email/{template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[profile.user.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        try:
            message.send()
            sent += 1
        except Exception:  # a mail server down must not undo a decision already committed
            log.exception("amendment mail to user %s failed", profile.user_id)
    return sent


def _amendment(pk: int) -> Amendment:
    return Amendment.objects.select_related("plan__partnership", "side").get(pk=pk)


def submitted(pk: int) -> int:
    """Tell the other side's coordinators that an amendment awaits their signature."""
    amendment = _amendment(pk)
    others = amendment.plan.partnership.access_cities() - {amendment.side_id}
    return _send(amendment, _coordinators(others), "amendment_submitted")


def decided(pk: int) -> int:
    """Tell the author's side that the other side approved or returned their amendment."""
    amendment = _amendment(pk)
    return _send(amendment, _coordinators([amendment.side_id]), "amendment_decided")
