"""Reviews of a plan (Article Four) with their per-theme assessments, and the review
workflow (start, assess, complete, reopen) through ``reviews.services``."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation import selectors as cooperation_selectors
from cooperation.models import Theme
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.models import Conclusion, Rating, Review, ReviewKind, ThemeAssessment

from .. import filters
from ..base import PortalViewSet
from ..etags import etag_for
from ..exceptions import PreconditionFailed
from ..fields import SafePrimaryKeyRelatedField, TranslatedField
from ..history import HistoryMixin
from ..schema import ERRORS, IF_MATCH, WRITE_ERRORS, resource_schema
from ..serializers_base import StrictMixin, StrictSerializer, user_of


class AssessmentSerializer(serializers.ModelSerializer):
    narrative = TranslatedField("narrative", read_only=True)
    assessed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ThemeAssessment
        fields = ["id", "theme", "rating", "narrative", "assessed_by", "updated_at"]


class AssessmentWriteSerializer(StrictMixin, serializers.Serializer):
    """``POST /api/v1/reviews/{id}/assessments/``: the assessment of one theme (created or
    replaced)."""

    theme = SafePrimaryKeyRelatedField(queryset=Theme.objects.none())
    rating = serializers.ChoiceField(choices=Rating.choices)
    narrative = TranslatedField("narrative", max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = cooperation_selectors.visible_themes(user_of(self))


class ReviewSerializer(StrictSerializer):
    title = TranslatedField("title", max_length=200, require_one=True)
    description = TranslatedField("description", required=False)
    conclusions_text = TranslatedField("conclusions_text", read_only=True)
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=365),
        max_length=50,
        required=False,
        help_text="Days before the due date on which reminders go out.",
    )
    kind = serializers.ChoiceField(choices=ReviewKind.choices, default=ReviewKind.AD_HOC)
    conclusion = serializers.ChoiceField(
        choices=Conclusion.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty until the review is completed.",
    )
    assessments = AssessmentSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "plan",
            "code",
            "kind",
            "title",
            "description",
            "due_date",
            "status",
            "conclusion",
            "conclusions_text",
            "completed_at",
            "reminder_days",
            "version",
            "assessments",
        ]
        read_only_fields = ["code", "status", "completed_at", "version"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit("plan", cooperation_selectors.visible_plans(user_of(self)))


class ReviewScheduleSerializer(StrictMixin, serializers.Serializer):
    """``PATCH /api/v1/reviews/{id}/``: the schedule (the rest changes through the workflow)."""

    due_date = serializers.DateField(required=False)
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=365), max_length=50, required=False
    )


class ReviewCompletionSerializer(StrictMixin, serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    conclusions_text = TranslatedField("conclusions_text", max_length=20000, required=False)


REVIEW_WRITES = (
    "Coordinators of the partnership. Creating adds an ad-hoc review (or a formal one the plan "
    "lacks); PATCH changes the schedule only (due_date, reminder_days); the rest moves through "
    "start, assessments, complete and reopen. If-Match (the review's ETag) is checked when given."
)


@extend_schema_view(
    **resource_schema("reviews", ReviewSerializer, writes=REVIEW_WRITES, methods=("create",)),
    partial_update=extend_schema(
        description=REVIEW_WRITES,
        parameters=[IF_MATCH],
        request=ReviewScheduleSerializer,
        responses={200: ReviewSerializer, **WRITE_ERRORS},
    ),
)
class ReviewViewSet(HistoryMixin, mixins.ListModelMixin, PortalViewSet):
    """Reviews of a plan (Article Four) with their per-theme assessments."""

    serializer_class = ReviewSerializer
    filterset_class = filters.ReviewFilter
    ordering_fields = ("id", "due_date", "status")
    search_fields = ("title_en", "title_zh_hans")

    def get_queryset(self):
        return (
            review_selectors.reviews_visible_to(self.request.user)
            .select_related("plan__partnership")
            .prefetch_related(
                Prefetch(
                    "assessments",
                    queryset=ThemeAssessment.objects.select_related(
                        "assessed_by", "theme"
                    ).order_by("theme__order", "id"),
                )
            )
            .order_by("due_date", "id")
        )

    def get_serializer_class(self):
        return {
            "partial_update": ReviewScheduleSerializer,
            "assessments": AssessmentWriteSerializer,
            "complete": ReviewCompletionSerializer,
        }.get(self.action, ReviewSerializer)

    def _expected_version(self, review) -> int:
        self.check_if_match(review)
        return review.version

    def _answer(self, review, code=status.HTTP_200_OK):
        response = Response(
            ReviewSerializer(self.fresh(review), context=self.get_serializer_context()).data,
            status=code,
        )
        response["ETag"] = etag_for(review)
        return response

    def detail_response(self, obj, status_code=status.HTTP_200_OK):
        data = ReviewSerializer(obj, context=self.get_serializer_context()).data
        response = Response(data, status=status_code)
        response["ETag"] = etag_for(obj)
        return response

    def _workflow(self, call, **kwargs):
        try:
            return call(user=self.request.user, **kwargs)
        except review_services.ReviewConflict as conflict:
            raise PreconditionFailed(current_etag=etag_for(conflict.current)) from None

    def create(self, request, *args, **kwargs):
        serializer = ReviewSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = review_services.create_review(
            user=request.user,
            plan=data["plan"],
            kind=data.get("kind", ReviewKind.AD_HOC),
            title_en=data.get("title_en", ""),
            title_zh_hans=data.get("title_zh_hans", ""),
            description_en=data.get("description_en", ""),
            description_zh_hans=data.get("description_zh_hans", ""),
            due_date=data["due_date"],
            reminder_days=data.get("reminder_days"),
        )
        return self._answer(review, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        with transaction.atomic():
            review = self.get_object()
            serializer = ReviewScheduleSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            expected = self._expected_version(review)
            data = serializer.validated_data
            review = self._workflow(
                review_services.update_review_schedule,
                review=review,
                due_date=data.get("due_date", review.due_date),
                reminder_days=data.get("reminder_days", review.reminder_days),
                expected_version=expected,
            )
        return self._answer(review)

    @extend_schema(
        summary="Start the preparation of a scheduled review",
        parameters=[IF_MATCH],
        request=None,
        responses={200: ReviewSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def start(self, request, pk=None):
        with transaction.atomic():
            review = self.get_object()
            review = self._workflow(
                review_services.start_preparation,
                review=review,
                expected_version=self._expected_version(review),
            )
        return self._answer(review)

    @extend_schema(
        summary="Assess one theme (created, or replaced)",
        description="Assessing a scheduled review starts its preparation; a completed review "
        "must be reopened first.",
        request=AssessmentWriteSerializer,
        responses={200: ReviewSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def assessments(self, request, pk=None):
        with transaction.atomic():
            review = self.get_object()
            serializer = AssessmentWriteSerializer(
                data=request.data, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            self._workflow(
                review_services.save_assessment,
                review=review,
                theme=data["theme"],
                rating=data["rating"],
                narrative_en=data.get("narrative_en", ""),
                narrative_zh_hans=data.get("narrative_zh_hans", ""),
            )
        return self._answer(review)

    @extend_schema(
        summary="Complete a review with its conclusion",
        description="Every theme must be assessed first.",
        parameters=[IF_MATCH],
        request=ReviewCompletionSerializer,
        responses={200: ReviewSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        with transaction.atomic():
            review = self.get_object()
            serializer = ReviewCompletionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            expected = self._expected_version(review)
            data = serializer.validated_data
            review = self._workflow(
                review_services.complete_review,
                review=review,
                conclusion=data["conclusion"],
                conclusions_text_en=data.get("conclusions_text_en", ""),
                conclusions_text_zh_hans=data.get("conclusions_text_zh_hans", ""),
                expected_version=expected,
            )
        return self._answer(review)

    @extend_schema(
        summary="Reopen a completed review",
        parameters=[IF_MATCH],
        request=None,
        responses={200: ReviewSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request, pk=None):
        with transaction.atomic():
            review = self.get_object()
            review = self._workflow(
                review_services.reopen_review,
                review=review,
                expected_version=self._expected_version(review),
            )
        return self._answer(review)
