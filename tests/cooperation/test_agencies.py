"""The agencies page: each partnership's agencies by side, for every role."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cooperation.models import ResponsibilityRole
from partners.models import AgencyKind
from tests import factories as f
from tests.helpers import MEMBERS as ROLES
from tests.helpers import main_of

pytestmark = pytest.mark.django_db


def zh_catalogue_translates(text: str) -> str | None:
    """The Chinese interface text for ``text``, or None while the catalogue lacks it."""
    with translation.override("zh-hans"):
        translated = translation.gettext(text)
    return translated if translated != text else None


# --- agencies -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_the_agencies_of_both_sides(world, client_for, role):
    response = client_for(getattr(world, role)).get(reverse("agency-list"))
    assert response.status_code == 200
    content = main_of(response)
    for agency in (world.hki_agency, world.bj_agency, world.hki_other_agency):
        assert escape(agency.name_en) in content
    # Helsinki's side comes before Beijing's, as in the partnership.
    assert content.index("Helsinki side") < content.index("Beijing side")
    hki, bj = escape(world.hki_agency.name_en), escape(world.bj_agency.name_en)
    assert content.index(hki) < content.index(bj)


def test_it_asks_anonymous_to_log_in(client):
    response = client.get(reverse("agency-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_an_outsider_only_their_own_partnership(world, client_for):
    f.AgencyFactory(city=world.other_partnership.first_city, name_en="Tallinn City Office")
    response = client_for(world.outsider).get(reverse("agency-list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tallinn City Office" in content
    assert escape(world.hki_agency.name_en) not in content
    assert escape(world.bj_agency.name_en) not in content


def test_it_shows_kind_parent_and_responsibilities(world, client_for):
    child = f.AgencyFactory(
        city=world.helsinki,
        kind=AgencyKind.CENTRE,
        name_en="Business Helsinki",
        parent=world.hki_agency,
    )
    f.ThemeAgencyFactory(theme=world.themes[1], agency=child, role=ResponsibilityRole.SUPPORTING)
    # A responsibility in another partnership's plan is not shown here.
    f.ThemeAgencyFactory(theme=world.other_theme, agency=child)
    response = client_for(world.official).get(reverse("agency-list"))
    content = response.content.decode()
    row = content[content.index(f'id="agency-{child.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Centre" in row
    assert escape(world.hki_agency.name_en) in row  # parent
    assert "Education" in row
    assert "Supporting" in row
    assert reverse("theme-detail", args=[world.themes[1].pk]) in row
    assert world.other_theme.name_en not in row
    lead_row = content[content.index(f'id="agency-{world.hki_agency.pk}"') :]
    lead_row = lead_row[: lead_row.index("</tr>")]
    assert "Economy" in lead_row and "Lead" in lead_row


def test_it_lists_third_parties_last(world, client_for):
    wtcf = f.AgencyFactory(
        city=None,
        kind=AgencyKind.FEDERATION,
        name_en="World Tourism Cities Federation",
        partnerships=[world.partnership],
    )
    f.ThemeAgencyFactory(theme=world.themes[2], agency=wtcf, role=ResponsibilityRole.SUPPORTING)
    content = main_of(client_for(world.bj_staff).get(reverse("agency-list")))
    assert content.index("Third parties") < content.index("World Tourism Cities Federation")
    assert content.index(escape(world.bj_agency.name_en)) < content.index("Third parties")
    assert "Culture" in content[content.index("World Tourism Cities Federation") :]


def test_it_lists_no_third_party_of_another_partnership(world, client_for):
    """Issue 13: a third party is seen by the members of the partnerships naming it only."""
    f.AgencyFactory(city=None, name_en="Baltic Federation", partnerships=[world.other_partnership])
    f.AgencyFactory(city=None, name_en="Nobody's Federation")
    f.AgencyFactory(city=None, name_en="Our Federation", partnerships=[world.partnership])

    ours = main_of(client_for(world.hki_coordinator).get(reverse("agency-list")))
    theirs = main_of(client_for(world.outsider).get(reverse("agency-list")))

    assert "Our Federation" in ours
    assert "Baltic Federation" not in ours and "Nobody" not in ours
    assert "Baltic Federation" in theirs and "Our Federation" not in theirs


def test_it_shows_chinese_names_after_switching_language(world, client_for):
    client = client_for(world.hki_staff)
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("agency-list")}
    )
    assert response.status_code == 302
    content = client.get(reverse("agency-list")).content.decode()
    assert '<html lang="zh-hans">' in content
    for agency in (world.hki_agency, world.bj_agency):
        assert agency.name_zh_hans in content
        assert escape(agency.name_en) not in content
    assert "经济" in content  # the theme, by its Chinese name
    heading = zh_catalogue_translates("Agencies")
    if heading:  # once the zh_Hans interface catalogue exists
        assert heading in content


def test_it_marks_an_agency_without_a_chinese_name(world, client_for):
    f.AgencyFactory(city=world.beijing, name_en="Zhongguancun Committee", name_zh_hans="")
    client = client_for(world.bj_coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    content = client.get(reverse("agency-list")).content.decode()
    assert '<span lang="en">Zhongguancun Committee</span>' in content
    assert 'class="fallback"' in content


def _many_agencies(world, n):
    for i in range(n):
        agency = f.AgencyFactory(
            city=world.helsinki if i % 3 else None,
            parent=world.hki_agency if i % 3 else None,
            kind=AgencyKind.ENTERPRISE if i % 3 == 0 else AgencyKind.CENTRE,
        )
        f.ThemeAgencyFactory(theme=world.themes[i % 3], agency=agency)


@pytest.mark.parametrize("extra", [5, 100])
def test_it_lists_agencies_in_constant_queries(world, client_for, django_assert_num_queries, extra):
    _many_agencies(world, extra)
    client = client_for(world.hki_coordinator)
    # 1 session, 2 user, 3 profile (access.profile_of, cached for the request),
    # 4 partnerships with their cities, 5 agencies with city and parent,
    # 6 their theme responsibilities with theme and plan.
    with django_assert_num_queries(6):
        response = client.get(reverse("agency-list"))
    assert response.status_code == 200
