"""Reads of the privacy domain: the privacy officer's tools and the account pages (a
user's own API tokens and second-factor devices). Every read starts from `privacy.policy`."""

import uuid
from datetime import timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from core.dates import local_midnight
from signals.models import Signal

from . import policy
from .models import AccessAction, AccessLog, RetentionRun

REPORT_MAX_ROWS = 5000
WRITE_ACTIONS = {
    AccessAction.CREATE,
    AccessAction.UPDATE,
    AccessAction.DELETE,
    AccessAction.ERASE,
}


def access_log_inquiry(user, filters: dict) -> QuerySet:
    """Log rows in the officer's scope matching the search, newest first."""
    key = filters.get("household_key")
    rows = policy.household_access_log(user, key) if key else policy.visible_access_log(user)
    if filters.get("username"):
        rows = rows.filter(username__iexact=filters["username"])
    if filters.get("organisation"):
        rows = rows.filter(organisation_id=filters["organisation"].pk)
    if filters.get("date_from"):
        rows = rows.filter(at__gte=local_midnight(filters["date_from"]))
    if filters.get("date_to"):
        rows = rows.filter(at__lt=local_midnight(filters["date_to"] + timedelta(days=1)))
    return rows.select_related("reason_entry").order_by("-at", "-id")


def retention_runs(user) -> QuerySet:
    if not policy.can_inquire_access_log(user):
        return RetentionRun.objects.none()
    return RetentionRun.objects.all()


def subject_report(user, household_key: str) -> dict:
    """Everything the portal holds about one household in the officer's municipality."""
    signals = list(
        policy.privacy_household_signals(user, household_key)
        .select_related("organisation", "team", "district", "case_link")
        .order_by("filed_at")
    )
    cases = list(
        policy.privacy_household_cases(user, household_key)
        .select_related("team", "assignee")
        .order_by("opened_at")
    )
    events = (
        CaseEvent.objects.filter(case__in=[case.pk for case in cases])
        .select_related("actor", "case")
        .order_by("at", "id")
    )
    access = list(
        policy.household_access_log(user, household_key)
        .select_related("reason_entry")
        .order_by("at", "id")[:REPORT_MAX_ROWS]
    )
    return {
        "household_key": household_key,
        "signals": signals,
        "cases": cases,
        "events": list(events),
        "access_log": access,
    }


def report_as_json(report: dict) -> dict:
    return {
        "household_key": report["household_key"],
        "signals": [signal_json(s) for s in report["signals"]],
        "cases": [case_json(c) for c in report["cases"]],
        "history": [event_json(e) for e in report["events"]],
        "access_log": [log_json(row) for row in report["access_log"]],
    }


def signal_json(signal) -> dict:
    link = getattr(signal, "case_link", None)
    return {
        "id": str(signal.pk),
        "reference": signal.reference,
        "kind": signal.kind,
        "urgency": signal.urgency,
        "address": signal.address,
        "description": signal.description,
        "resident_informed": signal.resident_informed,
        "arrears_amount": str(signal.arrears_amount) if signal.arrears_amount else None,
        "arrears_months": signal.arrears_months,
        "external_reference": signal.external_reference,
        "filed_by_organisation": signal.organisation.name,
        "team": signal.team.name,
        "status": signal.status,
        "outcome": signal.outcome,
        "decline_reason": signal.decline_reason,
        "filed_at": iso(signal.filed_at),
        "closed_at": iso(signal.closed_at),
        "erased_at": iso(signal.erased_at),
        "case_id": str(link.case_id) if link else None,
    }


def case_json(case) -> dict:
    return {
        "id": str(case.pk),
        "reference": case.reference,
        "team": case.team.name,
        "state": case.state,
        "outcome": case.outcome,
        "assignee": case.assignee.get_username() if case.assignee else None,
        "opened_at": iso(case.opened_at),
        "closed_at": iso(case.closed_at),
        "erased_at": iso(case.erased_at),
    }


def event_json(event) -> dict:
    return {
        "case_id": str(event.case_id),
        "at": iso(event.at),
        "actor": event.actor.get_username() if event.actor else None,
        "kind": event.kind,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "text": event.text,
    }


def log_json(row: AccessLog) -> dict:
    return {
        "at": iso(row.at),
        "user": row.username,
        "organisation": row.organisation_name,
        "role": row.role,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "purpose": row.purpose,
        "reason": row.reason,
    }


def iso(moment) -> str | None:
    return moment.isoformat() if moment else None


# Log rows point at signals and cases by id; people read them by reference.
REFERENCED_MODELS = {"signal": Signal, "signal_receipt": Signal, "case": Case, "case_share": Case}


def label_log_objects(rows) -> list:
    """Give each access-log row `object_label`: the reference of the signal or case it is
    about (SIG-2026-000012), "(verwijderd)" when that object no longer exists, else the id;
    and `object_count` for list reads. Two queries whatever the number of rows."""
    rows = list(rows)
    wanted: dict = {model: set() for model in REFERENCED_MODELS.values()}
    for row in rows:
        model = REFERENCED_MODELS.get(row.object_type)
        if model and _is_uuid(row.object_id):
            wanted[model].add(row.object_id)
    references = {}
    for model, ids in wanted.items():
        if ids:
            pairs = model.objects.filter(pk__in=ids).values_list("pk", "reference")
            references.update({str(pk): reference for pk, reference in pairs})
    for row in rows:
        row.object_count = len(row.object_ids or [])
        if row.object_type in REFERENCED_MODELS and row.object_id:
            row.object_label = references.get(row.object_id, str(_("(verwijderd)")))
        else:
            row.object_label = row.object_id
    return rows


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def access_report_summary(rows) -> list[dict]:
    """The resident's access report in sentences: per organisation and purpose how often
    the household's data were seen or changed, and between which dates, in the order the
    organisations first appear."""
    groups: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row.organisation_name or str(_("het portaal")), row.purpose)
        group = groups.setdefault(
            key,
            {
                "organisation": key[0],
                "purpose": row.get_purpose_display(),
                "reads": 0,
                "writes": 0,
                "first": row.at,
                "last": row.at,
            },
        )
        group["writes" if row.action in WRITE_ACTIONS else "reads"] += 1
        group["first"], group["last"] = min(group["first"], row.at), max(group["last"], row.at)
    return list(groups.values())
