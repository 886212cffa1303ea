"""Writes of the privacy domain."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseEvent, CaseEventKind

from . import access_log, policy
from .models import AccessAction, Purpose
from .retention import Counts, erase_household_rows

# --- privacy officer ------------------------------------------------------------------------


def log_inquiry(user, action: str, object_type: str, *, object_ids=(), household_key="", reason=""):
    """Every inquiry, report and export by the privacy officer is itself logged."""
    return access_log.record(
        user,
        action,
        object_type,
        object_ids=list(object_ids),
        household_key=household_key,
        purpose=Purpose.PRIVACY_INQUIRY,
        reason=reason,
    )


@transaction.atomic
def erase_household(user, household_key: str, reason: str) -> Counts:
    """Erase a household's personal data on a justified request, in one transaction: its
    signals and cases in the officer's municipality are stripped to the anonymous record,
    each case's history gets an 'erased' event, the access log gets an erase row, and
    every reason about the household (in the log, the erasure's own included) is
    deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Geef de reden van het wissen op.")]})
    if not policy.can_erase_household(user, household_key):
        raise PermissionDenied
    now = timezone.now()
    signals = policy.privacy_household_signals(user, household_key)
    cases = policy.privacy_household_cases(user, household_key)
    case_ids = list(cases.filter(erased_at__isnull=True).values_list("pk", flat=True))
    counts = erase_household_rows(signals, cases, now)
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=pk, actor=user, kind=CaseEventKind.ERASED) for pk in case_ids]
    )
    access_log.record(
        user,
        AccessAction.ERASE,
        "household",
        household_key=household_key,
        purpose=Purpose.PRIVACY_INQUIRY,
        reason=reason,
        object_ids=case_ids,
    )
    # Last, so the erasure's own reason (which may name the resident) goes too: the log
    # keeps who erased which household when, and that a reason was given.
    access_log.forget_household_reasons(household_key)
    return counts
