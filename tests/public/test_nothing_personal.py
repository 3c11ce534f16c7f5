"""A public page shows nothing personal: a world full of personal data, none of it public.

Every text field of users, profiles, status updates, evidence, funding, programmes,
delegations, assessments and the internal descriptions of activities, events and reviews
carries a marker; no public response (both languages, the PDF's HTML, the sitemap) holds
one. The PDF is checked as the HTML WeasyPrint lays it out, and as its own text where
poppler's ``pdftotext`` is installed (pypdf is not a dependency).
"""

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone

from cooperation.models import ActivityStatus, Signatory
from public import rendering, selectors
from reviews.models import Conclusion, ReviewStatus
from tests import factories as f

pytestmark = pytest.mark.clock

MARKERS = []


def _mark(name: str) -> str:
    marker = f"Secret{name}Marker"
    MARKERS.append(marker)
    return marker


def _personal_world(world):
    """Personal and internal data on every part of the plan (returns what is public)."""
    person = f.UserFactory(
        username=_mark("Username").lower(),
        first_name=_mark("FirstName"),
        last_name=_mark("LastName"),
        email=f"{_mark('Email').lower()}@example.org",
    )
    for user in (world.hki_coordinator, world.bj_coordinator, world.hki_staff, world.official):
        user.first_name, user.last_name = _mark("Given"), _mark("Family")
        user.email = f"{_mark('Mail').lower()}@example.org"
        user.save()
    activity = world.hki_activity
    activity.description_en = _mark("ActivityDescription")
    activity.description_zh_hans = _mark("ActivityDescriptionZh")
    activity.outcomes_en = _mark("Outcomes")
    activity.commitment = world.commitment
    activity.created_by = activity.updated_by = person
    activity.status = ActivityStatus.COMPLETED
    activity.actual_end = datetime.date(2020, 5, 1)
    activity.save()
    f.StatusUpdateFactory(
        activity=activity,
        author=person,
        from_status=ActivityStatus.PLANNED,
        to_status=ActivityStatus.COMPLETED,
        note=_mark("StatusNote"),
    )
    f.EvidenceFactory(
        activity=activity,
        original_name=f"{_mark('EvidenceName')}.pdf",
        description=_mark("EvidenceDescription"),
        uploaded_by=person,
    )
    f.FundingFactory(activity=activity, funder=_mark("Funder"))
    event = world.event
    event.description_en = _mark("EventDescription")
    event.description_zh_hans = _mark("EventDescriptionZh")
    event.save()
    f.ProgrammeItemFactory(
        event=event, title_en=_mark("ProgrammeTitle"), venue_en=_mark("ProgrammeVenue")
    )
    f.DelegationMemberFactory(
        event=event,
        name_en=_mark("DelegateName"),
        name_zh_hans=_mark("DelegateNameZh"),
        position_en=_mark("DelegatePosition"),
    )
    review = world.review
    review.description_en = _mark("ReviewDescription")
    review.status = ReviewStatus.COMPLETED
    review.completed_at = timezone.now()
    review.conclusion = Conclusion.CONTINUE
    review.conclusions_text_en = "Public conclusions of the mid-term review."
    review.conclusions_text_zh_hans = "中期审查的公开结论。"
    review.save()
    f.ThemeAssessmentFactory(
        review=review,
        theme=world.themes[0],
        narrative_en=_mark("Narrative"),
        narrative_zh_hans=_mark("NarrativeZh"),
        assessed_by=person,
    )
    # A demo activity and event: made up, not part of the plan.
    f.ActivityFactory(theme=world.themes[1], title_en=_mark("DemoActivity"), is_demo=True)
    f.EventFactory(plan=world.plan, title_en=_mark("DemoEvent"), is_demo=True)
    # Another plan's content on the same portal.
    f.ThemeFactory(plan=world.other_plan, name_en=_mark("OtherPlanTheme"), order=2)
    # The signatories are public officials named in the signed plan: public.
    Signatory.objects.create(
        plan=world.plan, city=world.helsinki, name_en="Jan Vapaavuori", position_en="Mayor"
    )
    return ["Public conclusions of the mid-term review.", "Establish an annual", "Vapaavuori"]


def _assert_nothing_personal(text: str):
    found = [marker for marker in MARKERS if marker.lower() in text.lower()]
    assert not found, found


def test_no_public_response_holds_anything_personal(world, public, client):
    public_texts = _personal_world(world)
    responses = {
        path: client.get(path)
        for path in (f"/p/{public.slug}/", f"/p/{public.slug}/zh-hans/", "/sitemap.xml")
    }
    for path, response in responses.items():
        assert response.status_code == 200, path
        _assert_nothing_personal(response.content.decode())
    english = responses[f"/p/{public.slug}/"].content.decode()
    for text in public_texts:
        assert text in english
    assert "中期审查的公开结论。" in responses[f"/p/{public.slug}/zh-hans/"].content.decode()
    # Signed in, the page is the same page: no user menu, no name, no role.
    client.force_login(world.hki_coordinator)
    signed_in = client.get(f"/p/{public.slug}/").content.decode()
    _assert_nothing_personal(signed_in)
    assert "hki_coordinator" not in signed_in and "Log out" not in signed_in
    # The completed activity counts, the demo one does not.
    assert "1 of 4 activities completed" in english


def test_the_pdf_holds_nothing_personal(world, public, client):
    public_texts = _personal_world(world)
    page = selectors.enabled_page(public.slug)
    html = rendering.pdf_html(page, absolute=lambda path: f"https://portal.example{path}")
    _assert_nothing_personal(html)
    for text in public_texts:
        assert text in html
    assert "中期审查的公开结论。" in html
    response = client.get(f"/p/{public.slug}/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    _assert_nothing_personal(response.content.decode("latin-1"))
    # And the PDF's own text, where poppler's extractor is installed.
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        _assert_nothing_personal(text)
        assert "Public conclusions of the mid-term review." in text
        assert "Vapaavuori" in text
