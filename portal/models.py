from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class People(get_user_model()):
    """Users as coordinators see them in plan management: the people of their own side."""

    class Meta:
        proxy = True
        verbose_name = _("person")
        verbose_name_plural = _("people")
