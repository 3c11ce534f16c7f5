"""The coordinators' page of a plan's public page: the switch with its confirmation, the
address, and the plan page's link to it."""

import pytest

from public.models import PublicPage
from public.services import switch_public_page
from tests.helpers import MEMBERS, main_of

pytestmark = pytest.mark.clock

MAY_SWITCH = {"hki_coordinator", "bj_coordinator", "admin"}


def _url(world):
    return f"/plans/{world.plan.pk}/public-page/"


def _post(client, world, **data):
    form = {"enabled": "on", "slug": "helsinki-beijing-2019-2023", "version": "0"}
    form.update(data)
    return client.post(_url(world), form)


@pytest.mark.parametrize("role", MEMBERS)
def test_members_see_whether_it_is_public_and_coordinators_get_the_switch(world, client_for, role):
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    response = client_for(getattr(world, role)).get(_url(world))
    assert response.status_code == 200
    main = main_of(response)
    assert "http://testserver/p/helsinki-beijing-2019-2023/zh-hans/" in main
    assert ('name="confirm"' in main) == (role in MAY_SWITCH)


def test_the_plan_page_links_to_it(world, client_for):
    response = client_for(world.official).get(f"/plans/{world.plan.pk}/")
    assert f'href="{_url(world)}"' in response.content.decode()


def test_switching_on_asks_for_confirmation(world, client_for):
    client = client_for(world.bj_coordinator)
    response = _post(client, world)
    assert response.status_code == 400
    assert not PublicPage.objects.exists()
    response = _post(client, world, confirm="on")
    assert response.status_code == 302
    page = PublicPage.objects.get(plan=world.plan)
    assert page.enabled and page.switched_on_by == world.bj_coordinator


def test_switching_off_asks_too_and_answers_404_at_once(world, client_for, client):
    page = switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    assert client.get("/p/helsinki-beijing-2019-2023/").status_code == 200
    coordinator = client_for(world.hki_coordinator)
    version = str(page.version)
    assert _post(coordinator, world, enabled="off", version=version).status_code == 400
    assert PublicPage.objects.get().enabled
    response = _post(coordinator, world, enabled="off", version=version, confirm="on")
    assert response.status_code == 302
    assert client.get("/p/helsinki-beijing-2019-2023/").status_code == 404


def test_the_address_can_be_changed_without_switching(world, client_for):
    page = switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    response = _post(
        client_for(world.admin), world, slug="helsinki-beijing", version=str(page.version)
    )
    assert response.status_code == 302
    assert PublicPage.objects.get().slug == "helsinki-beijing"


@pytest.mark.parametrize("slug", ["Not a slug!", "x" * 5000, "赫尔辛基", "../../etc"])
def test_a_bad_address_is_explained_on_the_form(world, client_for, slug):
    response = _post(client_for(world.hki_coordinator), world, slug=slug, confirm="on")
    assert response.status_code == 400
    assert "errorlist" in main_of(response)
    assert not PublicPage.objects.exists()


def test_a_stale_form_is_refused(world, client_for):
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    response = _post(
        client_for(world.bj_coordinator), world, enabled="off", confirm="on", version="0"
    )
    assert response.status_code == 400
    assert "Someone else changed the public page" in main_of(response)
    assert PublicPage.objects.get().enabled


@pytest.mark.parametrize("version", ["abc", "-1", "99999999999999999999"])
def test_forged_versions_are_refused_without_error(world, client_for, version):
    response = _post(client_for(world.hki_coordinator), world, confirm="on", version=version)
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["hki_staff", "bj_staff", "official"])
def test_others_cannot_switch(world, client_for, role):
    response = _post(client_for(getattr(world, role)), world, confirm="on")
    assert response.status_code == 403
    assert not PublicPage.objects.exists()


def test_switching_shows_in_the_plans_history(world, client_for):
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    response = client_for(world.official).get(f"/plans/{world.plan.pk}/history/")
    assert response.status_code == 200
    main = main_of(response)
    assert "public page" in main.lower()
    assert "helsinki-beijing-2019-2023" in main
