"""Agencies of the partnership's cities, and the third parties the partnership names."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins

from cooperation import selectors
from cooperation.models import Partnership
from partners import access, services
from partners.access import Action
from partners.models import Agency, City

from .. import filters, stamps
from ..base import PortalViewSet
from ..fields import OptionalURLField, SafePrimaryKeyRelatedField, TranslatedField
from ..history import HistoryMixin
from ..schema import ALL_WRITES, resource_schema
from ..serializers_base import StrictSerializer, id_list, user_of
from ..service_writes import ServiceWritesMixin


class AgencySerializer(StrictSerializer):
    name = TranslatedField("name", max_length=200)
    website = OptionalURLField(max_length=200, allow_blank=True, required=False)
    city = SafePrimaryKeyRelatedField(
        queryset=City.objects.none(),
        allow_null=True,
        required=False,
        help_text="The city whose side the agency is on; null for a third party.",
    )
    parent = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), allow_null=True, required=False
    )
    partnerships = id_list(
        queryset=Partnership.objects.none(),
        required=False,
        help_text="A third party's partnerships (those of yours that name it): only their "
        "members see it. Empty for an agency of a side. Left out when adding a third party: "
        "all of yours. Once named, it stays named.",
    )

    class Meta:
        model = Agency
        fields = ["id", "code", "city", "kind", "name", "parent", "website", "partnerships"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = user_of(self)
        self.limit("city", selectors.visible_cities(user))
        self.limit("parent", selectors.visible_agencies(user))
        self.limit("partnerships", selectors.visible_partnerships(user))


AGENCY_WRITES = "Coordinators add and change the agencies of their own side, and the third "
AGENCY_WRITES += "parties (no side) their partnerships name, and remove those nothing refers to."


@extend_schema_view(
    **resource_schema("agencies", AgencySerializer, writes=AGENCY_WRITES, methods=ALL_WRITES)
)
class AgencyViewSet(HistoryMixin, ServiceWritesMixin, mixins.ListModelMixin, PortalViewSet):
    """Agencies of the partnership's cities, and the third parties the partnership names."""

    serializer_class = AgencySerializer
    filterset_class = filters.AgencyFilter
    change_action = Action.CHANGE
    delete_action = Action.DELETE
    ordering_fields = ("id", "code", "name_en", "name_zh_hans", "kind")
    search_fields = ("code", "name_en", "name_zh_hans")

    def get_queryset(self):
        user = self.request.user
        # A third party's partnerships: only those the reader is part of (one query).
        naming = Partnership.objects.filter(access.partnership_q(user)).only("id")
        return (
            selectors.visible_agencies(user)
            .prefetch_related(Prefetch("partnerships", queryset=naming))
            .order_by("city_id", "code", "id")
        )

    def list_stamp(self) -> list[str]:
        # Naming a third party in a partnership writes no history entry (it would show one
        # partnership's id to another's members): the memberships' own count and newest id.
        return stamps.table_stamp(Agency.partnerships.through)

    def create_object(self, data):
        return services.create_agency(user=self.request.user, **data)

    def update_object(self, obj, data):
        return services.update_agency(user=self.request.user, agency=obj, **data)

    def delete_object(self, obj):
        services.delete_agency(user=self.request.user, agency=obj)
