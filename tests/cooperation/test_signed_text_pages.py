"""What was signed, as the portal shows it: responsibility without an invented rank, a
commitment split from a signed sentence with that sentence, and the plan's terms (Articles Two
to Four) on the plan's page, in the API, the progress report's cover and the public page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cooperation.models import ActionPlan, ResponsibilityRole, ThemeAgency
from cooperation.services import commitments, plans, themes
from reports import rendering, snapshot

pytestmark = pytest.mark.clock

FUNDING_EN = "Projects will be funded by both parties and a third party funding will be sought."
FUNDING_ZH = "项目将由双方出资，并争取第三方资金。"
SENTENCE_EN = "The two parties support A, and B."
SENTENCE_ZH = "双方支持甲，以及乙。"


def _unranked(world) -> ThemeAgency:
    return themes.add_responsibility(
        user=world.hki_coordinator,
        theme=world.themes[0],
        agency=world.hki_other_agency,
        role=ResponsibilityRole.RESPONSIBLE,
    )


def _derived(world):
    return commitments.update_commitment(
        user=world.hki_coordinator,
        commitment=world.commitment,
        derived_from_en=SENTENCE_EN,
        derived_from_zh_hans=SENTENCE_ZH,
    )


def _terms(world) -> ActionPlan:
    return plans.update_plan(
        user=world.hki_coordinator,
        plan=world.plan,
        funding_terms_en=FUNDING_EN,
        funding_terms_zh_hans=FUNDING_ZH,
    )


# --- responsibility without a rank ----------------------------------------------------------


def test_responsible_is_the_default_and_carries_no_rank(world):
    responsibility = ThemeAgency(theme=world.themes[0], agency=world.hki_other_agency)
    assert responsibility.role == ResponsibilityRole.RESPONSIBLE
    assert not responsibility.is_ranked
    assert str(responsibility) == str(world.hki_other_agency)
    ranked = ThemeAgency(theme=world.themes[0], agency=world.hki_agency, role="lead")
    assert ranked.is_ranked and "(Lead)" in str(ranked)


def test_the_theme_page_lists_unranked_agencies_without_a_label(world, client_for):
    _unranked(world)
    response = client_for(world.official).get(reverse("theme-detail", args=[world.themes[0].pk]))
    sides = response.context["sides"]
    assert sides[0]["responsible"] == [world.hki_other_agency]
    assert sides[0]["lead"] == [world.hki_agency]
    assert world.hki_other_agency not in sides[0]["supporting"]
    page = response.content.decode()
    assert "responsible-agencies" in page
    assert "Responsible)" not in page


def test_a_coordinator_can_still_rank_and_unrank(world):
    responsibility = _unranked(world)
    ranked = themes.update_responsibility(
        user=world.hki_coordinator, responsibility=responsibility, role="supporting"
    )
    assert ranked.role == "supporting"
    unranked = themes.update_responsibility(
        user=world.hki_coordinator, responsibility=ranked, role="responsible"
    )
    assert unranked.role == "responsible"


def test_the_public_page_shows_no_rank_for_unranked_agencies(world, client):
    from public.services import switch_public_page

    _unranked(world)
    public = switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    page = client.get(f"/p/{public.slug}/").content.decode()
    assert "(Lead)" in page  # the world's ranked agencies
    assert "(Responsible)" not in page


# --- a commitment derived from a signed sentence --------------------------------------------


def test_a_derived_commitment_shows_its_signed_sentence(world, client_for):
    _derived(world)
    url = reverse("theme-detail", args=[world.themes[0].pk])
    page = client_for(world.official).get(url).content.decode()
    assert f"Derived from the signed sentence: «{SENTENCE_EN}»" in page


def test_a_quoted_commitment_shows_no_source(world, client_for):
    url = reverse("theme-detail", args=[world.themes[0].pk])
    page = client_for(world.official).get(url).content.decode()
    assert "Derived from the signed sentence" not in page


def test_the_public_page_shows_the_signed_sentence(world, client):
    from public.services import switch_public_page

    _derived(world)
    public = switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    page = client.get(f"/p/{public.slug}/zh-hans/").content.decode()
    assert SENTENCE_ZH in page


# --- the plan's terms (Articles Two to Four) ------------------------------------------------


def test_coordinators_record_the_terms_and_others_may_not(world):
    with pytest.raises(PermissionDenied):
        plans.update_plan(user=world.official, plan=world.plan, funding_terms_en="x")
    world.plan.refresh_from_db()
    assert not world.plan.funding_terms_en
    plan = _terms(world)
    assert [t["name"] for t in plan.signed_terms()] == ["funding_terms"]
    assert plan.signed_terms()[0]["zh_hans"] == FUNDING_ZH


def test_the_plan_page_shows_the_terms_in_both_languages(world, client_for):
    _terms(world)
    page = client_for(world.official).get(reverse("dashboard", args=[world.plan.pk]))
    text = page.content.decode()
    assert "Terms of the plan as signed" in text
    assert FUNDING_EN in text and FUNDING_ZH in text


def test_a_plan_without_terms_shows_no_terms_section(world, client_for):
    page = client_for(world.official).get(reverse("dashboard", args=[world.plan.pk]))
    assert "Terms of the plan as signed" not in page.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans", "bilingual"])
def test_the_report_cover_states_the_terms(world, language):
    _terms(world)
    world.plan.refresh_from_db()
    html = rendering.render_html(snapshot.collect(world.plan, None, timezone.localdate()), language)
    cover = html.split('<nav class="toc">')[0]
    if language != "zh-hans":
        assert FUNDING_EN in cover and "Funding" in cover
    if language != "en":
        assert FUNDING_ZH in cover
