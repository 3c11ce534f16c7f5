"""cooperation.services.commitments: the concrete undertakings of a theme.

Coordinators of the partnership (and administrators) write them; everyone else is refused. A
commitment stays in its theme: the API once accepted ``PATCH {"theme": other}``, which left
the activities working towards it under the old theme. The agencies it names are of the
partnership; removing it keeps its activities.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cooperation.models import Activity, Commitment, Frequency
from cooperation.services import commitments
from tests.factories import AgencyFactory
from tests.helpers import USERS as ROLES
from tests.helpers import error_fields

MANAGERS = ["hki_coordinator", "bj_coordinator", "admin"]
NOT_MANAGERS = [r for r in ROLES if r not in MANAGERS]


def snapshot(commitment):
    stored = Commitment.objects.get(pk=commitment.pk)
    return (
        stored.theme_id,
        stored.code,
        stored.order,
        stored.text_en,
        stored.text_zh_hans,
        stored.target_count,
        stored.frequency,
        sorted(stored.agencies.values_list("pk", flat=True)),
    )


def commitment_values(**kwargs):
    values = {
        "code": "helsinki-week",
        "order": 2,
        "text_en": "Host one Helsinki Week in Beijing during the plan period.",
        "text_zh_hans": "在计划期内在北京举办一次赫尔辛基周。",
        "target_count": 1,
        "frequency": Frequency.ONCE,
    }
    values.update(kwargs)
    return values


def working_towards(world, commitment):
    """The Helsinki activity, filed as work towards ``commitment``."""
    Activity.objects.filter(pk=world.hki_activity.pk).update(commitment=commitment)
    return world.hki_activity


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_it_lets_the_coordinators_add_change_and_remove_a_commitment(world, role):
    user = getattr(world, role)

    commitment = commitments.create_commitment(
        user=user,
        theme=world.themes[0],
        agencies=[world.hki_agency, world.bj_agency],
        **commitment_values(),
    )
    assert snapshot(commitment) == (
        world.themes[0].pk,
        "helsinki-week",
        2,
        "Host one Helsinki Week in Beijing during the plan period.",
        "在计划期内在北京举办一次赫尔辛基周。",
        1,
        Frequency.ONCE,
        sorted([world.hki_agency.pk, world.bj_agency.pk]),
    )

    commitments.update_commitment(
        user=user, commitment=commitment, target_count=2, agencies=[world.bj_agency]
    )
    assert snapshot(commitment)[5:] == (2, Frequency.ONCE, [world.bj_agency.pk])

    commitments.delete_commitment(user=user, commitment=commitment)
    assert not Commitment.objects.filter(pk=commitment.pk).exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_it_refuses_commitments_to_everyone_else(world, role):
    user = getattr(world, role)
    before = snapshot(world.commitment)
    count = Commitment.objects.count()

    with pytest.raises(PermissionDenied):
        commitments.create_commitment(user=user, theme=world.themes[0], **commitment_values())
    with pytest.raises(PermissionDenied):
        commitments.update_commitment(
            user=user, commitment=world.commitment, text_en="Rewritten", agencies=[]
        )
    with pytest.raises(PermissionDenied):
        commitments.delete_commitment(user=user, commitment=world.commitment)

    assert Commitment.objects.count() == count
    assert snapshot(world.commitment) == before


# --- a commitment stays in its theme ----------------------------------------------------------


@pytest.mark.parametrize("role", ["hki_coordinator", "admin"])
def test_it_keeps_a_commitment_in_its_theme(world, role):
    activity = working_towards(world, world.commitment)
    before = snapshot(world.commitment)

    with pytest.raises(ValidationError) as excinfo:
        commitments.update_commitment(
            user=getattr(world, role),
            commitment=world.commitment,
            theme=world.themes[1],
            text_en="Moved",
        )

    assert "theme" in error_fields(excinfo)
    assert snapshot(world.commitment) == before
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.theme, stored.commitment) == (world.themes[0], world.commitment)


def test_it_keeps_a_commitment_out_of_another_partnerships_theme(world):
    before = snapshot(world.commitment)

    with pytest.raises(ValidationError) as excinfo:
        commitments.update_commitment(
            user=world.admin, commitment=world.commitment, theme=world.other_theme
        )

    assert "theme" in error_fields(excinfo)
    assert snapshot(world.commitment) == before


def test_it_accepts_a_commitment_repeating_its_own_theme(world):
    commitments.update_commitment(
        user=world.hki_coordinator,
        commitment=world.commitment,
        theme=world.themes[0],
        frequency=Frequency.ANNUAL,
    )

    assert snapshot(world.commitment)[6] == Frequency.ANNUAL


# --- the agencies it names --------------------------------------------------------------------


def test_it_accepts_agencies_of_both_sides_and_third_parties(world):
    wtcf = AgencyFactory(city=None, partnerships=[world.partnership])

    commitments.update_commitment(
        user=world.bj_coordinator,
        commitment=world.commitment,
        agencies=[world.hki_agency, world.bj_agency, wtcf],
    )

    assert snapshot(world.commitment)[7] == sorted(
        [world.hki_agency.pk, world.bj_agency.pk, wtcf.pk]
    )


def test_it_refuses_a_third_party_its_partnership_does_not_name(world):
    theirs = AgencyFactory(city=None, partnerships=[world.other_partnership])

    with pytest.raises(ValidationError):
        commitments.update_commitment(
            user=world.bj_coordinator, commitment=world.commitment, agencies=[theirs]
        )

    assert not world.commitment.agencies.filter(pk=theirs.pk).exists()


def test_it_refuses_an_agency_of_another_partnership(world):
    tallinn_agency = AgencyFactory(city=world.other_partnership.first_city)
    world.commitment.agencies.set([world.hki_agency])
    before = snapshot(world.commitment)
    count = Commitment.objects.count()

    with pytest.raises(ValidationError) as created:
        commitments.create_commitment(
            user=world.hki_coordinator,
            theme=world.themes[0],
            agencies=[world.hki_agency, tallinn_agency],
            **commitment_values(),
        )
    with pytest.raises(ValidationError) as updated:
        commitments.update_commitment(
            user=world.hki_coordinator,
            commitment=world.commitment,
            text_en="Rewritten",
            agencies=[tallinn_agency],
        )

    assert "agencies" in error_fields(created)
    assert "agencies" in error_fields(updated)
    assert Commitment.objects.count() == count
    assert snapshot(world.commitment) == before


# --- the commitment's own fields --------------------------------------------------------------


@pytest.mark.parametrize(
    ("taken", "field"), [({"order": 1}, "Order"), ({"code": "annual-dialogue"}, "Code")]
)
def test_it_answers_a_taken_order_or_code_with_a_validation_error(world, taken, field):
    other = commitments.create_commitment(
        user=world.hki_coordinator, theme=world.themes[0], **commitment_values()
    )
    before = snapshot(other)
    count = Commitment.objects.count()

    with pytest.raises(ValidationError) as created:
        commitments.create_commitment(
            user=world.hki_coordinator,
            theme=world.themes[0],
            **commitment_values(**{"code": "another", "order": 3, **taken}),
        )
    with pytest.raises(ValidationError) as updated:
        commitments.update_commitment(user=world.hki_coordinator, commitment=other, **taken)

    for excinfo in (created, updated):
        assert "__all__" in error_fields(excinfo)
        assert field in str(excinfo.value)
    assert Commitment.objects.count() == count
    assert snapshot(other) == before


def test_it_accepts_an_order_and_code_taken_in_another_theme(world):
    commitment = commitments.create_commitment(
        user=world.hki_coordinator,
        theme=world.themes[1],
        **commitment_values(code="annual-dialogue", order=1),
    )

    assert snapshot(commitment)[:3] == (world.themes[1].pk, "annual-dialogue", 1)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"frequency": "weekly"}, "frequency"),
        ({"target_count": -1}, "target_count"),
        ({"code": "not a slug"}, "code"),
    ],
)
def test_it_refuses_a_commitment_the_model_does_not_accept(world, values, field):
    before = snapshot(world.commitment)
    count = Commitment.objects.count()

    with pytest.raises(ValidationError) as created:
        commitments.create_commitment(
            user=world.hki_coordinator, theme=world.themes[0], **commitment_values(**values)
        )
    with pytest.raises(ValidationError) as updated:
        commitments.update_commitment(
            user=world.hki_coordinator, commitment=world.commitment, **values
        )

    assert field in error_fields(created)
    assert field in error_fields(updated)
    assert Commitment.objects.count() == count
    assert snapshot(world.commitment) == before


def test_it_saves_only_the_changed_columns(world):
    stale = Commitment.objects.get(pk=world.commitment.pk)
    Commitment.objects.filter(pk=world.commitment.pk).update(text_zh_hans="他们的文本")

    commitments.update_commitment(user=world.hki_coordinator, commitment=stale, target_count=5)

    stored = Commitment.objects.get(pk=world.commitment.pk)
    assert (stored.target_count, stored.text_zh_hans) == (5, "他们的文本")


def test_it_refuses_a_field_it_does_not_write(world):
    before = snapshot(world.commitment)

    with pytest.raises(TypeError):
        commitments.update_commitment(user=world.admin, commitment=world.commitment, id=999)

    assert snapshot(world.commitment) == before


# --- removing a commitment --------------------------------------------------------------------


def test_it_keeps_the_activities_of_a_removed_commitment(world):
    activity = working_towards(world, world.commitment)

    commitments.delete_commitment(user=world.bj_coordinator, commitment=world.commitment)

    assert not Commitment.objects.filter(pk=world.commitment.pk).exists()
    stored = Activity.objects.get(pk=activity.pk)
    assert stored.commitment is None
    assert stored.theme == world.themes[0]
