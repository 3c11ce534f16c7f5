"""Switching a plan's public page on and off, and choosing its address: the one write path.

Only the coordinators of either side of the plan's partnership (and administrators) may: both
cities signed the plan, and either may publish what they agreed. The page's content is read
live from the plan (public.selectors); this row only says whether and where it is public.
"""

from __future__ import annotations

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.models import ActionPlan
from partners import access
from partners.access import Action

from .models import SLUG_MAX_LENGTH, PublicPage

SLUG_MIN_LENGTH = 3
# Lower-case ASCII letters and digits in hyphen-separated words: an address anyone can type.
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_wellformed_slug(slug: str) -> bool:
    """Whether ``slug`` could be a public page's address (the pages answer 404 before any
    query when it could not)."""
    return (
        SLUG_MIN_LENGTH <= len(slug) <= SLUG_MAX_LENGTH and SLUG_PATTERN.fullmatch(slug) is not None
    )


def default_slug(plan: ActionPlan) -> str:
    """The partnership and the period: ``helsinki-beijing-2019-2023``; numbered if taken."""
    base = f"{plan.partnership.code}-{plan.period_start_year}-{plan.period_end_year}"
    base = base.lower()[: SLUG_MAX_LENGTH - 4].strip("-")
    if not is_wellformed_slug(base):
        base = f"plan-{plan.pk}"
    taken = set(
        PublicPage.objects.filter(slug__startswith=base)
        .exclude(plan_id=plan.pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _clean_slug(slug: str, *, plan: ActionPlan) -> str:
    slug = (slug or "").strip().lower()
    if not slug:
        raise ValidationError({"slug": _("Give the page an address.")})
    if len(slug) > SLUG_MAX_LENGTH or len(slug) < SLUG_MIN_LENGTH:
        raise ValidationError(
            {
                "slug": _("The address must be %(min)d to %(max)d characters long.")
                % {"min": SLUG_MIN_LENGTH, "max": SLUG_MAX_LENGTH}
            }
        )
    if not SLUG_PATTERN.fullmatch(slug):
        raise ValidationError(
            {
                "slug": _(
                    "Use only lower-case letters a–z, digits and single hyphens between them, "
                    "such as helsinki-beijing-2019-2023."
                )
            }
        )
    if PublicPage.objects.filter(slug=slug).exclude(plan_id=plan.pk).exists():
        raise ValidationError({"slug": _("Another plan's public page has this address.")})
    return slug


@transaction.atomic
def switch_public_page(
    *,
    user,
    plan: ActionPlan,
    enabled: bool,
    slug: str | None = None,
    expected_version: int | None = None,
) -> PublicPage:
    """Switch ``plan``'s public page on or off, and set its address (``slug``; None keeps it,
    or derives one from the partnership and period for a new page).

    ``expected_version`` is the version the user's form showed: if someone else switched or
    renamed the page meanwhile, nothing is written.
    """
    # The plan's row is the lock: two first switches at once cannot both create the page.
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("partnership__first_city", "partnership__second_city")
        .get(pk=plan.pk)
    )
    access.require(user, Action.MANAGE, plan)
    page = PublicPage.objects.filter(plan_id=plan.pk).first()
    current_version = page.version if page else 0
    if expected_version is not None and expected_version != current_version:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "Someone else changed the public page while you were looking at it. "
                    "Check it and try again."
                )
            }
        )
    enabled = bool(enabled)
    new_slug = _clean_slug(slug, plan=plan) if slug is not None else None

    now, who = timezone.now(), access.person(user)
    if page is None:
        page = PublicPage(plan=plan, slug=new_slug or default_slug(plan), enabled=enabled)
        if enabled:
            page.switched_on_by, page.switched_on_at = who, now
        page.full_clean(exclude=["plan", "slug"])
        _save(page, force_insert=True)
        return page

    changed = []
    if new_slug is not None and new_slug != page.slug:
        page.slug = new_slug
        changed.append("slug")
    if enabled != page.enabled:
        page.enabled = enabled
        if enabled:
            page.switched_on_by, page.switched_on_at = who, now
            changed += ["switched_on_by", "switched_on_at"]
        else:
            page.switched_off_by, page.switched_off_at = who, now
            changed += ["switched_off_by", "switched_off_at"]
        changed.append("enabled")
    if not changed:
        return page
    page.version += 1
    _save(page, update_fields=[*changed, "version", "updated_at"])
    return page


def _save(page: PublicPage, **kwargs) -> None:
    # Another plan's page may take the same address at the same moment (its own plan's row
    # is its lock): the unique index decides, and the loser hears it as above.
    try:
        with transaction.atomic():
            page.save(**kwargs)
    except IntegrityError:
        raise ValidationError({"slug": _("Another plan's public page has this address.")}) from None
