"""Funding of an activity by source (Article Three), under ``/activities/{id}/funding/``:
who may change the activity, through ``cooperation.funding``. Each change moves the
activity's ETag on."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation.models import Activity, Funding, FundingSource
from cooperation.services import funding as cooperation_funding
from partners.access import Action

from ..base import pk_or_404
from ..etags import etag_for
from ..fields import TranslatedField, TranslatedOrPlainField
from ..schema import IF_MATCH, READ_ERRORS, WRITE_ERRORS
from ..serializers_base import StrictMixin


class FundingSerializer(serializers.ModelSerializer):
    funder = TranslatedField("funder", read_only=True)

    class Meta:
        model = Funding
        fields = ["id", "source", "funder", "amount", "spent", "currency"]


class CurrencyField(serializers.CharField):
    """Three letters (cooperation.services.funding upper-cases and checks them)."""

    schema_pattern = r"^[A-Za-z]{3}$"


class AmountField(serializers.DecimalField):
    """An amount from 0 to MAX_AMOUNT: the service refuses others in its own words; the
    schema says the range (api.openapi)."""

    schema_range = (0, cooperation_funding.MAX_AMOUNT)


class FundingWriteSerializer(StrictMixin, serializers.Serializer):
    """One source's money. The currency (ISO 4217) and amount (not negative) rules are
    cooperation.funding's: broken, they answer 400 naming the field."""

    id = serializers.IntegerField(read_only=True)
    source = serializers.ChoiceField(choices=FundingSource.choices)
    funder = TranslatedOrPlainField("funder", max_length=200, required=False)
    amount = AmountField(
        max_digits=14,
        decimal_places=2,
        help_text="The amount committed (planned).",
    )
    spent = AmountField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        required=False,
        help_text="The amount actually spent; null until reported.",
    )
    currency = CurrencyField(
        max_length=3,
        required=False,
        help_text="Three-letter ISO 4217 code (upper-cased); EUR when left out.",
    )


FUNDING_WRITES = (
    "Who may change the activity. The currency is a three-letter ISO 4217 code (EUR, CNY…), "
    "the amounts committed and spent are neither negative nor above ten billion. Each change "
    "moves the activity's ETag on; If-Match (the "
    "activity's ETag) is checked when given."
)
FUNDING_ID = OpenApiParameter("funding_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class FundingActions:
    """Mixed into ActivityViewSet: ``funding/`` (GET, POST) and ``funding/{funding_id}/``
    (PUT, PATCH, DELETE)."""

    def _funding_answer(self, activity, data=None, code=status.HTTP_200_OK) -> Response:
        response = Response(data, status=code)
        response["ETag"] = etag_for(Activity.objects.only("pk", "version").get(pk=activity.pk))
        return response

    @extend_schema(
        methods=["GET"],
        summary="The funding of an activity",
        responses={200: FundingWriteSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a source of funding to an activity",
        description=FUNDING_WRITES,
        parameters=[IF_MATCH],
        request=FundingWriteSerializer,
        responses={201: FundingWriteSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="funding",
        url_name="funding",
        change_action=Action.CHANGE,
        filter_backends=[],
        pagination_class=None,
    )
    def funding(self, request, pk=None):
        if request.method == "GET":
            activity = self.get_object()
            return Response(FundingWriteSerializer(activity.fundings.all(), many=True).data)
        with transaction.atomic():
            activity = self.get_object()
            serializer = FundingWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            self.check_if_match(activity)
            funding = cooperation_funding.add_funding(
                user=request.user, activity=activity, **serializer.validated_data
            )
        return self._funding_answer(
            activity, FundingWriteSerializer(funding).data, status.HTTP_201_CREATED
        )

    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Change a source of funding of an activity",
        description=FUNDING_WRITES,
        parameters=[IF_MATCH, FUNDING_ID],
        request=FundingWriteSerializer,
        responses={200: FundingWriteSerializer, **WRITE_ERRORS},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove a source of funding from an activity",
        description=FUNDING_WRITES,
        parameters=[IF_MATCH, FUNDING_ID],
        request=None,
        responses={204: None, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["put", "patch", "delete"],
        url_path=r"funding/(?P<funding_id>[^/.]+)",
        url_name="funding-detail",
        change_action=Action.CHANGE,
        delete_action=Action.CHANGE,
        filter_backends=[],
    )
    def funding_detail(self, request, pk=None, funding_id=None):
        with transaction.atomic():
            activity = self.get_object()
            try:
                funding = activity.fundings.select_for_update().get(pk=pk_or_404(funding_id))
            except Funding.DoesNotExist:
                raise Http404 from None
            funding.activity = activity
            if request.method == "DELETE":
                self.check_if_match(activity)
                cooperation_funding.delete_funding(user=request.user, funding=funding)
                return self._funding_answer(activity, None, status.HTTP_204_NO_CONTENT)
            serializer = FundingWriteSerializer(
                funding, data=request.data, partial=request.method == "PATCH"
            )
            serializer.is_valid(raise_exception=True)
            self.check_if_match(activity)
            funding = cooperation_funding.update_funding(
                user=request.user, funding=funding, **serializer.validated_data
            )
        return self._funding_answer(activity, FundingWriteSerializer(funding).data)
