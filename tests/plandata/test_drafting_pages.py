"""The drafting pages and their services: coordinators only, corrections keep what was typed
on error and refuse a stale version, publishing creates a DRAFT plan through the loader."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import ActionPlan, Commitment, PlanStatus
from plandata.drafting import services
from plandata.models import PlanDraft
from tests.plandata.test_drafting import SEED, SEED_NAME, needs_seed

TEXT = """Action Plan Between Helsinki and Beijing 2024-2028

ARTICLE TWO

- Culture: the two parties support the Culture Division of Helsinki and Beijing Municipal \
Bureau of Culture in exchanges. The two parties will host one "Helsinki Week" in Beijing \
and one "Beijing Week" in Helsinki during the plan period.
- Sports: the two parties will support clubs.

ARTICLE FOUR

Signed on 3 May 2024 in Helsinki.
"""


def upload(name="plan.txt", text=TEXT):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def make(world, user=None):
    return services.create_plan_draft(
        user=user or world.hki_coordinator,
        partnership=world.partnership,
        source_name="plan.txt",
        source_text=TEXT,
    )


def formset_data(draft, **changes):
    parsed = draft.parsed
    data = {"version": draft.version}
    themes = parsed["themes"]
    data.update({"themes-TOTAL_FORMS": len(themes), "themes-INITIAL_FORMS": len(themes)})
    for i, theme in enumerate(themes):
        data[f"themes-{i}-order"] = theme["order"]
        data[f"themes-{i}-name"] = theme["name"]
    items = [(t["order"], i, c) for t in themes for i, c in enumerate(t["commitments"])]
    data.update({"commitments-TOTAL_FORMS": len(items), "commitments-INITIAL_FORMS": len(items)})
    for n, (order, i, item) in enumerate(items):
        data[f"commitments-{n}-key"] = f"{order}.{i}"
        data[f"commitments-{n}-theme"] = order
        data[f"commitments-{n}-text"] = item["text"]
    data.update(changes)
    return data


def test_only_coordinators_may_draft(world):
    for user in (world.hki_staff, world.official, world.outsider):
        with pytest.raises(PermissionDenied):
            make(world, user)
    assert not PlanDraft.objects.exists()
    assert make(world, world.bj_coordinator).partnership == world.partnership


def test_upload_reads_the_text_and_shows_marked_passages(world, client_for):
    client = client_for(world.hki_coordinator)
    response = client.post("/plan-drafts/", {"partnership": world.partnership.pk, "text": upload()})
    draft = PlanDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plan-drafts/{draft.pk}/"
    page = client.get(f"/plan-drafts/{draft.pk}/").content.decode()
    assert '<mark id="src-t1" class="draft-mark draft-theme">Culture</mark>' in page
    assert 'id="src-c1-0"' in page and 'href="#src-c1-0"' in page
    assert "<script>" not in page


def test_upload_refuses_an_unknown_type_and_keeps_the_form(world, client_for):
    client = client_for(world.hki_coordinator)
    response = client.post(
        "/plan-drafts/",
        {"partnership": world.partnership.pk, "text": upload("plan.exe", "MZ")},
    )
    assert response.status_code == 400
    assert "cannot be read" in response.content.decode()
    assert not PlanDraft.objects.exists()


def test_other_partnership_drafts_are_not_found(world, client_for):
    draft = make(world)
    other = client_for(world.outsider)
    assert other.get(f"/plan-drafts/{draft.pk}/").status_code in (403, 404)
    assert client_for(world.hki_coordinator).get("/plan-drafts/9999999999999/").status_code == 404


def test_correcting_renames_deletes_and_adds(world, client_for):
    draft = make(world)
    client = client_for(world.bj_coordinator)
    data = formset_data(
        draft,
        **{
            "themes-0-name": "Culture and Arts",
            "commitments-0-DELETE": "on",
            "commitments-TOTAL_FORMS": 4,
            "commitments-3-theme": 2,
            "commitments-3-text": "The two parties will support sport schools.",
        },
    )
    response = client.post(f"/plan-drafts/{draft.pk}/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    themes = draft.parsed["themes"]
    assert themes[0]["name"] == "Culture and Arts"
    assert [c["text"] for c in themes[0]["commitments"]] == [
        'The two parties will host one "Helsinki Week" in Beijing during the plan period.',
        'The two parties will host one "Beijing Week" in Helsinki during the plan period.',
    ]
    assert themes[1]["commitments"][-1]["text"] == "The two parties will support sport schools."
    assert themes[0]["commitments"][0]["span"]  # kept items keep their passage
    assert draft.version == 2


def test_an_error_keeps_what_was_typed_and_changes_nothing(world, client_for):
    draft = make(world)
    client = client_for(world.hki_coordinator)
    data = formset_data(draft, **{"themes-0-name": "", "themes-1-name": "Sport typed here"})
    response = client.post(f"/plan-drafts/{draft.pk}/", data)
    assert response.status_code == 400
    assert "Sport typed here" in response.content.decode()
    before = draft.parsed
    draft.refresh_from_db()
    assert draft.parsed == before and draft.version == 1


def test_a_stale_version_is_refused(world):
    draft = make(world)
    rows = [{"order": 1, "name": "A"}, {"order": 2, "name": "B"}]
    services.correct_plan_draft(
        user=world.hki_coordinator, draft=draft, expected_version=1, themes=rows, commitments=[]
    )
    with pytest.raises(ValidationError) as refused:
        services.correct_plan_draft(
            user=world.bj_coordinator, draft=draft, expected_version=1, themes=rows, commitments=[]
        )
    assert "version" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.version == 2


def test_publish_creates_a_draft_plan_of_the_partnership(world, client_for):
    draft = make(world)
    client = client_for(world.hki_coordinator)
    response = client.post(f"/plan-drafts/{draft.pk}/publish/", {"version": draft.version})
    plan = ActionPlan.objects.get(code="helsinki-beijing-2024-2028")
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert plan.status == PlanStatus.DRAFT and plan.partnership == world.partnership
    assert Commitment.objects.filter(theme__plan=plan).count() == 4
    draft.refresh_from_db()
    assert draft.published_plan == plan
    # A published draft cannot be published or corrected again.
    again = client.post(f"/plan-drafts/{draft.pk}/publish/", {"version": draft.version})
    assert again.status_code == 302
    assert ActionPlan.objects.filter(partnership=world.partnership).count() == 2


def test_download_toml(world, client_for):
    draft = make(world)
    response = client_for(world.hki_coordinator).get(f"/plan-drafts/{draft.pk}/draft.toml")
    assert response.status_code == 200
    assert 'code = "helsinki-beijing"' in response.content.decode()


def test_delete(world, client_for):
    draft = make(world)
    assert client_for(world.hki_staff).post(f"/plan-drafts/{draft.pk}/delete/").status_code == 403
    response = client_for(world.hki_coordinator).post(f"/plan-drafts/{draft.pk}/delete/")
    assert response.status_code == 302
    assert not PlanDraft.objects.exists()


@pytest.mark.parametrize("count", [1, 6])
def test_list_query_count_does_not_grow(world, client_for, count):
    for _ in range(count):
        make(world)
    client = client_for(world.hki_coordinator)
    client.get("/plan-drafts/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/plan-drafts/").status_code == 200
    assert len(queries) <= 12, [q["sql"] for q in queries.captured_queries]


@needs_seed
def test_the_seed_text_publishes(world, client_for):
    client = client_for(world.hki_coordinator)
    text = (SEED / SEED_NAME).read_bytes()
    client.post(
        "/plan-drafts/",
        {"partnership": world.partnership.pk, "text": SimpleUploadedFile(SEED_NAME, text)},
    )
    draft = PlanDraft.objects.get()
    response = client.post(f"/plan-drafts/{draft.pk}/publish/", {"version": draft.version})
    plan = ActionPlan.objects.get(code="helsinki-beijing-2019-2023-draft")
    assert response.status_code == 302
    assert plan.status == PlanStatus.DRAFT
    assert plan.themes.count() == 10
    assert Commitment.objects.filter(theme__plan=plan).count() == 44


def test_a_draft_renewing_a_running_plan_is_approved_by_both_sides(world):
    from cooperation.services.renewal import approve_renewal

    draft = make(world)
    old = world.plan
    draft.parsed["predecessor"] = {"start": old.period_start_year, "end": old.period_end_year}
    draft.save(update_fields=["parsed"])

    plan = services.publish_plan_draft(
        user=world.hki_coordinator, draft=draft, expected_version=draft.version
    )

    assert (plan.status, plan.renewal_of, plan.predecessor) == (PlanStatus.DRAFT, old, None)
    approve_renewal(user=world.hki_coordinator, plan=plan)
    plan = approve_renewal(user=world.bj_coordinator, plan=plan)
    old.refresh_from_db()
    assert (plan.status, plan.predecessor, old.status) == (
        PlanStatus.IN_FORCE,
        old,
        PlanStatus.RENEWED,
    )


def test_a_draft_following_a_concluded_plan_stays_a_plain_draft(world):
    old = world.plan
    old.status = PlanStatus.CONCLUDED
    old.save(update_fields=["status"])
    draft = make(world)
    draft.parsed["predecessor"] = {"start": old.period_start_year, "end": old.period_end_year}
    draft.save(update_fields=["parsed"])

    plan = services.publish_plan_draft(
        user=world.hki_coordinator, draft=draft, expected_version=draft.version
    )

    assert (plan.status, plan.renewal_of, plan.predecessor) == (PlanStatus.DRAFT, None, old)
