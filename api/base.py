"""The base of every resource's viewset: rows of the user's partnerships, object permissions
from partners.access, request rates checked before permissions, ETags and conditional reads."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.utils.cache import patch_vary_headers
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from core.ids import parse_id
from partners.access import Action

from . import etags, stamps, throttles
from .etags import etag_for
from .exceptions import FromCache, NotModified
from .filters import IdleFilterBackend
from .permissions import AccessPermission

# How long a rendered list or detail is kept at most: its key changes with any change it
# shows anyway.
BODY_SECONDS = 300


def pk_or_404(raw) -> int:
    """An id from the URL; anything a database key cannot hold is 404, never an overflow."""
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    return pk


class PortalViewSet(viewsets.GenericViewSet):
    """Rows of the user's partnerships; object permissions from partners.access."""

    permission_classes = [AccessPermission]
    # Which access action a PATCH/PUT and a DELETE need (see permissions.action_for), and
    # which one creating needs on the new object.
    change_action = Action.MANAGE
    delete_action = Action.MANAGE
    create_action = Action.MANAGE
    # Every list has a stable order: the selectors' order, else this one.
    ordering = ("id",)
    ordering_fields = ("id",)
    search_fields: tuple = ()
    # The token's authentication may send the user's rate check early: ``initial`` settles it.
    settles_early_throttle = True

    def initial(self, request, *args, **kwargs):
        """As DRF's, but request rates are checked before permissions: a client without a
        valid token is throttled too (DRF would answer it 401 for ever)."""
        try:
            self._initial(request, *args, **kwargs)
        finally:
            throttles.settle(request)  # an early rate check nobody took (api.throttles)

    def _initial(self, request, *args, **kwargs):
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        try:
            self.perform_authentication(request)
        except exceptions.AuthenticationFailed:
            self.check_throttles(request)  # counted as anonymous
            raise
        self.check_throttles(request)
        self.check_permissions(request)
        self.list_etag = self.change_stamp = self.detail_key = None
        if request.method in ("GET", "HEAD") and self.action in ("list", "retrieve"):
            # Before any row is read: a current copy costs one query of stamps (none more
            # after a token's, which read it). The stamp also keys the list's cached count
            # (api.pagination) and the rendered bodies below.
            self.change_stamp = self.current_stamp(request)
            view_tag = etags.list_etag(request, self.change_stamp)
            if self.action == "list":
                self.check_query(request)
                self.list_etag = view_tag
                if etags.none_match(request.headers.get("If-None-Match"), view_tag):
                    raise NotModified(view_tag)
            else:
                self.detail_key = view_tag
            cached = cache.get(self.body_key()) if self.caches_body() else None
            if cached is not None:
                content, content_type, etag = cached
                if etags.none_match(request.headers.get("If-None-Match"), etag):
                    raise NotModified(etag)
                raise FromCache(content, content_type, etag)

    def check_query(self, request) -> None:
        """A bad page, page size or filter is a 400 before a 304 or a cached body could answer
        (RFC 9110 13.2.1: conditions are ignored when the request is refused anyway). Nothing
        to check, nothing read: the filters' choices are only built when filters are given."""
        if not request.query_params:
            return
        if self.paginator is not None and hasattr(self.paginator, "check_numbers"):
            self.paginator.check_numbers(request)
        for backend in self.filter_backends:
            if issubclass(backend, IdleFilterBackend):
                backend().filter_queryset(request, self.get_queryset(), self)

    def current_stamp(self, request) -> str:
        """The change stamp (api.etags), as the token's lookup read it if it did."""
        extra = self.list_stamp()
        stamp = getattr(request._request, "change_stamp", None)
        if extra or stamp is None:
            stamp = stamps.change_stamp(extra)
        return stamp

    def caches_body(self) -> bool:
        # JSON only: the browsable API's HTML carries the session's CSRF token.
        return getattr(self.request.accepted_renderer, "format", None) == "json"

    def body_key(self) -> str:
        """Where a rendered list or detail is cached: under the address asked, the user, the
        language, their today and the change stamp (etags.list_etag), in the format asked,
        for this database. It is as fresh as the ETag a 304 trusts; formatting the rows is
        most of a read's time."""
        key = repr(
            (
                connection.settings_dict["NAME"],
                self.list_etag or self.detail_key,
                self.request.accepted_media_type,
            )
        )
        return "api-body:" + hashlib.sha256(key.encode()).hexdigest()

    def get_object(self):
        pk = pk_or_404(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        queryset = self.filter_queryset_for_object(self.get_queryset())
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and connection.in_atomic_block:
            # Writes lock the row: the If-Match check and the save see the same version.
            queryset = queryset.select_for_update(of=("self",))
        try:
            obj = queryset.get(pk=pk)
        except queryset.model.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, obj)
        return obj

    def filter_queryset_for_object(self, queryset):
        return queryset

    # ETags and conditional requests.

    def etag(self, obj) -> str:
        data = None
        if not isinstance(obj, etags.VERSIONED):
            data = self.get_serializer(obj).data
        return etag_for(obj, data)

    def list_stamp(self) -> list[str]:
        """SQL of what the list shows beyond the history and status updates (etags)."""
        return []

    def check_if_match(self, obj) -> str:
        # The body is read first: an unreadable one is a 400 whatever If-Match says.
        if self.request.method in ("POST", "PUT", "PATCH"):
            self.request.data  # noqa: B018
        current = self.etag(obj)
        etags.check_if_match(self.request.headers.get("If-Match"), current)
        return current

    def detail_response(self, obj, status_code=status.HTTP_200_OK) -> Response:
        data = self.get_serializer(obj).data
        response = Response(data, status=status_code)
        response["ETag"] = etag_for(obj, data)
        return response

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        header = request.headers.get("If-None-Match")
        # A versioned row's ETag is known before it is serialized; others hash their JSON.
        known = etag_for(obj) if isinstance(obj, etags.VERSIONED) else None
        if known is not None and etags.none_match(header, known):
            raise NotModified(known)
        response = self.detail_response(obj)
        if etags.none_match(header, response["ETag"]):
            raise NotModified(response["ETag"])
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "list_etag", None) and response.status_code == status.HTTP_200_OK:
            response["ETag"] = self.list_etag
        if (
            (getattr(self, "list_etag", None) or getattr(self, "detail_key", None))
            and response.status_code == status.HTTP_200_OK
            and isinstance(response, Response)
            and not response.exception
            and "no-store" not in response.get("Cache-Control", "")
            and self.caches_body()
        ):
            key = self.body_key()
            response.add_post_render_callback(
                lambda rendered: cache.set(
                    key,
                    (rendered.content, rendered["Content-Type"], rendered.get("ETag")),
                    BODY_SECONDS,
                )
            )
        # Answers depend on who asks and in which language (error messages).
        patch_vary_headers(response, ("Authorization", "Cookie", "Accept-Language"))
        return response

    def fresh(self, obj):
        """The object again, with the joins of the list (after a write)."""
        return self.get_queryset().get(pk=obj.pk)
