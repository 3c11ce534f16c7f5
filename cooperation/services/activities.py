"""Joint activities: creating one, editing it (with the optimistic version check) and changing
its status with an append-only history. Every door (pages, API, /admin/, loaders) calls these.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import bilingual, inputs
from core.merge import Merge, plain, three_way
from partners import access, clock
from partners.access import Action
from partners.models import Agency

from ..models import CLOSED_STATUSES, Activity, ActivityStatus, StatusUpdate, Theme


@dataclass
class FieldDifference:
    field: str
    label: str
    theirs: object
    yours: object


class ActivityConflict(Exception):
    """Somebody saved the activity after the user opened it: nothing was written.

    ``differences``: without a base, every field that differs; with one, the fields both
    changed (to choose between). ``merge``, ``saved`` and ``base`` (plain values, see
    ``edit_values``) say what a resubmission keeps: the page rebases on them."""

    def __init__(
        self,
        current: Activity,
        differences: list[FieldDifference],
        *,
        merge: Merge | None = None,
        saved: dict | None = None,
        base: Mapping | None = None,
    ):
        super().__init__("activity changed meanwhile")
        self.current = current
        self.differences = differences
        self.merge = merge or Merge()
        self.saved = saved or {}
        self.base = base or {}


def _check_title(activity: Activity) -> None:
    if not (activity.title_en or "").strip() and not (activity.title_zh_hans or "").strip():
        raise ValidationError(
            {"title_en": _("Give the activity a title in English or in Chinese.")}
        )


def _check_dates(activity: Activity, *, completed: bool) -> None:
    """Ends after starts; a completed activity keeps the date it was completed."""
    errors = {}
    for start, end, message in (
        ("planned_start", "planned_end", _("The planned end cannot be before the start.")),
        ("actual_start", "actual_end", _("The actual end cannot be before the start.")),
    ):
        first, last = getattr(activity, start), getattr(activity, end)
        if first and last and last < first:
            errors[end] = message
    if completed and activity.actual_end is None:
        errors["actual_end"] = _("A completed activity keeps the date it was completed.")
    if errors:
        raise ValidationError(errors)


def _check_agencies(*, user, activity: Activity, participant_ids: Iterable[int]) -> None:
    """Lead agencies sit on the right side; staff may only file work their agency is part of."""
    partnership = activity.theme.plan.partnership
    errors = {}
    for field, city_id in (
        ("first_lead_agency", partnership.first_city_id),
        ("second_lead_agency", partnership.second_city_id),
    ):
        agency = getattr(activity, field)
        if agency is not None and agency.city_id != city_id:
            errors[field] = _("This agency is not on that city's side.")
    outside = Agency.objects.filter(pk__in=participant_ids).exclude(
        pk__in=partnership.agencies().values("pk")
    )
    if outside.exists():
        # Only agencies of the two cities, or third parties it names, take part in its work.
        errors["participants"] = _("This organisation is not part of the partnership.")
    allowed = access.editable_agency_ids(user)
    if allowed is not None:
        involved = {activity.first_lead_agency_id, activity.second_lead_agency_id}
        involved.update(participant_ids)
        if not allowed & involved:
            errors["first_lead_agency"] = _(
                "Your agency must lead or take part in the activities you record."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_activity(*, user, activity: Activity, participant_ids: Iterable[int] = ()) -> Activity:
    """Save a new activity built by a form. ``activity.theme`` must be set."""
    access.require(user, Action.CREATE_ACTIVITY, activity.theme)
    participant_ids = list(participant_ids)
    if activity.commitment_id and activity.commitment.theme_id != activity.theme_id:
        raise ValidationError({"commitment": _("This commitment belongs to another theme.")})
    inputs.check(activity)
    _check_title(activity)
    _check_dates(activity, completed=False)
    _check_agencies(user=user, activity=activity, participant_ids=participant_ids)
    activity.status = ActivityStatus.PLANNED
    activity.created_by = access.person(user)
    activity.updated_by = access.person(user)
    activity.version = 1
    activity.save()
    activity.participants.set(participant_ids)
    return activity


def _differences(current: Activity, submitted: Activity, fields: list[str], labels) -> list:
    out = []
    for name in fields:
        theirs, yours = getattr(current, name), getattr(submitted, name)
        if theirs != yours:
            out.append(FieldDifference(name, str(labels.get(name, name)), theirs, yours))
    return out


def edit_values(activity: Activity, fields: Iterable[str], participant_ids=None) -> dict:
    """The edited ``fields`` of ``activity`` and its participants as plain values (ids, ISO
    dates): what an edit form carries as its base and what ``update_activity`` merges."""
    values = {}
    for name in fields:
        if name in {"status", "version", "id"}:
            continue
        attname = Activity._meta.get_field(name).attname
        values[name] = plain(getattr(activity, attname))
    if participant_ids is None:
        participant_ids = [a.pk for a in activity.participants.all()]
    values["participants"] = plain(list(participant_ids))
    return values


def _merge(current, activity, fields, participant_ids, base, choices, labels) -> list[int]:
    """Merge the user's ``activity`` (started from ``base``) into the ``current`` one: fields
    the user did not change take the saved value. Returns the participants to keep; raises
    ActivityConflict (nothing written) when both changed a field and no choice says which."""
    saved = edit_values(current, fields)
    merge = three_way(base, saved, edit_values(activity, fields, participant_ids), choices)
    if merge.clashes:
        differences = []
        for name in merge.clashes:
            label = str(labels.get(name, name))
            if name == "participants":
                yours = sorted(participant_ids)
                differences.append(FieldDifference(name, label, saved[name], yours))
            else:
                theirs, yours = getattr(current, name), getattr(activity, name)
                differences.append(FieldDifference(name, label, theirs, yours))
        raise ActivityConflict(current, differences, merge=merge, saved=saved, base=base)
    for name in merge.keep_saved:
        if name != "participants":
            setattr(activity, name, getattr(current, name))
    return saved["participants"] if "participants" in merge.keep_saved else participant_ids


@transaction.atomic
def update_activity(
    *,
    user,
    activity: Activity,
    expected_version: int,
    fields: list[str],
    participant_ids: Iterable[int] | None = None,
    labels: dict | None = None,
    base: Mapping | None = None,
    choices: Mapping[str, str] | None = None,
) -> Activity:
    """Save the edited ``fields`` of an activity unless it was saved since ``expected_version``.

    ``activity`` carries the user's values (an unsaved, modified copy). On a conflict
    nothing is written and ActivityConflict lists the fields that now differ.

    With ``base`` (``edit_values`` of the activity the user started from, as the edit page
    carries it) the edit is merged three ways instead, whatever the version: a field the user
    did not change keeps the saved value, one only they changed takes theirs, and one both
    changed takes ``choices[field]`` (``"saved"`` or ``"yours"``) or is a conflict.
    """
    current = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("theme__plan__partnership")
        .get(pk=activity.pk)
    )
    access.require(user, Action.CHANGE, current)
    participant_ids = (
        list(participant_ids)
        if participant_ids is not None
        else [a.pk for a in current.participants.all()]
    )
    if base is not None:
        participant_ids = _merge(
            current, activity, fields, participant_ids, base, choices, labels or {}
        )
    elif current.version != expected_version:
        diff = _differences(current, activity, fields, labels or {})
        old = {a.pk for a in current.participants.all()}
        if old != set(participant_ids):
            diff.append(
                FieldDifference(
                    "participants",
                    str((labels or {}).get("participants", "participants")),
                    sorted(old),
                    sorted(participant_ids),
                )
            )
        raise ActivityConflict(current, diff)
    if "theme" in fields and activity.theme_id != current.theme_id:
        access.require(user, Action.CREATE_ACTIVITY, activity.theme)
        if activity.theme.plan_id != current.theme.plan_id:
            raise ValidationError({"theme": _("An activity cannot move to another plan.")})
    if activity.commitment_id and activity.commitment.theme_id != activity.theme_id:
        raise ValidationError({"commitment": _("This commitment belongs to another theme.")})
    inputs.check(activity)
    _check_title(activity)
    _check_dates(activity, completed=current.status == ActivityStatus.COMPLETED)
    _check_agencies(user=user, activity=activity, participant_ids=participant_ids)
    # Status has its own path with its own history: an edit never changes it.
    writable = [f for f in fields if f not in {"status", "version", "id"}]
    activity.status = current.status
    activity.version = current.version + 1
    activity.updated_by = access.person(user)
    activity.save(update_fields=[*writable, "version", "updated_by", "updated_at"])
    activity.participants.set(participant_ids)
    return activity


def _status_error(message: str) -> ValidationError:
    return ValidationError({"to_status": message})


@transaction.atomic
def change_activity_status(
    *,
    user,
    activity_id: int,
    to_status: str,
    note: str | None = None,
    note_en: str = "",
    note_zh_hans: str = "",
    date: datetime.date | None = None,
    expected_version: int | None = None,
) -> StatusUpdate:
    """Move an activity to ``to_status`` and record who, when, from, to and why.

    The note is written in English, Chinese or both (``note_en``, ``note_zh_hans``); a plain
    ``note`` is the text in the active language.

    ``date`` is the actual start (for "in progress") or actual end (for "completed");
    completing needs one. Reopening a completed or cancelled activity is a coordinator's call.
    """
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related(
            "theme__plan__partnership__first_city", "theme__plan__partnership__second_city"
        )
        .get(pk=activity_id)
    )
    access.require(user, Action.CHANGE_STATUS, activity)
    if expected_version is not None and activity.version != expected_version:
        raise _status_error(
            _(
                "Someone else changed this activity while you were looking at it. Its status "
                "is now “%(status)s”. Check it and try again."
            )
            % {"status": activity.get_status_display()}
        )
    if to_status not in ActivityStatus.values:
        raise _status_error(_("Choose one of the listed statuses."))
    if to_status == activity.status:
        raise _status_error(_("The activity already has this status."))
    notes = bilingual.in_language(
        "note", {"note": note, "note_en": note_en, "note_zh_hans": note_zh_hans}
    )
    for name, text in notes.items():
        inputs.check_value(StatusUpdate, name, text)
    if not any(notes.values()):
        raise ValidationError({"note": _("Say in a note what happened.")})
    if date is not None:
        kept_as = "actual_end" if to_status == ActivityStatus.COMPLETED else "actual_start"
        refused = inputs.date_error(Activity._meta.get_field(kept_as), date)
        if refused is not None:
            raise ValidationError({"date": refused})
    if activity.status in CLOSED_STATUSES and not access.can(user, Action.REOPEN, activity):
        raise _status_error(_("Only a coordinator can reopen a completed or cancelled activity."))
    # The acting person's calendar decides what "the future" is (partners.clock).
    today = clock.today_for(user)
    if date is not None and date > today:
        raise ValidationError({"date": _("The date cannot be in the future.")})

    update_fields = ["status", "version", "updated_by", "updated_at"]
    reopened = activity.status in CLOSED_STATUSES and to_status not in CLOSED_STATUSES
    if reopened and activity.actual_end:
        # Reopened (to any open status): it is no longer finished.
        activity.actual_end = None
        update_fields.append("actual_end")
    if to_status == ActivityStatus.COMPLETED:
        end = date or activity.actual_end
        if end is None:
            raise ValidationError({"date": _("Give the date the activity was completed.")})
        if activity.actual_start and end < activity.actual_start:
            raise ValidationError(
                {
                    "date": _("The activity cannot end before it started (%(start)s).")
                    % {"start": activity.actual_start.isoformat()}
                }
            )
        activity.actual_end = end
        update_fields.append("actual_end")
    elif to_status == ActivityStatus.IN_PROGRESS:
        start = date or activity.actual_start or today
        if activity.actual_end and start > activity.actual_end:
            # An edit may have recorded an end already: the start cannot come after it.
            raise ValidationError({"date": _("The actual end cannot be before the actual start.")})
        activity.actual_start = start
        update_fields.append("actual_start")
    elif date is not None:
        raise ValidationError({"date": _("A date is only recorded for starting or completing.")})

    from_status = activity.status
    sequence = activity.status_updates.count() + 1
    activity.status = to_status
    activity.version += 1
    activity.updated_by = access.person(user)
    activity.save(update_fields=update_fields)
    try:
        with transaction.atomic():
            update = StatusUpdate.objects.create(
                activity=activity,
                sequence=sequence,
                author=access.person(user),
                from_status=from_status,
                to_status=to_status,
                **notes,
            )
    except IntegrityError:  # pragma: no cover - the row lock above makes this a last resort
        raise _status_error(
            _("Someone else changed the status at the same time. Try again.")
        ) from None
    return update


def themes_for_new_activity(user, plan) -> list[Theme]:
    return [t for t in plan.themes.all() if access.can(user, Action.CREATE_ACTIVITY, t)]


@transaction.atomic
def delete_activity(*, user, activity: Activity) -> None:
    """Remove an activity with its history, funding and evidence files (administrators only:
    coordinators cancel an activity instead, which keeps its record)."""
    access.require_admin(user)
    stored = [e.file for e in activity.evidence.all()]
    activity.delete()
    for file in stored:
        transaction.on_commit(lambda file=file: file.storage.delete(file.name), robust=True)
