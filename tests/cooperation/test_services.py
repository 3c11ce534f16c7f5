"""cooperation.services: the one write path for activities, their status and their evidence."""

import datetime
import threading
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from cooperation.models import Activity, ActivityStatus, Evidence, StatusUpdate
from cooperation.services.activities import (
    ActivityConflict,
    change_activity_status,
    create_activity,
    themes_for_new_activity,
)
from cooperation.services.activities import update_activity as _update_activity
from cooperation.services.evidence import add_evidence, delete_evidence
from tests.factories import AgencyFactory, CommitmentFactory, UserFactory
from tests.helpers import error_fields

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# Status dates are read on the acting person's calendar (partners.clock). The tests of this
# module run at a pinned instant where Helsinki and Beijing share a date; the midnight tests
# below move to the hours where they do not.
PINNED = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)
HELSINKI_MIDNIGHT = datetime.datetime(2026, 11, 30, 22, 0, 30, tzinfo=datetime.UTC)
BEIJING_MIDNIGHT = datetime.datetime(2026, 11, 30, 16, 0, 30, tzinfo=datetime.UTC)


pytestmark = pytest.mark.clock(PINNED)


def today():
    return datetime.date(2026, 11, 30)


# --- create_activity ------------------------------------------------------------------------


def new_activity(world, **kwargs):
    values = {"theme": world.themes[0], "title_en": "Smart city forum", "title_zh_hans": ""}
    values.update(kwargs)
    return Activity(**values)


def test_it_creates_an_activity_as_planned_by_the_user(world):
    activity = new_activity(
        world,
        first_lead_agency=world.hki_agency,
        second_lead_agency=world.bj_agency,
        status=ActivityStatus.COMPLETED,  # ignored: a new activity is always planned
        commitment=world.commitment,
    )

    created = create_activity(
        user=world.hki_staff, activity=activity, participant_ids=[world.hki_other_agency.pk]
    )

    stored = Activity.objects.get(pk=created.pk)
    assert stored.status == ActivityStatus.PLANNED
    assert stored.created_by == world.hki_staff
    assert stored.updated_by == world.hki_staff
    assert stored.version == 1
    assert stored.commitment == world.commitment
    assert list(stored.participants.all()) == [world.hki_other_agency]
    assert not stored.status_updates.exists()


def test_it_lets_a_coordinator_create_an_activity_for_any_agency(world):
    activity = new_activity(world, first_lead_agency=world.hki_other_agency)

    assert create_activity(user=world.bj_coordinator, activity=activity).pk


def test_it_requires_staff_to_involve_their_own_agency(world):
    count = Activity.objects.count()
    activity = new_activity(
        world, first_lead_agency=world.hki_other_agency, second_lead_agency=world.bj_agency
    )

    with pytest.raises(ValidationError) as excinfo:
        create_activity(user=world.hki_staff, activity=activity)

    assert "first_lead_agency" in error_fields(excinfo)
    assert Activity.objects.count() == count


def test_it_counts_taking_part_as_involvement(world):
    activity = new_activity(world, first_lead_agency=world.hki_other_agency)

    created = create_activity(
        user=world.hki_staff, activity=activity, participant_ids=[world.hki_agency.pk]
    )

    assert set(created.participants.all()) == {world.hki_agency}


@pytest.mark.parametrize(
    ("field", "agency_name"),
    [
        ("first_lead_agency", "bj_agency"),
        ("second_lead_agency", "hki_agency"),
    ],
)
def test_it_refuses_a_lead_agency_from_the_wrong_side(world, field, agency_name):
    count = Activity.objects.count()
    activity = new_activity(world, **{field: getattr(world, agency_name)})

    with pytest.raises(ValidationError) as excinfo:
        create_activity(user=world.hki_coordinator, activity=activity)

    assert field in error_fields(excinfo)
    assert Activity.objects.count() == count


def test_it_refuses_a_third_party_as_lead_agency(world):
    enterprise = AgencyFactory(city=None)

    with pytest.raises(ValidationError) as excinfo:
        create_activity(
            user=world.hki_coordinator, activity=new_activity(world, first_lead_agency=enterprise)
        )

    assert "first_lead_agency" in error_fields(excinfo)


def test_it_refuses_a_participant_of_another_partnership(world):
    tallinn_agency = AgencyFactory(city=world.other_partnership.first_city)
    count = Activity.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        create_activity(
            user=world.hki_coordinator,
            activity=new_activity(world, first_lead_agency=world.hki_agency),
            participant_ids=[tallinn_agency.pk],
        )

    assert "participants" in error_fields(excinfo)
    assert Activity.objects.count() == count


def test_it_accepts_third_parties_and_both_sides_as_participants(world):
    third_party = AgencyFactory(city=None, partnerships=[world.partnership])

    created = create_activity(
        user=world.hki_coordinator,
        activity=new_activity(world),
        participant_ids=[third_party.pk, world.bj_other_agency.pk, world.hki_other_agency.pk],
    )

    assert created.participants.count() == 3


def test_it_requires_a_title_in_one_language(world):
    count = Activity.objects.count()
    activity = new_activity(
        world, title_en="  ", title_zh_hans="", first_lead_agency=world.hki_agency
    )

    with pytest.raises(ValidationError) as excinfo:
        create_activity(user=world.hki_staff, activity=activity)

    assert "title_en" in error_fields(excinfo)
    assert Activity.objects.count() == count


def test_it_accepts_a_chinese_title_alone(world):
    activity = new_activity(
        world, title_en="", title_zh_hans="智慧城市论坛", second_lead_agency=world.bj_agency
    )

    created = create_activity(user=world.bj_staff, activity=activity)

    assert Activity.objects.get(pk=created.pk).title_zh_hans == "智慧城市论坛"


def test_it_refuses_a_commitment_of_another_theme(world):
    activity = new_activity(
        world, theme=world.themes[1], commitment=world.commitment, first_lead_agency=None
    )

    with pytest.raises(ValidationError) as excinfo:
        create_activity(user=world.hki_coordinator, activity=activity)

    assert "commitment" in error_fields(excinfo)


@pytest.mark.parametrize("role", ["official", "outsider"])
def test_it_refuses_officials_and_outsiders(world, role):
    count = Activity.objects.count()
    activity = new_activity(world, first_lead_agency=world.hki_agency)

    with pytest.raises(PermissionDenied):
        create_activity(user=getattr(world, role), activity=activity)

    assert Activity.objects.count() == count


def test_it_offers_staff_every_theme_and_officials_none(world):
    assert themes_for_new_activity(world.bj_staff, world.plan) == world.themes
    assert themes_for_new_activity(world.official, world.plan) == []
    assert themes_for_new_activity(world.outsider, world.plan) == []


# --- update_activity ------------------------------------------------------------------------


def update_activity(*, user, activity, expected_version, fields, **kwargs):
    return _update_activity(
        user=user, activity=activity, expected_version=expected_version, fields=fields, **kwargs
    )


def fresh(activity) -> Activity:
    """A copy as a form would have it: read from the database."""
    return Activity.objects.get(pk=activity.pk)


def test_it_saves_the_edited_fields_and_bumps_the_version(world):
    mine = fresh(world.hki_activity)
    mine.title_en = "Renamed"
    mine.planned_end = datetime.date(2020, 12, 31)

    update_activity(
        user=world.hki_staff, activity=mine, expected_version=1, fields=["title_en", "planned_end"]
    )

    stored = fresh(world.hki_activity)
    assert stored.title_en == "Renamed"
    assert stored.planned_end == datetime.date(2020, 12, 31)
    assert stored.version == 2
    assert stored.updated_by == world.hki_staff


def test_it_saves_only_the_given_fields(world):
    before = fresh(world.hki_activity)
    mine = fresh(world.hki_activity)
    # Someone else's change to a field this form did not edit (no version bump needed to
    # show that an untouched field is not written back).
    Activity.objects.filter(pk=mine.pk).update(description_en="Their description")
    mine.title_en = "Renamed"
    mine.outcomes_en = "Not submitted"

    update_activity(user=world.hki_staff, activity=mine, expected_version=1, fields=["title_en"])

    stored = fresh(world.hki_activity)
    assert stored.title_en == "Renamed"
    assert stored.description_en == "Their description"
    assert stored.outcomes_en == before.outcomes_en


def test_it_sets_participants_on_update(world):
    mine = fresh(world.hki_activity)

    update_activity(
        user=world.hki_staff,
        activity=mine,
        expected_version=1,
        fields=[],
        participant_ids=[world.hki_other_agency.pk],
    )

    assert list(world.hki_activity.participants.all()) == [world.hki_other_agency]


def test_it_refuses_a_stale_edit_and_lists_what_differs(world):
    theirs = fresh(world.joint_activity)
    mine = fresh(world.joint_activity)
    theirs.title_en = "Their title"
    update_activity(user=world.bj_staff, activity=theirs, expected_version=1, fields=["title_en"])
    mine.title_en = "My title"  # planned_start is in the form too, but unchanged
    before = fresh(world.joint_activity)

    with pytest.raises(ActivityConflict) as excinfo:
        update_activity(
            user=world.hki_staff,
            activity=mine,
            expected_version=1,
            fields=["title_en", "planned_start"],
            participant_ids=[world.hki_other_agency.pk],
            labels={"title_en": "Title (English)"},
        )

    conflict = excinfo.value
    assert [d.field for d in conflict.differences] == ["title_en", "participants"]
    title = conflict.differences[0]
    assert (title.label, title.theirs, title.yours) == (
        "Title (English)",
        "Their title",
        "My title",
    )
    assert conflict.differences[1].yours == [world.hki_other_agency.pk]
    assert conflict.current.version == 2
    stored = fresh(world.joint_activity)
    assert stored.title_en == "Their title"
    assert stored.version == 2
    assert stored.updated_by == world.bj_staff
    assert stored.updated_at == before.updated_at
    assert not stored.participants.exists()


def test_it_never_changes_the_status_through_an_edit(world):
    mine = fresh(world.hki_activity)
    mine.status = ActivityStatus.CANCELLED
    mine.title_en = "Renamed"

    updated = update_activity(
        user=world.hki_coordinator, activity=mine, expected_version=1, fields=["title_en", "status"]
    )

    assert fresh(world.hki_activity).status == ActivityStatus.PLANNED
    assert updated.status == ActivityStatus.PLANNED
    assert not StatusUpdate.objects.exists()


def test_it_refuses_an_edit_by_staff_of_an_uninvolved_agency(world):
    mine = fresh(world.hki_activity)
    mine.title_en = "Hijacked"

    with pytest.raises(PermissionDenied):
        update_activity(user=world.bj_staff, activity=mine, expected_version=1, fields=["title_en"])

    assert fresh(world.hki_activity).title_en == "Helsinki-led activity"


def test_it_refuses_staff_removing_their_own_agency(world):
    mine = fresh(world.hki_activity)
    mine.first_lead_agency = world.hki_other_agency

    with pytest.raises(ValidationError):
        update_activity(
            user=world.hki_staff, activity=mine, expected_version=1, fields=["first_lead_agency"]
        )

    assert fresh(world.hki_activity).first_lead_agency == world.hki_agency


def test_it_refuses_moving_an_activity_to_another_plan(world):
    mine = fresh(world.hki_activity)
    mine.theme = world.other_theme

    with pytest.raises(PermissionDenied):
        update_activity(
            user=world.hki_coordinator, activity=mine, expected_version=1, fields=["theme"]
        )
    with pytest.raises(ValidationError) as excinfo:
        update_activity(user=world.admin, activity=mine, expected_version=1, fields=["theme"])

    assert "theme" in error_fields(excinfo)
    assert fresh(world.hki_activity).theme == world.themes[0]


# --- dates: ends after starts, a completed activity keeps its end ----------------------------


def dates_of(activity):
    stored = fresh(activity)
    return (
        stored.planned_start,
        stored.planned_end,
        stored.actual_start,
        stored.actual_end,
        stored.version,
        stored.updated_at,
    )


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        (
            {"planned_start": datetime.date(2020, 6, 1), "planned_end": datetime.date(2020, 5, 31)},
            "planned_end",
        ),
        (
            {"actual_start": datetime.date(2020, 6, 1), "actual_end": datetime.date(2020, 5, 31)},
            "actual_end",
        ),
    ],
)
def test_it_refuses_a_new_activity_ending_before_it_starts(world, dates, field):
    count = Activity.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        create_activity(
            user=world.hki_staff,
            activity=new_activity(world, first_lead_agency=world.hki_agency, **dates),
        )

    assert field in error_fields(excinfo)
    assert Activity.objects.count() == count


def test_it_accepts_an_activity_ending_the_day_it_starts(world):
    day = datetime.date(2020, 6, 1)

    created = create_activity(
        user=world.hki_staff,
        activity=new_activity(
            world, first_lead_agency=world.hki_agency, planned_start=day, planned_end=day
        ),
    )

    assert (fresh(created).planned_start, fresh(created).planned_end) == (day, day)


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"planned_end": datetime.date(2020, 2, 29)}, "planned_end"),  # starts 2020-03-01
        (
            {"actual_start": datetime.date(2020, 6, 1), "actual_end": datetime.date(2020, 5, 31)},
            "actual_end",
        ),
    ],
)
def test_it_refuses_an_edit_that_ends_an_activity_before_it_starts(world, dates, field):
    # Before the check moved into the service, an edit reached the database's constraint: an
    # IntegrityError, a 500.
    before = dates_of(world.hki_activity)
    mine = fresh(world.hki_activity)
    for name, value in dates.items():
        setattr(mine, name, value)

    with pytest.raises(ValidationError) as excinfo:
        update_activity(user=world.hki_staff, activity=mine, expected_version=1, fields=list(dates))

    assert field in error_fields(excinfo)
    assert dates_of(world.hki_activity) == before


def test_it_keeps_the_actual_end_of_a_completed_activity(world):
    change(world, to_status=ActivityStatus.COMPLETED, note="Done.", date=today())
    before = dates_of(world.hki_activity)
    mine = fresh(world.hki_activity)
    mine.actual_end = None

    with pytest.raises(ValidationError) as excinfo:
        update_activity(
            user=world.hki_coordinator,
            activity=mine,
            expected_version=before[4],
            fields=["actual_end"],
        )

    assert "actual_end" in error_fields(excinfo)
    assert dates_of(world.hki_activity) == before


def test_it_lets_an_edit_correct_the_actual_end_of_a_completed_activity(world):
    change(world, to_status=ActivityStatus.COMPLETED, note="Done.", date=today())
    mine = fresh(world.hki_activity)
    mine.actual_end = today() - datetime.timedelta(days=2)

    update_activity(
        user=world.hki_coordinator, activity=mine, expected_version=2, fields=["actual_end"]
    )

    stored = fresh(world.hki_activity)
    assert (stored.status, stored.actual_end) == (
        ActivityStatus.COMPLETED,
        today() - datetime.timedelta(days=2),
    )


# --- change_activity_status -----------------------------------------------------------------


def snapshot(activity):
    stored = fresh(activity)
    return (
        stored.status,
        stored.version,
        stored.actual_start,
        stored.actual_end,
        stored.updated_by_id,
        list(stored.status_updates.values_list("sequence", "from_status", "to_status")),
    )


def change(world, user=None, activity=None, **kwargs):
    values = {"to_status": ActivityStatus.IN_PROGRESS, "note": "Kick-off held."}
    values.update(kwargs)
    return change_activity_status(
        user=user or world.hki_staff, activity_id=(activity or world.hki_activity).pk, **values
    )


def test_it_records_who_when_from_to_and_why(world):
    update = change(world, note="  Kick-off held.  ")

    assert update.author == world.hki_staff
    assert update.from_status == ActivityStatus.PLANNED
    assert update.to_status == ActivityStatus.IN_PROGRESS
    assert update.note == "Kick-off held."
    assert update.sequence == 1
    assert update.created_at is not None
    stored = fresh(world.hki_activity)
    assert stored.status == ActivityStatus.IN_PROGRESS
    assert stored.actual_start == today()
    assert stored.version == 2
    assert stored.updated_by == world.hki_staff


def test_it_numbers_status_updates_in_order(world):
    change(world)
    second = change(world, to_status=ActivityStatus.ON_HOLD, note="Waiting for funding.")

    assert second.sequence == 2
    assert second.from_status == ActivityStatus.IN_PROGRESS
    assert list(
        world.hki_activity.status_updates.order_by("sequence").values_list("to_status", flat=True)
    ) == [ActivityStatus.IN_PROGRESS, ActivityStatus.ON_HOLD]


def test_it_keeps_a_given_start_date(world):
    started = today() - datetime.timedelta(days=10)

    change(world, date=started)

    assert fresh(world.hki_activity).actual_start == started


def test_it_completes_with_a_date_and_sets_the_actual_end(world):
    ended = today() - datetime.timedelta(days=1)

    change(world, to_status=ActivityStatus.COMPLETED, note="Done.", date=ended)

    stored = fresh(world.hki_activity)
    assert stored.status == ActivityStatus.COMPLETED
    assert stored.actual_end == ended


def test_it_refuses_to_complete_without_a_date(world):
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(world, to_status=ActivityStatus.COMPLETED, note="Done.")

    assert "date" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


def test_it_refuses_a_completion_before_the_start(world):
    change(world, date=today() - datetime.timedelta(days=3))
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(
            world,
            to_status=ActivityStatus.COMPLETED,
            note="Done.",
            date=today() - datetime.timedelta(days=4),
        )

    assert "date" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


@pytest.mark.parametrize("date", [None, "after-the-end"])
def test_it_refuses_a_start_after_an_end_already_recorded(world, date):
    # An edit may record an actual end on an open activity; starting it later cannot be saved.
    activity = world.hki_activity
    ended = today() - datetime.timedelta(days=20)
    Activity.objects.filter(pk=activity.pk).update(actual_end=ended)
    before = snapshot(activity)

    with pytest.raises(ValidationError) as excinfo:
        change(world, date=None if date is None else ended + datetime.timedelta(days=1))

    assert "date" in error_fields(excinfo)
    assert snapshot(activity) == before


def test_it_refuses_a_future_date(world):
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(
            world,
            to_status=ActivityStatus.COMPLETED,
            note="Done.",
            date=today() + datetime.timedelta(days=1),
        )

    assert "date" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


def test_it_refuses_a_date_for_a_status_without_one(world):
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(world, to_status=ActivityStatus.ON_HOLD, date=today())

    assert "date" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


def test_it_refuses_the_same_status(world):
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(world, to_status=ActivityStatus.PLANNED)

    assert "to_status" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


@pytest.mark.parametrize("note", ["", "   \n", None])
def test_it_refuses_a_change_without_a_note(world, note):
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(world, note=note)

    assert "note" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


def test_it_refuses_an_unknown_status(world):
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(world, to_status="done")

    assert "to_status" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


def test_it_refuses_a_stale_expected_version(world):
    change(world, user=world.bj_coordinator)
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(world, to_status=ActivityStatus.ON_HOLD, expected_version=1)

    assert "to_status" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


def test_it_accepts_the_current_expected_version(world):
    change(world, expected_version=1)

    assert fresh(world.hki_activity).version == 2


@pytest.mark.parametrize("role", ["bj_staff", "official", "outsider"])
def test_it_refuses_users_who_may_not_change_the_activity(world, role):
    before = snapshot(world.hki_activity)

    with pytest.raises(PermissionDenied):
        change(world, user=getattr(world, role))

    assert snapshot(world.hki_activity) == before


@pytest.mark.parametrize("closed", [ActivityStatus.COMPLETED, ActivityStatus.CANCELLED])
def test_it_refuses_staff_reopening_a_closed_activity(world, closed):
    change(world, to_status=closed, note="Closed.", date=today() if closed == "completed" else None)
    before = snapshot(world.hki_activity)

    with pytest.raises(ValidationError) as excinfo:
        change(world, to_status=ActivityStatus.IN_PROGRESS, note="Again.")

    assert "to_status" in error_fields(excinfo)
    assert snapshot(world.hki_activity) == before


def test_it_lets_a_coordinator_reopen_a_completed_activity(world):
    change(world, date=today() - datetime.timedelta(days=5))
    change(world, to_status=ActivityStatus.COMPLETED, note="Done.", date=today())

    update = change(
        world, user=world.bj_coordinator, to_status=ActivityStatus.IN_PROGRESS, note="Phase two."
    )

    assert update.from_status == ActivityStatus.COMPLETED
    assert update.author == world.bj_coordinator
    stored = fresh(world.hki_activity)
    assert stored.status == ActivityStatus.IN_PROGRESS
    assert stored.actual_end is None
    assert stored.actual_start == today() - datetime.timedelta(days=5)


def test_it_lets_a_coordinator_reopen_a_cancelled_activity(world):
    change(world, to_status=ActivityStatus.CANCELLED, note="No funding.")

    update = change(
        world, user=world.hki_coordinator, to_status=ActivityStatus.PLANNED, note="Funded."
    )

    assert update.sequence == 2
    assert fresh(world.hki_activity).status == ActivityStatus.PLANNED


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_status_changes_through(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and concurrent connections")
    activity_id = world.hki_activity.pk
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(user, to_status):
        try:
            barrier.wait(timeout=10)
            change_activity_status(
                user=user,
                activity_id=activity_id,
                to_status=to_status,
                note="At the same time.",
                expected_version=1,
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(world.hki_staff, ActivityStatus.IN_PROGRESS)),
        threading.Thread(target=worker, args=(world.bj_coordinator, ActivityStatus.ON_HOLD)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("ok") == 1, outcomes
    assert len(outcomes) == 2
    assert StatusUpdate.objects.filter(activity_id=activity_id).count() == 1
    assert Activity.objects.get(pk=activity_id).version == 2


# --- evidence -------------------------------------------------------------------------------


def pdf_upload(name="Secret plan (final).pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/octet-stream")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_it_stores_evidence_under_a_generated_name(world, settings):
    evidence = add_evidence(
        user=world.hki_staff,
        activity=world.hki_activity,
        upload=pdf_upload(),
        description="  Signed minutes  ",
    )

    evidence.refresh_from_db()
    assert evidence.file.name.startswith("evidence/")
    assert evidence.file.name.endswith(".pdf")
    assert "Secret" not in evidence.file.name
    assert "final" not in evidence.file.name
    assert evidence.original_name == "Secret plan (final).pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF)
    assert evidence.description == "Signed minutes"
    assert evidence.uploaded_by == world.hki_staff
    path = Path(evidence.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.read_bytes() == PDF
    assert fresh(world.hki_activity).updated_by == world.hki_staff


def test_it_drops_invisible_characters_from_the_shown_file_name(world, settings):
    # A right-to-left override would show "minutes\u202efdp.txt" as "minutestxt.pdf".
    upload = SimpleUploadedFile("minutes\u202efdp\u200b.txt", b"plain notes", "text/plain")

    evidence = add_evidence(user=world.hki_staff, activity=world.hki_activity, upload=upload)

    assert evidence.original_name == "minutesfdp.txt"
    assert evidence.content_type == "text/plain"


def test_it_refuses_evidence_from_staff_of_an_uninvolved_agency(world, settings):
    with pytest.raises(PermissionDenied):
        add_evidence(user=world.bj_staff, activity=world.hki_activity, upload=pdf_upload())

    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_a_file_of_the_wrong_type_and_stores_nothing(world, settings):
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\x00" * 200)

    with pytest.raises(ValidationError):
        add_evidence(user=world.hki_staff, activity=world.hki_activity, upload=upload)

    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_it_deletes_the_file_once_the_deletion_commits(world, django_capture_on_commit_callbacks):
    evidence = add_evidence(user=world.hki_staff, activity=world.hki_activity, upload=pdf_upload())
    path = Path(evidence.file.path)
    assert path.exists()

    with django_capture_on_commit_callbacks() as callbacks:
        delete_evidence(user=world.hki_staff, evidence=evidence)
        assert path.exists(), "deleted before the transaction committed"

    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert path.exists()
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_it_removes_the_file_on_commit(world, django_capture_on_commit_callbacks):
    evidence = add_evidence(user=world.hki_staff, activity=world.hki_activity, upload=pdf_upload())
    path = Path(evidence.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        delete_evidence(user=world.hki_coordinator, evidence=evidence)

    assert not path.exists()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("role", ["official", "bj_staff", "outsider"])
def test_it_refuses_deleting_evidence_without_the_right(
    world, role, django_capture_on_commit_callbacks
):
    evidence = add_evidence(user=world.hki_staff, activity=world.hki_activity, upload=pdf_upload())
    path = Path(evidence.file.path)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        delete_evidence(user=getattr(world, role), evidence=evidence)

    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert path.exists()


def test_it_refuses_evidence_from_a_user_without_a_profile(world):
    with pytest.raises(PermissionDenied):
        add_evidence(
            user=UserFactory(username="nobody"), activity=world.hki_activity, upload=pdf_upload()
        )


def test_it_refuses_a_commitment_move_to_another_theme_on_update(world):
    other = CommitmentFactory(theme=world.themes[1], order=1)
    mine = fresh(world.hki_activity)
    mine.commitment = other

    with pytest.raises(ValidationError) as excinfo:
        update_activity(
            user=world.hki_coordinator, activity=mine, expected_version=1, fields=["commitment"]
        )

    assert "commitment" in error_fields(excinfo)
    assert fresh(world.hki_activity).commitment is None


def test_it_clears_the_end_date_when_reopening_to_any_open_status(world):
    # Regression: completed -> on hold kept actual_end, and the next start then broke the
    # actual-end-after-start constraint (an IntegrityError, i.e. a 500).
    ended = today() - datetime.timedelta(days=30)
    change(world, to_status=ActivityStatus.COMPLETED, note="Done.", date=ended)
    coordinator = world.hki_coordinator

    change(world, user=coordinator, to_status=ActivityStatus.ON_HOLD, note="Not done after all.")
    assert fresh(world.hki_activity).actual_end is None
    change(world, user=coordinator, to_status=ActivityStatus.IN_PROGRESS, note="Resumed.")

    stored = fresh(world.hki_activity)
    assert stored.status == ActivityStatus.IN_PROGRESS
    assert stored.actual_end is None
    assert stored.actual_start == today()


# --- whose today: the acting person's city (partners.clock) -----------------------------------


@pytest.mark.parametrize(
    ("instant", "user_name", "their_today"),
    [
        # 00:00:30 in Beijing, 18:00:30 in Helsinki.
        (BEIJING_MIDNIGHT, "hki_staff", datetime.date(2026, 11, 30)),
        (BEIJING_MIDNIGHT, "bj_staff", datetime.date(2026, 12, 1)),
        # 00:00:30 in Helsinki, 06:00:30 in Beijing.
        (HELSINKI_MIDNIGHT, "hki_staff", datetime.date(2026, 12, 1)),
        (HELSINKI_MIDNIGHT, "bj_staff", datetime.date(2026, 12, 1)),
        # An administrator has no city: the portal's (Helsinki's) calendar.
        (BEIJING_MIDNIGHT, "admin", datetime.date(2026, 11, 30)),
    ],
)
def test_a_status_date_is_read_on_the_acting_persons_calendar(
    world, instant, user_name, their_today
):
    user = getattr(world, user_name)
    with time_machine.travel(instant, tick=False):
        change(world, user=user, activity=world.joint_activity, note="Started.")
        assert fresh(world.joint_activity).actual_start == their_today

        with pytest.raises(ValidationError) as excinfo:
            change(
                world,
                user=user,
                activity=world.joint_activity,
                to_status=ActivityStatus.COMPLETED,
                note="Done.",
                date=their_today + datetime.timedelta(days=1),
            )
        assert "date" in error_fields(excinfo)

        change(
            world,
            user=user,
            activity=world.joint_activity,
            to_status=ActivityStatus.COMPLETED,
            note="Done.",
            date=their_today,
        )
    assert fresh(world.joint_activity).actual_end == their_today


def test_helsinki_staff_cannot_complete_on_beijings_new_day_before_their_midnight(world):
    with (
        time_machine.travel(BEIJING_MIDNIGHT, tick=False),
        pytest.raises(ValidationError) as excinfo,
    ):
        change(
            world,
            to_status=ActivityStatus.COMPLETED,
            note="Done.",
            date=datetime.date(2026, 12, 1),
        )
    assert "date" in error_fields(excinfo)
