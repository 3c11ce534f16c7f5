"""Commitments: the concrete undertakings inside a theme, with the agencies that carry them."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins

from cooperation import selectors as cooperation_selectors
from cooperation.models import Commitment
from cooperation.services import commitments as services
from partners.models import Agency

from .. import filters
from ..base import PortalViewSet
from ..fields import TranslatedField
from ..history import HistoryMixin
from ..schema import ALL_WRITES, resource_schema
from ..serializers_base import StrictSerializer, id_list, user_of
from ..service_writes import ServiceWritesMixin


class CommitmentSerializer(StrictSerializer):
    text = TranslatedField("text")
    derived_from = TranslatedField(
        "derived_from",
        required=False,
        help_text="The signed sentence, verbatim, when the text is one undertaking split from "
        "it; empty when the text itself is quoted.",
    )
    agencies = id_list(queryset=Agency.objects.none(), required=False)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "theme",
            "code",
            "order",
            "text",
            "derived_from",
            "target_count",
            "frequency",
            "agencies",
        ]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.parses():  # never nested: its writes come with their own data
            return
        user = user_of(self)
        self.limit("theme", cooperation_selectors.visible_themes(user))
        self.limit("agencies", cooperation_selectors.visible_agencies(user))


COMMITMENT_WRITES = "Coordinators of the partnership add, change and remove commitments."


@extend_schema_view(
    **resource_schema(
        "commitments", CommitmentSerializer, writes=COMMITMENT_WRITES, methods=ALL_WRITES
    )
)
class CommitmentViewSet(HistoryMixin, ServiceWritesMixin, mixins.ListModelMixin, PortalViewSet):
    serializer_class = CommitmentSerializer
    filterset_class = filters.CommitmentFilter
    ordering_fields = ("id", "order", "code")
    search_fields = ("text_en", "text_zh_hans", "code")

    def get_queryset(self):
        commitments = cooperation_selectors.visible_commitments(self.request.user)
        if self.action != "list":  # a detail's permission check reads the partnership
            commitments = commitments.select_related("theme__plan__partnership")
        return commitments.prefetch_related(
            Prefetch("agencies", queryset=Agency.objects.only("id"))  # the JSON has ids only
        ).order_by("theme__plan_id", "theme__order", "order", "id")

    def create_object(self, data):
        return services.create_commitment(user=self.request.user, **data)

    def update_object(self, obj, data):
        return services.update_commitment(user=self.request.user, commitment=obj, **data)

    def delete_object(self, obj):
        services.delete_commitment(user=self.request.user, commitment=obj)
