"""Commitments: the concrete undertakings of a theme, quoted from the plan.

Coordinators of the partnership add, change and remove them (``Action.MANAGE``). A commitment
stays in its theme, because the activities working towards it are filed under that theme; the
agencies it names are agencies of the partnership's sides or third parties. Removing one keeps
its activities (they no longer point at a commitment).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import writes
from partners import access
from partners.access import Action

from ..models import Commitment, Theme

FIELDS = (
    "code",
    "order",
    "text_en",
    "text_zh_hans",
    "derived_from_en",
    "derived_from_zh_hans",
    "target_count",
    "frequency",
    "agencies",
)


def _check_agencies(theme: Theme, agencies) -> None:
    partnership = theme.plan.partnership
    if agencies is not None and not all(partnership.includes_agency(a) for a in agencies):
        raise ValidationError({"agencies": _("This organisation is not part of the partnership.")})


@transaction.atomic
def create_commitment(*, user, theme: Theme, **values) -> Commitment:
    access.require(user, Action.MANAGE, theme)
    columns, many = writes.split_many(values, {"agencies"})
    commitment = Commitment(theme=theme)
    writes.set_changes(commitment, columns, allowed=FIELDS)
    _check_agencies(theme, many.get("agencies"))
    writes.save_new(commitment)
    writes.set_many(commitment, many)
    return commitment


@transaction.atomic
def update_commitment(*, user, commitment: Commitment, **changes) -> Commitment:
    current = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("theme__plan__partnership")
        .get(pk=commitment.pk)
    )
    access.require(user, Action.MANAGE, current)
    changes = writes.refuse_move(
        changes,
        "theme",
        current.theme,
        _("A commitment stays in its theme: the activities working towards it are filed under it."),
    )
    columns, many = writes.split_many(changes, {"agencies"})
    changed = writes.set_changes(current, columns, allowed=FIELDS)
    _check_agencies(current.theme, many.get("agencies"))
    writes.save_changed(current, changed)
    writes.set_many(current, many)
    return current


@transaction.atomic
def delete_commitment(*, user, commitment: Commitment) -> None:
    access.require(user, Action.MANAGE, commitment)
    commitment.delete()


@transaction.atomic
def withdraw_commitment(*, user, commitment: Commitment, amendment, on) -> Commitment:
    """Mark a commitment withdrawn by ``amendment`` (an approved one) from ``on``: the
    activities working towards it keep pointing at it, and its history stays."""
    current = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("theme__plan__partnership")
        .get(pk=commitment.pk)
    )
    access.require(user, Action.MANAGE, current)
    current.withdrawn_by, current.withdrawn_on = amendment, on
    return writes.save_changed(current, ["withdrawn_by", "withdrawn_on"])
