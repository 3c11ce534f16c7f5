"""The cooperation pages: theme, activity list and CSV export, activity page, create and edit,
status updates and evidence — for every role, with bad input, and with constant query counts.
"""

import csv
import datetime
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperation.models import Activity, ActivityStatus, Evidence, Funding, StatusUpdate
from cooperation.services import themes as theme_services
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AgencyFactory,
    CommitmentFactory,
    EventFactory,
    EvidenceFactory,
    FundingFactory,
    StatusUpdateFactory,
    ThemeFactory,
)
from tests.helpers import MEMBERS

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = pytest.mark.clock

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

ALL_USERS = [*MEMBERS, "outsider"]


def url(name, *args):
    return reverse(name, args=args)


def get_as(world, client_for, username, path):
    return client_for(getattr(world, username)).get(path)


def text_of(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def hidden_version(response) -> int:
    match = re.search(r'name="version" value="(\d+)"', text_of(response))
    assert match, "no hidden version in the form"
    return int(match.group(1))


def edit_data(activity, **overrides) -> dict:
    """What the edit form posts for ``activity`` unchanged (with no funding rows)."""
    data = {
        "version": activity.version,
        "theme": activity.theme_id,
        "commitment": activity.commitment_id or "",
        "title_en": activity.title_en or "",
        "title_zh_hans": activity.title_zh_hans or "",
        "description_en": activity.description_en or "",
        "description_zh_hans": activity.description_zh_hans or "",
        "outcomes_en": activity.outcomes_en or "",
        "outcomes_zh_hans": activity.outcomes_zh_hans or "",
        "first_lead_agency": activity.first_lead_agency_id or "",
        "second_lead_agency": activity.second_lead_agency_id or "",
        "participants": [a.pk for a in activity.participants.all()],
        "planned_start": activity.planned_start or "",
        "planned_end": activity.planned_end or "",
        "actual_start": activity.actual_start or "",
        "actual_end": activity.actual_end or "",
        "funding-TOTAL_FORMS": 0,
        "funding-INITIAL_FORMS": 0,
        "funding-MIN_NUM_FORMS": 0,
        "funding-MAX_NUM_FORMS": 1000,
    }
    data.update(overrides)
    return data


def create_data(world, **overrides) -> dict:
    data = {
        "theme": world.themes[1].pk,
        "commitment": "",
        "title_en": "Smart city forum",
        "title_zh_hans": "智慧城市论坛",
        "description_en": "",
        "description_zh_hans": "",
        "outcomes_en": "",
        "outcomes_zh_hans": "",
        "first_lead_agency": world.hki_agency.pk,
        "second_lead_agency": world.bj_agency.pk,
        "planned_start": "2020-05-01",
        "planned_end": "2020-05-03",
        "actual_start": "",
        "actual_end": "",
        "funding-TOTAL_FORMS": 1,
        "funding-INITIAL_FORMS": 0,
        "funding-MIN_NUM_FORMS": 0,
        "funding-MAX_NUM_FORMS": 1000,
        "funding-0-source": "",
        "funding-0-funder_en": "",
        "funding-0-funder_zh_hans": "",
        "funding-0-amount": "",
        "funding-0-currency": "EUR",
    }
    data.update(overrides)
    return data


# --- anonymous ------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_the_login_page(world, client_for):
    evidence = EvidenceFactory(activity=world.hki_activity)
    client = client_for(None)
    for path, method in [
        (url("theme-detail", world.themes[0].pk), "get"),
        (url("activity-list"), "get"),
        (url("activity-export"), "get"),
        (url("activity-create"), "get"),
        (url("activity-detail", world.hki_activity.pk), "get"),
        (url("activity-edit", world.hki_activity.pk), "get"),
        (url("activity-status", world.hki_activity.pk), "post"),
        (url("evidence-upload", world.hki_activity.pk), "post"),
        (url("evidence-download", evidence.pk), "get"),
        (url("evidence-delete", evidence.pk), "post"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login")), path
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# --- theme page -----------------------------------------------------------------------------


@pytest.mark.parametrize("username", MEMBERS)
def test_members_see_the_theme_page(world, client_for, username):
    world.joint_activity.commitment = world.commitment
    world.joint_activity.save()

    response = get_as(world, client_for, username, url("theme-detail", world.themes[0].pk))

    assert response.status_code == 200
    page = text_of(response)
    assert "Economy" in page
    assert world.commitment.text_en in page
    assert "Economic Development Division" in page  # responsible agency, Helsinki side
    assert "Science &amp; Technology Commission" in page  # responsible agency, Beijing side
    assert "Jointly led activity" in page  # under the commitment
    assert "Activities not tied to a commitment" in page
    assert "Helsinki-led activity" in page


def test_the_theme_page_groups_agencies_by_side_and_role(world, client_for):
    from cooperation.models import ResponsibilityRole
    from tests.factories import ThemeAgencyFactory

    ThemeAgencyFactory(
        theme=world.themes[0], agency=world.hki_other_agency, role=ResponsibilityRole.SUPPORTING
    )
    response = client_for(world.official).get(url("theme-detail", world.themes[0].pk))

    sides = response.context["sides"]
    assert [s["city"] for s in sides] == [world.helsinki, world.beijing]
    assert sides[0]["lead"] == [world.hki_agency]
    assert sides[0]["supporting"] == [world.hki_other_agency]
    assert sides[1]["lead"] == [world.bj_agency]


@pytest.mark.parametrize(
    "username, can_create",
    [
        ("hki_coordinator", True),
        ("bj_staff", True),
        ("admin", True),
        ("official", False),
    ],
)
def test_the_theme_page_links_to_a_new_activity_when_allowed(
    world, client_for, username, can_create
):
    response = get_as(world, client_for, username, url("theme-detail", world.themes[0].pk))

    link = f"{reverse('activity-create')}?theme={world.themes[0].pk}"
    assert (link in text_of(response)) is can_create


def test_outsiders_and_missing_themes_get_404(world, client_for):
    assert (
        get_as(world, client_for, "outsider", url("theme-detail", world.themes[0].pk)).status_code
        == 404
    )
    assert (
        get_as(world, client_for, "official", url("theme-detail", world.other_theme.pk)).status_code
        == 404
    )
    assert get_as(world, client_for, "official", url("theme-detail", 987654)).status_code == 404


# --- activity list --------------------------------------------------------------------------


def listed(response) -> set[str]:
    return {a.title_en for a in response.context["activities"]}


WORLD_TITLES = {
    "Helsinki-led activity",
    "Beijing-led activity",
    "Jointly led activity",
    "Activity of other agencies",
}


@pytest.mark.parametrize("username", MEMBERS)
def test_members_list_the_activities_of_their_partnership(world, client_for, username):
    response = get_as(world, client_for, username, url("activity-list"))

    assert response.status_code == 200
    titles = listed(response)
    assert titles >= WORLD_TITLES
    assert ("Tallinn–Riga activity" in titles) is (username == "admin")


def test_outsiders_list_only_their_own_partnership(world, client_for):
    response = get_as(world, client_for, "outsider", url("activity-list"))

    assert listed(response) == {"Tallinn–Riga activity"}


def test_the_list_filters_by_theme_status_side_agency_year_and_text(world, client_for):
    client = client_for(world.hki_coordinator)
    in_theme_2 = ActivityFactory(
        theme=world.themes[1],
        title_en="Library week",
        title_zh_hans="图书馆周",
        description_zh_hans="阅读北京",
        planned_start=datetime.date(2021, 4, 1),
        planned_end=None,
        status=ActivityStatus.IN_PROGRESS,
        actual_start=datetime.date(2022, 1, 5),
        participants=[world.hki_agency],
    )
    base = url("activity-list")

    assert listed(client.get(base, {"theme": world.themes[1].pk})) == {"Library week"}
    assert listed(client.get(base, {"status": "in_progress"})) == {"Library week"}
    assert listed(client.get(base, {"side": world.beijing.pk})) == {
        "Beijing-led activity",
        "Jointly led activity",
        "Activity of other agencies",
    }
    # Lead or participant, each activity once.
    agency = client.get(base, {"agency": world.hki_agency.pk})
    assert listed(agency) == {"Helsinki-led activity", "Jointly led activity", "Library week"}
    assert len(agency.context["activities"]) == 3
    # Planned or actual start year.
    assert listed(client.get(base, {"year": 2021})) == {"Library week"}
    assert listed(client.get(base, {"year": 2022})) == {"Library week"}
    assert "Library week" not in listed(client.get(base, {"year": 2019}))
    # Title or description, in either language, any case.
    assert listed(client.get(base, {"text": "LIBRARY"})) == {"Library week"}
    assert listed(client.get(base, {"text": "阅读"})) == {"Library week"}
    assert listed(client.get(base, {"text": "联合"})) == {"Jointly led activity"}
    # Combined.
    assert listed(
        client.get(base, {"theme": world.themes[0].pk, "agency": world.hki_agency.pk})
    ) == {
        "Helsinki-led activity",
        "Jointly led activity",
    }
    assert in_theme_2.pk


def test_the_list_does_not_offer_other_partnerships_themes(world, client_for):
    response = client_for(world.hki_staff).get(
        url("activity-list"), {"theme": world.other_theme.pk}
    )

    assert response.status_code == 200
    assert response.context["invalid"]
    assert "Tallinn–Riga activity" not in listed(response)


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=99999999999999999999",
        "theme=xyz",
        "theme=99999999999999999999999",
        "status=bogus",
        "side=abc",
        "agency=-5",
        "year=99999999999",
        "year=20x1",
        "year=1066",
        "text=" + "x" * 500,
        "theme=&status=&page=",
        "theme=1&theme=2&page=1&page=2",
        "text=%00",
    ],
)
def test_junk_in_the_query_string_never_breaks_the_list(world, client_for, query):
    response = client_for(world.hki_staff).get(f"{url('activity-list')}?{query}")

    assert response.status_code == 200


# The selects of themes, sides and agencies are cached (cooperation.search.cached_options)
# under the change stamp, the kind of viewer and the language.


def _options(response, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.DOTALL)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))[1:]


def test_cached_filter_options_follow_a_change(world, client_for):
    client = client_for(world.hki_coordinator)
    before = _options(client.get(url("activity-list")), "theme")
    theme_services.update_theme(
        user=world.hki_coordinator, theme=world.themes[1], name_en="Renamed theme"
    )

    after = _options(client.get(url("activity-list")), "theme")

    assert f"{world.themes[1].order}. Renamed theme" in after
    assert f"{world.themes[1].order}. Renamed theme" not in before
    assert len(after) == len(before)


def test_cached_filter_options_are_per_kind_of_viewer(world, client_for):
    helsinki = _options(client_for(world.hki_staff).get(url("activity-list")), "agency")
    outsider = _options(client_for(world.outsider).get(url("activity-list")), "agency")
    admin = _options(client_for(world.admin).get(url("activity-list")), "side")

    assert any(world.hki_agency.name_en in label for label in helsinki)
    assert not any(world.hki_agency.name_en in label for label in outsider)
    assert {"Helsinki", "Beijing", "Tallinn", "Riga"} <= set(admin)


def test_cached_filter_options_are_per_language(world, client_for):
    client = client_for(world.hki_staff)
    english = _options(client.get(url("activity-list")), "agency")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = _options(client.get(url("activity-list")), "agency")

    assert any(world.hki_agency.name_en in label for label in english)
    assert any(world.hki_agency.name_zh_hans in label for label in chinese)


def test_the_themes_of_several_plans_are_grouped_by_plan(world, client_for):
    economy = f"1. {world.themes[0].name_en}"
    # One plan: no groups.
    single = client_for(world.hki_staff).get(url("activity-list"), {"theme": world.themes[0].pk})
    assert "<optgroup" not in _selects(single)
    assert f"selected>{economy}" in _selects(single)

    # A renewal repeats its predecessor's themes: "1. Economy" twice, told apart by plan.
    renewal = ActionPlanFactory(
        partnership=world.plan.partnership,
        title_en="Next action plan",
        period_start_year=2024,
        period_end_year=2028,
    )
    ThemeFactory(plan=renewal, order=1, name_en=world.themes[0].name_en)
    page = client_for(world.hki_coordinator).get(url("activity-list")).content.decode()

    select = re.search(r'<select name="theme".*?</select>', page, re.DOTALL).group(0)
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.DOTALL)
    assert [label for label, _options in groups] == [
        f"{world.plan.title_en} ({world.plan.period})",
        "Next action plan (2024–2028)",
    ]
    assert all(economy in options for _label, options in groups)
    # In Chinese the period is bracketed the Chinese way.
    chinese = client_for(world.hki_coordinator)
    chinese.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "（2024–2028）" in _selects(chinese.get(url("activity-list")))


def test_invalid_filters_are_reported(world, client_for):
    response = client_for(world.hki_staff).get(
        url("activity-list"), {"year": "99999999999", "theme": "xyz"}
    )

    page = text_of(response)
    assert response.context["invalid"]
    assert "Some filters were not understood" in page


def test_the_list_pages_25_at_a_time_in_a_stable_order(world, client_for):
    ActivityFactory.create_batch(30, theme=world.themes[1], planned_start=None)
    client = client_for(world.official)

    first = client.get(url("activity-list"))
    second = client.get(url("activity-list"), {"page": 2})
    beyond = client.get(url("activity-list"), {"page": 99})

    first_ids = [a.pk for a in first.context["activities"]]
    second_ids = [a.pk for a in second.context["activities"]]
    assert len(first_ids) == 25
    assert len(second_ids) == 34 - 25
    assert not set(first_ids) & set(second_ids)
    assert [a.pk for a in client.get(url("activity-list")).context["activities"]] == first_ids
    assert [a.pk for a in beyond.context["activities"]] == second_ids  # the last page
    assert 'href="?page=2"' in text_of(first)


def test_pagination_keeps_the_filters(world, client_for):
    ActivityFactory.create_batch(30, theme=world.themes[1], status=ActivityStatus.PLANNED)
    response = client_for(world.official).get(
        url("activity-list"), {"theme": world.themes[1].pk, "status": "planned"}
    )

    page = text_of(response)
    assert f"?theme={world.themes[1].pk}&amp;status=planned&amp;page=2" in page


# --- CSV export -----------------------------------------------------------------------------


def test_the_export_has_the_filtered_rows_of_all_pages(world, client_for):
    ActivityFactory.create_batch(30, theme=world.themes[1], title_en="Batch activity")
    client = client_for(world.hki_coordinator)

    response = client.get(url("activity-export"), {"theme": world.themes[1].pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["ID", "Action plan", "Theme", "Commitment", "Title", "Status"]
    assert "Lead agency (first city)" in header
    assert len(body) == 30
    assert {row[header.index("Title")] for row in body} == {"Batch activity"}


def test_the_export_lists_every_field_of_a_row(world, client_for):
    activity = world.joint_activity
    activity.participants.set([world.hki_other_agency])
    activity.commitment = world.commitment
    activity.save()

    response = client_for(world.official).get(url("activity-export"), {"text": "Jointly"})

    header, row = csv_rows(response)
    cell = dict(zip(header, row, strict=True))
    assert cell["ID"] == str(activity.pk)
    assert cell["Title"] == "Jointly led activity"
    assert cell["Theme"] == "1. Economy"
    assert cell["Commitment"] == world.commitment.text_en
    assert cell["Status"] == "Planned"
    assert cell["Lead agency (first city)"] == "Economic Development Division"
    assert cell["Lead agency (second city)"] == "Science & Technology Commission"
    assert cell["Other participants"] == "Culture and Leisure Division"
    assert cell["Planned start"] == "2020-03-01"
    assert cell["Demo data"] == "no"


def test_the_export_is_in_the_active_language(world, client_for):
    client = client_for(world.bj_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(url("activity-export"), {"text": "Jointly"})

    rows = csv_rows(response)
    assert len(rows) == 2
    row = rows[1]
    assert "联合牵头的活动" in row
    assert "1. 经济" in row
    assert "经济发展部" in row
    assert "科学技术委员会" in row
    # UTF-8 with a BOM, so that Excel shows the Chinese right.
    assert response.content.startswith("\ufeff".encode())


def test_the_export_neutralises_spreadsheet_formulas(world, client_for):
    for title in ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTabbed"]:
        ActivityFactory(theme=world.themes[2], title_en=title, title_zh_hans="")

    response = client_for(world.official).get(url("activity-export"), {"theme": world.themes[2].pk})

    header, *body = csv_rows(response)
    titles = {row[header.index("Title")] for row in body}
    assert titles == {
        '\'=HYPERLINK("http://evil")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTabbed",
    }


def test_the_export_holds_only_the_users_partnership(world, client_for):
    rows = csv_rows(client_for(world.outsider).get(url("activity-export")))

    assert [row[4] for row in rows[1:]] == ["Tallinn–Riga activity"]


def test_an_export_with_invalid_filters_goes_back_to_the_list(world, client_for):
    response = client_for(world.official).get(url("activity-export"), {"year": "abc"})

    assert response.status_code == 302
    assert response["Location"] == f"{url('activity-list')}?year=abc"


# --- activity page --------------------------------------------------------------------------


@pytest.mark.parametrize("username", MEMBERS)
def test_members_see_an_activity(world, client_for, username):
    activity = world.joint_activity
    activity.participants.set([world.hki_other_agency])
    FundingFactory(activity=activity, amount="2500.00", currency="CNY", funder="Zhongguancun")
    EvidenceFactory(activity=activity, original_name="minutes.pdf", uploaded_by=world.hki_staff)
    EventFactory(plan=world.plan, title_en="Helsinki Week 2020", activities=[activity])
    StatusUpdateFactory(
        activity=activity, sequence=1, author=world.bj_staff, note="Kick-off in Zhongguancun."
    )

    response = get_as(world, client_for, username, url("activity-detail", activity.pk))

    assert response.status_code == 200
    page = text_of(response)
    for text in [
        "Jointly led activity",
        "Lead agency in Helsinki",
        "Lead agency in Beijing",
        "Economic Development Division",
        "Culture and Leisure Division",
        "2,500.00",
        "CNY",
        "Zhongguancun",
        "minutes.pdf",
        "Helsinki Week 2020",
        "Kick-off in Zhongguancun.",
        "bj_staff",
        "Created",
    ]:
        assert text in page, text


@pytest.mark.parametrize(
    "username, activity_name, can_change",
    [
        ("hki_coordinator", "bj_activity", True),
        ("bj_coordinator", "hki_activity", True),
        ("admin", "hki_activity", True),
        ("hki_staff", "hki_activity", True),
        ("hki_staff", "joint_activity", True),
        ("hki_staff", "bj_activity", False),
        ("bj_staff", "bj_activity", True),
        ("bj_staff", "other_agency_activity", False),
        ("official", "hki_activity", False),
    ],
)
def test_the_activity_page_offers_the_forms_the_user_may_use(
    world, client_for, username, activity_name, can_change
):
    activity = getattr(world, activity_name)
    EvidenceFactory(activity=activity)

    page = text_of(get_as(world, client_for, username, url("activity-detail", activity.pk)))

    assert (url("activity-edit", activity.pk) in page) is can_change
    assert (url("activity-status", activity.pk) in page) is can_change
    assert (url("evidence-upload", activity.pk) in page) is can_change
    assert ('action="/evidence/' in page) is can_change  # delete buttons


def test_the_history_is_newest_first_with_creation_last(world, client_for):
    activity = world.hki_activity
    StatusUpdateFactory(activity=activity, sequence=1, note="First note", author=world.hki_staff)
    StatusUpdateFactory(
        activity=activity,
        sequence=2,
        from_status=ActivityStatus.IN_PROGRESS,
        to_status=ActivityStatus.ON_HOLD,
        note="Second note",
        author=world.hki_coordinator,
    )

    page = text_of(client_for(world.official).get(url("activity-detail", activity.pk)))

    history = page[page.index('class="timeline"') :]
    assert history.index("Second note") < history.index("First note") < history.index("Created")


def test_times_on_the_activity_pages_are_unambiguous_in_english(world, client_for):
    # "03/04/2021" is 3 April to a Finn and 4 March to an American: spell the month out.
    activity = world.hki_activity
    when = datetime.datetime(2021, 3, 4, 10, 30, tzinfo=datetime.UTC)
    StatusUpdateFactory(activity=activity, sequence=1, author=world.hki_staff)
    activity.status_updates.update(created_at=when)
    Activity.objects.filter(pk=activity.pk).update(updated_at=when, updated_by=world.hki_staff)
    EvidenceFactory(activity=activity)
    activity.evidence.update(uploaded_at=when)
    client = client_for(world.official)

    page = text_of(client.get(url("activity-detail", activity.pk)))
    listing = text_of(client.get(url("activity-list")))

    assert "03/04/2021" not in page and "03/04/2021" not in listing
    assert "March 4, 2021" in page
    assert "March 4, 2021" in listing


def test_outsiders_and_missing_activities_get_404(world, client_for):
    assert (
        get_as(
            world, client_for, "outsider", url("activity-detail", world.hki_activity.pk)
        ).status_code
        == 404
    )
    assert (
        get_as(
            world, client_for, "official", url("activity-detail", world.other_activity.pk)
        ).status_code
        == 404
    )
    assert get_as(world, client_for, "official", url("activity-detail", 987654)).status_code == 404
    huge = "/activities/99999999999999999999999/"
    assert get_as(world, client_for, "official", huge).status_code == 404


# --- create ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username, status",
    [
        ("hki_coordinator", 200),
        ("bj_coordinator", 200),
        ("hki_staff", 200),
        ("bj_staff", 200),
        ("admin", 200),
        ("official", 403),
        ("outsider", 404),
    ],
)
def test_who_may_open_the_new_activity_form(world, client_for, username, status):
    path = f"{url('activity-create')}?theme={world.themes[1].pk}"

    assert get_as(world, client_for, username, path).status_code == status


def test_the_new_activity_form_limits_its_choices_to_the_plan(world, client_for):
    CommitmentFactory(theme=world.other_theme)
    response = client_for(world.hki_staff).get(
        f"{url('activity-create')}?theme={world.themes[1].pk}"
    )

    form = response.context["form"]
    assert set(form.fields["theme"].queryset) == set(world.themes)
    assert set(form.fields["commitment"].queryset) == {world.commitment}
    assert world.hki_agency in form.fields["first_lead_agency"].queryset
    assert world.bj_agency not in form.fields["first_lead_agency"].queryset
    assert world.bj_agency in form.fields["second_lead_agency"].queryset
    assert world.hki_agency not in form.fields["second_lead_agency"].queryset
    assert form.initial["theme"] == world.themes[1].pk
    assert form.initial["first_lead_agency"] == world.hki_agency.pk  # staff's own agency
    assert "status" not in form.fields
    page = text_of(response)
    assert 'class="bilingual"' in page
    assert 'type="date"' in page


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?theme=xyz",
        "?theme=",
        "?theme=-3",
        "?theme=99999999999999999999999",
        # A digit to str.isdigit() that int() refuses.
        "?theme=%C2%B2",
    ],
)
def test_the_new_activity_form_ignores_a_junk_theme(world, client_for, query):
    response = client_for(world.hki_coordinator).get(url("activity-create") + query)

    assert response.status_code == 200
    assert response.context["plan"] == world.plan


def test_a_posted_theme_int_cannot_read_is_a_form_error(world, client_for):
    response = client_for(world.hki_coordinator).post(
        url("activity-create"), create_data(world, theme="²")
    )

    assert response.status_code == 400
    assert "theme" in response.context["form"].errors
    assert not Activity.objects.filter(title_en="Smart city forum").exists()


def test_participants_come_from_the_partnership_or_third_parties(world, client_for):
    tallinn_agency = AgencyFactory(city=world.other_partnership.first_city)
    third_party = AgencyFactory(city=None, partnerships=[world.partnership])
    # Issue 13: another partnership's third party, and one nobody names, are no choice.
    others = {
        AgencyFactory(city=None, partnerships=[world.other_partnership]),
        AgencyFactory(city=None),
    }
    client = client_for(world.hki_staff)

    form = client.get(url("activity-create")).context["form"]
    choices = set(form.fields["participants"].queryset)
    assert third_party in choices and world.bj_other_agency in choices
    assert tallinn_agency not in choices
    assert not choices & others

    response = client.post(
        url("activity-create"), create_data(world, participants=[tallinn_agency.pk])
    )
    assert response.status_code == 400
    assert "participants" in response.context["form"].errors
    assert not Activity.objects.filter(title_en="Smart city forum").exists()


def test_a_theme_of_another_partnership_is_not_found(world, client_for):
    response = client_for(world.hki_coordinator).get(
        f"{url('activity-create')}?theme={world.other_theme.pk}"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("username", ["hki_coordinator", "hki_staff", "bj_staff", "admin"])
def test_members_create_an_activity_with_funding(world, client_for, username):
    data = create_data(
        world,
        **{
            "funding-0-source": "third_party",
            "funding-0-funder_en": "WTCF",
            "funding-0-amount": "1500.50",
            "funding-0-currency": "cny",
        },
    )

    response = client_for(getattr(world, username)).post(url("activity-create"), data)

    activity = Activity.objects.get(title_en="Smart city forum")
    assert response.status_code == 302
    assert response["Location"] == url("activity-detail", activity.pk)
    assert activity.status == ActivityStatus.PLANNED
    assert activity.created_by == getattr(world, username)
    assert activity.title_zh_hans == "智慧城市论坛"
    funding = activity.fundings.get()
    assert (funding.funder_en, str(funding.amount), funding.currency) == ("WTCF", "1500.50", "CNY")


def test_a_title_in_chinese_only_is_enough(world, client_for):
    data = create_data(world, title_en="", title_zh_hans="只有中文标题")

    response = client_for(world.bj_staff).post(url("activity-create"), data)

    assert response.status_code == 302
    assert Activity.objects.filter(title_zh_hans="只有中文标题").exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"title_en": "", "title_zh_hans": ""}, "title_en", "Give the activity a title"),
        ({"planned_start": "2020-05-03", "planned_end": "2020-05-01"}, "planned_end", "before"),
        ({"actual_start": "2020-05-03", "actual_end": "2020-05-01"}, "actual_end", "before"),
        ({"planned_start": "2020-02-30"}, "planned_start", "valid date"),
        ({"theme": "999999"}, "theme", "valid choice"),
        ({"first_lead_agency": "BJ"}, "first_lead_agency", "valid choice"),
        (
            {
                "funding-0-amount": "10",
                "funding-0-source": "first_city",
                "funding-0-currency": "E1",
            },
            None,
            "three-letter ISO 4217",
        ),
        ({"funding-0-amount": "-10", "funding-0-source": "first_city"}, None, "negative"),
    ],
)
def test_bad_input_shows_errors_and_creates_nothing(world, client_for, overrides, field, message):
    data = create_data(world, **overrides)
    if "first_lead_agency" in overrides:
        data["first_lead_agency"] = world.bj_agency.pk  # a Beijing agency on the Helsinki side

    response = client_for(world.hki_coordinator).post(url("activity-create"), data)

    assert response.status_code == 400
    assert message in text_of(response)
    if field:
        assert field in response.context["form"].errors
    assert not Activity.objects.filter(title_en="Smart city forum").exists()
    assert not Funding.objects.exists()


def test_staff_must_be_part_of_the_activities_they_create(world, client_for):
    data = create_data(
        world,
        first_lead_agency=world.hki_other_agency.pk,
        second_lead_agency=world.bj_other_agency.pk,
    )

    response = client_for(world.hki_staff).post(url("activity-create"), data)

    assert response.status_code == 400
    assert "Your agency must lead or take part" in text_of(response)
    assert not Activity.objects.filter(title_en="Smart city forum").exists()


def test_a_commitment_of_another_theme_is_refused(world, client_for):
    data = create_data(world, theme=world.themes[1].pk, commitment=world.commitment.pk)

    response = client_for(world.hki_coordinator).post(url("activity-create"), data)

    assert response.status_code == 400
    assert "This commitment belongs to another theme." in text_of(response)


def test_officials_and_outsiders_cannot_create(world, client_for):
    assert (
        client_for(world.official).post(url("activity-create"), create_data(world)).status_code
        == 403
    )
    outsider = client_for(world.outsider).post(
        f"{url('activity-create')}?theme={world.themes[1].pk}", create_data(world)
    )
    assert outsider.status_code == 404
    assert not Activity.objects.filter(title_en="Smart city forum").exists()


# --- edit -----------------------------------------------------------------------------------


EDIT_MATRIX = [
    ("hki_coordinator", "bj_activity", 200),
    ("bj_coordinator", "hki_activity", 200),
    ("admin", "other_activity", 200),
    ("hki_staff", "hki_activity", 200),
    ("hki_staff", "joint_activity", 200),
    ("hki_staff", "bj_activity", 403),
    ("hki_staff", "other_agency_activity", 403),
    ("bj_staff", "bj_activity", 200),
    ("bj_staff", "joint_activity", 200),
    ("bj_staff", "hki_activity", 403),
    ("official", "hki_activity", 403),
    ("outsider", "hki_activity", 404),
    ("hki_coordinator", "other_activity", 404),
]


@pytest.mark.parametrize("username, activity_name, status", EDIT_MATRIX)
def test_who_may_open_the_edit_form(world, client_for, username, activity_name, status):
    activity = getattr(world, activity_name)

    response = get_as(world, client_for, username, url("activity-edit", activity.pk))

    assert response.status_code == status


@pytest.mark.parametrize("username, activity_name, status", EDIT_MATRIX)
def test_who_may_save_an_activity(world, client_for, username, activity_name, status):
    activity = getattr(world, activity_name)
    data = edit_data(activity, title_en="Renamed")

    response = client_for(getattr(world, username)).post(url("activity-edit", activity.pk), data)

    activity.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert activity.title_en == "Renamed"
        assert activity.version == 2
        assert activity.updated_by == getattr(world, username)
    else:
        assert response.status_code == status
        assert activity.title_en != "Renamed"


def test_the_edit_form_carries_the_version_and_not_the_status(world, client_for):
    response = client_for(world.hki_staff).get(url("activity-edit", world.hki_activity.pk))

    assert hidden_version(response) == world.hki_activity.version
    assert 'name="status"' not in text_of(response)


def test_editing_never_changes_the_status(world, client_for):
    activity = world.hki_activity
    data = edit_data(activity, status="completed", title_en="Renamed")

    response = client_for(world.hki_coordinator).post(url("activity-edit", activity.pk), data)

    activity.refresh_from_db()
    assert response.status_code == 302
    assert activity.status == ActivityStatus.PLANNED
    assert not StatusUpdate.objects.filter(activity=activity).exists()


def test_the_edit_form_adds_changes_and_removes_funding_rows(world, client_for):
    activity = world.hki_activity
    keep = FundingFactory(activity=activity, amount="100.00")
    drop = FundingFactory(activity=activity, amount="200.00")
    data = edit_data(
        activity,
        **{
            "funding-TOTAL_FORMS": 3,
            "funding-INITIAL_FORMS": 2,
            "funding-0-id": keep.pk,
            "funding-0-activity": activity.pk,
            "funding-0-source": "first_city",
            "funding-0-amount": "150.00",
            "funding-0-currency": "EUR",
            "funding-1-id": drop.pk,
            "funding-1-activity": activity.pk,
            "funding-1-source": "first_city",
            "funding-1-amount": "200.00",
            "funding-1-currency": "EUR",
            "funding-1-DELETE": "on",
            "funding-2-activity": activity.pk,
            "funding-2-source": "second_city",
            "funding-2-amount": "300",
            "funding-2-currency": "CNY",
        },
    )

    response = client_for(world.hki_staff).post(url("activity-edit", activity.pk), data)

    assert response.status_code == 302
    rows = sorted((f.source, str(f.amount), f.currency) for f in activity.fundings.all())
    assert rows == [("first_city", "150.00", "EUR"), ("second_city", "300.00", "CNY")]


def test_funding_is_not_saved_when_the_activity_is_not(world, client_for):
    activity = world.hki_activity
    data = edit_data(
        activity,
        title_en="",
        title_zh_hans="",  # the service refuses: no title at all
        **{
            "funding-TOTAL_FORMS": 1,
            "funding-0-activity": activity.pk,
            "funding-0-source": "first_city",
            "funding-0-amount": "999",
            "funding-0-currency": "EUR",
        },
    )

    response = client_for(world.hki_staff).post(url("activity-edit", activity.pk), data)

    assert response.status_code == 400
    assert "Give the activity a title" in text_of(response)
    assert not activity.fundings.exists()
    activity.refresh_from_db()
    assert activity.title_en == "Helsinki-led activity"
    assert activity.version == 1


def test_a_completed_activity_keeps_its_end_date(world, client_for):
    activity = world.hki_activity
    Activity.objects.filter(pk=activity.pk).update(
        status=ActivityStatus.COMPLETED, actual_end=datetime.date(2020, 6, 1)
    )
    activity.refresh_from_db()

    response = client_for(world.hki_coordinator).post(
        url("activity-edit", activity.pk), edit_data(activity, actual_end="")
    )

    assert response.status_code == 400
    assert "A completed activity keeps the date it was completed." in text_of(response)


def test_staff_cannot_edit_their_agency_out_of_an_activity(world, client_for):
    activity = world.hki_activity
    data = edit_data(activity, first_lead_agency=world.hki_other_agency.pk)

    response = client_for(world.hki_staff).post(url("activity-edit", activity.pk), data)

    assert response.status_code == 400
    assert "Your agency must lead or take part" in text_of(response)
    activity.refresh_from_db()
    assert activity.first_lead_agency == world.hki_agency


def test_a_missing_or_junk_version_is_an_error_not_a_crash(world, client_for):
    activity = world.hki_activity
    client = client_for(world.hki_staff)

    for version in ["", "abc", "0", "99999999999999999999999"]:
        response = client.post(
            url("activity-edit", activity.pk), edit_data(activity, version=version)
        )
        assert response.status_code in (400, 409), version
    activity.refresh_from_db()
    assert activity.version == 1


def test_two_people_editing_never_lose_a_change_silently(world, client_for):
    activity = world.joint_activity
    helsinki = client_for(world.hki_staff)
    beijing = client_for(world.bj_staff)
    # Both open the form on version 1.
    assert hidden_version(helsinki.get(url("activity-edit", activity.pk))) == 1
    assert hidden_version(beijing.get(url("activity-edit", activity.pk))) == 1

    first = helsinki.post(
        url("activity-edit", activity.pk),
        edit_data(activity, title_en="Helsinki's title", description_en="Agreed agenda"),
    )
    assert first.status_code == 302

    mine = edit_data(
        activity,
        title_en="Beijing's title",
        title_zh_hans="北京的标题",
        planned_end="2020-07-15",
    )
    second = beijing.post(url("activity-edit", activity.pk), mine)

    # The second sees who saved, what differs, and nothing of theirs is written.
    assert second.status_code == 409
    page = text_of(second)
    assert 'class="conflict"' in page
    assert "hki_staff saved this activity at" in page
    assert "These fields now differ:" in page
    conflict_box = page[page.index('class="conflict"') : page.index("</table>")]
    assert "Helsinki&#x27;s title" in conflict_box and "Beijing&#x27;s title" in conflict_box
    assert "Agreed agenda" in conflict_box  # the other person's change to a field they kept
    activity.refresh_from_db()
    assert activity.title_en == "Helsinki's title"
    assert activity.description_en == "Agreed agenda"
    assert activity.title_zh_hans == "联合牵头的活动"
    assert activity.version == 2
    # All of the second person's input is still in the form, with the current version.
    assert 'value="Beijing&#x27;s title"' in page
    assert 'value="北京的标题"' in page
    assert 'value="2020-07-15"' in page
    assert hidden_version(second) == 2

    # Without the form's base (the page always carries one: test_edit_merge.py) nothing can
    # be merged: saving again with the new version overwrites, as the API's If-Match does.
    again = beijing.post(url("activity-edit", activity.pk), {**mine, "version": 2})
    assert again.status_code == 302
    activity.refresh_from_db()
    assert activity.title_en == "Beijing's title"
    assert activity.description_en == ""
    assert activity.planned_end == datetime.date(2020, 7, 15)
    assert activity.version == 3


def test_a_conflict_saves_no_funding_either(world, client_for):
    activity = world.hki_activity
    Activity.objects.filter(pk=activity.pk).update(version=5)
    data = edit_data(
        activity,
        version=1,
        **{
            "funding-TOTAL_FORMS": 1,
            "funding-0-activity": activity.pk,
            "funding-0-source": "first_city",
            "funding-0-amount": "999",
            "funding-0-currency": "EUR",
        },
    )

    response = client_for(world.hki_coordinator).post(url("activity-edit", activity.pk), data)

    assert response.status_code == 409
    assert not activity.fundings.exists()
    assert 'name="funding-0-amount" value="999"' in text_of(response)


# --- status updates -------------------------------------------------------------------------


def post_status(client, activity, **data):
    values = {"version": activity.version, "to_status": "", "note_en": "", "date": ""}
    if "note" in data:  # the note in English (the form also takes it in Chinese)
        data["note_en"] = data.pop("note")
    values.update(data)
    return client.post(url("activity-status", activity.pk), values)


STATUS_MATRIX = [
    ("hki_coordinator", "bj_activity", 302),
    ("bj_coordinator", "hki_activity", 302),
    ("admin", "hki_activity", 302),
    ("hki_staff", "hki_activity", 302),
    ("hki_staff", "joint_activity", 302),
    ("hki_staff", "bj_activity", 403),
    ("bj_staff", "joint_activity", 302),
    ("bj_staff", "other_agency_activity", 403),
    ("official", "hki_activity", 403),
    ("outsider", "hki_activity", 404),
]


@pytest.mark.parametrize("username, activity_name, status", STATUS_MATRIX)
def test_who_may_change_a_status(world, client_for, username, activity_name, status):
    activity = getattr(world, activity_name)
    client = client_for(getattr(world, username))

    response = post_status(client, activity, to_status="in_progress", note="Kick-off held.")

    assert response.status_code == status
    activity.refresh_from_db()
    if status == 302:
        assert activity.status == ActivityStatus.IN_PROGRESS
        update = activity.status_updates.get()
        assert (update.author, update.from_status, update.to_status, update.note) == (
            getattr(world, username),
            "planned",
            "in_progress",
            "Kick-off held.",
        )
        page = text_of(client.get(response["Location"]))
        assert "The status is now “In progress”." in page
        assert "Kick-off held." in page
    else:
        assert activity.status == ActivityStatus.PLANNED
        assert not activity.status_updates.exists()


def test_the_status_form_offers_every_status_but_the_current(world, client_for):
    response = client_for(world.hki_staff).get(url("activity-detail", world.hki_activity.pk))

    choices = [
        value for value, _label in response.context["status_form"].fields["to_status"].choices
    ]
    assert choices == ["", "in_progress", "completed", "on_hold", "cancelled"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"to_status": "in_progress", "note": ""}, "Say in a note what happened."),
        ({"to_status": "in_progress", "note": "   "}, "Say in a note what happened."),
        ({"to_status": "planned", "note": "x"}, "Select a valid choice."),
        ({"to_status": "finished", "note": "x"}, "Select a valid choice."),
        ({"to_status": "completed", "note": "Done."}, "Give the date the activity was completed."),
        (
            {"to_status": "in_progress", "note": "x", "date": "2099-01-01"},
            "cannot be in the future",
        ),
        ({"to_status": "on_hold", "note": "x", "date": "2020-01-01"}, "only recorded for starting"),
        ({"to_status": "in_progress", "note": "x", "date": "not a date"}, "valid date"),
        ({"to_status": "in_progress", "note": "x", "version": "abc"}, "whole number"),
    ],
)
def test_status_rules_show_as_form_errors(world, client_for, data, message):
    activity = world.hki_activity

    response = post_status(client_for(world.hki_staff), activity, **data)

    assert response.status_code == 400
    assert message in text_of(response)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED
    assert not activity.status_updates.exists()


def test_the_status_form_keeps_the_input_after_an_error(world, client_for):
    response = post_status(
        client_for(world.hki_staff), world.hki_activity, to_status="completed", note="We finished."
    )

    assert response.status_code == 400
    page = text_of(response)
    assert "We finished.</textarea>" in page
    assert '<option value="completed" selected>' in page


def test_completing_needs_a_date_and_records_it(world, client_for):
    activity = world.hki_activity
    client = client_for(world.hki_staff)

    response = post_status(client, activity, to_status="completed", note="Done.", date="2020-06-30")

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.COMPLETED
    assert activity.actual_end == datetime.date(2020, 6, 30)


def test_only_coordinators_reopen_a_closed_activity(world, client_for):
    activity = world.hki_activity
    Activity.objects.filter(pk=activity.pk).update(
        status=ActivityStatus.COMPLETED, actual_end=datetime.date(2020, 6, 30)
    )
    activity.refresh_from_db()

    refused = post_status(
        client_for(world.hki_staff), activity, to_status="in_progress", note="More"
    )
    assert refused.status_code == 400
    assert "Only a coordinator can reopen" in text_of(refused)

    allowed = post_status(
        client_for(world.bj_coordinator), activity, to_status="in_progress", note="Phase two."
    )
    assert allowed.status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.IN_PROGRESS


def test_a_stale_status_form_is_refused_and_refreshed(world, client_for):
    activity = world.joint_activity
    post_status(client_for(world.hki_staff), activity, to_status="on_hold", note="Paused.")

    stale = post_status(client_for(world.bj_staff), activity, to_status="cancelled", note="Stop.")

    assert stale.status_code == 400
    assert "Someone else changed this activity" in text_of(stale)
    assert hidden_version(stale) == 2  # resubmitting acts on what the page now shows
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.ON_HOLD


def test_the_status_url_only_accepts_post(world, client_for):
    response = client_for(world.hki_staff).get(url("activity-status", world.hki_activity.pk))

    assert response.status_code == 405


# --- evidence -------------------------------------------------------------------------------


def pdf(name="report.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(client, activity, file, description=""):
    return client.post(
        url("evidence-upload", activity.pk), {"file": file, "description": description}
    )


@pytest.mark.parametrize(
    "username, activity_name, status",
    [
        ("hki_coordinator", "bj_activity", 302),
        ("admin", "bj_activity", 302),
        ("hki_staff", "hki_activity", 302),
        ("bj_staff", "joint_activity", 302),
        ("hki_staff", "bj_activity", 403),
        ("bj_staff", "hki_activity", 403),
        ("official", "hki_activity", 403),
        ("outsider", "hki_activity", 404),
    ],
)
def test_who_may_upload_evidence(world, client_for, username, activity_name, status):
    activity = getattr(world, activity_name)

    response = upload(client_for(getattr(world, username)), activity, pdf(), "Signed minutes")

    assert response.status_code == status
    if status == 302:
        evidence = activity.evidence.get()
        assert evidence.original_name == "report.pdf"
        assert evidence.content_type == "application/pdf"
        assert evidence.description == "Signed minutes"
        assert evidence.uploaded_by == getattr(world, username)
        assert response["Location"].endswith("#evidence")
    else:
        assert not activity.evidence.exists()


def test_the_evidence_list_shows_the_file_facts(world, client_for):
    upload(client_for(world.hki_staff), world.hki_activity, pdf("minutes 2020.pdf"), "Signed")

    page = text_of(client_for(world.official).get(url("activity-detail", world.hki_activity.pk)))

    evidence = world.hki_activity.evidence.get()
    assert "minutes 2020.pdf" in page
    assert "application/pdf" in page
    assert f"{len(PDF)}\xa0bytes" in page
    assert "hki_staff" in page
    assert url("evidence-download", evidence.pk) in page


def test_a_too_big_file_is_refused_clearly(world, client_for, settings):
    settings.MAX_UPLOAD_MB = 1
    big = pdf(content=PDF + b"0" * (1024 * 1024 + 1))

    response = upload(client_for(world.hki_staff), world.hki_activity, big)

    assert response.status_code == 400
    assert "files may be at most 1.0\xa0MB" in text_of(response)
    assert not Evidence.objects.exists()


def test_a_file_of_the_wrong_type_is_refused_clearly(world, client_for):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 200)

    response = upload(client_for(world.hki_staff), world.hki_activity, fake)

    assert response.status_code == 400
    assert "This is a Windows program, not a PDF." in text_of(response)
    assert not Evidence.objects.exists()


def test_an_upload_without_a_file_is_refused(world, client_for):
    response = client_for(world.hki_staff).post(
        url("evidence-upload", world.hki_activity.pk), {"description": "nothing"}
    )

    assert response.status_code == 400
    assert "This field is required." in text_of(response)


@pytest.mark.parametrize(
    "username, status",
    [
        ("hki_coordinator", 200),
        ("bj_coordinator", 200),
        ("hki_staff", 200),
        ("bj_staff", 200),  # may not change it, but may see it
        ("official", 200),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_who_may_download_evidence(world, client_for, username, status):
    upload(client_for(world.hki_staff), world.hki_activity, pdf("会议纪要.pdf"))
    evidence = Evidence.objects.get()

    response = get_as(world, client_for, username, url("evidence-download", evidence.pk))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF


def test_a_form_field_too_big_for_memory_is_a_clear_400(world, client_for):
    # Django refuses non-file fields over DATA_UPLOAD_MAX_MEMORY_SIZE before the view runs.
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = upload(client_for(world.hki_staff), world.hki_activity, pdf(), huge)

    assert response.status_code == 400
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("name", ["a\x00b.pdf", "../../etc/passwd.pdf", "x" * 300 + ".pdf", ".pdf"])
def test_odd_file_names_are_stored_safely(world, client_for, name):
    response = upload(client_for(world.hki_staff), world.hki_activity, pdf(name))

    assert response.status_code in (302, 400)
    for evidence in Evidence.objects.all():
        assert evidence.file.name.startswith("evidence/")
        assert "/" not in evidence.file.name.removeprefix("evidence/")


def test_a_refusal_is_logged(world, client_for, caplog):
    with caplog.at_level("WARNING", logger="portal.security"):
        response = client_for(world.official).get(url("activity-edit", world.hki_activity.pk))

    assert response.status_code == 403
    assert "permission refused: user=official action=change object=Activity" in caplog.text


def test_an_evidence_row_without_its_file_is_not_found(world, client_for):
    evidence = EvidenceFactory(activity=world.hki_activity)
    evidence.file.storage.delete(evidence.file.name)

    response = client_for(world.official).get(url("evidence-download", evidence.pk))

    assert response.status_code == 404


def test_a_missing_evidence_file_is_not_found(world, client_for):
    assert client_for(world.official).get(url("evidence-download", 987654)).status_code == 404


@pytest.mark.parametrize(
    "username, status",
    [
        ("hki_coordinator", 302),
        ("hki_staff", 302),
        ("bj_staff", 403),
        ("official", 403),
        ("outsider", 404),
    ],
)
def test_who_may_delete_evidence(world, client_for, username, status):
    upload(client_for(world.hki_staff), world.hki_activity, pdf())
    evidence = Evidence.objects.get()

    response = client_for(getattr(world, username)).post(url("evidence-delete", evidence.pk))

    assert response.status_code == status
    assert Evidence.objects.filter(pk=evidence.pk).exists() is (status != 302)


def test_deleting_evidence_needs_post(world, client_for):
    evidence = EvidenceFactory(activity=world.hki_activity)

    response = client_for(world.hki_coordinator).get(url("evidence-delete", evidence.pk))

    assert response.status_code == 405
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# --- constant query counts ------------------------------------------------------------------


@pytest.fixture
def many(world):
    """``many(n)``: n more activities in the first theme, each with a participant and a status
    update, all led by the Helsinki staff's agency."""

    def make(n):
        activities = ActivityFactory.create_batch(
            n,
            theme=world.themes[0],
            commitment=world.commitment,
            first_lead_agency=world.hki_agency,
            second_lead_agency=world.bj_agency,
            participants=[world.bj_other_agency],
        )
        for activity in activities:
            StatusUpdateFactory(activity=activity, sequence=1, author=world.bj_staff)
        return activities

    return make


SIZES = [10, 300]


@pytest.mark.parametrize("n", SIZES)
def test_the_activity_list_runs_a_constant_number_of_queries(
    world, client_for, many, django_assert_num_queries, n
):
    for activity in many(n):
        FundingFactory(activity=activity)
    client = client_for(world.hki_staff)

    query = {"agency": world.hki_agency.pk, "page": 2}
    with django_assert_num_queries(14):
        # 1 session, 2 user, 3 profile
        # 4 the change stamp (the cached filter options' key)
        # 5 the agency filter's choice being validated
        # 6 the number of matching activities (paginator)
        # 7 the visible plans (for the "new activity" button)
        # 8 theme choices, 9 side choices (cities), 10 agency choices (then cached)
        # 11 the page of activities with theme and commitment, 12 and 13 their lead
        # agencies with their cities
        # 14 the page's funding totals
        response = client.get(url("activity-list"), query)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == n + 2
    with django_assert_num_queries(11):  # the filter options from the cache
        again = client.get(url("activity-list"), query)
    assert _selects(again) == _selects(response)
    assert "selected>Economic Development" in _selects(again)


def _selects(response) -> str:
    return "".join(re.findall(r"<select.*?</select>", response.content.decode(), re.DOTALL))


@pytest.mark.parametrize("n", SIZES)
def test_the_csv_export_runs_a_constant_number_of_queries(
    world, client_for, many, django_assert_num_queries, n
):
    for activity in many(n):
        FundingFactory(activity=activity)
    client = client_for(world.hki_staff)

    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 profile
        # 4 the agency filter's choice being validated
        # 5 the funding of all matching activities, by source and currency
        # 6 all matching activities with theme, plan, commitment and lead agencies
        # 7 their participants
        response = client.get(url("activity-export"), {"agency": world.hki_agency.pk})
    assert len(csv_rows(response)) == 1 + n + 2


@pytest.mark.parametrize("n", SIZES)
def test_the_activity_page_runs_a_constant_number_of_queries(
    world, client_for, many, django_assert_num_queries, n
):
    many(n)
    activity = world.joint_activity
    statuses = [ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS]
    for i in range(n):
        StatusUpdateFactory(
            activity=activity,
            sequence=i + 1,
            from_status=statuses[i % 2],
            to_status=statuses[(i + 1) % 2],
            author=world.hki_staff,
        )
        FundingFactory(activity=activity)
    EvidenceFactory.create_batch(min(n, 30), activity=activity, uploaded_by=world.bj_staff)
    activity.participants.set(AgencyFactory.create_batch(min(n, 30), city=world.beijing))
    EventFactory.create_batch(min(n, 30), plan=world.plan, activities=[activity])
    client = client_for(world.hki_staff)

    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 profile
        # 4 the activity with theme, plan, partnership, cities, commitment, lead agencies,
        #   creator and last editor
        # 5 status updates with their authors, 6 evidence with uploaders, 7 funding,
        # 8 participants with their cities, 9 linked events
        response = client.get(url("activity-detail", activity.pk))
    assert response.status_code == 200
    assert len(response.context["history"]) == n


def test_a_forged_funding_row_count_builds_at_most_thirty_forms(world, client_for):
    # Once about a thousand forms per request (5 s of CPU and a 2 MB page).
    activity = world.hki_activity
    data = edit_data(activity, title_en="Renamed", **{"funding-TOTAL_FORMS": "999999"})

    response = client_for(world.hki_staff).post(url("activity-edit", activity.pk), data)

    assert response.status_code == 400
    formset = response.context["formset"]
    assert len(formset.forms) <= 30
    assert formset.non_form_errors()
    assert Activity.objects.get(pk=activity.pk).title_en == "Helsinki-led activity"


def test_clearing_the_english_text_in_english_empties_it(world, client_for):
    # modeltranslation used to keep the old text when the page's own language was emptied.
    activity = world.joint_activity
    Activity.objects.filter(pk=activity.pk).update(description_en="Old words")
    data = edit_data(Activity.objects.get(pk=activity.pk), description_en="")

    response = client_for(world.hki_coordinator).post(url("activity-edit", activity.pk), data)

    assert response.status_code == 302, text_of(response)[:2000]
    assert not Activity.objects.get(pk=activity.pk).description_en
