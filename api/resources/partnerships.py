"""Partnerships: the user's own, with their two cities. Read-only: administrators set them up."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from cooperation import selectors as cooperation_selectors
from cooperation.models import Partnership
from partners.models import City

from ..base import PortalViewSet
from ..fields import TranslatedField
from ..history import HistoryMixin
from ..schema import resource_schema


class CitySerializer(serializers.ModelSerializer):
    name = TranslatedField("name", read_only=True)
    country = TranslatedField("country", read_only=True)

    class Meta:
        model = City
        fields = ["id", "code", "name", "country", "time_zone", "default_language"]


class PartnershipSerializer(serializers.ModelSerializer):
    first_city = CitySerializer(read_only=True)
    second_city = CitySerializer(read_only=True)
    agreement_title = TranslatedField("agreement_title", read_only=True)

    class Meta:
        model = Partnership
        fields = ["id", "code", "first_city", "second_city", "established", "agreement_title"]


@extend_schema_view(**resource_schema("partnerships", PartnershipSerializer))
class PartnershipViewSet(HistoryMixin, mixins.ListModelMixin, PortalViewSet):
    """The partnerships the user belongs to. Read-only: they are set up by administrators."""

    serializer_class = PartnershipSerializer
    ordering_fields = ("id", "code", "established")
    search_fields = ("code", "agreement_title_en", "agreement_title_zh_hans")

    def get_queryset(self):
        return cooperation_selectors.visible_partnerships(self.request.user).order_by("code", "id")
