"""Renewal: the next plan drafted from an evaluated one (unmet commitments carried over with a
link back), approved by both sides, published, and the old plan's open activities moved."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cooperation import selectors
from cooperation.models import (
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
    PlanStatus,
    RenewalApproval,
    Theme,
)
from cooperation.progress import is_met, met_commitment_ids
from cooperation.services import commitments, plans, themes
from cooperation.services.renewal import approval_state, approve_renewal, move_activities
from core import history
from partners import access
from reviews.decisions import conclude_plan, start_renewal
from reviews.models import Conclusion, ReviewStatus
from tests import factories as f
from tests.helpers import USERS, error_fields

pytestmark = pytest.mark.clock

OFFICE_USERS = ["hki_coordinator", "bj_coordinator"]


def completed(commitment, year=2021, **kwargs):
    return f.ActivityFactory(
        theme=commitment.theme,
        commitment=commitment,
        status=ActivityStatus.COMPLETED,
        actual_start=datetime.date(year, 1, 1),
        actual_end=datetime.date(year, 6, 1),
        **kwargs,
    )


def renew(world, user=None, start=2024, end=2028):
    return start_renewal(
        user=user or world.hki_coordinator,
        plan=world.plan,
        period_start_year=start,
        period_end_year=end,
    )


# --- what "met" means -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "completed", "met"),
    [(None, 0, False), (None, 1, True), (2, 1, False), (2, 2, True), (3, 5, True)],
)
def test_what_met_means(target, completed, met):
    assert is_met(Commitment(target_count=target), completed) is met


def test_only_completed_activities_count_towards_a_commitment(world):
    f.ActivityFactory(
        theme=world.themes[0], commitment=world.commitment, status=ActivityStatus.IN_PROGRESS
    )
    assert met_commitment_ids(world.plan) == set()

    completed(world.commitment)

    assert met_commitment_ids(world.plan) == {world.commitment.pk}


# --- starting the renewal -------------------------------------------------------------------


def test_the_draft_has_the_new_period_themes_agencies_and_unmet_commitments(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    met = world.commitment
    completed(met)
    unmet = f.CommitmentFactory(theme=world.themes[1], code="exchange", order=4)
    unmet.agencies.set([world.bj_agency])

    draft = renew(world)

    assert (draft.status, draft.period) == (PlanStatus.DRAFT, "2024–2028")
    assert draft.partnership == world.partnership
    assert draft.renewal_of == world.plan and draft.predecessor is None
    assert draft.title_en == "Action Plan between Helsinki and Beijing 2024–2028"
    new_themes = list(draft.themes.order_by("order"))
    assert [(t.order, t.code, t.carried_over_from) for t in new_themes] == [
        (t.order, t.code, t) for t in world.themes
    ]
    assert {(r.agency, r.role) for r in new_themes[0].responsibilities.all()} == {
        (r.agency, r.role) for r in world.themes[0].responsibilities.all()
    }
    carried = Commitment.objects.get(theme__plan=draft)
    assert carried.carried_over_from == unmet
    assert (carried.theme, carried.order, carried.text_en) == (new_themes[1], 4, unmet.text_en)
    assert list(carried.agencies.all()) == [world.bj_agency]
    assert not Commitment.objects.filter(theme__plan=draft, carried_over_from=met).exists()


@pytest.mark.parametrize("conclusion", [Conclusion.RENEW, Conclusion.REVISE])
def test_both_sides_coordinators_may_start_it_after_renew_or_revise(world, conclusion):
    f.evaluation(world.plan, conclusion=conclusion)

    draft = renew(world, user=world.bj_coordinator)

    assert draft.renewal_of == world.plan


def state(world):
    return (
        ActionPlan.objects.count(),
        Theme.objects.count(),
        Commitment.objects.count(),
        ActionPlan.objects.get(pk=world.plan.pk).status,
    )


@pytest.mark.parametrize("username", ["hki_staff", "bj_staff", "official", "outsider"])
def test_others_may_not_start_it_and_nothing_changes(world, username):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    before = state(world)

    with pytest.raises(PermissionDenied):
        renew(world, user=getattr(world, username))

    assert state(world) == before


@pytest.mark.parametrize("conclusion", [None, "", Conclusion.CONTINUE, Conclusion.CONCLUDE])
def test_it_waits_for_an_evaluation_that_concluded_renew_or_revise(world, conclusion):
    if conclusion is not None:
        review = f.evaluation(world.plan, conclusion=conclusion or Conclusion.RENEW)
        if not conclusion:  # scheduled, not completed
            review.status, review.completed_at = ReviewStatus.SCHEDULED, None
            review.save()
    before = state(world)

    with pytest.raises(ValidationError):
        renew(world)

    assert state(world) == before


def test_it_is_started_once(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    renew(world)
    before = state(world)

    with pytest.raises(ValidationError):
        renew(world, user=world.bj_coordinator, start=2025, end=2029)

    assert state(world) == before


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (2022, 2026, "period_start_year"),
        (2024, 2023, "period_end_year"),
        (2024, 2040, "period_end_year"),
        ("2024", 2028, "period_start_year"),
        (2024, 99999, "period_end_year"),
        (None, 2028, "period_start_year"),
    ],
)
def test_a_bad_period_is_refused(world, start, end, field):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    before = state(world)

    with pytest.raises(ValidationError) as excinfo:
        renew(world, start=start, end=end)

    assert field in error_fields(excinfo)
    assert state(world) == before


def test_the_next_plan_may_start_in_the_last_year_of_this_one(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)

    assert renew(world, start=2023, end=2027).period == "2023–2027"


# --- visibility of the draft ----------------------------------------------------------------


@pytest.mark.parametrize("username", USERS)
def test_the_draft_is_seen_by_coordinators_only(world, username):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)
    user = getattr(world, username)
    sees = username in {"hki_coordinator", "bj_coordinator", "admin"}

    assert selectors.visible_plans(user).filter(pk=draft.pk).exists() is sees
    assert selectors.visible_themes(user).filter(plan=draft).exists() is sees
    assert access.can(user, "view", draft) is sees
    assert access.can(user, "view", draft.themes.first()) is sees


def test_both_sides_edit_the_draft_through_the_usual_services(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)
    theme = draft.themes.get(order=1)

    themes.update_theme(user=world.bj_coordinator, theme=theme, name_en="Economy and trade")
    added = commitments.create_commitment(
        user=world.hki_coordinator, theme=theme, code="new", order=9, text_en="Something new."
    )

    assert Theme.objects.get(pk=theme.pk).name_en == "Economy and trade"
    assert added.theme.plan == draft
    with pytest.raises(PermissionDenied):
        themes.update_theme(user=world.hki_staff, theme=theme, name_en="Staff edit")


# --- approval and publishing ----------------------------------------------------------------


def test_both_sides_approve_and_the_draft_comes_into_force(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)

    after_one = approve_renewal(user=world.bj_coordinator, plan=draft)
    assert after_one.status == PlanStatus.DRAFT
    assert [s["current"] for s in approval_state(after_one)] == [False, True]

    published = approve_renewal(user=world.hki_coordinator, plan=draft)

    assert published.status == PlanStatus.IN_FORCE
    assert published.predecessor_id == world.plan.pk
    assert published.signed_on == datetime.date(2026, 11, 30)
    assert ActionPlan.objects.get(pk=world.plan.pk).status == PlanStatus.RENEWED
    assert RenewalApproval.objects.filter(plan=draft).count() == 2
    # Published: everyone of the partnership sees it now.
    assert selectors.visible_plans(world.official).filter(pk=draft.pk).exists()
    assert history.for_object(published, parts=False).exists()


def test_a_side_approves_once(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)
    approve_renewal(user=world.hki_coordinator, plan=draft)

    with pytest.raises(ValidationError):
        approve_renewal(user=world.hki_coordinator, plan=draft)

    assert RenewalApproval.objects.filter(plan=draft).count() == 1


def test_a_change_after_an_approval_makes_it_lapse(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)
    approve_renewal(user=world.hki_coordinator, plan=draft)
    theme = draft.themes.get(order=2)
    themes.update_theme(user=world.bj_coordinator, theme=theme, name_en="Education and youth")
    assert [s["current"] for s in approval_state(draft)] == [False, False]

    after = approve_renewal(user=world.bj_coordinator, plan=draft)

    # Beijing approved the changed draft; Helsinki's approval of the earlier one lapsed.
    assert after.status == PlanStatus.DRAFT
    assert list(RenewalApproval.objects.filter(plan=draft).values_list("city", flat=True)) == [
        world.beijing.pk
    ]
    assert approve_renewal(user=world.hki_coordinator, plan=draft).status == PlanStatus.IN_FORCE


@pytest.mark.parametrize("username", ["hki_staff", "bj_staff", "official", "outsider"])
def test_others_may_not_approve(world, username):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)

    with pytest.raises(PermissionDenied):
        approve_renewal(user=getattr(world, username), plan=draft)

    assert not RenewalApproval.objects.exists()


def test_an_administrator_is_no_side_and_a_plan_in_force_is_no_draft(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)

    with pytest.raises(ValidationError):
        approve_renewal(user=world.admin, plan=draft)
    with pytest.raises(ValidationError):
        approve_renewal(user=world.hki_coordinator, plan=world.plan)

    assert not RenewalApproval.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_approving_at_once_are_both_counted(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and concurrent connections")
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(user):
        try:
            barrier.wait(timeout=10)
            outcomes.append(approve_renewal(user=user, plan=draft).status)
        except Exception as exc:  # recorded for the assertion below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(world.hki_coordinator,)),
        threading.Thread(target=worker, args=(world.bj_coordinator,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [PlanStatus.DRAFT, PlanStatus.IN_FORCE], outcomes
    assert RenewalApproval.objects.filter(plan=draft).count() == 2
    assert ActionPlan.objects.get(pk=draft.pk).status == PlanStatus.IN_FORCE
    assert ActionPlan.objects.get(pk=world.plan.pk).status == PlanStatus.RENEWED


# --- concluding -----------------------------------------------------------------------------


def test_a_plan_evaluated_to_conclude_is_concluded(world):
    f.evaluation(world.plan, conclusion=Conclusion.CONCLUDE)

    conclude_plan(user=world.bj_coordinator, plan=world.plan)

    assert ActionPlan.objects.get(pk=world.plan.pk).status == PlanStatus.CONCLUDED


@pytest.mark.parametrize("conclusion", [Conclusion.RENEW, Conclusion.CONTINUE])
def test_only_an_evaluation_concluding_so_concludes_it(world, conclusion):
    f.evaluation(world.plan, conclusion=conclusion)

    with pytest.raises(ValidationError):
        conclude_plan(user=world.hki_coordinator, plan=world.plan)
    with pytest.raises(PermissionDenied):
        conclude_plan(user=world.official, plan=world.plan)

    assert ActionPlan.objects.get(pk=world.plan.pk).status == PlanStatus.IN_FORCE


# --- moving open activities -----------------------------------------------------------------


def published(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)
    approve_renewal(user=world.hki_coordinator, plan=draft)
    return approve_renewal(user=world.bj_coordinator, plan=draft)


def test_open_activities_move_with_their_history(world):
    unmet = world.commitment
    open_one = f.ActivityFactory(
        theme=world.themes[0], commitment=unmet, status=ActivityStatus.IN_PROGRESS
    )
    f.StatusUpdateFactory(activity=open_one, sequence=1, author=world.hki_staff)
    done = completed(f.CommitmentFactory(theme=world.themes[1], order=2))
    new = published(world)
    updated_at = Activity.objects.get(pk=open_one.pk).updated_at

    moved = move_activities(user=world.bj_coordinator, plan=world.plan)

    assert open_one.pk in {a.pk for a in moved} and done.pk not in {a.pk for a in moved}
    activity = Activity.objects.get(pk=open_one.pk)
    assert activity.theme.plan == new and activity.theme.carried_over_from == world.themes[0]
    assert activity.commitment.carried_over_from == unmet
    assert activity.status_updates.count() == 1
    assert activity.updated_at == updated_at
    entry = history.for_object(activity, parts=False).first()
    assert {"theme", "commitment"} <= set(entry.changes)
    assert Activity.objects.get(pk=done.pk).theme == world.themes[1]


def test_chosen_activities_move_and_the_others_stay(world):
    new = published(world)

    move_activities(
        user=world.hki_coordinator, plan=world.plan, activity_ids=[world.bj_activity.pk]
    )

    assert Activity.objects.get(pk=world.bj_activity.pk).theme.plan == new
    assert Activity.objects.get(pk=world.hki_activity.pk).theme.plan == world.plan


def test_moving_refuses_closed_or_foreign_activities_and_changes_nothing(world):
    published(world)
    closed = completed(world.commitment)

    for ids in ([closed.pk], [world.other_activity.pk], [987654]):
        with pytest.raises(ValidationError):
            move_activities(user=world.hki_coordinator, plan=world.plan, activity_ids=ids)

    assert not Activity.objects.filter(theme__plan__renewal_of=world.plan).exists()


def test_moving_needs_the_published_renewal_and_a_coordinator(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    renew(world)

    with pytest.raises(ValidationError):
        move_activities(user=world.hki_coordinator, plan=world.plan)
    with pytest.raises(PermissionDenied):
        move_activities(user=world.hki_staff, plan=world.plan)

    assert Activity.objects.filter(theme__plan=world.plan).count() == 4


def test_a_draft_is_not_published_by_changing_its_status(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    draft = renew(world)

    with pytest.raises(ValidationError) as excinfo:
        plans.update_plan(user=world.hki_coordinator, plan=draft, status=PlanStatus.IN_FORCE)

    assert "status" in error_fields(excinfo)
    assert ActionPlan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_what_an_amendment_withdrew_is_not_carried_over(world):
    from cooperation.amendments.models import ChangeKind
    from tests.cooperation.amendment_helpers import approved

    withdrawn_theme = world.themes[1]
    approved(
        world,
        changes=[
            {"kind": ChangeKind.WITHDRAW_COMMITMENT, "commitment": world.commitment},
            {"kind": ChangeKind.WITHDRAW_THEME, "theme": withdrawn_theme},
        ],
    )
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)

    draft = renew(world)

    assert world.commitment.theme != withdrawn_theme
    assert not Commitment.objects.filter(
        theme__plan=draft, carried_over_from=world.commitment
    ).exists()
    assert list(draft.themes.values_list("carried_over_from", flat=True)) == [
        t.pk for t in world.themes if t != withdrawn_theme
    ]
