"""Writing the access log (inzagelog).

One layer writes it: services log their writes (inside the write's transaction),
selectors log the reads they hand out (a detail: `record_object`; a list or export:
`record_list`, or `listed_page` for one page of a list). Views, serializers and templates
never do. Every row is hash-chained to the one before it (see `privacy.chain`)."""

from django.core.paginator import Page, Paginator

from . import chain
from .context import request_id
from .models import AccessAction, AccessLog, AccessLogReason, Purpose
from .policy import acting_membership


def entry(
    user,
    action: str,
    object_type: str,
    object_id="",
    *,
    household_key: str = "",
    organisation_id: int | None = None,
    purpose: str = Purpose.WORK,
    object_ids=None,
    reason: str = "",
) -> AccessLog:
    """One unsaved row: who (in which organisation and role) did what to which objects."""
    membership = acting_membership(user, organisation_id) if user else None
    if membership is None and user and organisation_id is not None:
        membership = acting_membership(user)
    return AccessLog(
        user=user if user and user.is_authenticated else None,
        username=user.get_username() if user and user.is_authenticated else "",
        organisation_id=membership.organisation_id if membership else None,
        organisation_name=membership.organisation.name if membership else "",
        role=membership.role if membership else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_ids=[str(i) for i in (object_ids or [])],
        household_key=household_key,
        purpose=purpose,
        reason_entry=record_reason(reason, household_key),
        request_id=request_id.get(),
    )


def record(user, action: str, object_type: str, object_id="", **details) -> AccessLog:
    """Write one row (`entry`'s arguments)."""
    return chain.append(entry(user, action, object_type, object_id, **details))


def object_entry(
    user,
    action: str,
    object_type: str,
    obj,
    *,
    organisation_id: int | None = None,
    purpose: str = Purpose.WORK,
    reason: str = "",
) -> AccessLog:
    """One row about one object, with the object's household when it has one."""
    return entry(
        user,
        action,
        object_type,
        obj.pk,
        household_key=getattr(obj, "household_key", ""),
        organisation_id=organisation_id,
        purpose=purpose,
        reason=reason,
    )


def record_object(user, action: str, object_type: str, obj, **details) -> AccessLog:
    return chain.append(object_entry(user, action, object_type, obj, **details))


def record_reason(text: str, household_key: str = "") -> AccessLogReason | None:
    """Free text goes to an erasable row, never into the append-only log itself."""
    if not text:
        return None
    return AccessLogReason.objects.create(household_key=household_key, text=str(text))


def forget_household_reasons(household_key: str) -> int:
    """Erasure: delete every reason about the household (its log rows keep pointing at
    nothing and show "(gewist)")."""
    if not household_key:
        return 0
    deleted, _rows = AccessLogReason.objects.filter(household_key=household_key).delete()
    return deleted


def list_entry(user, object_type: str, objects, *, purpose: str = Purpose.WORK, export=False):
    """One row for a list page or export, with the ids it returned."""
    return entry(
        user,
        AccessAction.EXPORT if export else AccessAction.LIST,
        object_type,
        object_ids=[obj.pk for obj in objects],
        purpose=Purpose.EXPORT if export else purpose,
    )


def record_list(user, object_type: str, objects, **details) -> AccessLog:
    return chain.append(list_entry(user, object_type, objects, **details))


def record_all(entries: list[AccessLog]) -> list[AccessLog]:
    """Write the rows of one page that shows several things at once in one INSERT
    (`object_entry`, `list_entry`): the same rows as recording each."""
    return chain.append_many(entries)


def listed_page(
    user,
    object_type: str,
    objects,
    number,
    *,
    per_page: int,
    purpose: str = Purpose.WORK,
    count: int | None = None,
) -> Page:
    """One page of a list (`number` as the query string gives it), logged with its ids.
    `count`: the number of objects when the caller has already counted them through the
    same filter in this request (the tray's filter counts), so the list is not counted
    twice."""
    paginator = Paginator(objects, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: no COUNT query
    page = paginator.get_page(number)
    record_list(user, object_type, page.object_list, purpose=purpose)
    return page
