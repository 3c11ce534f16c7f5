"""cooperation.services.amendments: drafted by one side, approved or returned by the other.

Coordinators of the author's side draft, edit, submit and withdraw; only a coordinator of the
other side approves or returns (with a comment). Nobody else, administrators included (they
sign for no side). Every refusal changes nothing.
"""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cooperation.amendments.models import Amendment, AmendmentStatus, ChangeKind, PlanVersion
from cooperation.models import ActionPlan, Activity, Commitment, PlanStatus, Theme, ThemeAgency
from cooperation.services import amendments as service
from tests.cooperation.amendment_helpers import (
    EFFECTIVE,
    approved,
    draft,
    state,
    submitted,
    values,
)
from tests.helpers import USERS, error_fields

pytestmark = pytest.mark.clock
NOT_DRAFTERS = [r for r in USERS if r not in ("hki_coordinator", "bj_coordinator")]


# --- drafting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hki_coordinator", "bj_coordinator"])
def test_a_coordinator_of_either_side_drafts_for_their_side(world, role):
    user = getattr(world, role)
    amendment = draft(world, user=user)
    assert amendment.status == AmendmentStatus.DRAFT
    assert amendment.side_id == user.profile.city_id
    assert amendment.number is None
    assert list(amendment.changes.values_list("kind", flat=True)) == ["withdraw_commitment"]


@pytest.mark.parametrize("role", NOT_DRAFTERS)
def test_nobody_else_drafts(world, role):
    with pytest.raises(PermissionDenied):
        draft(world, user=getattr(world, role))
    assert not Amendment.objects.exists()


def test_a_draft_needs_both_languages_and_a_change(world):
    with pytest.raises(ValidationError) as excinfo:
        draft(world, title_zh_hans="", reason_en=" ", changes=[])
    assert error_fields(excinfo) == {"title_zh_hans", "reason_en"}
    with pytest.raises(ValidationError) as excinfo:
        draft(world, changes=[])
    assert error_fields(excinfo) == {"changes"}
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "nonsense"},
        {"kind": ChangeKind.WITHDRAW_COMMITMENT},
        {"kind": ChangeKind.ADD_THEME, "text_en": "Sport"},
        {"kind": ChangeKind.CHANGE_PERIOD, "start_year": 2019, "end_year": 2018},
        {"kind": ChangeKind.CHANGE_PERIOD, "start_year": 2019, "end_year": 99999},
        {"kind": ChangeKind.ADD_AGENCY, "theme": "economy", "agency": "hki", "role": "lead"},
        {"kind": ChangeKind.REMOVE_AGENCY, "theme": "economy", "agency": "hki_other"},
        {"kind": ChangeKind.WITHDRAW_THEME, "theme": "other"},
    ],
)
def test_bad_changes_are_refused_with_their_number(world, change):
    change = dict(change)
    names = {
        "economy": world.themes[0],
        "other": world.other_theme,
        "hki": world.hki_agency,
        "hki_other": world.hki_other_agency,
    }
    for key in ("theme", "agency"):
        if key in change:
            change[key] = names[change[key]]
    with pytest.raises(ValidationError) as excinfo:
        draft(
            world, changes=[{"kind": ChangeKind.WITHDRAW_THEME, "theme": world.themes[2]}, change]
        )
    assert error_fields(excinfo) == {"changes"}
    assert all(m.startswith("Change 2:") for m in excinfo.value.message_dict["changes"])
    assert not Amendment.objects.exists()


def test_an_amendment_cannot_take_effect_before_the_plan(world):
    with pytest.raises(ValidationError) as excinfo:
        draft(world, effective_on=world.plan.signed_on.replace(year=2018))
    assert error_fields(excinfo) == {"effective_on"}


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.CONCLUDED, PlanStatus.RENEWED])
def test_only_a_signed_undecided_plan_is_amended(world, status):
    ActionPlan.objects.filter(pk=world.plan.pk).update(status=status)
    world.plan.status = status
    with pytest.raises(ValidationError) as excinfo:
        draft(world)
    assert error_fields(excinfo) == {"plan"}


def test_an_ended_plan_not_yet_concluded_may_still_be_amended(world):
    # Pinned in November 2026: the 2019–2023 plan has ended, awaiting its evaluation.
    amendment = draft(
        world, changes=[{"kind": ChangeKind.CHANGE_PERIOD, "start_year": 2019, "end_year": 2025}]
    )
    assert amendment.pk


# --- editing, submitting, withdrawing ----------------------------------------------------------


def test_the_authors_side_edits_and_replaces_the_changes(world):
    amendment = draft(world)
    updated = service.update_amendment(
        user=world.hki_coordinator,
        amendment=amendment,
        expected_version=amendment.version,
        title_en="Retire the dialogue",
        changes=[{"kind": ChangeKind.WITHDRAW_THEME, "theme": world.themes[2]}],
    )
    assert updated.version == amendment.version + 1
    assert state(updated)[3] == "Retire the dialogue"
    assert state(updated)[6] == [("withdraw_theme", None, world.themes[2].pk, "")]


@pytest.mark.parametrize("role", ["bj_coordinator", "hki_staff", "official", "outsider", "admin"])
def test_the_other_side_and_others_cannot_edit_submit_or_withdraw(world, role):
    amendment = draft(world)
    before = state(amendment)
    user = getattr(world, role)
    for call in (
        lambda: service.update_amendment(
            user=user, amendment=amendment, expected_version=amendment.version, title_en="X"
        ),
        lambda: service.submit_amendment(
            user=user, amendment=amendment, expected_version=amendment.version
        ),
        lambda: service.withdraw_amendment(
            user=user, amendment=amendment, expected_version=amendment.version
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert state(amendment) == before


def test_a_stale_edit_is_refused(world):
    amendment = draft(world)
    service.update_amendment(
        user=world.hki_coordinator, amendment=amendment, expected_version=1, title_en="First"
    )
    before = state(amendment)
    with pytest.raises(ValidationError) as excinfo:
        service.update_amendment(
            user=world.hki_coordinator, amendment=amendment, expected_version=1, title_en="Second"
        )
    assert error_fields(excinfo) == {"version"}
    assert state(amendment) == before


def test_submitting_tells_the_other_sides_coordinators(world, django_capture_on_commit_callbacks):
    amendment = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        service.submit_amendment(
            user=world.hki_coordinator, amendment=amendment, expected_version=amendment.version
        )
    assert Amendment.objects.get(pk=amendment.pk).status == AmendmentStatus.SUBMITTED
    assert [m.to for m in mail.outbox] == [[world.bj_coordinator.email]]
    # Not chosen a language: English and Chinese.
    assert (
        "撤回年度对话" in mail.outbox[0].body
        and "Withdraw the annual dialogue" in mail.outbox[0].body
    )


def test_a_submitted_amendment_is_no_longer_edited_but_may_be_withdrawn(world):
    amendment = submitted(world)
    with pytest.raises(ValidationError) as excinfo:
        service.update_amendment(
            user=world.hki_coordinator,
            amendment=amendment,
            expected_version=amendment.version,
            title_en="X",
        )
    assert error_fields(excinfo) == {"status"}
    withdrawn = service.withdraw_amendment(
        user=world.hki_coordinator, amendment=amendment, expected_version=amendment.version
    )
    assert withdrawn.status == AmendmentStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        service.submit_amendment(
            user=world.hki_coordinator, amendment=withdrawn, expected_version=withdrawn.version
        )


# --- deciding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["hki_coordinator", "hki_staff", "bj_staff", "official", "outsider", "admin"]
)
def test_only_the_other_sides_coordinator_decides(world, role):
    amendment = submitted(world)
    before = state(amendment)
    user = getattr(world, role)
    with pytest.raises(PermissionDenied):
        service.approve_amendment(
            user=user, amendment=amendment, expected_version=amendment.version
        )
    with pytest.raises(PermissionDenied):
        service.return_amendment(
            user=user, amendment=amendment, expected_version=amendment.version, comment="No"
        )
    assert state(amendment) == before
    assert not PlanVersion.objects.exists()
    assert not Commitment.objects.get(pk=world.commitment.pk).is_withdrawn


def test_a_draft_cannot_be_decided(world):
    amendment = draft(world)
    with pytest.raises(ValidationError) as excinfo:
        service.approve_amendment(
            user=world.bj_coordinator, amendment=amendment, expected_version=amendment.version
        )
    assert error_fields(excinfo) == {"status"}


def test_returning_needs_a_comment_then_the_author_resubmits(
    world, django_capture_on_commit_callbacks
):
    amendment = submitted(world)
    before = state(amendment)
    with pytest.raises(ValidationError) as excinfo:
        service.return_amendment(
            user=world.bj_coordinator,
            amendment=amendment,
            expected_version=amendment.version,
            comment=" ",
        )
    assert error_fields(excinfo) == {"return_comment"}
    assert state(amendment) == before
    with django_capture_on_commit_callbacks(execute=True):
        returned = service.return_amendment(
            user=world.bj_coordinator,
            amendment=amendment,
            expected_version=amendment.version,
            comment="Give the date of the committee.",
        )
    assert returned.status == AmendmentStatus.RETURNED
    assert [m.to for m in mail.outbox] == [[world.hki_coordinator.email]]
    assert "Give the date of the committee." in mail.outbox[0].body
    edited = service.update_amendment(
        user=world.hki_coordinator,
        amendment=returned,
        expected_version=returned.version,
        reason_en="The committee meets from 1 March 2022.",
    )
    again = service.submit_amendment(
        user=world.hki_coordinator, amendment=edited, expected_version=edited.version
    )
    assert again.status == AmendmentStatus.SUBMITTED


def test_approval_withdraws_the_commitment_and_keeps_its_activities(world):
    Activity.objects.filter(pk=world.hki_activity.pk).update(commitment=world.commitment)
    version = approved(world)
    amendment = version.amendment
    assert (amendment.status, amendment.number) == (AmendmentStatus.APPROVED, 1)
    assert amendment.decided_by == world.bj_coordinator
    commitment = Commitment.objects.get(pk=world.commitment.pk)
    assert commitment.withdrawn_by == amendment and commitment.withdrawn_on == EFFECTIVE
    assert Activity.objects.get(pk=world.hki_activity.pk).commitment_id == commitment.pk
    # Version 1 is the plan as signed, version 2 as amended.
    versions = list(PlanVersion.objects.filter(plan=world.plan).order_by("number"))
    assert [(v.number, v.effective_on) for v in versions] == [
        (1, world.plan.signed_on),
        (2, EFFECTIVE),
    ]
    first = versions[0].snapshot["themes"][0]["commitments"][0]
    second = versions[1].snapshot["themes"][0]["commitments"][0]
    assert first["withdrawn"] is None
    assert second["withdrawn"] == {"amendment": 1, "on": "2022-03-01"}
    assert second["text"] == {
        "en": "Establish an annual substantive dialogue.",
        "zh_hans": "建立年度实质性对话。",
    }


def test_approval_applies_every_kind_of_change(world):
    economy, education, culture = world.themes
    changes = [
        {"kind": ChangeKind.ADD_THEME, "text_en": "Sport", "text_zh_hans": "体育"},
        {
            "kind": ChangeKind.CHANGE_THEME,
            "theme": education,
            "text_en": "Learning",
            "text_zh_hans": "学习",
        },
        {"kind": ChangeKind.WITHDRAW_THEME, "theme": culture},
        {
            "kind": ChangeKind.ADD_COMMITMENT,
            "theme": economy,
            "text_en": "Trade fair",
            "text_zh_hans": "贸易展",
        },
        {
            "kind": ChangeKind.CHANGE_COMMITMENT,
            "commitment": world.commitment,
            "text_en": "Dialogue",
            "text_zh_hans": "对话",
        },
        {
            "kind": ChangeKind.ADD_AGENCY,
            "theme": economy,
            "agency": world.hki_other_agency,
            "role": "supporting",
        },
        {"kind": ChangeKind.REMOVE_AGENCY, "theme": economy, "agency": world.bj_agency},
        {"kind": ChangeKind.CHANGE_PERIOD, "start_year": 2019, "end_year": 2025},
    ]
    approved(world, changes=changes)
    plan = ActionPlan.objects.get(pk=world.plan.pk)
    assert (plan.period_start_year, plan.period_end_year) == (2019, 2025)
    sport = Theme.objects.get(plan=plan, name_en="Sport")
    assert (sport.order, sport.code, sport.name_zh_hans) == (4, "sport", "体育")
    assert Theme.objects.get(pk=education.pk).name_zh_hans == "学习"
    assert Theme.objects.get(pk=culture.pk).is_withdrawn
    assert Commitment.objects.get(theme=economy, order=2).text_zh_hans == "贸易展"
    assert Commitment.objects.get(pk=world.commitment.pk).text_en == "Dialogue"
    assert set(ThemeAgency.objects.filter(theme=economy).values_list("agency_id", "role")) == {
        (world.hki_agency.pk, "lead"),
        (world.hki_other_agency.pk, "supporting"),
    }


def test_two_approvals_at_once_give_one(world):
    """Both coordinators of Beijing load the submitted amendment and press approve: the
    second comes with the version they saw, now stale, and changes nothing."""
    from partners.models import Role
    from tests.factories import ProfileFactory, UserFactory

    other = UserFactory(username="bj_coordinator_2")
    ProfileFactory(user=other, city=world.beijing, role=Role.COORDINATOR)
    amendment = submitted(world)
    seen = amendment.version
    service.approve_amendment(user=world.bj_coordinator, amendment=amendment, expected_version=seen)
    with pytest.raises(ValidationError) as excinfo:
        service.approve_amendment(user=other, amendment=amendment, expected_version=seen)
    assert error_fields(excinfo) == {"version"}
    assert PlanVersion.objects.filter(plan=world.plan).count() == 2
    assert Amendment.objects.get(pk=amendment.pk).number == 1


def test_an_approval_that_no_longer_fits_changes_nothing(world):
    first = submitted(world)
    second = submitted(world)
    service.approve_amendment(
        user=world.bj_coordinator, amendment=first, expected_version=first.version
    )
    before = state(second)
    with pytest.raises(ValidationError) as excinfo:
        service.approve_amendment(
            user=world.bj_coordinator, amendment=second, expected_version=second.version
        )
    assert error_fields(excinfo) == {"changes"}
    assert state(second) == before
    assert PlanVersion.objects.filter(plan=world.plan).count() == 2


def test_numbers_follow_approvals_and_withdrawn_drafts_leave_no_gap(world):
    withdrawn = draft(world)
    service.withdraw_amendment(user=world.hki_coordinator, amendment=withdrawn, expected_version=1)
    first = approved(world, changes=[{"kind": ChangeKind.WITHDRAW_THEME, "theme": world.themes[2]}])
    second = approved(
        world, changes=[{"kind": ChangeKind.CHANGE_PERIOD, "start_year": 2019, "end_year": 2024}]
    )
    assert (first.amendment.number, second.amendment.number) == (1, 2)
    assert (first.number, second.number) == (2, 3)
    assert second.snapshot["period"] == [2019, 2024]
    assert first.snapshot["period"] == [2019, 2023]


def test_a_later_amendment_cannot_take_effect_before_the_latest_version(world):
    approved(world)
    with pytest.raises(ValidationError) as excinfo:
        draft(
            world,
            effective_on=EFFECTIVE.replace(month=1),
            changes=[{"kind": ChangeKind.WITHDRAW_THEME, "theme": world.themes[2]}],
        )
    assert error_fields(excinfo) == {"effective_on"}


def test_the_signed_version_is_frozen_once(world):
    first = service.ensure_signed_version(user=world.official, plan=world.plan)
    again = service.ensure_signed_version(user=world.bj_staff, plan=world.plan)
    assert first.pk == again.pk and first.number == 1
    with pytest.raises(PermissionDenied):
        service.ensure_signed_version(user=world.outsider, plan=world.plan)
    assert values()["title_en"]
