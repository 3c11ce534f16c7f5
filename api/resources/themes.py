"""Themes of a plan (Article Two), with their responsible agencies (read-only here)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from cooperation import selectors as cooperation_selectors
from cooperation.models import Theme, ThemeAgency
from cooperation.services import themes as services

from .. import filters
from ..base import PortalViewSet
from ..fields import TranslatedField
from ..history import HistoryMixin
from ..schema import ALL_WRITES, resource_schema
from ..serializers_base import StrictSerializer, user_of
from ..service_writes import ServiceWritesMixin


class ResponsibilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = ThemeAgency
        fields = ["agency", "role"]


class ThemeSerializer(StrictSerializer):
    name = TranslatedField("name", max_length=200)
    summary = TranslatedField("summary", required=False)
    responsible_agencies = ResponsibilitySerializer(
        source="responsibilities", many=True, read_only=True
    )

    class Meta:
        model = Theme
        fields = ["id", "plan", "code", "order", "name", "summary", "responsible_agencies"]
        # Themes are unique per plan by order and code: checked on save, answered with 400.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit("plan", cooperation_selectors.visible_plans(user_of(self)))


THEME_WRITES = "Coordinators of the partnership add, change and remove themes (as under "
THEME_WRITES += "/manage/). A theme moves to no other plan. Responsible agencies are read-only "
THEME_WRITES += "here (/manage/ edits them)."


@extend_schema_view(
    **resource_schema("themes", ThemeSerializer, writes=THEME_WRITES, methods=ALL_WRITES)
)
class ThemeViewSet(HistoryMixin, ServiceWritesMixin, mixins.ListModelMixin, PortalViewSet):
    serializer_class = ThemeSerializer
    filterset_class = filters.ThemeFilter
    ordering_fields = ("id", "order", "code")
    search_fields = ("name_en", "name_zh_hans", "summary_en", "summary_zh_hans")

    def get_queryset(self):
        return (
            cooperation_selectors.visible_themes(self.request.user)
            .prefetch_related(
                Prefetch(
                    "responsibilities",
                    queryset=ThemeAgency.objects.order_by("role", "agency_id", "id"),
                )
            )
            .order_by("plan_id", "order", "id")
        )

    def create_object(self, data):
        return services.create_theme(user=self.request.user, **data)

    def update_object(self, obj, data):
        return services.update_theme(user=self.request.user, theme=obj, **data)

    def delete_object(self, obj):
        services.delete_theme(user=self.request.user, theme=obj)
