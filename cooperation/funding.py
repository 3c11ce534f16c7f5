"""Writes of an activity's funding (Article Three): add, change, remove one source's money.

The same rules as the activity form's funding rows (``cooperation.forms.FundingForm``): the
currency is a three-letter ISO 4217 code (given in any case, stored in capitals) and the
amount is not negative. Who may change the activity may change its funding. Each write moves
the activity's version on (its ETag changes) and records who changed it and when.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import access
from partners.access import Action

from .models import Activity, Funding


def _touch(activity: Activity, user) -> None:
    Activity.objects.filter(pk=activity.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=user
    )


def _clean(funding: Funding) -> None:
    errors = {}
    funding.currency = (funding.currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", funding.currency):
        errors["currency"] = [
            _("Give the currency as its three-letter ISO 4217 code, such as EUR or CNY.")
        ]
    if funding.amount is not None and Decimal(funding.amount) < 0:
        errors["amount"] = [_("The amount cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    funding.full_clean(exclude=["activity"])


@transaction.atomic
def add_funding(
    *, user, activity: Activity, source: str, amount, currency: str = "EUR", funder: str = ""
) -> Funding:
    access.require(user, Action.CHANGE, activity)
    funding = Funding(
        activity=activity, source=source, funder=funder, amount=amount, currency=currency
    )
    _clean(funding)
    funding.save()
    _touch(activity, user)
    return funding


@transaction.atomic
def update_funding(*, user, funding: Funding, **fields) -> Funding:
    """Change ``source``, ``funder``, ``amount`` and/or ``currency`` of ``funding``."""
    access.require(user, Action.CHANGE, funding.activity)
    unknown = set(fields) - {"source", "funder", "amount", "currency"}
    if unknown:
        raise TypeError(f"update_funding() got unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(funding, name, value)
    _clean(funding)
    funding.save()
    _touch(funding.activity, user)
    return funding


@transaction.atomic
def delete_funding(*, user, funding: Funding) -> None:
    access.require(user, Action.CHANGE, funding.activity)
    activity = funding.activity
    funding.delete()
    _touch(activity, user)
