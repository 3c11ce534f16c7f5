"""``GET /plans/{id}/funding-summary/`` (``?by=theme|commitment|year|source``): the money of
Article Three added up by source and currency (cooperation.money), never converted. Who sees
the plan sees it; the ETag changes with the figures, and If-None-Match answers 304."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation import money

from .. import etags
from ..etags import etag_for
from ..schema import ERRORS


class LineSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="first_city, second_city or third_party; ''")
    currency = serializers.CharField(help_text="ISO 4217 code.")
    committed = serializers.DecimalField(max_digits=20, decimal_places=2)
    spent = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text="Of the rows whose spending is reported."
    )
    rows = serializers.IntegerField(help_text="Funding rows added up.")
    reported = serializers.IntegerField(help_text="Rows whose spending is reported.")


class PartSerializer(serializers.Serializer):
    key = serializers.JSONField(
        help_text="Theme or commitment id, year, or source; null for none (no commitment or "
        "no year)."
    )
    label = serializers.CharField(help_text="In the request's language.")
    lines = LineSerializer(many=True, source="totals.lines")
    currencies = LineSerializer(many=True, source="totals.by_currency")


class SummarySerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    by = serializers.CharField(allow_null=True)
    sources = serializers.DictField(
        child=serializers.CharField(), help_text="Each source named after its city."
    )
    lines = LineSerializer(many=True, help_text="The plan's money by source and currency.")
    currencies = LineSerializer(many=True, help_text="All sources together, per currency.")
    parts = PartSerializer(many=True, allow_null=True, help_text="When `by` is given.")


class SplitSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=money.SPLITS, required=False)


SUMMARY = (
    "Funding by source (each city, third parties) and currency: amounts committed and spent. "
    "Amounts in different currencies are never converted or added together. A funding row's "
    "year is its activity's actual start, else its planned start."
)


class PlanFundingSummaryMixin:
    """On the plans' viewset: who may read the plan reads its funding summary."""

    @extend_schema(
        summary="The plan's funding, by source and currency",
        description=SUMMARY,
        parameters=[
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=list(money.SPLITS),
                description="Also split the plan's money by theme, commitment, year or source.",
            )
        ],
        responses={200: SummarySerializer, 304: None, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="funding-summary",
        url_name="funding-summary",
        filter_backends=[],
        pagination_class=None,
    )
    def funding_summary(self, request, pk=None):
        # A plain dict: DRF takes a QueryDict's "" as "not given", a choice it is not.
        query = SplitSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        by = query.validated_data.get("by")
        plan = self.get_object()
        totals = money.plan_totals(plan)
        data = SummarySerializer(
            {
                "plan": plan.pk,
                "by": by,
                "sources": dict(money.source_choices(plan.partnership)),
                "lines": totals.lines,
                "currencies": totals.by_currency(),
                "parts": money.plan_split(plan, by) if by else None,
            }
        ).data
        tag = etag_for(plan, data)
        if tag in etags.tags_in(request.headers.get("If-None-Match", "")):
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified["ETag"] = tag
            return not_modified
        response = Response(data)
        response["ETag"] = tag
        return response
