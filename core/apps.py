from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The foundation: helpers about no part of the plan, shared by every app."""

    name = "core"
    verbose_name = "Core"
