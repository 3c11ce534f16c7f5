"""The profile page, for every role."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from partners.models import Profile
from tests.helpers import MEMBERS as ROLES

pytestmark = pytest.mark.django_db


def zh_catalogue_translates(text: str) -> str | None:
    """The Chinese interface text for ``text``, or None while the catalogue lacks it."""
    with translation.override("zh-hans"):
        translated = translation.gettext(text)
    return translated if translated != text else None


# --- profile --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_profile(world, client_for, role):
    user = getattr(world, role)
    response = client_for(user).get(reverse("profile"))
    assert response.status_code == 200
    content = response.content.decode()
    assert user.username in content
    if role == "admin":
        assert 'name="preferred_language"' not in content
    else:
        assert user.profile.get_role_display() in content
        assert 'name="preferred_language"' in content


def test_it_shows_side_and_agency_on_the_profile(world, client_for):
    content = client_for(world.bj_staff).get(reverse("profile")).content.decode()
    assert "Agency staff" in content
    assert "Beijing" in content
    assert escape(world.bj_agency.name_en) in content


def test_it_asks_anonymous_to_log_in_for_the_profile(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_saves_the_preferred_language_and_applies_it_now(world, client_for):
    client = client_for(world.hki_staff)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # an earlier switcher choice
    response = client.post(reverse("profile"), {"preferred_language": "zh-hans"})
    assert response.status_code == 302
    assert Profile.objects.get(user=world.hki_staff).preferred_language == "zh-hans"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    content = client.get(reverse("agency-list")).content.decode()
    assert '<html lang="zh-hans">' in content
    assert world.hki_agency.name_zh_hans in content


def test_it_follows_the_browser_when_the_preference_is_cleared(world, client_for):
    Profile.objects.filter(user=world.hki_staff).update(preferred_language="zh-hans")
    client = client_for(world.hki_staff)
    response = client.post(reverse("profile"), {"preferred_language": ""})
    assert response.status_code == 302
    assert Profile.objects.get(user=world.hki_staff).preferred_language == ""
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    content = client.get(reverse("agency-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in content


def test_it_refuses_an_unknown_language(world, client_for):
    client = client_for(world.official)
    response = client.post(reverse("profile"), {"preferred_language": "klingon"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Profile.objects.get(user=world.official).preferred_language == ""
