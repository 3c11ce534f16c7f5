"""Events, with their programme: items are added and removed through ``events.services``
(times without an offset are the host city's local times)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation import selectors as cooperation_selectors
from cooperation.models import Activity, Theme
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from events import selectors as event_selectors
from events import services as event_services
from events.models import Event, EventSeries, ProgrammeItem
from partners.access import Action
from partners.models import Agency, City

from .. import filters
from ..base import PortalViewSet, pk_or_404
from ..fields import SafePrimaryKeyRelatedField, TranslatedField
from ..history import HistoryMixin
from ..schema import ALL_WRITES, ERRORS, resource_schema
from ..serializers_base import StrictSerializer, id_list, user_of
from ..service_writes import ServiceWritesMixin


class ProgrammeItemSerializer(StrictSerializer):
    title = TranslatedField("title", max_length=300, require_one=True)
    venue = TranslatedField("venue", max_length=300, required=False)
    organiser = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), allow_null=True, required=False
    )

    class Meta:
        model = ProgrammeItem
        fields = ["id", "starts_at", "ends_at", "title", "venue", "organiser"]
        extra_kwargs = {
            "starts_at": {"help_text": "A time without an offset is the host city's local time."},
            "ends_at": {"help_text": "A time without an offset is the host city's local time."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.parses():  # nested read-only in an event; written on its own with data
            return
        self.limit("organiser", cooperation_selectors.visible_agencies(user_of(self)))


class EventSerializer(StrictSerializer):
    title = TranslatedField("title", max_length=300, require_one=True)
    description = TranslatedField("description", required=False)
    venue = TranslatedField("venue", max_length=300, required=False)
    themes = id_list(queryset=Theme.objects.none(), required=False)
    activities = id_list(queryset=Activity.objects.none(), required=False)
    organisers = id_list(
        queryset=Agency.objects.none(),
        required=False,
        help_text="Coordinators only: agency staff cannot change who organises an event.",
    )
    series = SafePrimaryKeyRelatedField(
        queryset=EventSeries.objects.none(), allow_null=True, required=False
    )
    host_city = SafePrimaryKeyRelatedField(
        queryset=City.objects.none(), allow_null=True, required=False
    )
    programme = ProgrammeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "plan",
            "code",
            "series",
            "kind",
            "title",
            "description",
            "host_city",
            "venue",
            "year",
            "start_date",
            "end_date",
            "themes",
            "activities",
            "organisers",
            "is_demo",
            "updated_at",
            "programme",
        ]
        read_only_fields = ["is_demo", "updated_at"]
        extra_kwargs = {
            "plan": {"help_text": "Coordinators only: staff cannot move an event to another plan."},
            "year": {"min_value": EARLIEST_YEAR, "max_value": LATEST_YEAR},
        }
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.parses():  # never nested: its writes come with their own data
            return
        user = user_of(self)
        self.limit("plan", cooperation_selectors.visible_plans(user))
        self.limit("series", event_selectors.series_visible_to(user))
        self.limit("host_city", cooperation_selectors.visible_cities(user))
        self.limit("themes", cooperation_selectors.visible_themes(user))
        self.limit("activities", cooperation_selectors.visible_activities(user))
        self.limit("organisers", cooperation_selectors.visible_agencies(user))


EVENT_WRITES = (
    "Coordinators add and remove events. Coordinators, and staff of an organising agency, "
    "change an event; only coordinators change its plan and its organisers (as under /manage/)."
)


@extend_schema_view(
    **resource_schema("events", EventSerializer, writes=EVENT_WRITES, methods=ALL_WRITES)
)
class EventViewSet(HistoryMixin, ServiceWritesMixin, mixins.ListModelMixin, PortalViewSet):
    """Events with their programme (read-only here: add and remove items below)."""

    serializer_class = EventSerializer
    filterset_class = filters.EventFilter
    change_action = Action.CHANGE
    ordering_fields = ("id", "start_date", "end_date", "year", "updated_at")
    search_fields = (
        "title_en",
        "title_zh_hans",
        "description_en",
        "description_zh_hans",
        "venue_en",
        "venue_zh_hans",
    )

    def get_queryset(self):
        return (
            event_selectors.event_list(self.request.user)
            .prefetch_related(
                Prefetch("activities", queryset=Activity.objects.only("id")),  # ids in the JSON
                Prefetch("programme", queryset=ProgrammeItem.objects.order_by("starts_at", "id")),
            )
            .select_related("plan__partnership")
        )

    def create_object(self, data):
        return event_services.create_event(user=self.request.user, **data)

    def update_object(self, obj, data):
        return event_services.update_event(user=self.request.user, event=obj, **data)

    def delete_object(self, obj):
        event_services.delete_event(user=self.request.user, event=obj)

    @extend_schema(
        summary="Add an item to an event's programme",
        description="Who may change the event may plan its programme. Times without an offset "
        "are the host city's local times.",
        request=ProgrammeItemSerializer,
        responses={201: ProgrammeItemSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="programme-items",
        url_name="programme-items",
        change_action=Action.CHANGE,
        filter_backends=[],
    )
    def programme_items(self, request, pk=None):
        with transaction.atomic():
            event = self.get_object()
            # Times without an offset are the host city's local times, as on the page.
            with timezone.override(event_selectors.event_time_zone(event)):
                return self._add_programme_item(request, event)

    def _add_programme_item(self, request, event):
        serializer = ProgrammeItemSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = event_services.add_programme_item(
            user=request.user,
            event=event,
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            title_en=data.get("title_en", ""),
            title_zh_hans=data.get("title_zh_hans", ""),
            venue_en=data.get("venue_en", ""),
            venue_zh_hans=data.get("venue_zh_hans", ""),
            organiser=data.get("organiser"),
        )
        return Response(ProgrammeItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove an item from an event's programme",
        parameters=[OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        responses={204: None, **ERRORS},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"programme-items/(?P<item_id>[^/.]+)",
        url_name="programme-item",
        delete_action=Action.CHANGE,
        filter_backends=[],
    )
    @transaction.atomic
    def programme_item(self, request, pk=None, item_id=None):
        event = self.get_object()
        try:
            item = event.programme.get(pk=pk_or_404(item_id))
        except ProgrammeItem.DoesNotExist:
            raise Http404 from None
        event_services.delete_programme_item(user=request.user, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_serializer_class(self):
        if self.action == "programme_items":
            return ProgrammeItemSerializer
        return super().get_serializer_class()
