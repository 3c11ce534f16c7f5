"""No request answers 500, whatever it carries: junk query strings, forms and ids."""

import pytest

from tests.factories import EvidenceFactory, ProgrammeItemFactory

pytestmark = pytest.mark.django_db

JUNK_VALUES = [
    "",
    "abc",
    "-1",
    "0",
    "1.5",
    "99999999999999999999999999",
    "2021-02-30",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "名字",
    # Digits to str.isdigit() that int() refuses (superscript two), and digits of another script.
    "²",
    "١٢",
    "🙂" * 50,
    "a" * 5000,
    # More digits than int() converts (it raises ValueError past 4300).
    "1" * 5000,
    '=HYPERLINK("http://x")',
]

GET_PATHS = [
    "/",
    "/dashboard/",
    "/plans/{plan}/",
    "/themes/{theme}/",
    "/activities/",
    "/activities/export.csv",
    "/activities/new/",
    "/activities/{activity}/",
    "/activities/{activity}/edit/",
    "/agencies/",
    "/profile/",
    "/events/",
    "/events/{event}/",
    "/reviews/",
    "/reviews/{review}/",
    "/reviews/new/",
]

QUERY_KEYS = ["page", "theme", "status", "side", "agency", "year", "q", "text", "plan", "kind"]

POST_PATHS = [
    "/activities/new/?theme={theme}",
    "/activities/{activity}/edit/",
    "/activities/{activity}/status/",
    "/activities/{activity}/evidence/",
    "/evidence/{evidence}/delete/",
    "/events/{event}/programme/",
    "/events/programme/{item}/delete/",
    "/profile/",
    "/accounts/password/",
    "/i18n/setlang/",
]

FORM_KEYS = [
    "title_en",
    "title_zh_hans",
    "theme",
    "commitment",
    "first_lead_agency",
    "second_lead_agency",
    "participants",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "version",
    "to_status",
    "note",
    "note_en",
    "note_zh_hans",
    "date",
    "description",
    "starts_at",
    "ends_at",
    "title",
    "organiser",
    "preferred_language",
    "language",
    "next",
    "old_password",
    "funding-TOTAL_FORMS",
    "funding-INITIAL_FORMS",
    "funding-0-amount",
    "funding-0-currency",
    "funding-0-source",
    "funding-0-funder_en",
    "funding-0-funder_zh_hans",
]


def _objects(world):
    return {
        "plan": world.plan.pk,
        "theme": world.themes[0].pk,
        "activity": world.joint_activity.pk,
        "event": world.event.pk,
        "review": world.review.pk,
        "evidence": EvidenceFactory(activity=world.joint_activity).pk,
        "item": ProgrammeItemFactory(event=world.event).pk,
    }


@pytest.mark.parametrize("value", JUNK_VALUES)
def test_junk_query_strings_never_answer_500(world, client_for, value):
    client = client_for(world.hki_coordinator)
    objects = _objects(world)
    for path in GET_PATHS:
        query = {key: value for key in QUERY_KEYS}
        response = client.get(path.format(**objects), query)
        assert response.status_code < 500, (path, value, response.status_code)


@pytest.mark.parametrize("value", JUNK_VALUES)
@pytest.mark.parametrize("who", ["hki_coordinator", "bj_staff"])
def test_junk_forms_never_answer_500(world, client_for, value, who):
    client = client_for(getattr(world, who))
    for path in POST_PATHS:
        objects = _objects(world)
        data = {key: value for key in FORM_KEYS}
        response = client.post(path.format(**objects), data)
        assert response.status_code < 500, (path, value, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/plans/{n}/",
        "/themes/{n}/",
        "/activities/{n}/",
        "/activities/{n}/edit/",
        "/evidence/{n}/",
        "/events/{n}/",
        "/reviews/{n}/",
    ],
)
@pytest.mark.parametrize("n", ["0", "9223372036854775807", "9223372036854775808", "9" * 40])
def test_ids_out_of_range_are_not_found(world, client_for, path, n):
    response = client_for(world.hki_coordinator).get(path.format(n=n))
    assert response.status_code == 404


def test_the_activity_list_shows_hostile_text_as_text(world, client_for):
    world.hki_activity.title_en = "<script>alert('x')</script>"
    world.hki_activity.save(update_fields=["title_en", "title"])
    body = client_for(world.hki_coordinator).get("/activities/").content.decode()
    assert "<script>alert('x')</script>" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
