"""cooperation.services.plans: partnerships, plans and their signatories.

Partnerships and new plans are the administrators' and the system's (the plan loader); the
coordinators of a partnership change its plans and signatories, everyone else is refused.
Then each rule of a plan, refused with nothing changed.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cooperation.models import ActionPlan, Partnership, PlanStatus, Signatory
from cooperation.services import plans
from partners.access import SYSTEM
from tests.factories import ActionPlanFactory, AgencyFactory, CityFactory
from tests.helpers import USERS as ROLES
from tests.helpers import error_fields

PLAN_MANAGERS = ["hki_coordinator", "bj_coordinator", "admin"]
NOT_PLAN_MANAGERS = [r for r in ROLES if r not in PLAN_MANAGERS]
NOT_ADMINS = [r for r in ROLES if r != "admin"]


def snapshot(plan):
    stored = ActionPlan.objects.get(pk=plan.pk)
    return (
        stored.code,
        stored.partnership_id,
        stored.title_en,
        stored.period_start_year,
        stored.period_end_year,
        stored.status,
        stored.authentic_languages,
        stored.predecessor_id,
        sorted(stored.coordinators.values_list("pk", flat=True)),
    )


def plan_values(**kwargs):
    values = {
        "code": "helsinki-beijing-2024-2028",
        "title_en": "Action Plan 2024–2028",
        "title_zh_hans": "2024-2028年合作行动计划",
        "period_start_year": 2024,
        "period_end_year": 2028,
        "status": PlanStatus.DRAFT,
        "authentic_languages": ["en", "zh-hans"],
    }
    values.update(kwargs)
    return values


# --- partnerships ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "system"])
def test_it_lets_administrators_and_the_system_set_up_a_partnership(world, role):
    user = SYSTEM if role == "system" else world.admin
    shanghai = CityFactory(code="shanghai")

    partnership = plans.create_partnership(
        user=user,
        first_city=world.helsinki,
        second_city=shanghai,
        code="helsinki-shanghai",
        established=datetime.date(2010, 5, 1),
    )
    plans.update_partnership(user=user, partnership=partnership, agreement_title_en="Agreement")

    stored = Partnership.objects.get(pk=partnership.pk)
    assert (stored.first_city, stored.second_city, stored.agreement_title_en) == (
        world.helsinki,
        shanghai,
        "Agreement",
    )


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_it_refuses_partnerships_to_everyone_else(world, role):
    user = getattr(world, role)
    count = Partnership.objects.count()

    with pytest.raises(PermissionDenied):
        plans.create_partnership(
            user=user,
            first_city=world.helsinki,
            second_city=CityFactory(),
            code="helsinki-elsewhere",
            established=datetime.date(2010, 5, 1),
        )
    with pytest.raises(PermissionDenied):
        plans.update_partnership(user=user, partnership=world.partnership, code="renamed")

    assert Partnership.objects.count() == count
    assert Partnership.objects.get(pk=world.partnership.pk).code == "helsinki-beijing"


@pytest.mark.parametrize("first", ["helsinki", "beijing"])
def test_it_refuses_a_partnership_twice_or_of_one_city(world, first):
    count = Partnership.objects.count()
    second = {"helsinki": world.beijing, "beijing": world.helsinki}[first]

    with pytest.raises(ValidationError):
        plans.create_partnership(
            user=world.admin,
            first_city=getattr(world, first),
            second_city=second,
            code="again",
            established=datetime.date(2010, 5, 1),
        )
    with pytest.raises(ValidationError):
        plans.create_partnership(
            user=world.admin,
            first_city=world.helsinki,
            second_city=world.helsinki,
            code="alone",
            established=datetime.date(2010, 5, 1),
        )

    assert Partnership.objects.count() == count


def test_it_refuses_changing_the_cities_of_a_partnership_with_plans(world):
    shanghai = CityFactory(code="shanghai")

    with pytest.raises(ValidationError) as excinfo:
        plans.update_partnership(
            user=world.admin, partnership=world.partnership, second_city=shanghai
        )

    assert "first_city" in error_fields(excinfo)
    assert Partnership.objects.get(pk=world.partnership.pk).second_city == world.beijing


def test_it_lets_the_cities_of_a_partnership_without_plans_change(world):
    partnership = plans.create_partnership(
        user=world.admin,
        first_city=world.helsinki,
        second_city=CityFactory(),
        code="helsinki-new",
        established=datetime.date(2010, 5, 1),
    )
    shanghai = CityFactory(code="shanghai")

    plans.update_partnership(user=world.admin, partnership=partnership, second_city=shanghai)

    assert Partnership.objects.get(pk=partnership.pk).second_city == shanghai


# --- create_plan ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "system"])
def test_it_lets_administrators_and_the_loader_create_a_plan(world, role):
    user = SYSTEM if role == "system" else world.admin

    plan = plans.create_plan(
        user=user,
        partnership=world.partnership,
        predecessor=world.plan,
        coordinators=[world.hki_agency, world.bj_agency],
        **plan_values(),
    )

    stored = ActionPlan.objects.get(pk=plan.pk)
    assert stored.partnership == world.partnership
    assert stored.predecessor == world.plan
    assert stored.period == "2024–2028"
    assert set(stored.coordinators.all()) == {world.hki_agency, world.bj_agency}


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_it_refuses_a_new_plan_to_everyone_else(world, role):
    count = ActionPlan.objects.count()

    with pytest.raises(PermissionDenied):
        plans.create_plan(user=getattr(world, role), partnership=world.partnership, **plan_values())

    assert ActionPlan.objects.count() == count


# --- update_plan ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", PLAN_MANAGERS)
def test_it_lets_the_coordinators_of_the_partnership_change_a_plan(world, role):
    plans.update_plan(
        user=getattr(world, role),
        plan=world.plan,
        status=PlanStatus.UNDER_REVIEW,
        signed_place_en="Helsinki City Hall",
        coordinators=[world.hki_agency],
    )

    stored = ActionPlan.objects.get(pk=world.plan.pk)
    assert stored.status == PlanStatus.UNDER_REVIEW
    assert stored.signed_place_en == "Helsinki City Hall"
    assert list(stored.coordinators.all()) == [world.hki_agency]


@pytest.mark.parametrize("role", NOT_PLAN_MANAGERS)
def test_it_refuses_changing_a_plan_to_everyone_else(world, role):
    before = snapshot(world.plan)

    with pytest.raises(PermissionDenied):
        plans.update_plan(
            user=getattr(world, role),
            plan=world.plan,
            status=PlanStatus.CONCLUDED,
            coordinators=[world.hki_agency],
        )

    assert snapshot(world.plan) == before


def test_it_leaves_the_code_to_administrators(world):
    before = snapshot(world.plan)

    with pytest.raises(PermissionDenied):
        plans.update_plan(user=world.hki_coordinator, plan=world.plan, code="renamed")
    assert snapshot(world.plan) == before

    # Repeating the code (a whole form sent back) is no change.
    plans.update_plan(
        user=world.hki_coordinator, plan=world.plan, code=world.plan.code, title_en="Renamed"
    )
    plans.update_plan(user=world.admin, plan=world.plan, code="renamed")
    assert ActionPlan.objects.get(pk=world.plan.pk).code == "renamed"


def test_it_saves_only_the_changed_columns(world):
    stale = ActionPlan.objects.get(pk=world.plan.pk)
    ActionPlan.objects.filter(pk=world.plan.pk).update(signed_place_en="Beijing")

    plans.update_plan(user=world.hki_coordinator, plan=stale, status=PlanStatus.CONCLUDED)

    stored = ActionPlan.objects.get(pk=world.plan.pk)
    assert (stored.status, stored.signed_place_en) == (PlanStatus.CONCLUDED, "Beijing")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period_start_year": 1899}, "period_start_year"),
        ({"period_end_year": 2201}, "period_end_year"),
        ({"period_start_year": 20190}, "period_start_year"),
        ({"period_start_year": 2024}, "__all__"),  # after the last year (2023)
        ({"status": "abolished"}, "status"),
    ],
)
def test_it_refuses_a_period_or_status_that_cannot_be(world, changes, field):
    before = snapshot(world.plan)

    with pytest.raises(ValidationError) as excinfo:
        plans.update_plan(user=world.hki_coordinator, plan=world.plan, **changes)

    assert field in error_fields(excinfo)
    assert snapshot(world.plan) == before


@pytest.mark.parametrize("languages", [["en", "sv"], ["en", "en"], "en", [1], None, {"en": True}])
def test_it_refuses_authentic_languages_the_portal_does_not_know(world, languages):
    before = snapshot(world.plan)
    count = ActionPlan.objects.count()

    with pytest.raises(ValidationError) as updated:
        plans.update_plan(
            user=world.hki_coordinator, plan=world.plan, authentic_languages=languages
        )
    with pytest.raises(ValidationError) as created:
        plans.create_plan(
            user=world.admin,
            partnership=world.partnership,
            **plan_values(authentic_languages=languages),
        )

    assert "authentic_languages" in error_fields(updated)
    assert "authentic_languages" in error_fields(created)
    assert snapshot(world.plan) == before
    assert ActionPlan.objects.count() == count


def test_it_accepts_any_known_authentic_languages(world):
    plans.update_plan(
        user=world.hki_coordinator, plan=world.plan, authentic_languages=["zh-hans", "en", "fi"]
    )

    assert ActionPlan.objects.get(pk=world.plan.pk).authentic_languages == ["zh-hans", "en", "fi"]


def test_it_refuses_a_predecessor_of_another_partnership(world):
    before = snapshot(world.plan)
    count = ActionPlan.objects.count()

    with pytest.raises(ValidationError) as updated:
        plans.update_plan(user=world.admin, plan=world.plan, predecessor=world.other_plan)
    with pytest.raises(ValidationError) as created:
        plans.create_plan(
            user=world.admin,
            partnership=world.partnership,
            **plan_values(predecessor=world.other_plan),
        )

    assert "predecessor" in error_fields(updated)
    assert "predecessor" in error_fields(created)
    assert snapshot(world.plan) == before
    assert ActionPlan.objects.count() == count


def test_it_refuses_a_plan_as_its_own_predecessor(world):
    before = snapshot(world.plan)

    with pytest.raises(ValidationError) as excinfo:
        plans.update_plan(user=world.hki_coordinator, plan=world.plan, predecessor=world.plan)

    assert "predecessor" in error_fields(excinfo)
    assert snapshot(world.plan) == before


def test_it_refuses_a_predecessor_that_comes_after_the_plan(world):
    earlier = ActionPlanFactory(
        partnership=world.partnership, period_start_year=2017, period_end_year=2019
    )
    plans.update_plan(user=world.hki_coordinator, plan=world.plan, predecessor=earlier)
    # The chain is followed as stored: ``later`` still holds a copy of the plan without its
    # new predecessor.
    later = ActionPlanFactory(
        partnership=world.partnership,
        predecessor=world.plan,
        period_start_year=2024,
        period_end_year=2028,
    )
    before = snapshot(earlier)

    with pytest.raises(ValidationError) as excinfo:
        plans.update_plan(user=world.hki_coordinator, plan=earlier, predecessor=later)

    assert "predecessor" in error_fields(excinfo)
    assert snapshot(earlier) == before
    assert ActionPlan.objects.get(pk=world.plan.pk).predecessor == earlier


@pytest.mark.parametrize("agency", ["third party", "tallinn"])
def test_it_refuses_coordinating_offices_outside_the_two_cities(world, agency):
    outside = AgencyFactory(
        city=None if agency == "third party" else world.other_partnership.first_city
    )
    before = snapshot(world.plan)
    count = ActionPlan.objects.count()

    with pytest.raises(ValidationError) as updated:
        plans.update_plan(
            user=world.hki_coordinator, plan=world.plan, coordinators=[world.hki_agency, outside]
        )
    with pytest.raises(ValidationError) as created:
        plans.create_plan(
            user=world.admin, partnership=world.partnership, coordinators=[outside], **plan_values()
        )

    assert "coordinators" in error_fields(updated)
    assert "coordinators" in error_fields(created)
    assert snapshot(world.plan) == before
    assert ActionPlan.objects.count() == count


def test_it_keeps_a_plan_in_its_partnership(world):
    before = snapshot(world.plan)

    with pytest.raises(ValidationError) as excinfo:
        plans.update_plan(user=world.admin, plan=world.plan, partnership=world.other_partnership)

    assert "partnership" in error_fields(excinfo)
    assert snapshot(world.plan) == before
    # Repeating its own partnership (a whole form sent back) is no move.
    plans.update_plan(
        user=world.hki_coordinator, plan=world.plan, partnership=world.partnership, title_en="X"
    )
    assert ActionPlan.objects.get(pk=world.plan.pk).title_en == "X"


def test_it_refuses_a_field_it_does_not_write(world):
    before = snapshot(world.plan)

    with pytest.raises(TypeError):
        plans.update_plan(user=world.admin, plan=world.plan, id=999)

    assert snapshot(world.plan) == before


# --- signatories ----------------------------------------------------------------------------


def signatories(plan):
    return list(
        Signatory.objects.filter(plan=plan).values_list("city_id", "name_en", "position_en")
    )


@pytest.mark.parametrize("role", PLAN_MANAGERS)
def test_it_lets_the_coordinators_record_the_signatories(world, role):
    user = getattr(world, role)

    signatory = plans.add_signatory(
        user=user,
        plan=world.plan,
        city=world.beijing,
        name_en="Chen Jining",
        name_zh_hans="陈吉宁",
        position_en="Mayor of Beijing",
        position_zh_hans="北京市市长",
    )
    plans.update_signatory(user=user, signatory=signatory, position_en="Mayor")
    assert signatories(world.plan) == [(world.beijing.pk, "Chen Jining", "Mayor")]

    plans.remove_signatory(user=user, signatory=signatory)
    assert signatories(world.plan) == []


@pytest.mark.parametrize("role", NOT_PLAN_MANAGERS)
def test_it_refuses_signatories_to_everyone_else(world, role):
    user = getattr(world, role)
    signatory = Signatory.objects.create(
        plan=world.plan, city=world.helsinki, name_en="Jan Vapaavuori", position_en="Mayor"
    )
    before = signatories(world.plan)

    with pytest.raises(PermissionDenied):
        plans.add_signatory(
            user=user, plan=world.plan, city=world.beijing, name_en="X", position_en="Y"
        )
    with pytest.raises(PermissionDenied):
        plans.update_signatory(user=user, signatory=signatory, name_en="Someone else")
    with pytest.raises(PermissionDenied):
        plans.remove_signatory(user=user, signatory=signatory)

    assert signatories(world.plan) == before


def test_it_refuses_a_signatory_of_another_city(world):
    signatory = Signatory.objects.create(
        plan=world.plan, city=world.helsinki, name_en="Jan Vapaavuori", position_en="Mayor"
    )
    tallinn = world.other_partnership.first_city
    before = signatories(world.plan)

    with pytest.raises(ValidationError) as added:
        plans.add_signatory(
            user=world.hki_coordinator, plan=world.plan, city=tallinn, name_en="X", position_en="Y"
        )
    with pytest.raises(ValidationError) as updated:
        plans.update_signatory(user=world.hki_coordinator, signatory=signatory, city=tallinn)

    assert "city" in error_fields(added)
    assert "city" in error_fields(updated)
    assert signatories(world.plan) == before


def test_it_refuses_the_same_signatory_twice(world):
    values = {"city": world.helsinki, "name_en": "Jan Vapaavuori", "position_en": "Mayor"}
    plans.add_signatory(user=world.hki_coordinator, plan=world.plan, **values)

    with pytest.raises(ValidationError):
        plans.add_signatory(user=world.hki_coordinator, plan=world.plan, **values)

    assert len(signatories(world.plan)) == 1
