"""Changes to who may do what are recorded in the access log, where the privacy officer
sees them (purpose "Beheer"): every membership and role, every change of a user's
groups or administrator flags, of a group's permissions, and every two-factor device
created, changed or removed,
whichever way it is made (admin, service, shell). The acting user comes from the request
being served (`privacy.context`); outside a request it is empty (migrations, commands).

Snapshots taken when an instance is loaded (`post_init`) tell a real change from the
routine saves django-otp makes on every sign-in (drift, throttling counters)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import Membership

from . import access_log
from .context import acting_user
from .models import AccessAction, Purpose

SNAPSHOT = "_wijkportaal_audit_snapshot"
WATCHED = {
    Membership: ("user_id", "organisation_id", "role"),
    TOTPDevice: ("user_id", "name", "key", "confirmed"),
    StaticDevice: ("user_id", "name", "confirmed"),
}
USER_FLAGS = ("is_staff", "is_superuser", "is_active")


def _snapshot(instance, fields) -> tuple:
    return tuple(instance.__dict__.get(field) for field in fields)


def _log(action, object_type, object_id, text) -> None:
    access_log.record(
        acting_user(),
        action,
        object_type,
        object_id,
        purpose=Purpose.ADMINISTRATION,
        reason=text,
    )


def _describe(instance) -> str:
    if isinstance(instance, Membership):
        return _("lidmaatschap van %(user)s bij %(organisation)s als %(role)s") % {
            "user": instance.user.get_username(),
            "organisation": instance.organisation.name,
            "role": instance.get_role_display(),
        }
    kind = _("authenticator-app") if isinstance(instance, TOTPDevice) else _("reservecodes")
    return _("tweestapsverificatie (%(kind)s) van %(user)s") % {
        "kind": kind,
        "user": instance.user.get_username(),
    }


def _object_type(instance) -> str:
    return "membership" if isinstance(instance, Membership) else "otp_device"


def remember(sender, instance, **kwargs):
    setattr(instance, SNAPSHOT, _snapshot(instance, WATCHED[sender]))


def saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    now = _snapshot(instance, WATCHED[sender])
    if not created and getattr(instance, SNAPSHOT, None) == now:
        return
    setattr(instance, SNAPSHOT, now)
    action = AccessAction.CREATE if created else AccessAction.UPDATE
    text = (_("Aangemaakt: %(what)s") if created else _("Gewijzigd: %(what)s")) % {
        "what": _describe(instance)
    }
    _log(action, _object_type(instance), instance.pk, text)


def deleted(sender, instance, **kwargs):
    text = _("Verwijderd: %(what)s") % {"what": _describe(instance)}
    _log(AccessAction.DELETE, _object_type(instance), instance.pk, text)


def user_flags_loaded(sender, instance, **kwargs):
    setattr(instance, SNAPSHOT, _snapshot(instance, USER_FLAGS))


def user_saved(sender, instance, created, raw=False, **kwargs):
    now = _snapshot(instance, USER_FLAGS)
    before = getattr(instance, SNAPSHOT, None)
    setattr(instance, SNAPSHOT, now)
    if raw or (not created and before == now) or (created and not any(now[:2])):
        return
    text = _("Beheerrechten van %(user)s: staf %(staff)s, superuser %(super)s, actief %(active)s")
    yes_no = {True: _("ja"), False: _("nee")}
    _log(
        AccessAction.CREATE if created else AccessAction.UPDATE,
        "user_roles",
        instance.pk,
        text
        % {
            "user": instance.get_username(),
            "staff": yes_no[bool(instance.is_staff)],
            "super": yes_no[bool(instance.is_superuser)],
            "active": yes_no[bool(instance.is_active)],
        },
    )


def groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    User = get_user_model()
    if reverse:  # group.user_set.add(...): one row per user
        users = User.objects.filter(pk__in=pk_set or ())
        groups = [instance.name]
    else:
        users = [instance]
        groups = sorted(model.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    verb = {"post_add": _("toegevoegd aan"), "post_remove": _("verwijderd uit")}.get(
        action, _("uit alle groepen gehaald")
    )
    for user in users:
        text = _("%(user)s %(verb)s %(groups)s") % {
            "user": user.get_username(),
            "verb": verb,
            "groups": ", ".join(groups),
        }
        _log(AccessAction.UPDATE, "user_groups", user.pk, text.strip())


def group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A group's global permissions (the policy ignores global permissions, but a change
    to who-may-what is still shown to the privacy officer)."""
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    codenames = sorted(model.objects.filter(pk__in=pk_set or ()).values_list("codename", flat=True))
    text = _("Rechten van groep %(group)s: %(action)s %(permissions)s") % {
        "group": instance.name,
        "action": {"post_add": "+", "post_remove": "-"}.get(action, _("alle weg")),
        "permissions": ", ".join(codenames),
    }
    _log(AccessAction.UPDATE, "group_permissions", instance.pk, text.strip())


def connect() -> None:
    User = get_user_model()
    for model in WATCHED:
        post_init.connect(remember, sender=model, dispatch_uid=f"audit-init-{model.__name__}")
        post_save.connect(saved, sender=model, dispatch_uid=f"audit-save-{model.__name__}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"audit-del-{model.__name__}")
    post_init.connect(user_flags_loaded, sender=User, dispatch_uid="audit-init-user")
    post_save.connect(user_saved, sender=User, dispatch_uid="audit-save-user")
    m2m_changed.connect(groups_changed, sender=User.groups.through, dispatch_uid="audit-groups")
    m2m_changed.connect(
        group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="audit-group-permissions",
    )
