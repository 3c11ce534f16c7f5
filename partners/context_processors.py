from .access import profile_of


def membership(request):
    """The signed-in user's profile, for the page header."""
    user = getattr(request, "user", None)
    return {"membership": profile_of(user) if user is not None else None}
