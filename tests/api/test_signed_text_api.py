"""The API's view of what was signed: unranked responsibility, a commitment's signed sentence,
the plan's terms (read by members, changed by coordinators with If-Match)."""

import pytest

from tests.cooperation.test_signed_text_pages import (
    FUNDING_EN,
    FUNDING_ZH,
    SENTENCE_EN,
    SENTENCE_ZH,
    _derived,
    _terms,
    _unranked,
)

pytestmark = pytest.mark.clock


def test_the_api_says_responsible_for_an_unranked_agency(world, api_for):
    _unranked(world)
    body = api_for(world.official).get(f"/api/v1/themes/{world.themes[0].pk}/").json()
    assert {"agency": world.hki_other_agency.pk, "role": "responsible"} in body[
        "responsible_agencies"
    ]


def test_the_api_gives_the_signed_sentence(world, api_for):
    _derived(world)
    body = api_for(world.official).get(f"/api/v1/commitments/{world.commitment.pk}/").json()
    assert body["derived_from"] == {"en": SENTENCE_EN, "zh-hans": SENTENCE_ZH}


def test_the_api_gives_and_takes_the_terms(world, api_for):
    _terms(world)
    url = f"/api/v1/plans/{world.plan.pk}/"
    body = api_for(world.official).get(url).json()
    assert body["funding_terms"] == {"en": FUNDING_EN, "zh-hans": FUNDING_ZH}
    assert body["review_terms"] == {"en": "", "zh-hans": ""}
    client = api_for(world.hki_coordinator)
    etag = client.get(url)["ETag"]
    response = client.patch(
        url,
        {"review_terms": {"en": "A review in 2021.", "zh-hans": "2021年评估。"}},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    world.plan.refresh_from_db()
    assert world.plan.review_terms_zh_hans == "2021年评估。"
    refused = api_for(world.official).patch(
        url, {"review_terms": {"en": "no"}}, format="json", HTTP_IF_MATCH=etag
    )
    assert refused.status_code in (403, 404, 412)
    world.plan.refresh_from_db()
    assert world.plan.review_terms_en == "A review in 2021."
