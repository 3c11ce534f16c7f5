# transitional: removed after the reports/plandata merge
from core.templatetags.content import tr_text as tr_text
