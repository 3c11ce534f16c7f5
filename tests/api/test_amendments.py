"""/api/v1/plans/{id}/amendments/, /api/v1/amendments/{id}/ and its workflow, and the plan's
versions: the same service as the pages, ETags on the amendment's version."""

import pytest

from cooperation.amendments.models import Amendment, AmendmentStatus, ChangeKind
from cooperation.models import Commitment
from tests.cooperation.amendment_helpers import approved, draft, submitted
from tests.factories import ThemeFactory

pytestmark = pytest.mark.clock

BODY = {
    "title": {"en": "Withdraw the dialogue", "zh-hans": "撤回对话"},
    "reason": {"en": "Replaced.", "zh-hans": "已取代。"},
    "effective_on": "2022-03-01",
}


def _url(amendment, action=""):
    return f"/api/v1/amendments/{amendment.pk}/{action + '/' if action else ''}"


def test_the_whole_journey_through_the_api(world, api_for):
    hki, bj = api_for(world.hki_coordinator), api_for(world.bj_coordinator)
    created = hki.post(
        f"/api/v1/plans/{world.plan.pk}/amendments/",
        {**BODY, "changes": [{"kind": "withdraw_commitment", "commitment": world.commitment.pk}]},
        format="json",
    )
    assert created.status_code == 201, created.data
    body = created.json()
    assert body["status"] == "draft" and body["side"] == world.helsinki.pk
    assert body["changes"][0]["kind"] == "withdraw_commitment"
    assert body["title"] == BODY["title"]
    amendment = Amendment.objects.get(pk=body["id"])
    etag = created["ETag"]

    changed = hki.patch(
        _url(amendment), {"title": {"en": "Retire the dialogue"}}, format="json", HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200
    assert changed.json()["title"] == {"en": "Retire the dialogue", "zh-hans": "撤回对话"}
    # The ETag read before the change is stale now: 412, nothing changes.
    stale = hki.post(_url(amendment, "submit"), {}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Amendment.objects.get(pk=amendment.pk).status == AmendmentStatus.DRAFT

    sent = hki.post(_url(amendment, "submit"), {}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    # The author's side cannot approve its own amendment.
    assert hki.post(_url(amendment, "approve"), {}, format="json").status_code == 403
    done = bj.post(_url(amendment, "approve"), {}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["number"]) == ("approved", 1)
    assert Commitment.objects.get(pk=world.commitment.pk).withdrawn_by_id == amendment.pk

    versions = bj.get(f"/api/v1/plans/{world.plan.pk}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    second = bj.get(f"/api/v1/plans/{world.plan.pk}/versions/2/").json()
    withdrawn = second["snapshot"]["themes"][0]["commitments"][0]
    assert withdrawn["withdrawn"] == {"amendment": 1, "on": "2022-03-01"}
    assert withdrawn["text"]["zh-hans"] == "建立年度实质性对话。"
    assert bj.get(f"/api/v1/plans/{world.plan.pk}/versions/3/").status_code == 404
    assert bj.get(f"/api/v1/plans/{world.plan.pk}/versions/99999/").status_code == 404


def test_an_approved_amendment_is_no_longer_changed(world, api_for):
    version = approved(world)
    response = api_for(world.hki_coordinator).patch(
        _url(version.amendment), {"title": {"en": "Too late"}}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_returning_needs_a_comment(world, api_for):
    amendment = submitted(world)
    bj = api_for(world.bj_coordinator)
    empty = bj.post(_url(amendment, "return"), {"comment": ""}, format="json")
    assert empty.status_code == 400
    assert Amendment.objects.get(pk=amendment.pk).status == AmendmentStatus.SUBMITTED
    done = bj.post(_url(amendment, "return"), {"comment": "Add the date."}, format="json")
    assert done.status_code == 200 and done.json()["return_comment"] == "Add the date."


@pytest.mark.parametrize(
    "changes",
    [
        [],
        [{"kind": "withdraw_commitment"}],
        [{"kind": "nonsense"}],
        [{"kind": "withdraw_theme", "theme": 99999999999999999999}],
        [{"kind": "add_theme", "text": {"en": "Sport"}}],
        [{"kind": "change_period", "start_year": 2019, "end_year": 1}],
        [{"kind": "withdraw_theme", "theme": 1, "surprise": True}],
        "not a list",
    ],
)
def test_bad_changes_answer_400_and_change_nothing(world, api_for, changes):
    response = api_for(world.hki_coordinator).post(
        f"/api/v1/plans/{world.plan.pk}/amendments/", {**BODY, "changes": changes}, format="json"
    )
    assert response.status_code == 400, response.content
    assert not Amendment.objects.exists()


def test_a_theme_of_another_partnership_does_not_exist(world, api_for):
    response = api_for(world.hki_coordinator).post(
        f"/api/v1/plans/{world.plan.pk}/amendments/",
        {**BODY, "changes": [{"kind": "withdraw_theme", "theme": world.other_theme.pk}]},
        format="json",
    )
    assert response.status_code == 400
    assert "changes.0.theme" in response.json()["errors"]


@pytest.mark.parametrize("extra", [2, 20])
def test_the_amendment_list_runs_constant_queries(world, api_for, django_assert_num_queries, extra):
    for i in range(extra):
        theme = ThemeFactory(plan=world.plan, order=10 + i)
        draft(
            world,
            changes=[
                {"kind": ChangeKind.WITHDRAW_THEME, "theme": theme},
                {"kind": ChangeKind.CHANGE_PERIOD, "start_year": 2019, "end_year": 2024},
            ],
        )
    client = api_for(world.official)
    # Session, user, profile, the plan, the amendments (with plan, side, people), their changes.
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/plans/{world.plan.pk}/amendments/")
    assert len(response.json()) == extra


@pytest.mark.parametrize("extra", [1, 8])
def test_the_version_list_runs_constant_queries(world, api_for, django_assert_num_queries, extra):
    for i in range(extra):
        theme = ThemeFactory(plan=world.plan, order=10 + i)
        approved(world, changes=[{"kind": ChangeKind.WITHDRAW_THEME, "theme": theme}])
    client = api_for(world.official)
    # Session, user, profile, the plan, version 1 (there), the versions with their amendments.
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/plans/{world.plan.pk}/versions/")
    assert len(response.json()) == extra + 1
