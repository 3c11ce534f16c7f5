"""Permissions of the API: the same answers as the pages, from partners.access.

Lists and details only ever hold rows of the user's partnerships (the views filter with
``access.partnership_q``), so anything else is 404. For the rows they see, this asks
``access.can`` object by object: the action depends on the method and on the view
(``change_action``, ``delete_action``). Nothing here knows about roles.
"""

from rest_framework import permissions

from partners import access
from partners.access import Action


class AccessPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_active)

    def has_object_permission(self, request, view, obj):
        # require() logs a refusal, as the pages do, and raises PermissionDenied (403).
        access.require(request.user, action_for(request, view), obj)
        return True


def action_for(request, view) -> Action:
    if request.method in permissions.SAFE_METHODS:
        return Action.VIEW
    if request.method == "DELETE":
        return getattr(view, "delete_action", Action.MANAGE)
    return getattr(view, "change_action", Action.MANAGE)
