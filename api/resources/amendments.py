"""Amendments of a plan and the plan's versions (cooperation.services.amendments).

``/plans/{id}/amendments/`` lists and drafts, ``/amendments/{id}/`` reads and (while a draft or
returned) changes, and ``submit``, ``withdraw``, ``approve``, ``return`` move it on;
``/plans/{id}/versions/`` and ``/versions/{n}/`` read the frozen versions. Who may is the
service's: the author's side drafts and submits, only the other side approves or returns.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation import selectors as cooperation_selectors
from cooperation.amendments import selectors as amendment_selectors
from cooperation.amendments.models import Amendment, AmendmentChange, ChangeKind, PlanVersion
from cooperation.amendments.rules import CHANGE_FIELDS, MAX_CHANGES
from cooperation.models import ActionPlan, Commitment, ResponsibilityRole, Theme
from cooperation.services import amendments as services
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from partners.models import Agency

from ..base import PortalViewSet, pk_or_404
from ..etags import etag_for
from ..fields import SafePrimaryKeyRelatedField, TranslatedField
from ..schema import ERRORS, IF_MATCH, IF_NONE_MATCH, NOT_MODIFIED, READ_ERRORS, WRITE_ERRORS
from ..serializers_base import StrictMixin, user_of


class ChangeListSerializer(serializers.ListSerializer):
    """An amendment's changes: one at least (the service refuses none in its own words; the
    schema says minItems)."""

    schema_min_items = 1


class AmendmentChangeSerializer(StrictMixin, serializers.ModelSerializer):
    """One change: its kind, its target (theme, commitment, agency) and new values."""

    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    theme = SafePrimaryKeyRelatedField(
        queryset=Theme.objects.none(), required=False, allow_null=True
    )
    commitment = SafePrimaryKeyRelatedField(
        queryset=Commitment.objects.none(), required=False, allow_null=True
    )
    agency = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), required=False, allow_null=True
    )
    role = serializers.ChoiceField(
        choices=ResponsibilityRole.choices, required=False, allow_blank=True
    )
    text = TranslatedField("text", max_length=5000, required=False)
    summary = TranslatedField("summary", max_length=5000, required=False)
    start_year = serializers.IntegerField(
        min_value=EARLIEST_YEAR, max_value=LATEST_YEAR, required=False, allow_null=True
    )
    end_year = serializers.IntegerField(
        min_value=EARLIEST_YEAR, max_value=LATEST_YEAR, required=False, allow_null=True
    )

    class Meta:
        model = AmendmentChange
        list_serializer_class = ChangeListSerializer
        fields = [
            "order",
            "kind",
            "theme",
            "commitment",
            "agency",
            "role",
            "text",
            "summary",
            "start_year",
            "end_year",
        ]
        read_only_fields = ["order"]

    def limit_to(self, user) -> None:
        """Targets limited to what ``user`` sees (anything else "does not exist")."""
        self.fields["theme"].queryset = cooperation_selectors.visible_themes(user)
        self.fields["commitment"].queryset = cooperation_selectors.visible_commitments(user)
        self.fields["agency"].queryset = cooperation_selectors.visible_agencies(user)


class AmendmentSerializer(StrictMixin, serializers.ModelSerializer):
    title = TranslatedField("title", max_length=300)
    reason = TranslatedField("reason", max_length=5000)
    side = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The drafting side's city.")
    drafted_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    changes = AmendmentChangeSerializer(many=True, max_length=MAX_CHANGES)

    class Meta:
        model = Amendment
        fields = [
            "id",
            "plan",
            "number",
            "title",
            "reason",
            "effective_on",
            "status",
            "side",
            "drafted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "return_comment",
            "version",
            "changes",
        ]
        read_only_fields = [
            "plan",
            "number",
            "status",
            "submitted_at",
            "decided_at",
            "return_comment",
            "version",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The nested rows were built with the class, before there was a request.
        user = user_of(self)
        if user is not None:
            self.fields["changes"].child.limit_to(user)

    def values(self) -> dict:
        """The amendment's own fields for the service (without the changes)."""
        data = dict(self.validated_data)
        data.pop("changes", None)
        return data

    def change_rows(self) -> list[dict] | None:
        if "changes" not in self.validated_data:
            return None
        return [
            {name: change[name] for name in CHANGE_FIELDS if name in change}
            for change in self.validated_data["changes"]
        ]


class ReturnSerializer(StrictMixin, serializers.Serializer):
    comment = serializers.CharField(max_length=5000, allow_blank=True)


def _api_languages(value):
    """The frozen content with the API's language keys ("zh-hans", as everywhere else)."""
    if isinstance(value, dict):
        return {("zh-hans" if k == "zh_hans" else k): _api_languages(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_api_languages(v) for v in value]
    return value


class VersionSerializer(serializers.ModelSerializer):
    amendment = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    amendment_number = serializers.IntegerField(
        source="amendment.number", read_only=True, default=None, allow_null=True
    )
    snapshot = serializers.SerializerMethodField(
        help_text="The plan as it stood: title, period, themes with their responsible agencies "
        "and commitments, each text in both languages; withdrawn ones carry the amendment "
        "and date that withdrew them."
    )

    class Meta:
        model = PlanVersion
        fields = ["number", "effective_on", "amendment", "amendment_number", "snapshot"]

    def get_snapshot(self, version) -> dict:
        return _api_languages(version.snapshot)


AMENDMENT_WRITES = (
    "Coordinators of the side that drafted it, while it is a draft or returned. Sending "
    "`changes` replaces all of them. If-Match (the amendment's ETag) is checked when given."
)


def _answer(view, amendment, code=status.HTTP_200_OK):
    amendment = amendment_selectors.visible_amendments(view.request.user).get(pk=amendment.pk)
    data = AmendmentSerializer(amendment, context=view.get_serializer_context()).data
    response = Response(data, status=code)
    response["ETag"] = etag_for(amendment)
    return response


def _amendments_queryset(user):
    return amendment_selectors.visible_amendments(user).prefetch_related("changes")


class PlanAmendmentsMixin:
    """``/plans/{id}/amendments/`` and ``/plans/{id}/versions/``, on the plans' viewset."""

    @extend_schema(
        methods=["GET"],
        summary="The amendments of a plan",
        responses={200: AmendmentSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Draft an amendment",
        description="A coordinator of either side of the partnership, for their own side.",
        request=AmendmentSerializer,
        responses={201: AmendmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def amendments(self, request, pk=None):
        plan = self._plan_for_read()
        if request.method == "GET":
            amendments = (
                _amendments_queryset(request.user).filter(plan=plan).order_by("-created_at", "-id")
            )
            return Response(
                AmendmentSerializer(
                    amendments, many=True, context=self.get_serializer_context()
                ).data
            )
        serializer = AmendmentSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        amendment = services.draft_amendment(
            user=request.user,
            plan=plan,
            changes=serializer.change_rows() or [],
            **serializer.values(),
        )
        return _answer(self, amendment, status.HTTP_201_CREATED)

    def _plan_for_read(self):
        """The plan of the URL when the user sees it (drafting is the service's to allow)."""
        try:
            return cooperation_selectors.visible_plans(self.request.user).get(
                pk=pk_or_404(self.kwargs.get("pk", ""))
            )
        except ActionPlan.DoesNotExist:
            raise Http404 from None

    def _versions(self):
        plan = self._plan_for_read()
        if plan.status == "draft":
            return []
        services.ensure_signed_version(user=self.request.user, plan=plan)
        return list(amendment_selectors.versions_of_plan(plan))

    @extend_schema(
        summary="The versions of a plan",
        description="Version 1 is the plan as signed, then one per approved amendment, each "
        "frozen in both languages.",
        responses={200: VersionSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request, pk=None):
        return Response(VersionSerializer(self._versions(), many=True).data)

    @extend_schema(
        summary="One version of a plan", responses={200: VersionSerializer, **READ_ERRORS}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]{1,5})",
        filter_backends=[],
        pagination_class=None,
    )
    def version(self, request, pk=None, number=None):
        for version in self._versions():
            if version.number == int(number):
                return Response(VersionSerializer(version).data)
        raise Http404


@extend_schema_view(
    retrieve=extend_schema(
        summary="One amendment",
        parameters=[IF_NONE_MATCH],
        responses={200: AmendmentSerializer, 304: NOT_MODIFIED, **READ_ERRORS},
    ),
    update=extend_schema(
        description=AMENDMENT_WRITES,
        parameters=[IF_MATCH],
        responses={200: AmendmentSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        description=AMENDMENT_WRITES,
        parameters=[IF_MATCH],
        responses={200: AmendmentSerializer, **WRITE_ERRORS},
    ),
)
class AmendmentViewSet(PortalViewSet):
    serializer_class = AmendmentSerializer

    def get_queryset(self):
        return _amendments_queryset(self.request.user)

    def detail_response(self, obj, status_code=status.HTTP_200_OK):
        return _answer(self, obj, status_code)

    @transaction.atomic
    def update(self, request, *args, partial=False, **kwargs):
        amendment = self.get_object()
        serializer = AmendmentSerializer(
            amendment, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        self.check_if_match(amendment)
        amendment = services.update_amendment(
            user=request.user,
            amendment=amendment,
            expected_version=amendment.version,
            changes=serializer.change_rows(),
            **serializer.values(),
        )
        return _answer(self, amendment)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def _move(self, service, **kwargs):
        with transaction.atomic():
            amendment = self.get_object()
            self.check_if_match(amendment)
            service(
                user=self.request.user,
                amendment=amendment,
                expected_version=amendment.version,
                **kwargs,
            )
        return _answer(self, amendment)

    @extend_schema(
        summary="Submit it to the other side",
        parameters=[IF_MATCH],
        request=None,
        responses={200: AmendmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._move(services.submit_amendment)

    @extend_schema(
        summary="Withdraw it (its author's side)",
        parameters=[IF_MATCH],
        request=None,
        responses={200: AmendmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        return self._move(services.withdraw_amendment)

    @extend_schema(
        summary="Approve it (the other side): its changes apply, the plan gets a new version",
        parameters=[IF_MATCH],
        request=None,
        responses={200: AmendmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        return self._move(services.approve_amendment)

    @extend_schema(
        summary="Return it to its authors with a comment (the other side)",
        parameters=[IF_MATCH],
        request=ReturnSerializer,
        responses={200: AmendmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_(self, request, pk=None):
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._move(services.return_amendment, comment=serializer.validated_data["comment"])
