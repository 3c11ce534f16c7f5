from modeltranslation.translator import TranslationOptions, register

from .models import DelegationMember, Event, EventSeries, ProgrammeItem


@register(EventSeries)
class EventSeriesTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description", "venue")


@register(ProgrammeItem)
class ProgrammeItemTranslation(TranslationOptions):
    fields = ("title", "venue")


@register(DelegationMember)
class DelegationMemberTranslation(TranslationOptions):
    fields = ("name", "position")
