"""The progress report request form: which plan (or one of its themes), in which language, as
of which day. It parses and marks the field in error; ``services.request_report`` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation import selectors as cooperation_selectors
from cooperation.models import ActionPlan, Theme
from core.forms import SafeModelChoiceField
from core.templatetags.content import tr_text
from partners import clock

from .models import ReportLanguage


class PlanChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return f"{tr_text(obj, 'title')} ({obj.period})"


class ThemeChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.period} · {obj.order}. {tr_text(obj, 'name')}"


class ReportRequestForm(forms.Form):
    plan = PlanChoiceField(label=_("Action plan"), queryset=ActionPlan.objects.none())
    theme = ThemeChoiceField(
        label=_("Scope"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("The whole plan"),
        help_text=_("The whole plan, or one of its themes."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=ReportLanguage.choices,
        initial=ReportLanguage.BILINGUAL,
        widget=forms.RadioSelect,
    )
    as_of = forms.DateField(
        label=_("As of"),
        help_text=_("The report shows the plan as it stood at the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = cooperation_selectors.visible_plans(user)
        self.fields["plan"].queryset = plans
        self.fields["theme"].queryset = (
            cooperation_selectors.visible_themes(user)
            .select_related("plan")
            .order_by("-plan__period_start_year", "plan_id", "order")
        )
        current = cooperation_selectors.current_plan(plans)
        if current is not None:
            self.fields["plan"].initial = current.pk
        self.fields["as_of"].initial = clock.today_for(user)

    def clean(self):
        data = super().clean()
        plan, theme = data.get("plan"), data.get("theme")
        if plan and theme and theme.plan_id != plan.pk:
            self.add_error("theme", _("This theme belongs to another plan."))
        return data
