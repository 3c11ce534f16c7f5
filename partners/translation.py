from modeltranslation.translator import TranslationOptions, register

from .models import Agency, City


@register(City)
class CityTranslation(TranslationOptions):
    fields = ("name", "country")
    required_languages = ("en",)


@register(Agency)
class AgencyTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
