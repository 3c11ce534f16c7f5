"""Every write of the partners app: cities, agencies, and the people of each side.

Cities are set up by administrators and the plan loader. An agency is managed by the
coordinators of its own side; a third party (an organisation of no city) by the coordinators of
the partnerships that name it (``name_in_partnership``; partners.access decides). Its parent is
an agency of the same side (for a third party: named by the same partnerships), and no agency
is its own ancestor. The people of a side are managed by its coordinators: a person has a side,
a role and (agency staff always) an agency of that side; administrators are managed in /admin/
only. Everyone chooses their own preferred language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import writes

from . import access
from .access import Action
from .models import Agency, City, Profile

CITY_FIELDS = (
    "code",
    "name_en",
    "name_zh_hans",
    "country_en",
    "country_zh_hans",
    "time_zone",
    "default_language",
)
AGENCY_FIELDS = ("code", "city", "kind", "name_en", "name_zh_hans", "parent", "website")
PERSON_FIELDS = ("username", "first_name", "last_name", "email", "is_active")
PROFILE_FIELDS = ("city", "role", "agency", "preferred_language", "wants_monthly_digest")
# What only an administrator gives or takes in /admin/: the flags, groups and permissions.
ACCOUNT_FIELDS = ("is_staff", "is_superuser")
ACCOUNT_RELATIONS = ("groups", "user_permissions")
GROUP_FIELDS = ("name",)
GROUP_RELATIONS = ("permissions",)


# --- cities ---------------------------------------------------------------------------------


@transaction.atomic
def create_city(*, user, **values) -> City:
    access.require_admin(user)
    city = City()
    writes.set_changes(city, values, allowed=CITY_FIELDS)
    return writes.save_new(city)


@transaction.atomic
def update_city(*, user, city: City, **changes) -> City:
    access.require_admin(user)
    current = City.objects.select_for_update().get(pk=city.pk)
    changed = writes.set_changes(current, changes, allowed=CITY_FIELDS)
    return writes.save_changed(current, changed)


@transaction.atomic
def delete_city(*, user, city: City) -> None:
    """Remove a city; refused (ProtectedError) while anything refers to it."""
    access.require_admin(user)
    city.delete()


# --- agencies -------------------------------------------------------------------------------


def _partnerships_of(user):
    """The partnerships the user is part of. They are cooperation's (a higher app), reached
    through the relation rather than imported."""
    Partnership = Agency._meta.get_field("partnerships").related_model
    return list(Partnership.objects.filter(access.partnership_q(user)))


def _check_parent(agency: Agency, partnerships=None) -> None:
    parent = agency.parent
    if parent is None:
        return
    if parent.city_id != agency.city_id:
        raise ValidationError({"parent": _("The parent agency must be on the same side.")})
    if agency.city_id is None:
        # A third party's parent is seen wherever the third party is.
        naming = {p.pk for p in partnerships} if partnerships is not None else set()
        if agency.pk is not None and partnerships is None:
            naming = set(agency.partnerships.values_list("pk", flat=True))
        if not naming <= set(parent.partnerships.values_list("pk", flat=True)):
            raise ValidationError(
                {"parent": _("The parent must be named by the same partnerships.")}
            )
    # Up the chain as stored: the caller's copies of it may be older than the database.
    seen = set()
    ancestor = parent.pk
    while ancestor is not None and ancestor not in seen:
        if agency.pk is not None and ancestor == agency.pk:
            raise ValidationError({"parent": _("An agency cannot be its own parent.")})
        seen.add(ancestor)
        ancestor = Agency.objects.filter(pk=ancestor).values_list("parent_id", flat=True).first()


def _naming(user, agency: Agency, wanted) -> list | None:
    """The partnerships to name the third party ``agency`` after this write (None: unchanged).

    ``wanted`` lists those of the user's partnerships that name it (None: keep, or for a new
    third party, all the user's partnerships); those the user is not part of stay as they are.
    The user coordinates each one added or removed, and only administrators remove one: what
    refers to the third party there would be left without it.
    """
    if agency.city_id is not None:
        if wanted:
            raise ValidationError(
                {"partnerships": _("Only a third party is named by partnerships.")}
            )
        return None
    current = list(agency.partnerships.all()) if agency.pk is not None else []
    if wanted is None:
        if current:
            return None
        wanted = [] if access.is_admin(user) else _partnerships_of(user)
    wanted = list(wanted)
    unseen = [p for p in current if not access.can(user, Action.VIEW, p)]
    result = [*unseen, *(p for p in wanted if p not in unseen)]
    added = [p for p in result if p not in current]
    removed = [p for p in current if p not in result]
    for partnership in (*added, *removed):
        access.require(user, Action.MANAGE, partnership)
    if removed and not access.is_admin(user):
        raise ValidationError(
            {"partnerships": _("A third party stays in the partnerships that name it.")}
        )
    if not result and not access.is_admin(user):
        raise ValidationError(
            {"partnerships": _("Name the partnerships this third party works in.")}
        )
    return result


@transaction.atomic
def create_agency(*, user, partnerships=None, **values) -> Agency:
    agency = Agency()
    writes.set_changes(agency, values, allowed=AGENCY_FIELDS)
    if agency.city_id is not None:
        # Managed by the coordinators of the side it is on.
        access.require(user, Action.CHANGE, agency)
    elif not access.is_coordinator(user):
        access.log.warning("permission refused: user=%s action=add third party", user)
        raise PermissionDenied
    # A third party: managed by the coordinators of the partnerships naming it.
    naming = _naming(user, agency, partnerships)
    _check_parent(agency, naming)
    writes.save_new(agency)
    if naming:
        writes.set_many(agency, {"partnerships": naming})
    return agency


@transaction.atomic
def update_agency(*, user, agency: Agency, partnerships=None, **changes) -> Agency:
    current = Agency.objects.select_for_update().get(pk=agency.pk)
    access.require(user, Action.CHANGE, current)
    changed = writes.set_changes(current, changes, allowed=AGENCY_FIELDS)
    if "city" in changed:
        # Moving it to another side is also a change on that side (a third party's
        # partnerships are checked below).
        if current.city_id is not None:
            access.require(user, Action.CHANGE, current)
        if _is_referred_to(current):
            raise ValidationError(
                {
                    "city": _(
                        "An agency that leads or takes part in work, is responsible for a "
                        "theme or has people cannot change sides: add a new agency instead."
                    )
                }
            )
    naming = _naming(user, current, partnerships)
    _check_parent(current, naming)
    writes.save_changed(current, changed)
    if naming is not None:
        writes.set_many(current, {"partnerships": naming})
    return current


@transaction.atomic
def name_in_partnership(*, user, agency: Agency, partnership) -> None:
    """The partnership names the third party ``agency`` (and its parents), as a plan that
    refers to it does: its members see it from now on. Nothing for an agency of a side."""
    access.require(user, Action.MANAGE, partnership)
    while agency is not None and agency.city_id is None:
        if not agency.partnerships.filter(pk=partnership.pk).exists():
            agency.partnerships.add(partnership)
        agency = agency.parent


def _is_referred_to(agency: Agency) -> bool:
    """Whether any row refers to the agency (activities it leads, themes, people, the
    partnerships naming it …): asked of every relation, hidden ones too, without knowing the
    apps above this one."""
    return any(
        relation.related_model._base_manager.filter(**{relation.field.name: agency}).exists()
        for relation in Agency._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete
    )


@transaction.atomic
def delete_agency(*, user, agency: Agency) -> None:
    """Remove an agency; refused (ProtectedError) while anything refers to it."""
    access.require(user, Action.DELETE, agency)
    agency.delete()


# --- people of a side -----------------------------------------------------------------------


def _require_manages(user, profile: Profile | None, person) -> None:
    if profile is None:
        # An account of no side (an administrator's): managed in /admin/ only.
        access.require_admin(user)
    else:
        access.require(user, Action.CHANGE, profile)
    if (person.is_superuser or person.is_staff) and not access.is_admin(user):
        # Administrators are managed in /admin/, never by coordinators.
        raise PermissionDenied


def _check_profile(profile: Profile) -> None:
    errors: dict[str, str] = {}
    agency = profile.agency
    if agency is not None and agency.city_id != profile.city_id:
        errors["agency"] = _("The agency must be on the person's side.")
    languages = {code for code, _name in settings.LANGUAGES}
    if profile.preferred_language and profile.preferred_language not in languages:
        errors["preferred_language"] = _("Choose one of the listed languages.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_person(*, user, username: str, password: str | None, city: City, role: str, **values):
    """A new person of a side. Without a password they cannot log in until one is set."""
    User = get_user_model()
    person_values = {k: v for k, v in values.items() if k in PERSON_FIELDS}
    profile_values = {k: v for k, v in values.items() if k not in PERSON_FIELDS}
    person = User(username=username)
    writes.set_changes(person, person_values, allowed=PERSON_FIELDS)
    profile = Profile(city=city, role=role)
    writes.set_changes(profile, profile_values, allowed=PROFILE_FIELDS)
    _require_manages(user, profile, person)
    _check_profile(profile)
    if password:
        validate_password(password, user=person)
        person.set_password(password)
    else:
        person.set_unusable_password()
    writes.save_new(person)
    profile.user = person
    writes.save_new(profile)
    return person


@transaction.atomic
def create_profile(*, user, person, city: City, role: str, **values) -> Profile:
    """Give an existing account a side, a role and (staff) an agency."""
    profile = Profile(user=person, city=city, role=role)
    writes.set_changes(profile, values, allowed=PROFILE_FIELDS)
    _require_manages(user, profile, person)
    _check_profile(profile)
    return writes.save_new(profile)


@transaction.atomic
def delete_profile(*, user, profile: Profile) -> None:
    """Take a person's side and role away (they keep their account, and see nothing)."""
    _require_manages(user, profile, profile.user)
    profile.delete()


@transaction.atomic
def update_person(*, user, person, **changes):
    """Change a person's name, address, activity, side, role, agency or language."""
    User = get_user_model()
    current = User.objects.select_for_update().get(pk=person.pk)
    profile = (
        Profile.objects.select_for_update().select_related("city").filter(user=current).first()
    )
    _require_manages(user, profile, current)
    person_changes = {k: v for k, v in changes.items() if k in PERSON_FIELDS}
    profile_changes = {k: v for k, v in changes.items() if k not in PERSON_FIELDS}
    changed = writes.set_changes(current, person_changes, allowed=PERSON_FIELDS)
    if profile is None:
        if profile_changes:
            # An account of no side (an administrator's) has no side, role or agency.
            raise TypeError(f"{current} has no profile: {', '.join(sorted(profile_changes))}")
    else:
        profile_changed = writes.set_changes(profile, profile_changes, allowed=PROFILE_FIELDS)
        if "city" in profile_changed:
            # Moving a person to another side is also a change of that side's people.
            access.require(user, Action.CHANGE, profile)
        _check_profile(profile)
    writes.save_changed(current, changed, exclude=["password"])
    if profile is not None:
        writes.save_changed(profile, profile_changed)
    return current


@transaction.atomic
def set_person_password(*, user, person, password: str | None) -> None:
    """Set another person's password (their coordinator), or one's own; None turns logging
    in with a password off."""
    if person.pk != getattr(user, "pk", None):
        _require_manages(user, Profile.objects.filter(user=person).first(), person)
    if password is None:
        person.set_unusable_password()
    else:
        validate_password(password, user=person)
        person.set_password(password)
    person.save(update_fields=["password"])


@transaction.atomic
def delete_person(*, user, person) -> None:
    _require_manages(user, Profile.objects.filter(user=person).first(), person)
    person.delete()


@transaction.atomic
def set_preferred_language(*, user, language: str) -> Profile:
    """The one thing everyone changes on their own profile."""
    profile = Profile.objects.select_for_update().filter(user_id=user.pk).first()
    if profile is None:
        raise PermissionDenied  # an administrator's account has no profile to set
    writes.set_changes(profile, {"preferred_language": language}, allowed=PROFILE_FIELDS)
    _check_profile(profile)
    profile.save(update_fields=["preferred_language"])
    return profile


@transaction.atomic
def set_monthly_digest(*, user, wanted: bool) -> Profile:
    """Opt in or out of the monthly digest of stale activities (people's own choice)."""
    profile = Profile.objects.select_for_update().filter(user_id=user.pk).first()
    if profile is None:
        raise PermissionDenied  # an administrator's account has no profile to set
    if not isinstance(wanted, bool):
        raise ValidationError({"wants_monthly_digest": _("Answer yes or no.")})
    if profile.wants_monthly_digest != wanted:
        profile.wants_monthly_digest = wanted
        profile.save(update_fields=["wants_monthly_digest"])
    return profile


# --- accounts and groups (/admin/) ----------------------------------------------------------


def _check_own_rights(user, person, changes) -> None:
    """An administrator never takes their own rights away (another one has to): /admin/ is
    never left without the person who is using it."""
    if person.pk != getattr(user, "pk", None):
        return
    for name in ("is_superuser", "is_staff", "is_active"):
        if name in changes and getattr(person, name) and not changes[name]:
            raise ValidationError(
                {
                    name: _(
                        "You cannot take your own administrator rights away or close your "
                        "own account: another administrator has to."
                    )
                }
            )


def _require_account_rights(user, changes) -> None:
    """Flags, groups and permissions are given and taken by administrators (superusers) only."""
    named = sorted(set(changes) & {*ACCOUNT_FIELDS, *ACCOUNT_RELATIONS})
    if named and not access.is_admin(user):
        raise ValidationError(
            {name: _("Only an administrator (superuser) may change this.") for name in named}
        )


@transaction.atomic
def create_account(*, user, username: str, password: str | None, **values):
    """An account made in /admin/ (administrators only). It has no side until a profile gives
    it one (``create_profile``); without a password it cannot log in until one is set."""
    access.require_admin(user)
    User = get_user_model()
    columns, many = writes.split_many(values, ACCOUNT_RELATIONS)
    person = User(username=username)
    writes.set_changes(person, columns, allowed=(*PERSON_FIELDS, *ACCOUNT_FIELDS))
    if password:
        validate_password(password, user=person)
        person.set_password(password)
    else:
        person.set_unusable_password()
    writes.save_new(person)
    writes.set_many(person, many)
    return person


@transaction.atomic
def update_account(*, user, person, **changes):
    """Change an account in /admin/: what ``update_person`` changes (with the same checks:
    who manages the person, their side, role and agency) and the flags, groups and
    permissions, which only an administrator changes, never their own rights away."""
    _require_account_rights(user, changes)
    User = get_user_model()
    current = User.objects.select_for_update().get(pk=person.pk)
    _check_own_rights(user, current, changes)
    account = {k: v for k, v in changes.items() if k in ACCOUNT_FIELDS}
    columns, many = writes.split_many(
        {k: v for k, v in changes.items() if k not in ACCOUNT_FIELDS}, ACCOUNT_RELATIONS
    )
    current = update_person(user=user, person=current, **columns)
    changed = writes.set_changes(current, account, allowed=ACCOUNT_FIELDS)
    writes.save_changed(current, changed, exclude=["password"])
    writes.set_many(current, many)
    return current


@transaction.atomic
def create_group(*, user, name: str, permissions=()) -> Group:
    """A group of permissions for /admin/ (administrators only)."""
    access.require_admin(user)
    group = writes.save_new(Group(name=name))
    writes.set_many(group, {"permissions": list(permissions)})
    return group


@transaction.atomic
def update_group(*, user, group: Group, **changes) -> Group:
    access.require_admin(user)
    current = Group.objects.select_for_update().get(pk=group.pk)
    columns, many = writes.split_many(changes, GROUP_RELATIONS)
    changed = writes.set_changes(current, columns, allowed=GROUP_FIELDS)
    writes.save_changed(current, changed)
    unknown = set(many) - set(GROUP_RELATIONS)
    if unknown:
        raise TypeError(f"Group cannot be written here: {', '.join(sorted(unknown))}")
    writes.set_many(current, many)
    return current


@transaction.atomic
def delete_group(*, user, group: Group) -> None:
    access.require_admin(user)
    group.delete()
