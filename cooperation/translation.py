from modeltranslation.translator import TranslationOptions, register

from .models import (
    ActionPlan,
    Activity,
    Amendment,
    Commitment,
    Funding,
    Partnership,
    Signatory,
    StatusUpdate,
    Theme,
)


@register(Partnership)
class PartnershipTranslation(TranslationOptions):
    fields = ("agreement_title",)


@register(ActionPlan)
class ActionPlanTranslation(TranslationOptions):
    fields = ("title", "signed_place", *ActionPlan.TERM_FIELDS)
    required_languages = {"en": ("title",)}


@register(Signatory)
class SignatoryTranslation(TranslationOptions):
    fields = ("name", "position")
    required_languages = ("en",)


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "summary")
    required_languages = {"en": ("name",)}


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("text", "derived_from")
    required_languages = {"en": ("text",)}


@register(Activity)
class ActivityTranslation(TranslationOptions):
    # A title in either language is enough: Beijing staff may write only Chinese.
    fields = ("title", "description", "outcomes")


@register(Amendment)
class AmendmentTranslation(TranslationOptions):
    fields = ("title", "reason")
    required_languages = ("en", "zh-hans")


@register(StatusUpdate)
class StatusUpdateTranslation(TranslationOptions):
    # Written in either language or both (issue 12): pages mark the one shown when it is not
    # the reader's (``{% tr update "note" %}``).
    fields = ("note",)


@register(Funding)
class FundingTranslation(TranslationOptions):
    fields = ("funder",)
