"""Filters, ordering and search of the API's lists.

Choices (themes, cities, agencies, plans) are limited to what the user can see, with the
choice fields that refuse impossible ids; a bad value is a 400 naming the parameter.
Ordering always ends with the id, so that pages never skip or repeat a row.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter

from cooperation import selectors as cooperation_selectors
from cooperation.forms import ActivityFilter, SafeModelChoiceFilter
from cooperation.models import ActionPlan, ActivityStatus, Commitment, PlanStatus, Theme
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from events.models import Event, EventKind
from partners.models import Agency, AgencyKind
from reviews.models import Review, ReviewKind, ReviewStatus


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(SafeModelChoiceFilter):
    """One object by its id, among those the user can see."""


class IdleFilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the request names none of the filters: building
    a filter set (its form, the choices of every filter) is a good part of a short list's
    time, and with nothing given it filters nothing."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        filters = filterset_class.base_filters
        given = False
        for param, values in request.query_params.lists():
            # Range filters take name_after, name_before (name_min, …): a prefix counts too.
            named = [
                f for name, f in filters.items() if param == name or param.startswith(f"{name}_")
            ]
            given = given or bool(named)
            if any(not isinstance(f, django_filters.CharFilter) for f in named) and "" in values:
                # django-filter would take "" as "not given": the schema says a date, a
                # number, a choice, and "" is none of them.
                raise ValidationError({param: [_("Give a value, or leave the parameter out.")]})
            booleans = any(isinstance(f, django_filters.BooleanFilter) for f in named)
            if booleans and not {v.lower() for v in values} <= {"true", "false"}:
                # django-filter would take anything else as "not given".
                raise ValidationError({param: [_("Give true or false.")]})
        return super().filter_queryset(request, queryset, view) if given else queryset


class StableOrderingFilter(OrderingFilter):
    """``?ordering=-updated_at,title``: the given fields, then the id as a tie-breaker."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering.append("id")
        return ordering


class SafeSearchFilter(SearchFilter):
    """``?search=``: words found in either language. A NUL or a novel-length query is cut."""

    def get_search_terms(self, request):
        raw = request.query_params.get(self.search_param, "")
        cleaned = raw.replace("\x00", "")[:200]
        return [term for term in cleaned.replace(",", " ").split() if term][:10]


def _user(request):
    return getattr(request, "user", None)


def _plans(request):
    return cooperation_selectors.visible_plans(_user(request))


def _themes(request):
    return cooperation_selectors.visible_themes(_user(request))


def _cities(request):
    return cooperation_selectors.visible_cities(_user(request))


def _agencies(request):
    return cooperation_selectors.visible_agencies(_user(request))


def _updated_since(field: str = "updated_at"):
    return django_filters.IsoDateTimeFilter(
        field_name=field,
        lookup_expr="gte",
        label=_("Changed at or after this time (ISO 8601, e.g. 2024-05-01T12:00:00Z)."),
    )


class PlanFilter(django_filters.FilterSet):
    class Meta:
        model = ActionPlan
        fields = []

    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)


class ThemeFilter(django_filters.FilterSet):
    class Meta:
        model = Theme
        fields = []

    plan = SafeModelChoiceFilter(queryset=_plans)


class CommitmentFilter(django_filters.FilterSet):
    class Meta:
        model = Commitment
        fields = []

    plan = SafeModelChoiceFilter(field_name="theme__plan", queryset=_plans)
    theme = SafeModelChoiceFilter(queryset=_themes)


class AgencyFilter(django_filters.FilterSet):
    class Meta:
        model = Agency
        fields = []

    side = SafeModelChoiceFilter(
        field_name="city", queryset=_cities, label=_("The city whose side the agency is on.")
    )
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)
    third_party = django_filters.BooleanFilter(field_name="city", lookup_expr="isnull")


class ActivityApiFilter(ActivityFilter):
    """The activity list's filters (theme, status, side, agency, year, text) and more."""

    plan = SafeModelChoiceFilter(field_name="theme__plan", queryset=_plans)
    side = IdFilter(
        queryset=_cities, method="filter_side", help_text=_("The city of a lead agency.")
    )
    agency = IdFilter(
        queryset=_agencies, method="filter_agency", help_text=_("Leading or taking part.")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ActivityStatus.choices, help_text=_("One or more statuses.")
    )
    planned_start = django_filters.DateFromToRangeFilter()
    planned_end = django_filters.DateFromToRangeFilter()
    actual_start = django_filters.DateFromToRangeFilter()
    actual_end = django_filters.DateFromToRangeFilter()
    updated_since = _updated_since()


class EventFilter(django_filters.FilterSet):
    class Meta:
        model = Event
        fields = []

    plan = SafeModelChoiceFilter(queryset=_plans)
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)
    year = django_filters.NumberFilter(
        method="filter_year", min_value=EARLIEST_YEAR, max_value=LATEST_YEAR
    )
    host_city = SafeModelChoiceFilter(queryset=_cities)
    theme = SafeModelChoiceFilter(field_name="themes", queryset=_themes, distinct=False)
    organiser = IdFilter(queryset=_agencies, method="filter_organiser")
    start_date = django_filters.DateFromToRangeFilter()
    updated_since = _updated_since()

    def filter_year(self, queryset, name, value):
        return queryset.filter(Q(year=value) | Q(year__isnull=True, start_date__year=value))

    def filter_organiser(self, queryset, name, value):
        # A subquery, not a join: no duplicate rows, no DISTINCT.
        through = queryset.model.organisers.through.objects.filter(agency_id=value.pk)
        return queryset.filter(pk__in=through.values("event_id"))


class ReviewFilter(django_filters.FilterSet):
    class Meta:
        model = Review
        fields = []

    plan = SafeModelChoiceFilter(queryset=_plans)
    kind = django_filters.ChoiceFilter(choices=ReviewKind.choices)
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    due_date = django_filters.DateFromToRangeFilter()
