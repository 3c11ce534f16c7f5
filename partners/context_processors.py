from .access import may_enter_management, profile_of


def membership(request):
    """The signed-in user's profile for the page header, and whether to offer plan management."""
    user = getattr(request, "user", None)
    if user is None:
        return {"membership": None, "may_manage": False}
    return {"membership": profile_of(user), "may_manage": may_enter_management(user)}
