"""An activity's funding (Article Three): adding, changing and removing one source's money.

The currency is a three-letter ISO 4217 code (given in any case, stored in capitals). The
amount committed and the amount spent (empty until reported) are neither negative nor above
MAX_AMOUNT, both in that currency. Who may change the activity may change its funding. Each
write moves the activity's version on (its ETag changes, an edit form open elsewhere becomes
stale) and records who changed it and when. The activity form's funding rows, the API's
funding endpoint, /admin/ and the demo loader all write here.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import bilingual, writes
from partners import access
from partners.access import Action

from ..models import Activity, Funding

FIELDS = ("source", "funder_en", "funder_zh_hans", "amount", "spent", "currency")
AMOUNTS = ("amount", "spent")
# More than any activity of a city partnership costs, in any currency (the column holds 10^12):
# a larger number is a typing slip, and plan totals stay far from overflowing.
MAX_AMOUNT = Decimal("10000000000")


def _touch(activity: Activity, user) -> None:
    Activity.objects.filter(pk=activity.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=access.person(user)
    )


def _amount_error(value) -> str | None:
    try:
        number = None if value is None else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None  # the model's own check names a number that is no number
    if number is None or not number.is_finite():
        return None
    if number < 0:
        return _("The amount cannot be negative.")
    if number > MAX_AMOUNT:
        return _("The amount cannot be more than %(maximum)s.") % {
            "maximum": formats.number_format(MAX_AMOUNT, 0, use_l10n=True, force_grouping=True)
        }
    return None


def _check(funding: Funding) -> None:
    errors = {}
    funding.currency = (funding.currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", funding.currency):
        errors["currency"] = [
            _("Give the currency as its three-letter ISO 4217 code, such as EUR or CNY.")
        ]
    for name in AMOUNTS:
        error = _amount_error(getattr(funding, name))
        if error:
            errors[name] = [error]
    for name in bilingual.fields_of("funder"):
        setattr(funding, name, (getattr(funding, name) or "").strip())
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_funding(
    *,
    user,
    activity: Activity,
    source: str,
    amount,
    currency: str = "EUR",
    funder: str | None = None,
    funder_en: str = "",
    funder_zh_hans: str = "",
    spent=None,
) -> Funding:
    """Add a funding row; the funder in English, Chinese or both (a plain ``funder``: the
    active language's)."""
    access.require(user, Action.CHANGE, activity)
    funders = bilingual.in_language(
        "funder", {"funder": funder, "funder_en": funder_en, "funder_zh_hans": funder_zh_hans}
    )
    funding = Funding(
        activity=activity,
        source=source,
        **funders,
        amount=amount,
        spent=spent,
        currency=currency,
    )
    _check(funding)
    writes.save_new(funding)
    _touch(activity, user)
    return funding


@transaction.atomic
def update_funding(*, user, funding: Funding, **changes) -> Funding:
    """Change ``source``, ``funder_en``/``funder_zh_hans`` (or a plain ``funder``: the active
    language's), ``amount``, ``spent`` and/or ``currency`` of ``funding``."""
    changes = bilingual.in_language("funder", changes)
    current = (
        Funding.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=funding.pk)
    )
    access.require(user, Action.CHANGE, current.activity)
    if isinstance(changes.get("currency"), str):
        # "eur" for a stored "EUR" is no change.
        changes = {**changes, "currency": changes["currency"].strip().upper()}
    changed = writes.set_changes(current, changes, allowed=FIELDS)
    _check(current)
    if changed:
        writes.save_changed(current, {*changed, "currency", *bilingual.fields_of("funder")})
        _touch(current.activity, user)
    return current


@transaction.atomic
def delete_funding(*, user, funding: Funding) -> None:
    current = (
        Funding.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=funding.pk)
    )
    access.require(user, Action.CHANGE, current.activity)
    current.delete()
    _touch(current.activity, user)
