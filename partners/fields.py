# transitional: removed after the reports/plandata merge
from core.admin import SafeChoiceFieldsAdminMixin as SafeChoiceFieldsAdminMixin
from core.forms import SafeModelChoiceField as SafeModelChoiceField
