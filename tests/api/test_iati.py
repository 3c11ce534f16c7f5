"""GET /api/v1/plans/{id}/iati.xml: the plan's joint activities as IATI 2.03, valid against
the official schema (tests/api/iati_schema.py), for whoever may read the plan."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from api.iati import codes
from api.iati.build import clean
from cooperation.models import Activity, ActivityStatus, FundingSource
from partners.models import AgencyKind
from reviews.lifecycle import Stage
from tests import factories as f
from tests.api.iati_schema import validate
from tests.helpers import USERS

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def url(plan_id) -> str:
    return f"/api/v1/plans/{plan_id}/iati.xml"


def export(api_for, world, user=None, plan=None):
    response = api_for(user or world.hki_coordinator).get(url((plan or world.plan).pk))
    assert response.status_code == 200, response.content[:300]
    return validate(b"".join(response.streaming_content))


def renewal_draft(world):
    """A renewal of the world's plan, drafted (its coordinators' only until published)."""
    return f.ActionPlanFactory(
        partnership=world.partnership,
        status="draft",
        period_start_year=2024,
        period_end_year=2028,
        renewal_of=world.plan,
    )


def by_id(document) -> dict:
    return {a.findtext("iati-identifier"): a for a in document.findall("iati-activity")}


def narratives(element) -> dict[str, str]:
    return {n.get(XML_LANG): n.text for n in element.findall("narrative")}


def roles(activity) -> list[tuple[str, str, str]]:
    return [
        (o.get("role"), o.get("type"), narratives(o).get("en"))
        for o in activity.findall("participating-org")
    ]


# --- who may export ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", *USERS])
def test_every_member_of_the_partnership_may_export_others_not(world, api_for, role):
    """The same as reading the plan through the API: coordinators, agency staff and
    officials of the partnership, administrators; an outsider's answer is 404."""
    user = None if role == "anonymous" else getattr(world, role)
    response = api_for(user).get(url(world.plan.pk))
    expected = {"anonymous": 401, "outsider": 404}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        validate(b"".join(response.streaming_content))


@pytest.mark.parametrize("role", USERS)
def test_a_plan_of_another_partnership_is_404_to_its_non_members(world, api_for, role):
    response = api_for(getattr(world, role)).get(url(world.other_plan.pk))
    assert response.status_code == (200 if role in {"outsider", "admin"} else 404)


@pytest.mark.parametrize("role", USERS)
def test_a_renewal_draft_is_its_coordinators_only(world, api_for, role):
    response = api_for(getattr(world, role)).get(url(renewal_draft(world).pk))
    coordinators = {"hki_coordinator", "bj_coordinator", "admin"}
    assert response.status_code == (200 if role in coordinators else 404)


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "99999999999999999999999", "1.5", "%00"])
def test_a_bad_id_is_404(world, api_for, raw):
    assert api_for(world.hki_coordinator).get(url(raw)).status_code == 404


def test_other_methods_are_not_allowed(world, api_for):
    client = api_for(world.hki_coordinator)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(url(world.plan.pk)).status_code == 405


# --- the download ------------------------------------------------------------------------


def test_the_answer_is_an_xml_attachment_whatever_the_client_accepts(world, api_for):
    client = api_for(world.official)
    for accept in ("application/xml", "application/json", "text/html", "*/*"):
        response = client.get(url(world.plan.pk), HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="iati-{world.plan.code}.xml"'
        )


def test_the_route_is_named_and_documented(world, api_for):
    assert reverse("api:plan-iati", args=[world.plan.pk]) == url(world.plan.pk)
    schema = api_for(None).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/plans/{id}/iati.xml"]["get"]
    assert "application/xml" in operation["responses"]["200"]["content"]
    assert set(operation["responses"]) >= {"200", "404"}


# --- the document ------------------------------------------------------------------------


def test_the_plan_is_the_parent_and_each_joint_activity_its_child(world, api_for, settings):
    settings.IATI_REPORTING_ORG_REF = "FI-PRO-0201256-6"
    settings.IATI_REPORTING_ORG_TYPE = "11"
    settings.IATI_REPORTING_ORG_NAME = "City of Helsinki"
    settings.IATI_ACTIVITY_PREFIX = "FI-PRO-0201256-6-SC"
    document = export(api_for, world)
    assert document.tag == "iati-activities"
    assert document.get("version") == "2.03"
    assert datetime.datetime.fromisoformat(document.get("generated-datetime")).tzinfo
    activities = document.findall("iati-activity")
    plan_id = f"FI-PRO-0201256-6-SC-{world.plan.code}"
    assert activities[0].findtext("iati-identifier") == plan_id
    assert activities[0].get("hierarchy") == "1"
    children = activities[1:]
    expected = [
        f"{plan_id}-{pk}"
        for pk in Activity.objects.filter(theme__plan=world.plan)
        .order_by("theme__order", "planned_start", "id")
        .values_list("pk", flat=True)
    ]
    assert [a.findtext("iati-identifier") for a in children] == expected
    assert {a.get("hierarchy") for a in children} == {"2"}
    assert [(r.get("ref"), r.get("type")) for r in activities[0].findall("related-activity")] == [
        (ref, "2") for ref in expected
    ]
    for child in children:
        related = child.findall("related-activity")
        assert [(r.get("ref"), r.get("type")) for r in related] == [(plan_id, "1")]
    for activity in activities:
        org = activity.find("reporting-org")
        assert (org.get("ref"), org.get("type")) == ("FI-PRO-0201256-6", "11")
        assert narratives(org) == {"en": "City of Helsinki"}


def test_titles_and_descriptions_are_bilingual_narratives(world, api_for):
    activity = world.hki_activity
    activity.description_en = "Companies meet."
    activity.description_zh_hans = "企业见面。"
    activity.commitment = world.commitment
    activity.save()
    found = by_id(export(api_for, world))
    plan = next(a for a in found.values() if a.get("hierarchy") == "1")
    assert narratives(plan.find("title")) == {
        "en": world.plan.title_en,
        "zh": world.plan.title_zh_hans,
    }
    assert narratives(plan.find("description")) == {
        "en": "The joint action plan 2019–2023 of Helsinki and Beijing.",
        "zh": "赫尔辛基和北京2019–2023年联合行动计划。",
    }
    child = next(a for k, a in found.items() if k.endswith(f"-{activity.pk}"))
    title = {"en": "Helsinki-led activity", "zh": "赫尔辛基牵头的活动"}
    assert narratives(child.find("title")) == title
    general, objectives = child.findall("description")
    assert (general.get("type"), narratives(general)) == (
        "1",
        {"en": "Companies meet.", "zh": "企业见面。"},
    )
    assert (objectives.get("type"), narratives(objectives)) == (
        "2",
        {"en": "Establish an annual substantive dialogue.", "zh": "建立年度实质性对话。"},
    )


def test_empty_texts_are_left_out_and_a_missing_description_is_said(world, api_for):
    activity = world.bj_activity
    activity.title_zh_hans = "   "
    activity.description_en = ""
    activity.description_zh_hans = ""
    activity.save()
    child = next(
        a for k, a in by_id(export(api_for, world)).items() if k.endswith(f"-{activity.pk}")
    )
    assert narratives(child.find("title")) == {"en": "Beijing-led activity"}
    descriptions = child.findall("description")
    assert len(descriptions) == 1  # no commitment: no objectives
    assert narratives(descriptions[0])["en"] == (
        f"A joint activity of the theme “Economy” of {world.plan.title_en}."
    )
    assert narratives(descriptions[0])["zh"].startswith("“经济”")


def test_statuses_dates_organisations_sectors_and_funding(world, api_for):
    activity = world.joint_activity
    activity.status = ActivityStatus.COMPLETED
    activity.actual_start = datetime.date(2020, 3, 2)
    activity.actual_end = datetime.date(2020, 7, 1)
    activity.save()
    university = f.AgencyFactory(city=None, kind=AgencyKind.UNIVERSITY, name_en="Aalto")
    activity.participants.set([university])
    f.FundingFactory(
        activity=activity,
        source=FundingSource.FIRST_CITY,
        amount=Decimal("2500"),
        spent=Decimal("2000"),
    )
    f.FundingFactory(
        activity=activity,
        source=FundingSource.THIRD_PARTY,
        funder="Business Finland",
        amount=Decimal("10.5"),
        currency="CNY",
    )
    found = by_id(export(api_for, world))
    child = next(a for k, a in found.items() if k.endswith(f"-{activity.pk}"))
    assert child.find("activity-status").get("code") == "4"
    assert [(d.get("type"), d.get("iso-date")) for d in child.findall("activity-date")] == [
        ("1", "2020-03-01"),
        ("2", "2020-03-02"),
        ("3", "2020-06-30"),
        ("4", "2020-07-01"),
    ]
    assert roles(child) == [
        ("1", "11", "Helsinki"),
        ("1", "90", "Business Finland"),
        ("2", "11", "Economic Development Division"),
        ("2", "11", "Science & Technology Commission"),
        ("4", "80", "Aalto"),
    ]
    sector = child.find("sector")
    assert (sector.get("vocabulary"), sector.get("code")) == ("99", "economy")
    assert narratives(sector) == {"en": "Economy", "zh": "经济"}
    transactions = [
        (
            t.find("transaction-type").get("code"),
            t.find("transaction-date").get("iso-date"),
            t.findtext("value"),
            t.find("value").get("currency"),
            t.find("value").get("value-date"),
            narratives(t.find("provider-org")).get("en"),
        )
        for t in child.findall("transaction")
    ]
    assert transactions == [
        ("2", "2020-03-02", "2500.00", "EUR", "2020-03-02", "Helsinki"),
        # What was reported spent: an expenditure, on the activity's end.
        ("4", "2020-07-01", "2000.00", "EUR", "2020-07-01", "Helsinki"),
        ("1", "2020-03-02", "10.50", "CNY", "2020-03-02", "Business Finland"),
    ]
    activity.refresh_from_db()
    stamp = datetime.datetime.fromisoformat(child.get("last-updated-datetime"))
    assert stamp == activity.updated_at.replace(microsecond=0)
    plan = found[next(iter(found))]
    # Pinned in 2026, the 2019–2023 plan has ended and is not evaluated: finalisation.
    assert plan.find("activity-status").get("code") == codes.PLAN_STATUS[Stage.ENDED] == "3"
    assert [(d.get("type"), d.get("iso-date")) for d in plan.findall("activity-date")] == [
        ("1", "2019-01-01"),
        ("3", "2023-12-31"),
    ]
    assert [(s.get("code"), s.get("percentage")) for s in plan.findall("sector")] == [
        ("economy", "33.33"),
        ("education", "33.33"),
        ("culture", "33.34"),
    ]
    assert [r for r in roles(plan) if r[0] in "12"] == [
        ("1", "11", "Helsinki"),
        ("1", "11", "Beijing"),
        ("2", "11", "Economic Development Division"),
        ("2", "11", "Science & Technology Commission"),
    ]


def test_an_activity_without_dates_or_leads_still_validates(world, api_for):
    activity = f.ActivityFactory(
        theme=world.themes[2], planned_start=None, planned_end=None, title_zh_hans=""
    )
    child = next(
        a for k, a in by_id(export(api_for, world)).items() if k.endswith(f"-{activity.pk}")
    )
    assert [(d.get("type"), d.get("iso-date")) for d in child.findall("activity-date")] == [
        ("1", "2019-01-01"),
        ("3", "2023-12-31"),
    ]
    # No lead and the culture theme names nobody: the two cities answer for it.
    assert roles(child) == [("2", "11", "Helsinki"), ("2", "11", "Beijing")]


def test_demo_activities_are_left_out(world, api_for):
    demo = f.ActivityFactory(theme=world.themes[0], is_demo=True)
    identifiers = by_id(export(api_for, world))
    assert not [k for k in identifiers if k.endswith(f"-{demo.pk}")]


# No NUL: PostgreSQL cannot store it (the cleaning of NUL is tested on its own below).
HOSTILE = (
    "Start\x01\x08\x0b\x0c\x1f\x7f end ]]> <![CDATA[ x ]]> &amp; </narrative> "
    "\u200f\u202eעברית\u202c \u200d 👩‍👩‍👧 \ufffe\uffff tab\tline\nreturn\r"
)


def test_hostile_text_is_cleaned_validates_and_round_trips(world, api_for):
    activity = world.hki_activity
    activity.title_en = HOSTILE[:290]
    activity.description_en = HOSTILE * 2000  # very long text
    activity.description_zh_hans = "\x02]]>\u200f"
    activity.save()
    f.FundingFactory(activity=activity, source=FundingSource.THIRD_PARTY, funder="]]>\x03<x/>")
    child = next(
        a for k, a in by_id(export(api_for, world)).items() if k.endswith(f"-{activity.pk}")
    )
    forbidden = "\x00\x01\x02\x03\x08\x0b\x0c\x1f\ufffe\uffff"

    def cleaned(text):
        return "".join(c for c in text if c not in forbidden).strip()

    assert narratives(child.find("title"))["en"] == cleaned(HOSTILE[:290])
    description = narratives(child.find("description"))
    assert description["en"] == cleaned(HOSTILE * 2000)
    assert description["zh"] == "]]>\u200f"
    assert "\u202eעברית\u202c" in description["en"] and "👩‍👩‍👧" in description["en"]
    assert ("1", "90", "]]><x/>") in roles(child)


def test_cleaning_drops_what_xml_cannot_hold_and_keeps_the_rest():
    # A lone surrogate cannot reach the database, but the cleaning does not rely on that.
    assert clean(" a\x00b\ud800c\ufffe]]>\u200f👩‍👩‍👧\t\n") == "abc]]>\u200f👩‍👩‍👧"
    assert clean(None) == ""


# --- codes -------------------------------------------------------------------------------


def test_every_value_of_the_portal_has_its_code():
    assert set(codes.ACTIVITY_STATUS) == set(ActivityStatus)
    assert set(codes.ACTIVITY_STATUS.values()) == {"1", "2", "4", "5", "6"}
    assert set(codes.PLAN_STATUS) == set(Stage)
    assert set(codes.ORGANISATION_TYPE) == set(AgencyKind)
    assert set(codes.TRANSACTION_TYPE) == set(FundingSource)


# --- queries -----------------------------------------------------------------------------


def _more_activities(world, n):
    for _ in range(n):
        activity = f.ActivityFactory(
            theme=world.themes[1],
            commitment=world.commitment,
            first_lead_agency=world.hki_agency,
            second_lead_agency=world.bj_agency,
        )
        activity.participants.set([world.hki_other_agency, world.bj_other_agency])
        f.FundingFactory(activity=activity)
        f.FundingFactory(activity=activity, source=FundingSource.THIRD_PARTY, funder="EU")


def test_the_export_runs_a_constant_number_of_queries(world, api_for, django_assert_num_queries):
    client = api_for(world.official)
    # session, user, profile; the plan; themes and their agencies; activities, participants,
    # funding; coordinating offices; the plan's stage (evaluation, renewal)
    expected = 3 + 1 + 2 + 3 + 1 + 2
    _more_activities(world, 5)
    with django_assert_num_queries(expected):
        first = client.get(url(world.plan.pk))
    _more_activities(world, 60)
    with django_assert_num_queries(expected):
        second = client.get(url(world.plan.pk))
    assert b"".join(second.streaming_content).count(b"<iati-activity ") == (
        b"".join(first.streaming_content).count(b"<iati-activity ") + 60
    )
