"""Third parties through the API: the partnerships naming them only (issue 13, section 3).

The whole matrix of roles is in test_permissions_matrix; here: what lists and choice lists
hold, and what a third party's ``partnerships`` shows to whom.
"""

import pytest

from partners.models import Agency, AgencyKind
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def wtcf(world):
    return f.AgencyFactory(
        code="wtcf", city=None, kind=AgencyKind.FEDERATION, partnerships=[world.partnership]
    )


@pytest.fixture
def theirs(world):
    return f.AgencyFactory(
        code="baltic-fed",
        city=None,
        kind=AgencyKind.FEDERATION,
        partnerships=[world.other_partnership],
    )


def _ids(client, url="/api/v1/agencies/", **params) -> set[int]:
    response = client.get(url, {"page_size": 200, **params})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_lists_hold_the_third_parties_of_ones_own_partnerships(world, api_for, wtcf, theirs):
    for user in (world.hki_coordinator, world.bj_staff, world.official):
        listed = _ids(api_for(user), third_party="true")
        assert wtcf.pk in listed
        assert theirs.pk not in listed
    outsider = _ids(api_for(world.outsider), third_party="true")
    assert outsider == {theirs.pk}
    assert {wtcf.pk, theirs.pk} <= _ids(api_for(world.admin), third_party="true")


def test_another_partnership_neither_reads_nor_changes_it(world, api_for, wtcf):
    client = api_for(world.outsider)
    url = f"/api/v1/agencies/{wtcf.pk}/"

    assert client.get(url).status_code == 404
    assert client.get(f"{url}history/").status_code == 404
    assert client.patch(url, {"website": "https://evil.example/"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    wtcf.refresh_from_db()
    assert wtcf.website == ""


def test_its_coordinators_change_it_and_staff_read_it(world, api_for, wtcf):
    url = f"/api/v1/agencies/{wtcf.pk}/"
    staff = api_for(world.hki_staff)
    assert staff.get(url).status_code == 200
    assert staff.patch(url, {"website": "https://x.example/"}, format="json").status_code == 403

    response = api_for(world.bj_coordinator).patch(
        url, {"website": "https://www.wtcf.org.cn/"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["partnerships"] == [world.partnership.pk]
    wtcf.refresh_from_db()
    assert wtcf.website == "https://www.wtcf.org.cn/"


def test_a_shared_third_party_shows_each_member_their_own_partnerships(world, api_for):
    shared = f.AgencyFactory(city=None, partnerships=[world.partnership, world.other_partnership])
    url = f"/api/v1/agencies/{shared.pk}/"

    assert api_for(world.hki_staff).get(url).json()["partnerships"] == [world.partnership.pk]
    assert api_for(world.outsider).get(url).json()["partnerships"] == [world.other_partnership.pk]
    assert sorted(api_for(world.admin).get(url).json()["partnerships"]) == sorted(
        [world.partnership.pk, world.other_partnership.pk]
    )


def test_a_new_third_party_is_named_by_the_coordinators_partnerships(world, api_for):
    response = api_for(world.outsider).post(
        "/api/v1/agencies/",
        {"code": "baltic", "kind": "federation", "name": {"en": "Baltic"}},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["partnerships"] == [world.other_partnership.pk]
    baltic = Agency.objects.get(code="baltic")
    assert api_for(world.hki_coordinator).get(f"/api/v1/agencies/{baltic.pk}/").status_code == 404


def test_another_partnerships_third_party_is_no_choice(world, api_for, wtcf, theirs):
    """Participants, responsible agencies, commitments, organisers: never another's."""
    client = api_for(world.hki_coordinator)
    refused = client.patch(
        f"/api/v1/activities/{world.hki_activity.pk}/",
        {"participants": [theirs.pk]},
        format="json",
    )
    assert refused.status_code == 400
    assert "participants" in refused.json()["errors"]
    commitment = client.patch(
        f"/api/v1/commitments/{world.commitment.pk}/", {"agencies": [theirs.pk]}, format="json"
    )
    assert commitment.status_code == 400

    accepted = client.patch(
        f"/api/v1/activities/{world.hki_activity.pk}/",
        {"participants": [wtcf.pk]},
        format="json",
    )
    assert accepted.status_code == 200, accepted.content
    assert world.hki_activity.participants.filter(pk=wtcf.pk).exists()


def test_the_activity_filter_offers_no_other_third_party(world, api_for, theirs):
    response = api_for(world.hki_coordinator).get("/api/v1/activities/", {"agency": theirs.pk})
    assert response.status_code == 400


def test_exports_and_search_carry_no_other_partnerships_third_party(world, client_for, theirs):
    theirs.name_en = "Baltic Federation"
    theirs.save()
    world.other_activity.participants.add(theirs)

    ours = client_for(world.hki_coordinator)
    for path in ("/activities/export.csv", "/activities/?text=Baltic"):
        response = ours.get(path)
        assert response.status_code == 200
        assert b"Baltic Federation" not in response.content, path
    assert b"Baltic Federation" in client_for(world.outsider).get("/activities/export.csv").content


def test_naming_a_third_party_moves_the_lists_etag(world, api_for):
    """Naming writes no history entry; the list's ETag and cached body still move on."""
    from partners import services
    from partners.access import SYSTEM

    agency = f.AgencyFactory(city=None)
    client = api_for(world.hki_coordinator)
    params = {"third_party": "true"}
    first = client.get("/api/v1/agencies/", params)
    assert agency.pk not in {row["id"] for row in first.json()["results"]}

    services.name_in_partnership(user=SYSTEM, agency=agency, partnership=world.partnership)

    again = client.get("/api/v1/agencies/", params, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert agency.pk in {row["id"] for row in again.json()["results"]}
