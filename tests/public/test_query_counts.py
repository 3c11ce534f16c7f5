"""The public page runs the same number of queries for a small plan and a large one, cold
(rendered) and warm (from the cache); so does the sitemap for few and many pages."""

import datetime

import pytest
from django.core.cache import cache

from public.services import switch_public_page
from tests import factories as f

pytestmark = pytest.mark.clock

COLD = [
    "the switched-on page with its plan, partnership, cities and freshness",
    "the signatories with their cities",
    "the themes",
    "their responsible agencies",
    "their commitments",
    "the activities counted by theme, commitment and status",
    "the events with their host cities",
    "the completed reviews",
    "the plan's evaluation (its stage)",
    "its renewal (its stage)",
]
WARM = COLD[:1]


def _grow(world, n):
    for i in range(n):
        theme = f.ThemeFactory(plan=world.plan)
        f.ThemeAgencyFactory(theme=theme, agency=world.hki_agency)
        f.ThemeAgencyFactory(theme=theme, agency=world.bj_agency, role="supporting")
        commitment = f.CommitmentFactory(theme=theme)
        for status in ("planned", "in_progress"):
            f.ActivityFactory(theme=theme, commitment=commitment, status=status)
        f.EventFactory(plan=world.plan, host_city=world.helsinki, venue_en=f"Hall {i}")
        f.ReviewFactory(
            plan=world.plan,
            status="completed",
            completed_at=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC),
            conclusion="continue",
            conclusions_text_en=f"Conclusion {i}",
        )


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize("path", ["/p/{slug}/", "/p/{slug}/zh-hans/"])
def test_the_public_page_runs_a_fixed_number_of_queries(
    world, public, client, django_assert_num_queries, size, path
):
    _grow(world, size)
    url = path.format(slug=public.slug)
    cache.clear()
    with django_assert_num_queries(len(COLD)):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(len(WARM)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 12])
def test_the_sitemap_runs_a_fixed_number_of_queries(world, client, django_assert_num_queries, size):
    for _ in range(size):
        plan = f.ActionPlanFactory(partnership=world.partnership)
        switch_public_page(user=world.admin, plan=plan, enabled=True, slug=f"plan-{plan.pk}")
    # The switched-on pages with their plans and freshness.
    with django_assert_num_queries(1):
        response = client.get("/sitemap.xml")
    assert response.content.decode().count("<url>") == 2 * size
