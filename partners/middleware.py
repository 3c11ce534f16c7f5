from django.utils import translation

from .access import profile_of


class PreferredLanguageMiddleware:
    """Speak a signed-in user's preferred language, unless they just chose one in the switcher.

    The language switcher stores its choice in a cookie that LocaleMiddleware already
    honoured; a profile preference applies only when no such choice was made.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            profile = profile_of(request.user)
            if profile and profile.preferred_language:
                translation.activate(profile.preferred_language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
