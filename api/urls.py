"""/api/: version 1 of the REST API, its OpenAPI schema and its documentation."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from .iati.views import PlanIatiViewSet
from .resources.activities import ActivityViewSet
from .resources.agencies import AgencyViewSet
from .resources.amendments import AmendmentViewSet
from .resources.commitments import CommitmentViewSet
from .resources.events import EventViewSet
from .resources.evidence import EvidenceViewSet
from .resources.partnerships import PartnershipViewSet
from .resources.plans import PlanViewSet
from .resources.reports import ReportViewSet
from .resources.reviews import ReviewViewSet
from .resources.themes import ThemeViewSet
from .schema import SchemaView

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
# Activities first: asked most often, and resolving an address tries the routes in order.
router.register("activities", ActivityViewSet, basename="activity")
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("plans", PlanViewSet, basename="plan")
router.register("themes", ThemeViewSet, basename="theme")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("events", EventViewSet, basename="event")
router.register("reviews", ReviewViewSet, basename="review")
router.register("reports", ReportViewSet, basename="report")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("amendments", AmendmentViewSet, basename="amendment")

# The documentation pages load only our own static files (drf-spectacular-sidecar) and no
# inline script (the split view serves Swagger UI's set-up as a script file). Both viewers
# style themselves at run time, so these two pages alone allow inline styles.
_docs_csp = csp_update({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})

urlpatterns = [
    # Not a router action: the address ends in ".xml", not in a slash.
    path(
        "v1/plans/<str:pk>/iati.xml",
        PlanIatiViewSet.as_view({"get": "export"}),
        name="plan-iati",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        _docs_csp(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    path(
        "redoc/",
        _docs_csp(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
]
