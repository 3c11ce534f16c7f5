"""Commitments: the concrete undertakings inside a theme, with the agencies that carry them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins

from cooperation import selectors as cooperation_selectors
from cooperation.models import Commitment
from partners import access
from partners.models import Agency

from .. import filters
from ..base import PortalViewSet
from ..fields import TranslatedField
from ..model_writes import ModelWritesMixin
from ..schema import ALL_WRITES, resource_schema
from ..serializers_base import StrictSerializer, id_list, user_of
from ..visibility import visible_agencies


class CommitmentSerializer(StrictSerializer):
    text = TranslatedField("text")
    agencies = id_list(queryset=Agency.objects.none(), required=False)

    class Meta:
        model = Commitment
        fields = ["id", "theme", "code", "order", "text", "target_count", "frequency", "agencies"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = user_of(self)
        self.limit("theme", cooperation_selectors.visible_themes(user))
        self.limit("agencies", visible_agencies(user))


COMMITMENT_WRITES = "Coordinators of the partnership add, change and remove commitments."


@extend_schema_view(
    **resource_schema(
        "commitments", CommitmentSerializer, writes=COMMITMENT_WRITES, methods=ALL_WRITES
    )
)
class CommitmentViewSet(ModelWritesMixin, mixins.ListModelMixin, PortalViewSet):
    serializer_class = CommitmentSerializer
    filterset_class = filters.CommitmentFilter
    m2m_fields = ("agencies",)
    ordering_fields = ("id", "order", "code")
    search_fields = ("text_en", "text_zh_hans", "code")

    def get_queryset(self):
        return (
            Commitment.objects.filter(
                access.partnership_q(self.request.user, "theme__plan__partnership")
            )
            .select_related("theme__plan__partnership")
            .prefetch_related("agencies")
            .order_by("theme__plan_id", "theme__order", "order", "id")
        )
