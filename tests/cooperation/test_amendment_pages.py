"""The amendment and version pages: drafting with a formset, deciding, versions, comparing."""

import pytest
from django.urls import reverse

from cooperation.amendments.models import Amendment, AmendmentStatus, ChangeKind
from cooperation.models import Activity
from tests.cooperation.amendment_helpers import EFFECTIVE, approved, draft, submitted, values
from tests.factories import ThemeFactory
from tests.helpers import main_of

pytestmark = pytest.mark.clock


def _form_data(world, **changes):
    data = {
        **{k: v for k, v in values().items() if k != "effective_on"},
        "effective_on": EFFECTIVE.isoformat(),
        "changes-TOTAL_FORMS": "2",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "50",
        "changes-0-kind": ChangeKind.WITHDRAW_COMMITMENT,
        "changes-0-commitment": str(world.commitment.pk),
        "changes-1-kind": "",
    }
    data.update(changes)
    return data


def test_a_coordinator_drafts_through_the_form(world, client_for):
    client = client_for(world.hki_coordinator)
    url = reverse("amendment-create", args=[world.plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form_data(world))
    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("amendment-detail", args=[amendment.pk])
    assert list(amendment.changes.values_list("kind", "commitment_id")) == [
        ("withdraw_commitment", world.commitment.pk)
    ]


def test_bad_input_keeps_what_was_typed(world, client_for):
    client = client_for(world.hki_coordinator)
    response = client.post(
        reverse("amendment-create", args=[world.plan.pk]),
        _form_data(
            world,
            **{
                "title_en": "Typed title 打字",
                "changes-0-commitment": "",
                "changes-1-kind": ChangeKind.ADD_THEME,
                "changes-1-text_en": "Sport kept",
            },
        ),
    )
    assert response.status_code == 400
    page = main_of(response)
    assert "Typed title 打字" in page and "Sport kept" in page
    assert "Change 1:" in page and "Change 2:" in page
    assert not Amendment.objects.exists()


def test_forged_and_huge_input_answers_400_not_500(world, client_for):
    client = client_for(world.hki_coordinator)
    response = client.post(
        reverse("amendment-create", args=[world.plan.pk]),
        _form_data(
            world,
            **{
                "changes-TOTAL_FORMS": "100000",
                "changes-0-commitment": "99999999999999999999999",
                "changes-0-kind": "drop_table",
                "effective_on": "2022-02-31",
                "title_en": "x" * 100000,
            },
        ),
    )
    assert response.status_code == 400
    assert not Amendment.objects.exists()


def test_the_other_side_approves_from_the_page_and_the_plan_shows_version_2(world, client_for):
    Activity.objects.filter(pk=world.hki_activity.pk).update(commitment=world.commitment)
    amendment = submitted(world)
    own = client_for(world.hki_coordinator).get(reverse("amendment-detail", args=[amendment.pk]))
    assert "Approve the amendment" not in main_of(own)
    client = client_for(world.bj_coordinator)
    page = client.get(reverse("amendment-detail", args=[amendment.pk]))
    assert "Approve the amendment" in main_of(page)
    response = client.post(
        reverse("amendment-action", args=[amendment.pk, "approve"]), {"version": amendment.version}
    )
    assert response.status_code == 302
    assert Amendment.objects.get(pk=amendment.pk).status == AmendmentStatus.APPROVED
    dashboard = client_for(world.hki_coordinator).get(reverse("dashboard", args=[world.plan.pk]))
    assert "Version 2" in dashboard.content.decode()
    theme = client_for(world.official).get(reverse("theme-detail", args=[world.themes[0].pk]))
    assert "Withdrawn by amendment 1, 1 March 2022" in main_of(theme)
    # Its activity is still shown under it, and its own page says so too.
    assert "Helsinki-led activity" in main_of(theme)
    activity = client_for(world.hki_staff).get(
        reverse("activity-detail", args=[world.hki_activity.pk])
    )
    assert "Withdrawn by amendment 1, 1 March 2022" in main_of(activity)


def test_the_withdrawn_marker_is_in_the_readers_language(world, client_for):
    approved(world)
    client = client_for(world.bj_staff)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(
        reverse("theme-detail", args=[world.themes[0].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "2022年3月1日" in main_of(page)


def test_a_stale_approval_from_the_page_changes_nothing(world, client_for):
    amendment = submitted(world)
    client = client_for(world.bj_coordinator)
    url = reverse("amendment-action", args=[amendment.pk, "approve"])
    client.post(url, {"version": amendment.version})
    response = client.post(url, {"version": amendment.version}, follow=True)
    assert "Someone changed this amendment" in response.content.decode()
    assert world.plan.versions.count() == 2


def test_returning_needs_a_comment_on_the_page(world, client_for):
    amendment = submitted(world)
    client = client_for(world.bj_coordinator)
    url = reverse("amendment-return", args=[amendment.pk])
    response = client.post(url, {"version": amendment.version, "comment": ""})
    assert response.status_code == 400
    response = client.post(url, {"version": amendment.version, "comment": "Add the date."})
    assert response.status_code == 302
    stored = Amendment.objects.get(pk=amendment.pk)
    assert (stored.status, stored.return_comment) == (AmendmentStatus.RETURNED, "Add the date.")
    edit = client_for(world.hki_coordinator).get(reverse("amendment-edit", args=[amendment.pk]))
    assert edit.status_code == 200
    assert "Replaced by the joint committee." in main_of(edit)


def test_versions_list_view_and_compare_in_both_languages(world, client_for):
    approved(
        world,
        changes=[
            {"kind": ChangeKind.WITHDRAW_COMMITMENT, "commitment": world.commitment},
            {"kind": ChangeKind.ADD_THEME, "text_en": "Sport", "text_zh_hans": "体育"},
            {
                "kind": ChangeKind.CHANGE_THEME,
                "theme": world.themes[1],
                "text_en": "Learning",
                "text_zh_hans": "学习",
            },
        ],
    )
    client = client_for(world.official)
    listing = main_of(client.get(reverse("plan-version-list", args=[world.plan.pk])))
    assert "Version 1" in listing and "Version 2" in listing
    first = main_of(client.get(reverse("plan-version", args=[world.plan.pk, 1])))
    assert "建立年度实质性对话。" in first and "Sport" not in first
    compare = main_of(
        client.get(reverse("plan-version-compare", args=[world.plan.pk]) + "?a=1&b=2")
    )
    assert 'class="diff-added"' in compare and "体育" in compare
    assert 'class="diff-changed"' in compare and "学习" in compare and "教育" in compare
    assert 'class="diff-withdrawn"' in compare
    bad = client.get(reverse("plan-version-compare", args=[world.plan.pk]) + "?a=x&b=99999999999")
    assert bad.status_code == 400
    missing = client.get(reverse("plan-version-compare", args=[world.plan.pk]) + "?a=1&b=7")
    assert missing.status_code == 404


@pytest.mark.parametrize("extra", [2, 12])
def test_the_amendment_list_runs_constant_queries(
    world, client_for, django_assert_max_num_queries, extra
):
    for i in range(extra):
        theme = ThemeFactory(plan=world.plan, order=10 + i)
        draft(world, changes=[{"kind": ChangeKind.WITHDRAW_THEME, "theme": theme}])
    client = client_for(world.official)
    client.get(reverse("amendment-list", args=[world.plan.pk]))
    # Session, user, profile, the plan with its signatories, the amendments with their sides.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("amendment-list", args=[world.plan.pk]))
    assert response.status_code == 200
    assert main_of(response).count("amendment-draft") == extra


@pytest.mark.parametrize("extra", [1, 6])
def test_the_version_list_runs_constant_queries(
    world, client_for, django_assert_max_num_queries, extra
):
    for i in range(extra):
        theme = ThemeFactory(plan=world.plan, order=10 + i)
        approved(world, changes=[{"kind": ChangeKind.WITHDRAW_THEME, "theme": theme}])
    client = client_for(world.official)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("plan-version-list", args=[world.plan.pk]))
    assert main_of(response).count("/versions/") >= extra + 1


def test_a_concluded_plan_offers_no_drafting(world, client_for):
    from cooperation.models import ActionPlan, PlanStatus

    ActionPlan.objects.filter(pk=world.plan.pk).update(status=PlanStatus.CONCLUDED)
    client = client_for(world.hki_coordinator)
    listing = client.get(reverse("amendment-list", args=[world.plan.pk]))
    assert reverse("amendment-create", args=[world.plan.pk]) not in main_of(listing)
    response = client.get(reverse("amendment-create", args=[world.plan.pk]))
    assert response.status_code == 302
    response = client.post(reverse("amendment-create", args=[world.plan.pk]), _form_data(world))
    assert response.status_code == 302
    assert not Amendment.objects.exists()


def test_admin_shows_amendments_and_versions_read_only(world, client_for):
    version = approved(world)
    client = client_for(world.admin)
    for url in (
        f"/admin/cooperation/amendment/{version.amendment.pk}/change/",
        f"/admin/cooperation/planversion/{version.pk}/change/",
        "/admin/cooperation/amendment/",
        "/admin/cooperation/planversion/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/admin/cooperation/amendment/{version.amendment.pk}/change/", {"title_en": "X"}
    )
    assert response.status_code == 403
    assert client.get("/admin/cooperation/amendment/add/").status_code == 403
    assert Amendment.objects.get(pk=version.amendment.pk).title_en != "X"
