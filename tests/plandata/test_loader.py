"""The action plan loader: the real Helsinki–Beijing file, idempotence, and refusing bad files."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cooperation.models import (
    ActionPlan,
    Activity,
    Commitment,
    Partnership,
    Signatory,
    Theme,
    ThemeAgency,
)
from cooperation.services import commitments as commitment_services
from cooperation.services import themes as theme_services
from events.models import Event, EventSeries
from partners.access import SYSTEM
from partners.models import Agency, City
from plandata.loader import load_plan_file
from plandata.loadresult import LOADED_MODELS
from plandata.planfile import DEFAULT_PLAN_FILE
from reviews.models import Review, ReviewStatus

PLAN_FILE = Path(settings.BASE_DIR) / DEFAULT_PLAN_FILE
PLAN = "hki-bj-2019-2023"

# The ten Article Two themes, as in the glossary (/work/shared/seed/glossary.md).
GLOSSARY_THEMES = [
    ("Diplomatic Exchanges", "外事交流"),
    ("Science & Technology and Startups", "科技与创业"),
    ("Business and Investments", "商务与投资"),
    ("City Planning", "城市规划"),
    ("Education and Training", "教育与培训"),
    ("Environmental Protection", "环境保护"),
    ("Culture and Tourism", "文化与旅游"),
    ("Winter Sports", "冬季运动"),
    ("Television and Film", "广播影视"),
    ("Healthcare", "医疗卫生"),
]

HELSINKI_AGENCIES = {
    "International Affairs Unit, City of Helsinki": "赫尔辛基市国际事务处",
    "City Executive Office of the City of Helsinki": "赫尔辛基市政府办公室",
    "Economic Development Division of Helsinki": "赫尔辛基市经济发展部",
    "Urban Environment Division of Helsinki": "赫尔辛基市城市环境部",
    "Education Division of Helsinki": "赫尔辛基市教育部门",
    "Culture & Leisure Division of Helsinki": "赫尔辛基市文化与休闲部",
    "Social Services & Health Care Division of Helsinki": "赫尔辛基市社会服务与医疗保健部",
}
BEIJING_AGENCIES = {
    "Foreign Affairs Office of the People's Government of Beijing Municipality": (
        "北京市人民政府外事办公室"
    ),
    "Beijing Municipal Science & Technology Commission": "北京市科学技术委员会",
    "Administrative Committee of Zhongguancun Science Park": "中关村科技园区管理委员会",
    "Beijing Municipal Bureau of Commerce": "北京市商务局",
    "Beijing Municipal Commission of Development and Reform": "北京市发展和改革委员会",
    "Beijing Investment Promotion Service Center": "北京市投资促进服务中心",
    "Beijing Municipal Commission of Planning & Natural Resources": "北京市规划和自然资源委员会",
    "Beijing Municipal Commission of Education": "北京市教育委员会",
    "Beijing Municipal Ecological Environmental Bureau": "北京市生态环境局",
    "Beijing Municipal Bureau of Culture & Tourism": "北京市文化和旅游局",
    "Beijing Municipal Bureau of Cultural Relics": "北京市文物局",
    "Beijing Municipal Bureau of Sports": "北京市体育局",
    "Beijing Municipal Radio & Television Bureau": "北京市广播电视局",
    "Beijing Municipal Health Commission": "北京市卫生健康委员会",
}

# The translated fields the plan file fills, per model (others are left to the portal).
LOADED_TRANSLATED_FIELDS = {
    City: ("name", "country"),
    Agency: ("name",),
    Partnership: ("agreement_title",),
    ActionPlan: ("title",),
    Signatory: ("name", "position"),
    Theme: ("name", "summary"),
    Commitment: ("text",),
    EventSeries: ("name", "description"),
    Event: ("title", "description"),
    Review: ("title", "description"),
}


@pytest.fixture
def loaded(db):
    return load_plan_file(PLAN_FILE)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in LOADED_MODELS}


def plan_text() -> str:
    return PLAN_FILE.read_text(encoding="utf-8")


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


# -- the content of the real plan -------------------------------------------------------------


def test_first_load_creates_everything(loaded):
    assert loaded.updated == 0
    assert loaded.unchanged == 0
    assert loaded.counts["Theme"].created == 10
    assert loaded.counts["City"].created == 2
    assert loaded.created == sum(row_counts().values())


def test_ten_themes_in_order_with_glossary_names(loaded):
    themes = Theme.objects.filter(plan__code=PLAN).order_by("order")
    assert [(t.order, t.name_en, t.name_zh_hans) for t in themes] == [
        (i, en, zh) for i, (en, zh) in enumerate(GLOSSARY_THEMES, start=1)
    ]


def test_agencies_sit_on_their_side(loaded):
    helsinki = City.objects.get(code="helsinki")
    beijing = City.objects.get(code="beijing")
    assert helsinki.name_en == "City of Helsinki" and helsinki.name_zh_hans == "赫尔辛基市"
    assert beijing.name_en == "Beijing Municipality" and beijing.name_zh_hans == "北京市"
    assert {
        a.name_en: a.name_zh_hans for a in Agency.objects.filter(city=helsinki)
    } == HELSINKI_AGENCIES
    assert {a.name_en: a.name_zh_hans for a in Agency.objects.filter(city=beijing)} == (
        BEIJING_AGENCIES
    )
    wtcf = Agency.objects.get(code="wtcf")
    assert wtcf.is_third_party
    assert wtcf.kind == "federation"
    assert wtcf.name_zh_hans == "世界旅游城市联合会"


def test_coordinating_offices_of_article_three(loaded):
    plan = ActionPlan.objects.get(code=PLAN)
    assert set(plan.coordinators.values_list("code", flat=True)) == {
        "hki-international-affairs",
        "bj-foreign-affairs",
    }


def test_responsible_agencies_of_science_and_technology(loaded):
    # The signed text names the agencies without ranking them: all are responsible, unranked.
    theme = Theme.objects.get(plan__code=PLAN, order=2)
    roles = {
        (r.agency.name_en, r.agency.city.code, r.role)
        for r in ThemeAgency.objects.filter(theme=theme).select_related("agency__city")
    }
    assert roles == {
        ("Economic Development Division of Helsinki", "helsinki", "responsible"),
        ("Beijing Municipal Science & Technology Commission", "beijing", "responsible"),
        ("Administrative Committee of Zhongguancun Science Park", "beijing", "responsible"),
    }


def test_every_theme_has_a_responsible_agency_on_each_side_and_no_invented_rank(loaded):
    for theme in Theme.objects.filter(plan__code=PLAN):
        sides = set(theme.responsibilities.values_list("agency__city__code", flat=True))
        assert sides >= {"helsinki", "beijing"}, theme
        assert set(theme.responsibilities.values_list("role", flat=True)) == {"responsible"}


def test_commitments_per_theme(loaded):
    themes = Theme.objects.filter(plan__code=PLAN)
    total = 0
    for theme in themes:
        orders = list(theme.commitments.order_by("order").values_list("order", flat=True))
        assert len(orders) >= 2, theme
        assert orders == list(range(1, len(orders) + 1)), theme
        total += len(orders)
    assert total >= 40
    assert Commitment.objects.filter(theme__plan__code=PLAN).count() == total

    first = Commitment.objects.get(code="diplomatic-exchanges-helsinki-week")
    assert first.order == 4
    assert first.target_count == 1
    assert first.frequency == "once"
    assert set(first.agencies.values_list("code", flat=True)) == {
        "hki-city-executive-office",
        "bj-foreign-affairs",
    }
    assert "Helsinki Week" in first.text_en
    assert "北京·赫尔辛基周" in first.text_zh_hans
    dialogue = Commitment.objects.get(code="education-training-annual-dialogue")
    assert dialogue.frequency == "annual"
    assert dialogue.target_count is None


def test_signing_facts(loaded):
    plan = ActionPlan.objects.get(code=PLAN)
    assert plan.signed_on == datetime.date(2019, 10, 11)
    assert plan.signed_place_en == "Helsinki"
    assert plan.signed_place_zh_hans == "赫尔辛基"
    assert (plan.period_start_year, plan.period_end_year) == (2019, 2023)
    assert plan.status == "in_force"
    assert plan.authentic_languages == ["en", "zh-hans"]
    signatories = {
        (s.city.code, s.name_en, s.name_zh_hans, s.position_en)
        for s in plan.signatories.select_related("city")
    }
    assert signatories == {
        ("helsinki", "Jan Vapaavuori", "扬·瓦帕沃里", "Mayor of Helsinki"),
        ("beijing", "Chen Jining", "陈吉宁", "Mayor of Beijing"),
    }
    predecessor = plan.predecessor
    assert predecessor is not None
    assert predecessor.code == "hki-bj-2017-2019"
    assert predecessor.signed_on == datetime.date(2017, 8, 29)
    assert predecessor.status == "concluded"
    assert predecessor.partnership_id == plan.partnership_id


def test_partnership(loaded):
    partnership = Partnership.objects.get(code="helsinki-beijing")
    assert partnership.established == datetime.date(2006, 7, 14)
    assert partnership.first_city.code == "helsinki"
    assert partnership.second_city.code == "beijing"
    assert partnership.agreement_title_en.startswith("Agreement between the City of Beijing")


def test_reviews_due(loaded):
    reviews = Review.objects.filter(plan__code=PLAN).order_by("due_date")
    assert [(r.kind, r.due_date, r.status) for r in reviews] == [
        ("mid_term", datetime.date(2021, 12, 31), ReviewStatus.SCHEDULED),
        ("evaluation", datetime.date(2022, 12, 31), ReviewStatus.SCHEDULED),
    ]
    assert reviews[0].title_zh_hans == "中期评估（2021年）"


def test_event_series_and_events(loaded):
    week = Event.objects.get(plan__code=PLAN, code="helsinki-week-in-beijing")
    assert week.series.code == "helsinki-beijing-weeks"
    assert week.host_city.code == "beijing"
    assert week.year is None
    assert set(week.themes.values_list("code", flat=True)) == {
        "diplomatic-exchanges",
        "science-technology-startups",
        "business-investments",
    }
    assert set(week.organisers.values_list("code", flat=True)) == {
        "hki-city-executive-office",
        "bj-foreign-affairs",
    }
    reading = Event.objects.get(plan__code=PLAN, code="reading-beijing")
    assert reading.host_city is None
    assert reading.series is None
    assert not Event.objects.filter(is_demo=True).exists()


def test_every_translated_field_is_filled_in_both_languages(loaded):
    empty = []
    for model, fields in LOADED_TRANSLATED_FIELDS.items():
        for obj in model.objects.all():
            for name in fields:
                for lang in ("en", "zh_hans"):
                    if not (getattr(obj, f"{name}_{lang}") or "").strip():
                        empty.append(f"{model.__name__} {obj.pk} {name}_{lang}")
    plan = ActionPlan.objects.get(code=PLAN)
    assert plan.signed_place_en and plan.signed_place_zh_hans
    assert empty == []


def test_untranslated_columns_hold_english(loaded):
    # modeltranslation keeps the original column; the loader fills it in the default language.
    theme = Theme.objects.filter(plan__code=PLAN, order=1).values("name").get()
    assert theme["name"] == "Diplomatic Exchanges"


# -- running it again -------------------------------------------------------------------------


def test_second_run_changes_nothing(loaded):
    before = row_counts()
    event = Event.objects.get(code="helsinki-week-in-beijing")
    theme = Theme.objects.get(plan__code=PLAN, order=2)
    plan = ActionPlan.objects.get(code=PLAN)

    again = load_plan_file(PLAN_FILE)

    assert row_counts() == before
    assert again.created == 0
    assert again.updated == 0
    assert again.unchanged == loaded.created
    for counts in again.counts.values():
        assert counts.created == counts.updated == 0
    event_after = Event.objects.get(pk=event.pk)
    assert event_after.updated_at == event.updated_at
    theme_after = Theme.objects.get(pk=theme.pk)
    assert (theme_after.name_en, theme_after.name_zh_hans, theme_after.summary_en) == (
        theme.name_en,
        theme.name_zh_hans,
        theme.summary_en,
    )
    assert ActionPlan.objects.get(pk=plan.pk).signed_on == plan.signed_on


def test_a_changed_value_is_kept_and_listed(loaded):
    theme = Theme.objects.get(plan__code=PLAN, order=3)
    theme_services.update_theme(user=SYSTEM, theme=theme, name_zh_hans="改过的名称")

    again = load_plan_file(PLAN_FILE)

    assert again.changed is False
    assert Theme.objects.get(pk=theme.pk).name_zh_hans == "改过的名称"
    assert [(d.what, d.field, d.portal, d.file) for d in again.differences] == [
        (f"plan {PLAN}: theme business-investments", "name_zh_hans", "改过的名称", "商务与投资")
    ]


def test_update_applies_the_file_and_counts_only_what_it_changed(loaded):
    theme = Theme.objects.get(plan__code=PLAN, order=3)
    theme_services.update_theme(user=SYSTEM, theme=theme, name_zh_hans="改过的名称")

    dry = load_plan_file(PLAN_FILE, update=True, dry_run=True)
    assert dry.updated == 1 and len(dry.differences) == 1
    assert Theme.objects.get(pk=theme.pk).name_zh_hans == "改过的名称"

    again = load_plan_file(PLAN_FILE, update=True)

    assert again.updated == 1
    assert again.counts["Theme"].updated == 1
    assert Theme.objects.get(pk=theme.pk).name_zh_hans == "商务与投资"
    assert load_plan_file(PLAN_FILE).differences == []


def test_a_changed_file_is_applied_only_when_asked(loaded, tmp_path):
    text = replace_once(plan_text(), "due_date = 2021-12-31", "due_date = 2021-11-30")
    path = write(tmp_path, text)
    review = Review.objects.get(code="hki-bj-2019-2023-mid-term-review")

    kept = load_plan_file(path)
    assert kept.changed is False
    assert Review.objects.get(pk=review.pk).due_date == datetime.date(2021, 12, 31)
    assert [d.field for d in kept.differences] == ["due_date"]

    applied = load_plan_file(path, update=True)
    assert applied.created == 0
    assert applied.counts["Review"].updated == 1
    assert applied.updated == 1
    assert Review.objects.get(pk=review.pk).due_date == datetime.date(2021, 11, 30)


def test_data_people_added_or_removed_is_kept(loaded):
    from tests.factories import ActivityFactory

    theme = Theme.objects.get(plan__code=PLAN, order=1)
    activity = ActivityFactory(theme=theme, title_en="Our own activity")
    extra = Agency.objects.get(code="wtcf")
    theme_services.add_responsibility(user=SYSTEM, theme=theme, agency=extra, role="supporting")
    # Someone removed the last commitment of theme 1 and put their own in its place.
    removed = Commitment.objects.get(theme=theme, order=5)
    commitment_services.delete_commitment(user=SYSTEM, commitment=removed)
    own = commitment_services.create_commitment(
        user=SYSTEM, theme=theme, code="our-own", order=5, text_en="Ours"
    )
    event = Event.objects.get(code="reading-beijing")
    event.organisers.add(extra)
    review = Review.objects.get(code="hki-bj-2019-2023-mid-term-review")
    review.status = ReviewStatus.IN_PREPARATION
    review.save()

    again = load_plan_file(PLAN_FILE)

    assert again.changed is False
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert ThemeAgency.objects.filter(theme=theme, agency=extra).exists()
    assert extra in Event.objects.get(pk=event.pk).organisers.all()
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.IN_PREPARATION
    assert Commitment.objects.get(pk=own.pk).order == 5
    assert not Commitment.objects.filter(theme=theme, code=removed.code).exists()
    assert f"theme diplomatic-exchanges: commitment {removed.code}: in the file" in "\n".join(
        d.line() for d in again.differences
    )

    # Asked to, the loader puts the file's commitment back and moves the portal's out of the
    # way: it deletes nothing.
    updated = load_plan_file(PLAN_FILE, update=True)
    assert updated.counts["Commitment"].created == 1
    assert Commitment.objects.get(theme=theme, code=removed.code).order == 5
    assert Commitment.objects.get(pk=own.pk).order == 6
    assert load_plan_file(PLAN_FILE).changed is False


def test_command_prints_a_summary(db):
    out = io.StringIO()
    call_command("load_action_plan", stdout=out)
    text = out.getvalue()
    assert "themes" in text and "total" in text
    assert Theme.objects.filter(plan__code=PLAN).count() == 10
    out = io.StringIO()
    call_command("load_action_plan", str(PLAN_FILE), stdout=out)
    assert "already up to date" in out.getvalue()


# -- refusing bad files -----------------------------------------------------------------------


BAD_FILES = {
    "missing key": (
        lambda t: replace_once(t, "due_date = 2022-12-31\n", ""),
        ["'hki-bj-2019-2023-evaluation'", "missing key 'due_date'"],
    ),
    "unknown agency code": (
        lambda t: replace_once(t, 'agency = "bj-zhongguancun"', 'agency = "bj-zhongguancun-x"'),
        ["unknown agency", "'bj-zhongguancun-x'"],
    ),
    "unknown theme code": (
        lambda t: replace_once(t, 'themes = ["culture-tourism"]', 'themes = ["culture"]'),
        ["unknown theme", "'culture'"],
    ),
    "missing translation": (
        lambda t: replace_once(
            t,
            'name = { en = "Winter Sports", "zh-hans" = "冬季运动" }',
            'name = { en = "Winter Sports" }',
        ),
        ["'winter-sports'", "no 'zh-hans' translation"],
    ),
    "empty translation": (
        lambda t: replace_once(t, '"zh-hans" = "冬季运动"', '"zh-hans" = " "'),
        ["'winter-sports'", "empty 'zh-hans'"],
    ),
    "impossible date in a string": (
        lambda t: replace_once(t, "established = 2006-07-14", 'established = "2006-02-30"'),
        ["partnership", "'established' is not a valid date"],
    ),
    "bad TOML date": (
        lambda t: replace_once(t, "signed_on = 2019-10-11", "signed_on = 2019-13-11"),
        ["not valid TOML", "signed_on = 2019-13-11"],
    ),
    "unknown choice": (
        lambda t: replace_once(t, 'status = "in_force"', 'status = "active"'),
        ["'status' is 'active'"],
    ),
    "duplicate theme order": (
        lambda t: replace_once(t, "order = 10\n", "order = 9\n"),
        ["theme order in this plan already used"],
    ),
    "unknown key": (
        lambda t: replace_once(t, 'recurrence = "yearly"', 'recurrence = "yearly"\nrecurrance = 1'),
        ["unknown key 'recurrance'"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_and_nothing_written(db, tmp_path, case):
    change, expected = BAD_FILES[case]
    path = write(tmp_path, change(plan_text()))
    with pytest.raises(CommandError) as excinfo:
        call_command("load_action_plan", str(path), stdout=io.StringIO())
    message = str(excinfo.value)
    for fragment in expected:
        assert fragment in message, message
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_all_problems_are_listed_at_once(db, tmp_path):
    text = replace_once(plan_text(), "due_date = 2022-12-31\n", "")
    text = replace_once(text, 'agency = "bj-zhongguancun"', 'agency = "nowhere"')
    with pytest.raises(CommandError) as excinfo:
        load_plan_file(write(tmp_path, text))
    message = str(excinfo.value)
    assert "2 problems" in message
    assert "'due_date'" in message and "'nowhere'" in message


def test_bad_file_changes_nothing_in_a_loaded_database(loaded, tmp_path):
    before = row_counts()
    text = replace_once(plan_text(), '"zh-hans" = "外事交流"', '"zh-hans" = "新名称"')
    text = replace_once(text, 'agency = "bj-zhongguancun"', 'agency = "nowhere"')
    with pytest.raises(CommandError):
        load_plan_file(write(tmp_path, text))
    assert row_counts() == before
    assert Theme.objects.get(plan__code=PLAN, order=1).name_zh_hans == "外事交流"


def test_database_refusal_rolls_everything_back(loaded, tmp_path):
    # A second partnership of the same two cities breaks a unique constraint half way.
    text = replace_once(plan_text(), 'code = "helsinki-beijing"', 'code = "helsinki-beijing-2"')
    text = replace_once(text, '"zh-hans" = "北京市" }', '"zh-hans" = "北京" }')
    with pytest.raises(CommandError) as excinfo:
        load_plan_file(write(tmp_path, text))
    assert "nothing was loaded" in str(excinfo.value)
    assert City.objects.get(code="beijing").name_zh_hans == "北京市"
    assert not Partnership.objects.filter(code="helsinki-beijing-2").exists()


def test_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="not found"):
        load_plan_file(tmp_path / "nope.toml")


def test_a_formal_review_made_in_the_portal_is_the_plans_one(db):
    from tests.factories import ReviewFactory

    load_plan_file(PLAN_FILE)
    Review.objects.filter(code="hki-bj-2019-2023-mid-term-review").delete()
    plan = ActionPlan.objects.get(code=PLAN)
    own = ReviewFactory(plan=plan, code="ours", kind="mid_term", title_en="Our mid-term review")
    before = row_counts()

    result = load_plan_file(PLAN_FILE)

    # One mid-term review per plan: not a second one, and the portal's title is kept.
    assert row_counts() == before
    assert result.changed is False
    own.refresh_from_db()
    assert own.title_en == "Our mid-term review"
    assert ("title_en", "Our mid-term review") in [(d.field, d.portal) for d in result.differences]


def test_parent_agency_may_come_later_in_the_file(db, tmp_path):
    text = replace_once(
        plan_text(),
        'code = "hki-city-executive-office"\ncity = "helsinki"\n',
        'code = "hki-city-executive-office"\ncity = "helsinki"\nparent = "hki-urban-environment"\n',
    )
    load_plan_file(write(tmp_path, text))
    office = Agency.objects.get(code="hki-city-executive-office")
    assert office.parent.code == "hki-urban-environment"
    assert load_plan_file(write(tmp_path, text)).changed is False


def test_reload_keeps_a_plan_status_that_coordinators_changed(loaded):
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    assert plan.status == "in_force"
    ActionPlan.objects.filter(pk=plan.pk).update(status="under_review")
    load_plan_file(DEFAULT_PLAN_FILE)
    plan.refresh_from_db()
    assert plan.status == "under_review"


# -- third parties: named by the partnerships whose plans refer to them ------------------------

SECOND_PARTNERSHIP = """
[[cities]]
code = "tallinn"
name = { en = "Tallinn", "zh-hans" = "塔林" }
country = { en = "Estonia", "zh-hans" = "爱沙尼亚" }
time_zone = "Europe/Tallinn"
default_language = "en"

[[cities]]
code = "beijing"
name = { en = "Beijing Municipality", "zh-hans" = "北京市" }
country = { en = "China", "zh-hans" = "中国" }
time_zone = "Asia/Shanghai"
default_language = "zh-hans"

[[agencies]]
code = "tln-office"
city = "tallinn"
kind = "coordinating_office"
name = { en = "Tallinn Office", "zh-hans" = "塔林办公室" }

[[agencies]]
code = "wtcf"
kind = "federation"
name = { en = "World Tourism Cities Federation (WTCF)", "zh-hans" = "世界旅游城市联合会" }

[partnership]
code = "tallinn-beijing"
first_city = "tallinn"
second_city = "beijing"
established = 2020-01-01
agreement_title = { en = "Agreement", "zh-hans" = "协议" }

[[plans]]
code = "tln-bj-2021-2025"
title = { en = "Tallinn and Beijing 2021-2025", "zh-hans" = "塔林与北京2021—2025" }
period_start_year = 2021
period_end_year = 2025
signed_on = 2021-05-05
status = "in_force"
authentic_languages = ["en", "zh-hans"]
coordinators = ["tln-office"]

[[themes]]
plan = "tln-bj-2021-2025"
order = 1
code = "tourism"
name = { en = "Tourism", "zh-hans" = "旅游" }
summary = { en = "Tourism.", "zh-hans" = "旅游。" }

[[themes.agencies]]
agency = "tln-office"

[[themes.commitments]]
code = "through-wtcf"
text = { en = "Through WTCF.", "zh-hans" = "通过世界旅游城市联合会。" }
agencies = ["wtcf"]
"""


def _naming(code: str) -> set[str]:
    return set(Agency.objects.get(code=code).partnerships.values_list("code", flat=True))


def test_a_plans_third_parties_are_named_by_its_partnership_only(loaded):
    assert _naming("wtcf") == {"helsinki-beijing"}
    assert not Agency.objects.get(code="hki-international-affairs").partnerships.exists()


def test_a_second_load_names_nothing_again(loaded):
    again = load_plan_file(PLAN_FILE)

    assert _naming("wtcf") == {"helsinki-beijing"}
    assert not [d for d in again.differences if d.field == "partnerships"]


def test_a_second_partnership_naming_the_same_organisation_names_the_same_record(loaded, tmp_path):
    before = Agency.objects.count()

    load_plan_file(write(tmp_path, SECOND_PARTNERSHIP))
    load_plan_file(write(tmp_path, SECOND_PARTNERSHIP))

    assert Agency.objects.filter(code="wtcf").count() == 1
    assert Agency.objects.count() == before + 1  # the Tallinn office
    assert _naming("wtcf") == {"helsinki-beijing", "tallinn-beijing"}
    commitment = Commitment.objects.get(code="through-wtcf")
    assert list(commitment.agencies.values_list("code", flat=True)) == ["wtcf"]


def test_a_missing_naming_is_listed_and_applied_only_when_asked(loaded):
    wtcf = Agency.objects.get(code="wtcf")
    wtcf.partnerships.clear()

    listed = load_plan_file(PLAN_FILE)
    assert _naming("wtcf") == set()
    assert any(d.what == "agency wtcf" and d.field == "partnerships" for d in listed.differences)

    load_plan_file(PLAN_FILE, update=True)
    assert _naming("wtcf") == {"helsinki-beijing"}
