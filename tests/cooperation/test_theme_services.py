"""cooperation.services.themes: a plan's themes and the agencies responsible for each.

Coordinators of the partnership (and administrators) write them; everyone else is refused.
A theme stays in its plan (its activities would silently change plans with it), its order and
code are unique in the plan (a ValidationError, never an IntegrityError), it is not removed
while activities are filed under it, and its responsible agencies are of the partnership.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError

from cooperation.models import Activity, Commitment, ResponsibilityRole, Theme, ThemeAgency
from cooperation.services import themes
from tests.factories import ActionPlanFactory, AgencyFactory, CommitmentFactory
from tests.helpers import USERS as ROLES
from tests.helpers import error_fields

MANAGERS = ["hki_coordinator", "bj_coordinator", "admin"]
NOT_MANAGERS = [r for r in ROLES if r not in MANAGERS]


def snapshot(theme):
    stored = Theme.objects.get(pk=theme.pk)
    return (
        stored.plan_id,
        stored.code,
        stored.order,
        stored.name_en,
        stored.name_zh_hans,
        stored.summary_en,
    )


def responsibilities(theme):
    return sorted(
        ThemeAgency.objects.filter(theme=theme).values_list("agency_id", "role"),
    )


def theme_values(**kwargs):
    values = {
        "code": "science",
        "order": 4,
        "name_en": "Science and technology",
        "name_zh_hans": "科技",
        "summary_en": "Smart city cooperation.",
    }
    values.update(kwargs)
    return values


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_it_lets_the_coordinators_add_change_and_remove_a_theme(world, role):
    user = getattr(world, role)

    theme = themes.create_theme(user=user, plan=world.plan, **theme_values())
    assert snapshot(theme) == (
        world.plan.pk,
        "science",
        4,
        "Science and technology",
        "科技",
        "Smart city cooperation.",
    )

    themes.update_theme(user=user, theme=theme, name_en="Science", order=5)
    assert snapshot(theme)[2:4] == (5, "Science")

    themes.delete_theme(user=user, theme=theme)
    assert not Theme.objects.filter(pk=theme.pk).exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_it_refuses_themes_to_everyone_else(world, role):
    user = getattr(world, role)
    theme = world.themes[2]  # no activities: only the permission stops its removal
    before = snapshot(theme)
    count = Theme.objects.count()

    with pytest.raises(PermissionDenied):
        themes.create_theme(user=user, plan=world.plan, **theme_values())
    with pytest.raises(PermissionDenied):
        themes.update_theme(user=user, theme=theme, name_en="Taken over")
    with pytest.raises(PermissionDenied):
        themes.delete_theme(user=user, theme=theme)

    assert Theme.objects.count() == count
    assert snapshot(theme) == before


@pytest.mark.parametrize("role", MANAGERS)
def test_it_lets_the_coordinators_name_the_responsible_agencies(world, role):
    user = getattr(world, role)
    theme = world.themes[1]

    responsibility = themes.add_responsibility(
        user=user, theme=theme, agency=world.hki_other_agency, role=ResponsibilityRole.LEAD
    )
    themes.update_responsibility(
        user=user, responsibility=responsibility, role=ResponsibilityRole.SUPPORTING
    )
    assert responsibilities(theme) == [(world.hki_other_agency.pk, ResponsibilityRole.SUPPORTING)]

    themes.remove_responsibility(user=user, responsibility=responsibility)
    assert responsibilities(theme) == []


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_it_refuses_responsible_agencies_to_everyone_else(world, role):
    user = getattr(world, role)
    theme = world.themes[0]
    responsibility = ThemeAgency.objects.get(theme=theme, agency=world.hki_agency)
    before = responsibilities(theme)

    with pytest.raises(PermissionDenied):
        themes.add_responsibility(
            user=user, theme=theme, agency=world.hki_other_agency, role=ResponsibilityRole.LEAD
        )
    with pytest.raises(PermissionDenied):
        themes.update_responsibility(
            user=user, responsibility=responsibility, role=ResponsibilityRole.SUPPORTING
        )
    with pytest.raises(PermissionDenied):
        themes.remove_responsibility(user=user, responsibility=responsibility)

    assert responsibilities(theme) == before


# --- a theme stays in its plan ----------------------------------------------------------------


@pytest.mark.parametrize("plan", ["another plan of the partnership", "another partnership's plan"])
def test_it_keeps_a_theme_in_its_plan(world, plan):
    # The defect this fixes: a theme moved to another plan took its commitments and activities
    # with it, silently.
    target = (
        ActionPlanFactory(partnership=world.partnership)
        if plan == "another plan of the partnership"
        else world.other_plan
    )
    theme = world.themes[0]
    before = snapshot(theme)

    with pytest.raises(ValidationError) as excinfo:
        themes.update_theme(user=world.admin, theme=theme, plan=target, name_en="Moved")

    assert "plan" in error_fields(excinfo)
    assert snapshot(theme) == before
    assert set(Activity.objects.filter(theme=theme)) == {
        world.hki_activity,
        world.bj_activity,
        world.joint_activity,
        world.other_agency_activity,
    }


def test_it_accepts_a_theme_repeating_its_own_plan(world):
    # A whole form sent back repeats the plan: that is no move.
    themes.update_theme(
        user=world.hki_coordinator, theme=world.themes[0], plan=world.plan, name_en="Economy+"
    )

    assert snapshot(world.themes[0])[3] == "Economy+"


# --- order and code unique in the plan --------------------------------------------------------


@pytest.mark.parametrize(
    ("taken", "field"), [({"order": 2}, "order"), ({"code": "education"}, "code")]
)
def test_it_answers_a_taken_order_or_code_with_a_validation_error(world, taken, field):
    count = Theme.objects.count()
    before = snapshot(world.themes[2])

    with pytest.raises(ValidationError) as created:
        themes.create_theme(user=world.hki_coordinator, plan=world.plan, **theme_values(**taken))
    with pytest.raises(ValidationError) as updated:
        themes.update_theme(user=world.hki_coordinator, theme=world.themes[2], **taken)

    # The constraint spans the plan and the field: a non-field error naming the field.
    for excinfo in (created, updated):
        assert "__all__" in error_fields(excinfo)
        assert field.capitalize() in str(excinfo.value)
    assert Theme.objects.count() == count
    assert snapshot(world.themes[2]) == before


def test_it_accepts_an_order_and_code_taken_in_another_plan(world):
    theme = themes.create_theme(
        user=world.hki_coordinator,
        plan=ActionPlanFactory(partnership=world.partnership),
        **theme_values(code="economy", order=1),
    )

    assert snapshot(theme)[1:3] == ("economy", 1)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"order": 0}, "__all__"),
        ({"code": "not a slug"}, "code"),
        ({"name_en": "x" * 201}, "name_en"),
    ],
)
def test_it_refuses_a_theme_the_model_does_not_accept(world, values, field):
    count = Theme.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        themes.create_theme(user=world.hki_coordinator, plan=world.plan, **theme_values(**values))

    assert field in error_fields(excinfo)
    assert Theme.objects.count() == count


def test_it_refuses_a_field_it_does_not_write(world):
    before = snapshot(world.themes[0])

    with pytest.raises(TypeError):
        themes.update_theme(user=world.admin, theme=world.themes[0], id=999)

    assert snapshot(world.themes[0]) == before


# --- removing a theme -------------------------------------------------------------------------


def test_it_refuses_removing_a_theme_with_activities(world):
    theme = world.themes[0]

    with pytest.raises(ProtectedError):
        themes.delete_theme(user=world.hki_coordinator, theme=theme)

    assert Theme.objects.filter(pk=theme.pk).exists()
    assert Commitment.objects.filter(pk=world.commitment.pk).exists()
    assert responsibilities(theme)


def test_it_removes_a_theme_without_activities_with_its_commitments(world):
    theme = world.themes[1]
    commitment = CommitmentFactory(theme=theme)

    themes.delete_theme(user=world.bj_coordinator, theme=theme)

    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert not Commitment.objects.filter(pk=commitment.pk).exists()


# --- responsible agencies ---------------------------------------------------------------------


def test_it_accepts_a_third_party_as_a_responsible_agency(world):
    wtcf = AgencyFactory(city=None, partnerships=[world.partnership])

    themes.add_responsibility(
        user=world.hki_coordinator,
        theme=world.themes[2],
        agency=wtcf,
        role=ResponsibilityRole.SUPPORTING,
    )

    assert responsibilities(world.themes[2]) == [(wtcf.pk, ResponsibilityRole.SUPPORTING)]


def test_it_refuses_an_agency_of_another_partnership(world):
    tallinn_agency = AgencyFactory(city=world.other_partnership.first_city)
    theme = world.themes[0]
    responsibility = ThemeAgency.objects.get(theme=theme, agency=world.hki_agency)
    before = responsibilities(theme)

    with pytest.raises(ValidationError) as added:
        themes.add_responsibility(
            user=world.admin, theme=theme, agency=tallinn_agency, role=ResponsibilityRole.LEAD
        )
    with pytest.raises(ValidationError) as updated:
        themes.update_responsibility(
            user=world.admin, responsibility=responsibility, agency=tallinn_agency
        )

    assert "agency" in error_fields(added)
    assert "agency" in error_fields(updated)
    assert responsibilities(theme) == before


def test_it_names_an_agency_responsible_for_a_theme_once(world):
    theme = world.themes[0]
    before = responsibilities(theme)

    with pytest.raises(ValidationError):
        themes.add_responsibility(
            user=world.hki_coordinator,
            theme=theme,
            agency=world.hki_agency,
            role=ResponsibilityRole.SUPPORTING,
        )

    assert responsibilities(theme) == before


def test_it_refuses_an_unknown_responsibility_role(world):
    theme = world.themes[1]

    with pytest.raises(ValidationError) as excinfo:
        themes.add_responsibility(
            user=world.hki_coordinator, theme=theme, agency=world.hki_agency, role="owner"
        )

    assert "role" in error_fields(excinfo)
    assert responsibilities(theme) == []


def test_it_keeps_a_responsibility_on_its_theme(world):
    responsibility = ThemeAgency.objects.get(theme=world.themes[0], agency=world.hki_agency)

    with pytest.raises(TypeError):
        themes.update_responsibility(
            user=world.admin, responsibility=responsibility, theme=world.themes[1]
        )

    assert ThemeAgency.objects.get(pk=responsibility.pk).theme == world.themes[0]
