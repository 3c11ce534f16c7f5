"""Every create, change and delete of plan content is in the history (core.history): who,
through which door, each changed field's old and new value (both languages), links added and
removed; an activity's status is not (its status updates are), and nothing is ever lost."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.contenttypes.models import ContentType

from cooperation.models import ActionPlan, Activity, Commitment, ThemeAgency
from cooperation.services import activities, commitments, evidence, funding, plans, themes
from core import history
from core.doors import Door, door
from core.models import HistoryEntry
from events import services as events
from partners import access
from partners import services as partners
from reviews import services as reviews
from tests.cooperation.test_uploads import pdf_bytes, upload

pytestmark = pytest.mark.clock

CREATE, UPDATE, DELETE = (HistoryEntry.Action.CREATE, HistoryEntry.Action.UPDATE, 2)


def as_user(user, name=Door.PAGE):
    """Changes made as ``user`` through a door (what the middleware sets for a request)."""
    return door(name, request=SimpleNamespace(user=user))


def entries_of(obj, pk=None, **filters):
    content_type = ContentType.objects.get_for_model(obj)
    pk = obj.pk if pk is None else pk
    return list(
        HistoryEntry.objects.filter(content_type=content_type, object_id=pk, **filters)
        .select_related("actor")
        .order_by("id")
    )


def last_of(obj) -> HistoryEntry:
    return entries_of(obj)[-1]


def test_a_change_records_who_door_and_both_languages(world):
    theme = world.themes[0]
    with as_user(world.hki_coordinator):
        themes.update_theme(
            user=world.hki_coordinator, theme=theme, name_en="Trade", name_zh_hans="贸易"
        )
    entry = last_of(theme)
    assert entry.action == UPDATE
    assert entry.actor == world.hki_coordinator
    assert entry.actor_name == "hki_coordinator"
    assert entry.door == Door.PAGE
    assert entry.changes == {"name_en": ["Economy", "Trade"], "name_zh_hans": ["经济", "贸易"]}
    # Never the language-dependent ``name`` itself.
    assert "name" not in entry.changes


def test_nothing_changed_records_nothing(world):
    theme = world.themes[0]
    before = len(entries_of(theme))
    with as_user(world.hki_coordinator):
        themes.update_theme(user=world.hki_coordinator, theme=theme, name_en="Economy")
    assert len(entries_of(theme)) == before


# Each model of plan content: create, change and delete through its service.


def _plan_parts(world, user):
    plan = world.plan
    signatory = plans.add_signatory(
        user=user, plan=plan, city=world.helsinki, name_en="Jan Vapaavuori", position_en="Mayor"
    )
    yield signatory, CREATE, {"name_en": [None, "Jan Vapaavuori"]}
    signatory = plans.update_signatory(user=user, signatory=signatory, position_zh_hans="市长")
    yield signatory, UPDATE, {"position_zh_hans": [None, "市长"]}
    plans.update_plan(user=user, plan=plan, signed_place_zh_hans="北京")
    yield plan, UPDATE, {"signed_place_zh_hans": ["赫尔辛基", "北京"]}
    plans.remove_signatory(user=user, signatory=signatory)
    yield signatory, DELETE, {"position_en": ["Mayor", None]}


def _theme_parts(world, user):
    theme = themes.create_theme(
        user=user, plan=world.plan, code="sports", order=4, name_en="Sports", name_zh_hans="体育"
    )
    yield theme, CREATE, {"name_zh_hans": [None, "体育"], "order": [None, 4]}
    responsibility = themes.add_responsibility(
        user=user, theme=theme, agency=world.hki_agency, role="lead"
    )
    yield responsibility, CREATE, {"agency": [None, world.hki_agency.pk], "role": [None, "lead"]}
    responsibility = themes.update_responsibility(
        user=user, responsibility=responsibility, role="supporting"
    )
    yield responsibility, UPDATE, {"role": ["lead", "supporting"]}
    commitment = commitments.create_commitment(
        user=user, theme=theme, code="games", order=1, text_en="Joint games.", agencies=[]
    )
    yield commitment, CREATE, {"text_en": [None, "Joint games."]}
    commitment = commitments.update_commitment(
        user=user, commitment=commitment, text_zh_hans="联合运动会。", target_count=2
    )
    yield commitment, UPDATE, {"text_zh_hans": [None, "联合运动会。"], "target_count": [None, 2]}
    commitments.delete_commitment(user=user, commitment=commitment)
    yield commitment, DELETE, {"text_en": ["Joint games.", None]}
    themes.remove_responsibility(user=user, responsibility=responsibility)
    yield responsibility, DELETE, {"role": ["supporting", None]}
    themes.delete_theme(user=user, theme=theme)
    yield theme, DELETE, {"name_en": ["Sports", None]}


def _activity_parts(world, user):
    activity = Activity(
        theme=world.themes[0],
        title_en="Hackathon",
        title_zh_hans="黑客松",
        first_lead_agency=world.hki_agency,
    )
    activity = activities.create_activity(user=user, activity=activity)
    yield activity, CREATE, {"title_en": [None, "Hackathon"], "title_zh_hans": [None, "黑客松"]}
    activity.outcomes_zh_hans = "报告"
    activity.planned_start = datetime.date(2021, 5, 1)
    activities.update_activity(
        user=user,
        activity=activity,
        expected_version=activity.version,
        fields=["outcomes_zh_hans", "planned_start"],
    )
    yield (
        activity,
        UPDATE,
        {"outcomes_zh_hans": [None, "报告"], "planned_start": [None, "2021-05-01"]},
    )
    row = funding.add_funding(user=user, activity=activity, source="first_city", amount="100")
    yield row, CREATE, {"amount": [None, "100"], "currency": [None, "EUR"]}
    row = funding.update_funding(user=user, funding=row, amount="250.50")
    yield row, UPDATE, {"amount": ["100.00", "250.50"]}
    funding.delete_funding(user=user, funding=row)
    yield row, DELETE, {"source": ["first_city", None]}
    file = evidence.add_evidence(
        user=user, activity=activity, upload=upload("minutes.pdf", pdf_bytes())
    )
    yield file, CREATE, {"original_name": [None, "minutes.pdf"]}
    evidence.delete_evidence(user=user, evidence=file)
    yield file, DELETE, {"original_name": ["minutes.pdf", None]}


def _event_parts(world, user):
    event = events.create_event(
        user=user, plan=world.plan, kind="forum", title_en="Forum", title_zh_hans="论坛"
    )
    yield event, CREATE, {"title_zh_hans": [None, "论坛"], "kind": [None, "forum"]}
    event = events.update_event(user=user, event=event, venue_en="Oodi", venue_zh_hans="颂歌")
    yield event, UPDATE, {"venue_en": [None, "Oodi"], "venue_zh_hans": [None, "颂歌"]}
    starts = datetime.datetime(2021, 5, 1, 9, tzinfo=datetime.UTC)
    item = events.add_programme_item(user=user, event=event, starts_at=starts, title_en="Opening")
    yield item, CREATE, {"title_en": [None, "Opening"], "starts_at": [None, "2021-05-01 09:00:00"]}
    item = events.update_programme_item(user=user, item=item, title_zh_hans="开幕")
    yield item, UPDATE, {"title_zh_hans": ["", "开幕"]}
    events.delete_programme_item(user=user, item=item)
    yield item, DELETE, {"title_en": ["Opening", None]}
    member = events.add_delegation_member(user=user, event=event, name_en="Anni", is_head=True)
    yield member, CREATE, {"name_en": [None, "Anni"], "is_head": [None, True]}
    member = events.update_delegation_member(user=user, member=member, position_en="Mayor")
    yield member, UPDATE, {"position_en": [None, "Mayor"]}
    events.remove_delegation_member(user=user, member=member)
    yield member, DELETE, {"name_en": ["Anni", None]}
    series = events.create_series(user=user, plan=world.plan, code="weeks", name_en="Weeks")
    yield series, CREATE, {"name_en": [None, "Weeks"]}
    series = events.update_series(user=user, series=series, name_zh_hans="周")
    yield series, UPDATE, {"name_zh_hans": [None, "周"]}
    events.delete_series(user=user, series=series)
    yield series, DELETE, {"code": ["weeks", None]}
    events.delete_event(user=user, event=event)
    yield event, DELETE, {"title_en": ["Forum", None]}


def _review_parts(world, user):
    review = reviews.create_review(
        user=user,
        plan=world.plan,
        title_en="Ad hoc",
        title_zh_hans="临时",
        due_date=datetime.date(2027, 6, 30),
    )
    yield review, CREATE, {"title_zh_hans": [None, "临时"], "due_date": [None, "2027-06-30"]}
    review = reviews.update_review_details(user=user, review=review, title_en="Ad-hoc review")
    yield review, UPDATE, {"title_en": ["Ad hoc", "Ad-hoc review"]}
    assessment = reviews.save_assessment(
        user=user, review=review, theme=world.themes[0], rating="at_risk", narrative_zh_hans="风险"
    )
    yield assessment, CREATE, {"rating": [None, "at_risk"], "narrative_zh_hans": [None, "风险"]}
    assessment = reviews.save_assessment(
        user=user,
        review=review,
        theme=world.themes[0],
        rating="on_track",
        narrative_zh_hans="风险",
    )
    yield assessment, UPDATE, {"rating": ["at_risk", "on_track"]}
    reviews.delete_review(user=user, review=review)
    yield review, DELETE, {"title_en": ["Ad-hoc review", None]}
    yield assessment, DELETE, {"rating": ["on_track", None]}  # with its review


def _partner_parts(world, user):
    city = partners.create_city(
        user=user, code="espoo", name_en="Espoo", country_en="Finland", time_zone="Europe/Helsinki"
    )
    yield city, CREATE, {"name_en": [None, "Espoo"]}
    agency = partners.create_agency(
        user=user, code="hki-sports", city=world.helsinki, kind="division", name_en="Sports"
    )
    yield agency, CREATE, {"code": [None, "hki-sports"], "city": [None, world.helsinki.pk]}
    agency = partners.update_agency(user=user, agency=agency, name_zh_hans="体育部")
    yield agency, UPDATE, {"name_zh_hans": [None, "体育部"]}
    person = partners.create_person(
        user=user,
        username="new_staff",
        password=None,
        city=world.helsinki,
        role="agency_staff",
        agency=agency,
        first_name="Aino",
    )
    yield person, CREATE, {"username": [None, "new_staff"], "first_name": [None, "Aino"]}
    profile = person.profile
    yield profile, CREATE, {"role": [None, "agency_staff"], "agency": [None, agency.pk]}
    partners.update_person(user=user, person=person, role="official", agency=None)
    yield profile, UPDATE, {"role": ["agency_staff", "official"], "agency": [agency.pk, None]}
    partners.update_person(user=user, person=person, is_active=False, last_name="Virtanen")
    yield person, UPDATE, {"is_active": [True, False], "last_name": ["", "Virtanen"]}
    partners.delete_person(user=user, person=person)
    yield person, DELETE, {"username": ["new_staff", None]}
    yield profile, DELETE, {"role": ["official", None]}
    partners.delete_agency(user=user, agency=agency)
    yield agency, DELETE, {"code": ["hki-sports", None]}
    partners.delete_city(user=user, city=city)
    yield city, DELETE, {"code": ["espoo", None]}


@pytest.mark.parametrize(
    ("parts", "role"),
    [
        (_plan_parts, "hki_coordinator"),
        (_theme_parts, "bj_coordinator"),
        (_activity_parts, "hki_staff"),
        (_event_parts, "hki_coordinator"),
        (_review_parts, "bj_coordinator"),
        (_partner_parts, "admin"),
    ],
)
def test_every_create_change_and_delete_is_recorded(world, parts, role):
    user = getattr(world, role)
    seen = {}  # a deleted object's pk is None: what it was (the objects kept alive)
    with as_user(user):
        for obj, action, expected in parts(world, user):
            pk = seen.setdefault(id(obj), (obj, obj.pk))[1]
            entry = entries_of(obj, pk, action=action)[-1]
            assert entry.actor == user, (obj, action)
            assert entry.door == Door.PAGE
            for name, values in expected.items():
                assert entry.changes[name] == values, (type(obj).__name__, action, name)


def test_parts_belong_with_their_parent(world):
    user = world.hki_coordinator
    with as_user(user):
        commitment = commitments.create_commitment(
            user=user, theme=world.themes[1], code="c", order=1, text_en="C."
        )
        item = events.add_programme_item(
            user=user,
            event=world.event,
            starts_at=datetime.datetime(2019, 11, 4, 9, tzinfo=datetime.UTC),
            title_en="Opening",
        )

    def objects(entries):
        return {(e.content_type.model, e.object_id) for e in entries}

    assert ("commitment", commitment.pk) in objects(history.for_object(world.themes[1]))
    assert ("programmeitem", item.pk) in objects(history.for_object(world.event))
    assert ("programmeitem", item.pk) not in objects(history.for_object(world.event, parts=False))


def test_many_to_many_links_added_and_removed(world):
    user, activity = world.hki_coordinator, world.hki_activity
    start = HistoryEntry.objects.latest("id").pk
    with as_user(user):
        activities.update_activity(
            user=user,
            activity=Activity.objects.get(pk=activity.pk),
            expected_version=activity.version,
            fields=[],
            participant_ids=[world.bj_other_agency.pk, world.hki_other_agency.pk],
        )
        events.update_event(user=user, event=world.event, themes=[world.themes[1]])
        events.update_event(user=user, event=world.event, organisers=[world.bj_agency])
        events.update_event(user=user, event=world.event, activities=[activity])
        commitments.update_commitment(
            user=user, commitment=world.commitment, agencies=[world.hki_agency]
        )
        plans.update_plan(user=user, plan=world.plan, coordinators=[world.hki_other_agency])
    added = last_of(activity).changes["participants"]
    assert added["operation"] == "add"
    assert sorted(added["ids"]) == sorted([world.bj_other_agency.pk, world.hki_other_agency.pk])
    assert set(added["objects"]) == {"Culture and Tourism Bureau", "Culture and Leisure Division"}
    event_changes = [e.changes for e in entries_of(world.event, action=UPDATE, id__gt=start)]
    assert {"type": "m2m", "operation": "add", "objects": ["2. Education"]} | {
        "ids": [world.themes[1].pk]
    } in [c.get("themes") for c in event_changes]
    removed = [c["organisers"] for c in event_changes if "organisers" in c]
    assert {(r["operation"], tuple(r["ids"])) for r in removed} == {
        ("delete", (world.hki_agency.pk,)),
        ("add", (world.bj_agency.pk,)),
    }
    assert any("activities" in c for c in event_changes)
    assert last_of(world.commitment).changes["agencies"]["ids"] == [world.hki_agency.pk]
    assert last_of(world.plan).changes["coordinators"]["ids"] == [world.hki_other_agency.pk]
    with as_user(user):
        world.hki_activity.participants.clear()
    cleared = last_of(activity).changes["participants"]
    assert cleared["operation"] == "delete" and len(cleared["ids"]) == 2
    # Added from the other side: still the activity's link.
    with as_user(user):
        world.bj_agency.participations.add(activity)
    assert last_of(activity).changes["participants"]["ids"] == [world.bj_agency.pk]


def test_an_activitys_status_is_not_recorded_but_its_actual_dates_are(world):
    user, activity = world.hki_coordinator, world.hki_activity
    before = len(entries_of(activity))
    with as_user(user):
        activities.change_activity_status(
            user=user,
            activity_id=activity.pk,
            to_status="in_progress",
            note="Started.",
            date=datetime.date(2026, 11, 2),
        )
    recorded = entries_of(activity)[before:]
    assert [e.changes for e in recorded] == [{"actual_start": [None, "2026-11-02"]}]


def test_a_password_change_shows_as_changed_never_its_value(world):
    user = world.hki_coordinator
    with as_user(user):
        partners.set_person_password(user=user, person=world.hki_staff, password="Long-enough-9")
    change = last_of(world.hki_staff).changes["password"]
    assert change == ["••••••", "••••••"]


def test_signing_in_and_the_preferred_language_are_no_changes(world):
    before = HistoryEntry.objects.count()
    update_last_login(None, world.hki_staff)
    partners.set_preferred_language(user=world.hki_staff, language="fi")
    assert HistoryEntry.objects.count() == before


def test_deleting_an_object_keeps_its_history(world):
    activity = world.other_agency_activity
    pk = activity.pk
    with as_user(world.admin):
        activities.delete_activity(user=world.admin, activity=activity)
    recorded = entries_of(activity, pk)
    assert [e.action for e in recorded] == [CREATE, DELETE]
    assert recorded[-1].object_repr == "Activity of other agencies"


def test_the_system_is_nobody(world):
    with door(Door.LOADER):
        themes.update_theme(user=access.SYSTEM, theme=world.themes[2], summary_en="Arts.")
    entry = last_of(world.themes[2])
    assert entry.actor is None and entry.actor_name == "" and entry.door == Door.LOADER


def test_history_is_append_only(world):
    entry = last_of(world.plan)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        HistoryEntry.objects.filter(pk=entry.pk).update(door="api")
    with pytest.raises(TypeError):
        HistoryEntry.objects.filter(pk=entry.pk).delete()
    assert HistoryEntry.objects.filter(pk=entry.pk, door=entry.door).exists()


def test_an_accounts_name_outlives_it(world):
    user = get_user_model().objects.create_user("temp_coordinator")
    with as_user(user):
        themes.update_theme(user=access.SYSTEM, theme=world.themes[2], summary_en="Culture.")
    user.delete()
    entry = last_of(world.themes[2])
    assert entry.actor is None and entry.actor_name == "temp_coordinator"


def test_the_registered_models(world):
    """Plan content, and nothing else: status updates, reminders, reports, tokens are not."""
    from auditlog.registry import auditlog

    names = sorted(m._meta.label for m in auditlog.get_models())
    assert names == [
        "auth.User",
        "cooperation.ActionPlan",
        "cooperation.Activity",
        "cooperation.Amendment",
        "cooperation.AmendmentChange",
        "cooperation.Commitment",
        "cooperation.Evidence",
        "cooperation.Funding",
        "cooperation.Partnership",
        "cooperation.PlanVersion",
        "cooperation.RenewalApproval",
        "cooperation.Signatory",
        "cooperation.Theme",
        "cooperation.ThemeAgency",
        "events.DelegationMember",
        "events.Event",
        "events.EventSeries",
        "events.ProgrammeItem",
        "partners.Agency",
        "partners.City",
        "partners.Profile",
        "public.PublicPage",
        "reviews.Review",
        "reviews.ThemeAssessment",
    ]
    assert ActionPlan in auditlog.get_models() and ThemeAgency in auditlog.get_models()
    assert Commitment in auditlog.get_models()


def test_references_emptied_by_a_deletion_are_recorded(world):
    """Django empties SET_NULL references without signals: the history still says so."""
    user = world.hki_coordinator
    activity = world.hki_activity
    commitment_id = world.commitment.pk
    Activity.objects.filter(pk=activity.pk).update(commitment=commitment_id)
    with as_user(user):
        commitments.delete_commitment(user=user, commitment=world.commitment)
    entry = last_of(activity)
    assert entry.action == UPDATE and entry.actor == user
    assert entry.changes == {"commitment": [commitment_id, None]}
