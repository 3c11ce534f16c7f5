from modeltranslation.translator import TranslationOptions, register

from .models import Review, ThemeAssessment


@register(Review)
class ReviewTranslation(TranslationOptions):
    fields = ("title", "description", "conclusions_text")
    required_languages = {"en": ("title",)}


@register(ThemeAssessment)
class ThemeAssessmentTranslation(TranslationOptions):
    fields = ("narrative",)
