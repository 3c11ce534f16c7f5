"""Shared fixtures: one small, realistic world of two partnerships and a user per role.

``world`` is the Helsinki–Beijing partnership with its plan, three themes, agencies on both
sides, the six kinds of users (and an admin), and one activity per way an agency can be
involved; plus a Tallinn–Riga partnership whose coordinator is the outsider.

The world is built once per test module, inside a transaction that is rolled back when the
module is done (what Django's ``setUpTestData`` does for a class); each test runs in a
savepoint of it and gets its own copy of the Python objects. A test that needs real commits
(``transaction=True``, a live server) gets a world of its own.
"""

import copy
import datetime
import shutil
from dataclasses import dataclass

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation

FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"

# config/settings.py detects pytest and puts a fast hasher first: tests create many users.
assert django_settings.PASSWORD_HASHERS[0] == FAST_HASHER


# The instant a test pinned with ``@pytest.mark.clock`` starts at (the clock then runs on):
# noon in Helsinki, six in the evening in Beijing, both on the same date; the plan 2019–2023
# has ended. Tests of midnights and deadlines travel further themselves.
PINNED_NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


def pytest_configure(config):
    # Once, before any test process starts (with pytest-xdist: in the controller only, so
    # that two workers never write the same catalogue at once).
    if not hasattr(config, "workerinput"):
        _compile_catalogues()


def _pinned(marker) -> datetime.datetime:
    return marker.args[0] if marker.args else PINNED_NOW


@pytest.fixture(scope="module", autouse=True)
def _module_clock(request):
    """``pytestmark = pytest.mark.clock`` pins a whole module, its world included, so that
    its tests pass whatever the process clock says (at the midnights of both cities too)."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield
        return
    with time_machine.travel(_pinned(marker), tick=True):
        yield


@pytest.fixture(autouse=True)
def _test_clock(request):
    """``@pytest.mark.clock(instant)`` on one test pins that test."""
    marker = next((m for m in request.node.own_markers if m.name == "clock"), None)
    if marker is None:
        yield
        return
    with time_machine.travel(_pinned(marker), tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts and ends with an empty cache: request counts, cached pages and counts
    outlive a test's rollback. In tests the cache is each process's local memory (see
    config.settings._caches), so xdist's processes never share one."""
    from django.core.cache import cache

    from api.authentication import forget_people

    cache.clear()
    forget_people()  # each process's copies of people read for tokens: as the cache
    yield
    cache.clear()
    forget_people()


def _compile_catalogues():
    """The interface catalogues compiled as they are now (`make` does it too; a bare
    `pytest` after editing a .po file must not test yesterday's translations)."""
    stale = [
        po
        for po in django_settings.LOCALE_PATHS[0].glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale and shutil.which("msgfmt"):
        for po in stale:
            call_command("compilemessages", locale=[po.parent.parent.name], verbosity=0)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request in another language leaves it active in the
    thread (LocaleMiddleware does not reset it), which would leak into the next test."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Tasks run in-process in tests, even where CI sets CELERY_BROKER_URL; the one test of a
    real worker (tests/reviews/test_celery_worker.py) turns this off for itself."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test directory, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    helsinki: object
    beijing: object
    partnership: object
    plan: object
    themes: list
    commitment: object
    hki_agency: object
    bj_agency: object
    hki_other_agency: object
    bj_other_agency: object
    hki_coordinator: object
    bj_coordinator: object
    hki_staff: object
    bj_staff: object
    official: object
    outsider: object
    admin: object
    hki_activity: object
    bj_activity: object
    joint_activity: object
    other_agency_activity: object
    event: object
    review: object
    other_partnership: object
    other_plan: object
    other_theme: object
    other_activity: object


def _user(username, **profile):
    from tests.factories import ProfileFactory, UserFactory

    user = UserFactory(username=username)
    ProfileFactory(user=user, **profile)
    return user


def _build_world() -> World:
    from cooperation.models import ResponsibilityRole
    from partners.models import AgencyKind, Role
    from reviews.models import ReviewKind
    from tests import factories as f

    helsinki = f.CityFactory(
        code="helsinki",
        name_en="Helsinki",
        name_zh_hans="赫尔辛基",
        country_en="Finland",
        country_zh_hans="芬兰",
        time_zone="Europe/Helsinki",
        default_language="en",
    )
    beijing = f.CityFactory(
        code="beijing",
        name_en="Beijing",
        name_zh_hans="北京",
        country_en="China",
        country_zh_hans="中国",
        time_zone="Asia/Shanghai",
        default_language="zh-hans",
    )
    partnership = f.PartnershipFactory(
        code="helsinki-beijing",
        first_city=helsinki,
        second_city=beijing,
        established=datetime.date(2006, 7, 14),
    )
    plan = f.ActionPlanFactory(
        code="helsinki-beijing-2019-2023",
        partnership=partnership,
        title_en="Action Plan between Helsinki and Beijing 2019–2023",
        title_zh_hans="北京市与赫尔辛基市2019-2023年合作行动计划",
    )
    themes = [
        f.ThemeFactory(plan=plan, code="economy", order=1, name_en="Economy", name_zh_hans="经济"),
        f.ThemeFactory(
            plan=plan, code="education", order=2, name_en="Education", name_zh_hans="教育"
        ),
        f.ThemeFactory(plan=plan, code="culture", order=3, name_en="Culture", name_zh_hans="文化"),
    ]
    hki_agency = f.AgencyFactory(
        code="hki-economic-development",
        city=helsinki,
        kind=AgencyKind.DIVISION,
        name_en="Economic Development Division",
        name_zh_hans="经济发展部",
    )
    bj_agency = f.AgencyFactory(
        code="bj-science-technology",
        city=beijing,
        kind=AgencyKind.COMMISSION,
        name_en="Science & Technology Commission",
        name_zh_hans="科学技术委员会",
    )
    hki_other_agency = f.AgencyFactory(
        code="hki-culture-leisure",
        city=helsinki,
        kind=AgencyKind.DIVISION,
        name_en="Culture and Leisure Division",
        name_zh_hans="文化与休闲部",
    )
    bj_other_agency = f.AgencyFactory(
        code="bj-culture-tourism",
        city=beijing,
        kind=AgencyKind.BUREAU,
        name_en="Culture and Tourism Bureau",
        name_zh_hans="文化和旅游局",
    )
    f.ThemeAgencyFactory(theme=themes[0], agency=hki_agency, role=ResponsibilityRole.LEAD)
    f.ThemeAgencyFactory(theme=themes[0], agency=bj_agency, role=ResponsibilityRole.LEAD)
    commitment = f.CommitmentFactory(
        theme=themes[0],
        code="annual-dialogue",
        order=1,
        text_en="Establish an annual substantive dialogue.",
        text_zh_hans="建立年度实质性对话。",
    )

    hki_coordinator = _user("hki_coordinator", city=helsinki, role=Role.COORDINATOR)
    bj_coordinator = _user("bj_coordinator", city=beijing, role=Role.COORDINATOR)
    hki_staff = _user("hki_staff", city=helsinki, role=Role.AGENCY_STAFF, agency=hki_agency)
    bj_staff = _user("bj_staff", city=beijing, role=Role.AGENCY_STAFF, agency=bj_agency)
    official = _user("official", city=helsinki, role=Role.OFFICIAL)
    admin = f.UserFactory(username="admin", is_superuser=True, is_staff=True)

    def activity(title_en, title_zh_hans, **kwargs):
        return f.ActivityFactory(
            theme=themes[0], title_en=title_en, title_zh_hans=title_zh_hans, **kwargs
        )

    hki_activity = activity(
        "Helsinki-led activity", "赫尔辛基牵头的活动", first_lead_agency=hki_agency
    )
    bj_activity = activity("Beijing-led activity", "北京牵头的活动", second_lead_agency=bj_agency)
    joint_activity = activity(
        "Jointly led activity",
        "联合牵头的活动",
        first_lead_agency=hki_agency,
        second_lead_agency=bj_agency,
    )
    other_agency_activity = activity(
        "Activity of other agencies",
        "其他机构的活动",
        first_lead_agency=hki_other_agency,
        second_lead_agency=bj_other_agency,
    )
    event = f.EventFactory(
        plan=plan, code="helsinki-week-2019", host_city=beijing, organisers=[hki_agency]
    )
    review = f.ReviewFactory(
        plan=plan, code="mid-term", kind=ReviewKind.MID_TERM, title_en="Mid-term review"
    )

    tallinn = f.CityFactory(code="tallinn", name_en="Tallinn", country_en="Estonia")
    riga = f.CityFactory(code="riga", name_en="Riga", country_en="Latvia")
    other_partnership = f.PartnershipFactory(
        code="tallinn-riga", first_city=tallinn, second_city=riga
    )
    other_plan = f.ActionPlanFactory(partnership=other_partnership)
    other_theme = f.ThemeFactory(plan=other_plan, order=1)
    other_activity = f.ActivityFactory(theme=other_theme, title_en="Tallinn–Riga activity")
    outsider = _user("outsider", city=tallinn, role=Role.COORDINATOR)

    return World(
        helsinki=helsinki,
        beijing=beijing,
        partnership=partnership,
        plan=plan,
        themes=themes,
        commitment=commitment,
        hki_agency=hki_agency,
        bj_agency=bj_agency,
        hki_other_agency=hki_other_agency,
        bj_other_agency=bj_other_agency,
        hki_coordinator=hki_coordinator,
        bj_coordinator=bj_coordinator,
        hki_staff=hki_staff,
        bj_staff=bj_staff,
        official=official,
        outsider=outsider,
        admin=admin,
        hki_activity=hki_activity,
        bj_activity=bj_activity,
        joint_activity=joint_activity,
        other_agency_activity=other_agency_activity,
        event=event,
        review=review,
        other_partnership=other_partnership,
        other_plan=other_plan,
        other_theme=other_theme,
        other_activity=other_activity,
    )


def _commits(item) -> bool:
    """Whether a test needs real commits (``transaction=True``, a live server)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # A test with the world uses the database, marked or not; marked before pytest-django
    # orders the tests (those that commit after all the others, so after every module world).
    for item in items:
        if "world" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "django_db"
        ):
            item.add_marker(pytest.mark.django_db)


# The module world's open transaction (at most one at a time).
_OPEN_WORLD: list = []


def _close_module_world() -> None:
    while _OPEN_WORLD:
        atomic, blocker = _OPEN_WORLD.pop()
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module", autouse=True)
def _module_world(request, django_db_blocker, _module_clock):
    """The world of this module's tests, in a transaction rolled back after them. Module
    scope, so that it is set up before any test's own transaction (a savepoint of it)."""
    users = [
        item
        for item in request.session.items
        if getattr(item, "module", None) is request.module
        and "world" in item.fixturenames
        and not _commits(item)
    ]
    if not users:
        yield None
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        _OPEN_WORLD.append((atomic, django_db_blocker))
        try:
            built = _build_world()
        except BaseException:
            _close_module_world()
            raise
    yield built
    _close_module_world()


@pytest.fixture(autouse=True)
def _commits_see_no_open_world(request):
    """A test that commits (pytest-django runs them after all the others) must not run inside
    a module world's transaction: close it first."""
    if _commits(request.node):
        _close_module_world()


@pytest.fixture
def world(request, _module_world) -> World:
    """This test's copy of the module's world (its writes are rolled back after it); a world
    of its own, committed, for a test that commits."""
    if _commits(request.node):
        request.getfixturevalue("transactional_db")
        return _build_world()
    assert _OPEN_WORLD, "a test that commits ran before this one, inside its module's world"
    request.getfixturevalue("db")
    return copy.deepcopy(_module_world)


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client logged in as ``user`` (anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
