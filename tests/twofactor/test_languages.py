"""The two-factor pages in English, Chinese and Finnish (the strings come from the catalogue:
tr-twofactor's translations once merged into locale/)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.twofactor.helpers import enrolled, password_step

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans", "fi"]


def _title(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_of_a_logged_in_person(world, client_for, language):
    client = client_for(world.hki_coordinator)
    client.cookies["django_language"] = language
    pages = {
        reverse("twofactor-enrol"): "Set up two-factor login",
        reverse("twofactor-settings"): "Two-factor login",
        reverse("twofactor-people"): "Two-factor login of the people of your side",
    }
    for url, title in pages.items():
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200, url
        assert f'lang="{language}"' in html
        assert f"<h1>{_title(language, title)}</h1>" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_second_step_and_the_codes(world, client, language):
    client.cookies["django_language"] = language
    _device, codes = enrolled(world.hki_coordinator)
    password_step(client, world.hki_coordinator)
    for url in (reverse("twofactor-verify"), reverse("twofactor-recovery")):
        html = client.get(url).content.decode()
        assert f'lang="{language}"' in html
        assert f"<h1>{_title(language, 'Two-factor login')}</h1>" in html
    wrong = client.post(reverse("twofactor-verify"), {"code": "abcdef"}).content.decode()
    assert _title(language, "That code is not right.") in wrong
