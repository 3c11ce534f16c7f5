"""Seed a benchmark database: the real Helsinki–Beijing plan, demo-like users and N activities.

The plan goes through the project's loader (``load_action_plan``) and the people through the
people service: they are few, and the rules those enforce (sides, agencies, roles) are what
the pages' permission checks read. The activities and their status updates are many and are
made with ``bulk_create``: 10,000 activities through ``create_activity`` (one transaction,
history entry and version check each) would take most of the benchmark's time budget, and
the rows written are the same plain rows the service writes (valid statuses, sequences,
agencies of the theme's sides). Nothing of this history is what the benchmark measures.

A marker table (``bench_seed_marker``) records the size seeded, so a second run with the same
size reuses the data and a database without it is recognised as not the benchmark's.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass

from django.db import connection, transaction

MARKER_TABLE = "bench_seed_marker"
PLAN_CODE = "hki-bj-2019-2023"
BIG_THEME_ACTIVITIES = 1000
AS_OF = datetime.date(2023, 12, 31)

COORDINATOR = "bench-coordinator"
STAFF = "bench-staff"
SUPERUSER = "bench-admin"

EN_TEXT = (
    "joint seminar on smart mobility and clean energy for city districts with partners from "
    "universities enterprises and municipal agencies including site visits exchange of "
    "experts training for young professionals and a public exhibition of results"
)
EN_WORDS = EN_TEXT.split(" ")
ZH_TEXT = (
    "双方围绕智慧交通与清洁能源举办联合研讨会，邀请高校、企业和市政机构参加，"
    "组织实地考察、专家交流和青年人才培训，并面向公众举办成果展览。"
)
# Terms that occur in the seeded texts as they would in real ones: a word of a title or
# description in English, a two-character word in Chinese.
SEARCH_TERMS = ("mobility", "交通")


@dataclass(frozen=True)
class SeedResult:
    plan_id: int
    big_theme_id: int
    activities: int
    big_theme_activities: int
    status_updates: int
    reused: bool


def big_theme_share(n_activities: int) -> int:
    """Activities of the theme-page row's theme: 1,000, or a fifth of a small seed."""
    return min(BIG_THEME_ACTIVITIES, n_activities // 5)


# --- the marker -------------------------------------------------------------------------


def marker_size() -> int | None:
    """The number of activities seeded, or None when this is not a seeded database."""
    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT activities FROM {MARKER_TABLE}")  # noqa: S608 - a constant
        row = cursor.fetchone()
    return row[0] if row else None


def _set_marker(n_activities: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(activities integer NOT NULL, seeded_at varchar(40) NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608 - a constant
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (activities, seeded_at) VALUES (%s, %s)",  # noqa: S608
            [n_activities, datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")],
        )


def holds_other_data() -> bool:
    """Whether the database has portal data but no benchmark marker (someone's real data)."""
    tables = set(connection.introspection.table_names())
    if MARKER_TABLE in tables or "auth_user" not in tables:
        return False
    from django.contrib.auth import get_user_model

    from cooperation.models import ActionPlan, Activity

    return (
        get_user_model().objects.exists()
        or ActionPlan.objects.exists()
        or Activity.objects.exists()
    )


# --- the seed ---------------------------------------------------------------------------


def seed(n_activities: int, *, rng_seed: int = 7) -> SeedResult:
    """Migrate, load the plan, create the users and ``n_activities`` activities (reused when
    the marker says this size is there), then refresh the planner's statistics."""
    from django.core.management import call_command

    from cooperation.models import ActionPlan, Activity, StatusUpdate
    from core.dbstats import refresh_planner_statistics

    call_command("migrate", verbosity=0, interactive=False)
    # The loader command refreshes the statistics itself when it wrote anything.
    call_command("load_action_plan", verbosity=0)
    plan = ActionPlan.objects.get(code=PLAN_CODE)
    users = ensure_users(plan)
    themes = list(plan.themes.order_by("order", "pk"))
    big_theme = themes[0]
    reused = marker_size() == n_activities
    if not reused:
        with transaction.atomic():
            # Another size was seeded before: start the activities over.
            Activity.objects.filter(theme__plan=plan).delete()
            add_activities(plan, n_activities, users=users, rng_seed=rng_seed)
            _set_marker(n_activities)
    # Also when reused: cheap (about a second), and the measured plans depend on it.
    refresh_planner_statistics()
    return SeedResult(
        plan_id=plan.pk,
        big_theme_id=big_theme.pk,
        activities=Activity.objects.filter(theme__plan=plan).count(),
        big_theme_activities=big_theme.activities.count(),
        status_updates=StatusUpdate.objects.filter(activity__theme__plan=plan).count(),
        reused=reused,
    )


def ensure_users(plan) -> dict:
    """A coordinator and an agency staff member of the Helsinki side (through the people
    service), and a superuser for the admin changelist (an account without a profile)."""
    from django.contrib.auth import get_user_model

    from partners import services as people
    from partners.access import SYSTEM
    from partners.models import Role

    User = get_user_model()
    first_city = plan.partnership.first_city
    agencies = list(first_city.agencies.order_by("pk")[:2])
    wanted = (
        (COORDINATOR, Role.COORDINATOR, agencies[0]),
        (STAFF, Role.AGENCY_STAFF, agencies[-1]),
    )
    users = {}
    for username, role, agency in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = people.create_person(
                user=SYSTEM,
                username=username,
                password=None,  # sessions are made directly; nobody signs in with it
                city=first_city,
                role=role,
                first_name="Benchmark",
                last_name=role.label,
                email=f"{username}@example.org",
                agency=agency,
            )
        users[username] = user
    admin = User.objects.filter(username=SUPERUSER).first()
    if admin is None:
        admin = User.objects.create_superuser(SUPERUSER, f"{SUPERUSER}@example.org", None)
    users[SUPERUSER] = admin
    return users


@contextlib.contextmanager
def _keep_given_times(*models):
    """Let bulk_create store the given created/updated times instead of now: an activity
    history spread over the plan's years is what the pages sort and filter on."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(EN_WORDS) for _ in range(n)).capitalize() + "."


def _theme_counts(n_activities: int, n_themes: int, big: int | None) -> list[int]:
    """How many activities each theme gets: ``big`` in the first, the rest spread evenly."""
    if big is None or n_themes == 1:
        return [n_activities // n_themes + (i < n_activities % n_themes) for i in range(n_themes)]
    rest = n_activities - big
    others = n_themes - 1
    return [big] + [rest // others + (i < rest % others) for i in range(others)]


def add_activities(
    plan, n_activities: int, *, users: dict, rng_seed: int = 7, big: int | None = -1
) -> int:
    """Add ``n_activities`` activities to ``plan`` (``big`` of them in its first theme; by
    default :func:`big_theme_share`, None for an even spread), with both languages, lead
    agencies of both sides, other participants, and one to three status updates each.
    Returns the number of status updates."""
    from cooperation.models import Activity, ActivityStatus, StatusUpdate

    if big == -1:
        big = big_theme_share(n_activities)
    partnership = plan.partnership
    themes = list(
        plan.themes.order_by("order", "pk").prefetch_related(
            "commitments", "responsibilities__agency"
        )
    )
    counts = _theme_counts(n_activities, len(themes), big)
    authors = [users[COORDINATOR], users[STAFF]]
    rng = random.Random(rng_seed)
    statuses = [
        ActivityStatus.PLANNED,
        ActivityStatus.IN_PROGRESS,
        ActivityStatus.COMPLETED,
        ActivityStatus.COMPLETED,
        ActivityStatus.ON_HOLD,
        ActivityStatus.CANCELLED,
    ]
    tz = datetime.UTC
    start_number = Activity.objects.filter(theme__plan=plan).count()
    activities, paths, participants = [], [], []
    for theme, count in zip(themes, counts, strict=True):
        commitments = list(theme.commitments.all())
        agencies = [r.agency for r in theme.responsibilities.all()]
        first_side = [a for a in agencies if a.city_id == partnership.first_city_id]
        second_side = [a for a in agencies if a.city_id == partnership.second_city_id]
        for _ in range(count):
            i = start_number + len(activities)
            start = datetime.date(2019, 11, 1) + datetime.timedelta(days=rng.randrange(0, 1400))
            end = start + datetime.timedelta(days=rng.randrange(30, 400))
            final = rng.choice(statuses)
            path = [ActivityStatus.PLANNED]
            if final != ActivityStatus.PLANNED:
                if final != ActivityStatus.CANCELLED:
                    path.append(ActivityStatus.IN_PROGRESS)
                if final != ActivityStatus.IN_PROGRESS:
                    path.append(final)
            done = final == ActivityStatus.COMPLETED
            created = datetime.datetime.combine(start, datetime.time(9), tz)
            updated = created + datetime.timedelta(days=60 * (len(path) - 1))
            author = authors[i % 2]
            activities.append(
                Activity(
                    theme=theme,
                    commitment=commitments[i % len(commitments)] if commitments and i % 7 else None,
                    title_en=f"{_words(rng, 7)[:-1]} ({i + 1})",
                    title_zh_hans=f"{ZH_TEXT[rng.randrange(0, 20) :][:16]}（{i + 1}）",
                    description_en=_words(rng, rng.randrange(12, 30)),
                    description_zh_hans=ZH_TEXT[: rng.randrange(30, len(ZH_TEXT))],
                    outcomes_en=_words(rng, 10) if done else "",
                    outcomes_zh_hans=ZH_TEXT[:20] + "。" if done else "",
                    first_lead_agency=rng.choice(first_side) if first_side else None,
                    second_lead_agency=rng.choice(second_side) if second_side else None,
                    planned_start=start,
                    planned_end=end,
                    actual_start=start if len(path) > 1 and final != "cancelled" else None,
                    actual_end=min(end, AS_OF) if done else None,
                    status=final,
                    created_by=author,
                    updated_by=author,
                    created_at=created,
                    updated_at=updated,
                )
            )
            paths.append((path, created, author))
            if second_side and i % 3 == 0:
                participants.append(rng.choice(second_side))
            else:
                participants.append(None)
    with _keep_given_times(Activity, StatusUpdate):
        Activity.objects.bulk_create(activities, batch_size=500)
        updates = []
        for activity, (path, created, author) in zip(activities, paths, strict=True):
            for seq, (before, after) in enumerate(zip(path, path[1:], strict=False), start=1):
                updates.append(
                    StatusUpdate(
                        activity=activity,
                        sequence=seq,
                        author=author,
                        from_status=before,
                        to_status=after,
                        note=_words(rng, rng.randrange(5, 12)),
                        created_at=created + datetime.timedelta(days=60 * seq),
                    )
                )
        StatusUpdate.objects.bulk_create(updates, batch_size=1000)
    through = Activity.participants.through
    through.objects.bulk_create(
        [
            through(activity_id=activity.pk, agency_id=agency.pk)
            for activity, agency in zip(activities, participants, strict=True)
            if agency is not None
        ],
        batch_size=1000,
    )
    return len(updates)
