"""factory_boy factories for every model. Translated fields are set per language (``title_en``).

Defaults make valid rows with as few extra rows as possible; pass related objects explicitly
when a test cares which partnership, side or agency something belongs to.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from cooperation.models import (
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
    Evidence,
    Funding,
    FundingSource,
    Partnership,
    PlanStatus,
    ResponsibilityRole,
    StatusUpdate,
    Theme,
    ThemeAgency,
)
from events.models import (
    DelegationMember,
    Event,
    EventKind,
    EventSeries,
    ProgrammeItem,
    Recurrence,
)
from partners.models import Agency, AgencyKind, City, Profile, Role
from reviews.models import Rating, Review, ReviewKind, ReviewStatus, ThemeAssessment

BEIJING_TZ = ZoneInfo("Asia/Shanghai")
# Hashed once: every factory user logs in with "pw".
PASSWORD = "pw"
_PASSWORD_HASH = make_password(PASSWORD)


def _small_order(n: int) -> int:
    # Orders are PositiveSmallIntegerField (PostgreSQL smallint): stay in range however long
    # the session runs.
    return n % 30000 + 1


def _set_m2m(field_name):
    """A post_generation hook that sets an M2M field from a list passed to the factory."""

    def hook(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field_name).set(extracted)

    return factory.PostGeneration(hook)


# --- partners -------------------------------------------------------------------------------


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City

    code = factory.Sequence(lambda n: f"city-{n}")
    name_en = factory.Sequence(lambda n: f"City {n}")
    name_zh_hans = factory.Sequence(lambda n: f"城市{n}")
    country_en = "Finland"
    country_zh_hans = "芬兰"
    time_zone = "Europe/Helsinki"
    default_language = "en"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"agency-{n}")
    city = factory.SubFactory(CityFactory)
    kind = AgencyKind.DIVISION
    name_en = factory.Sequence(lambda n: f"Agency {n}")
    name_zh_hans = factory.Sequence(lambda n: f"机构{n}")

    @factory.post_generation
    def partnerships(self, create, extracted, **kwargs):
        """``AgencyFactory(city=None, partnerships=[p])``: a third party ``p`` names."""
        if create and extracted:
            self.partnerships.add(*extracted)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = _PASSWORD_HASH
    is_active = True


class ProfileFactory(DjangoModelFactory):
    """A user with a place in the plan. ``ProfileFactory(staff=True)`` gives agency staff."""

    class Meta:
        model = Profile

    class Params:
        staff = factory.Trait(
            role=Role.AGENCY_STAFF,
            agency=factory.SubFactory(AgencyFactory, city=factory.SelfAttribute("..city")),
        )
        official = factory.Trait(role=Role.OFFICIAL)

    user = factory.SubFactory(UserFactory)
    city = factory.SubFactory(CityFactory)
    agency = None
    role = Role.COORDINATOR
    preferred_language = ""


# --- cooperation ----------------------------------------------------------------------------


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    code = factory.Sequence(lambda n: f"partnership-{n}")
    first_city = factory.SubFactory(CityFactory)
    second_city = factory.SubFactory(CityFactory)
    established = datetime.date(2006, 7, 14)
    agreement_title_en = "Sister-city agreement"
    agreement_title_zh_hans = "友好城市协议"


class ActionPlanFactory(DjangoModelFactory):
    class Meta:
        model = ActionPlan

    code = factory.Sequence(lambda n: f"plan-{n}")
    partnership = factory.SubFactory(PartnershipFactory)
    title_en = factory.Sequence(lambda n: f"Action Plan {n}")
    title_zh_hans = factory.Sequence(lambda n: f"行动计划{n}")
    period_start_year = 2019
    period_end_year = 2023
    signed_on = datetime.date(2019, 10, 11)
    signed_place_en = "Helsinki"
    signed_place_zh_hans = "赫尔辛基"
    status = PlanStatus.IN_FORCE
    authentic_languages = factory.LazyFunction(lambda: ["en", "zh-hans"])


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(ActionPlanFactory)
    code = factory.Sequence(lambda n: f"theme-{n}")
    order = factory.Sequence(_small_order)
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    name_zh_hans = factory.Sequence(lambda n: f"主题{n}")
    summary_en = ""
    summary_zh_hans = ""


class ThemeAgencyFactory(DjangoModelFactory):
    class Meta:
        model = ThemeAgency

    theme = factory.SubFactory(ThemeFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = ResponsibilityRole.LEAD


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    theme = factory.SubFactory(ThemeFactory)
    code = factory.Sequence(lambda n: f"commitment-{n}")
    order = factory.Sequence(_small_order)
    text_en = factory.Sequence(lambda n: f"Commitment {n}")
    text_zh_hans = factory.Sequence(lambda n: f"承诺{n}")
    target_count = None
    frequency = ""


class ActivityFactory(DjangoModelFactory):
    """An activity; ``participants=[agency, ...]`` sets the other participating organisations."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    theme = factory.SubFactory(ThemeFactory)
    commitment = None
    title_en = factory.Sequence(lambda n: f"Activity {n}")
    title_zh_hans = factory.Sequence(lambda n: f"活动{n}")
    first_lead_agency = None
    second_lead_agency = None
    planned_start = datetime.date(2020, 3, 1)
    planned_end = datetime.date(2020, 6, 30)
    status = ActivityStatus.PLANNED

    participants = _set_m2m("participants")


class FundingFactory(DjangoModelFactory):
    class Meta:
        model = Funding

    activity = factory.SubFactory(ActivityFactory)
    source = FundingSource.FIRST_CITY
    funder = ""
    amount = Decimal("1000.00")
    currency = "EUR"


class StatusUpdateFactory(DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    activity = factory.SubFactory(ActivityFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    author = factory.SubFactory(UserFactory)
    from_status = ActivityStatus.PLANNED
    to_status = ActivityStatus.IN_PROGRESS
    note = "Started."


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    activity = factory.SubFactory(ActivityFactory)
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: o.file.size)
    description = ""
    uploaded_by = None


# --- events ---------------------------------------------------------------------------------


class EventSeriesFactory(DjangoModelFactory):
    class Meta:
        model = EventSeries

    plan = factory.SubFactory(ActionPlanFactory)
    code = factory.Sequence(lambda n: f"series-{n}")
    name_en = factory.Sequence(lambda n: f"Series {n}")
    name_zh_hans = factory.Sequence(lambda n: f"系列{n}")
    recurrence = Recurrence.YEARLY


class EventFactory(DjangoModelFactory):
    """An event; ``organisers=[...]``, ``themes=[...]``, ``activities=[...]`` set the M2Ms."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    plan = factory.SubFactory(ActionPlanFactory)
    code = factory.Sequence(lambda n: f"event-{n}")
    series = None
    kind = EventKind.WEEK
    title_en = factory.Sequence(lambda n: f"Event {n}")
    title_zh_hans = factory.Sequence(lambda n: f"活动周{n}")
    host_city = factory.LazyAttribute(lambda o: o.plan.partnership.second_city)
    venue_en = ""
    year = 2019
    start_date = datetime.date(2019, 11, 4)
    end_date = datetime.date(2019, 11, 8)

    organisers = _set_m2m("organisers")
    themes = _set_m2m("themes")
    activities = _set_m2m("activities")


class ProgrammeItemFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    event = factory.SubFactory(EventFactory)
    starts_at = datetime.datetime(2019, 11, 4, 9, 0, tzinfo=BEIJING_TZ)
    ends_at = datetime.datetime(2019, 11, 4, 10, 30, tzinfo=BEIJING_TZ)
    title_en = factory.Sequence(lambda n: f"Programme item {n}")
    title_zh_hans = factory.Sequence(lambda n: f"日程{n}")
    organiser = None


class DelegationMemberFactory(DjangoModelFactory):
    class Meta:
        model = DelegationMember

    event = factory.SubFactory(EventFactory)
    name_en = factory.Sequence(lambda n: f"Delegate {n}")
    name_zh_hans = factory.Sequence(lambda n: f"代表{n}")
    position_en = "Deputy Mayor"
    city = None
    agency = None
    is_head = False


# --- reviews --------------------------------------------------------------------------------


class ReviewFactory(DjangoModelFactory):
    """An ad-hoc review by default (formal kinds are unique per plan)."""

    class Meta:
        model = Review

    plan = factory.SubFactory(ActionPlanFactory)
    code = factory.Sequence(lambda n: f"review-{n}")
    kind = ReviewKind.AD_HOC
    title_en = factory.Sequence(lambda n: f"Review {n}")
    title_zh_hans = factory.Sequence(lambda n: f"审查{n}")
    due_date = datetime.date(2021, 10, 11)
    status = ReviewStatus.SCHEDULED
    conclusion = ""
    completed_at = None


class ThemeAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = ThemeAssessment

    review = factory.SubFactory(ReviewFactory)
    theme = factory.SubFactory(ThemeFactory, plan=factory.SelfAttribute("..review.plan"))
    rating = Rating.ON_TRACK
    narrative_en = "Progressing as planned."
    narrative_zh_hans = "按计划进行。"
    assessed_by = None


def evaluation(plan, *, conclusion: str = "", due=datetime.date(2022, 12, 31)) -> Review:
    """The plan's formal evaluation: completed with ``conclusion``, or scheduled without one."""
    completed = bool(conclusion)
    return ReviewFactory(
        plan=plan,
        kind=ReviewKind.EVALUATION,
        due_date=due,
        status=ReviewStatus.COMPLETED if completed else ReviewStatus.SCHEDULED,
        conclusion=conclusion,
        completed_at=timezone.now() if completed else None,
    )
