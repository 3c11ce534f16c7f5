from django.apps import AppConfig


class PlandataConfig(AppConfig):
    """Plan data: loading an action plan from its TOML file, the demo users and demo data.

    The top layer, beside ``portal`` and ``api``: it writes to every domain app, and nothing
    imports it. Its one model is a coordinator's working draft of a plan (``PlanDraft``).
    """

    name = "plandata"
