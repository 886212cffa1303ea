"""Filing: routing, numbering, visibility, the access log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from partners.choices import Role
from partners.services import add_membership
from privacy.models import AccessAction, AccessLog, SignalGroupObjectPermission
from signals import selectors
from signals.intake import DuplicateSignal, next_references
from signals.models import Signal
from signals.services import file_signal
from tests.helpers import WGS_STEPS_TAKEN

from .conftest import NUISANCE


@pytest.mark.parametrize(
    ("postcode", "team", "district"),
    [
        ("1012 AB", "Wijkteam Noord", "Noord"),
        ("1019 ZZ", "Wijkteam Noord", "Noord"),
        ("1021 CD", "Wijkteam Zuid", "Zuid"),
        ("1030 AA", "Centraal team Demostad", None),
        ("1039 XY", "Centraal team Demostad", None),
    ],
)
def test_routing_by_pc4(file_as, postcode, team, district):
    signal = file_as("anna", postcode=postcode)
    assert signal.team.name == team
    assert (signal.district.name if signal.district else None) == district


def test_outside_the_region_is_refused_and_nothing_is_stored(user, demo):
    logs = AccessLog.objects.count()
    with pytest.raises(ValidationError) as error:
        file_signal(user("anna"), {**NUISANCE, "postcode": "9999 AA"})
    assert error.value.message_dict == {
        "postcode": ["Postcode 9999 AA ligt buiten het werkgebied van het portaal."]
    }
    assert Signal.objects.count() == 0
    assert SignalGroupObjectPermission.objects.count() == 0
    assert AccessLog.objects.count() == logs


def test_deadlines_come_from_the_agreement(file_as):
    signal = file_as("anna", kind="renovation_finding")
    assert signal.feedback_deadline > signal.triage_deadline
    assert signal.household_key == "1012AB-5-"


def test_only_corporation_staff_file(user, demo):
    with pytest.raises(PermissionDenied):
        file_signal(user("sara"), NUISANCE)
    with pytest.raises(PermissionDenied):
        file_signal(user("admin"), NUISANCE)


def test_references_are_sequential_and_gap_free(file_as):
    first = file_as("anna")
    second = file_as("bram")
    year = first.filed_at.year
    assert first.reference == f"SIG-{year}-000001"
    assert second.reference == f"SIG-{year}-000002"
    with pytest.raises(RuntimeError), transaction.atomic():
        next_references("SIG", year, 5)
        raise RuntimeError
    assert next_references("SIG", year, 2) == [f"SIG-{year}-000003", f"SIG-{year}-000004"]


def test_repeat_external_reference_is_a_duplicate(file_as):
    first = file_as("anna", external_reference="HA-1")
    with pytest.raises(DuplicateSignal) as duplicate:
        file_as("anna", external_reference="HA-1")
    assert duplicate.value.signal == first
    # Another corporation may use the same external reference.
    assert file_as("bram", external_reference="HA-1").pk != first.pk
    assert Signal.objects.count() == 2


def test_multiple_partners_flag(file_as):
    first = file_as("anna")
    second = file_as("bram")
    first.refresh_from_db()
    assert first.is_multiple and second.is_multiple


# --- visibility ---------------------------------------------------------------------


@pytest.fixture
def colleague(demo, django_user_model):
    lotte = django_user_model.objects.create_user("lotte")
    add_membership(lotte, demo["organisations"]["Woonstichting De Linde"], Role.CORPORATION_STAFF)
    return lotte


def visible(user) -> set:
    return set(selectors.signal_list(user).values_list("pk", flat=True))


def test_visibility(file_as, user, colleague):
    noord = file_as("anna")
    zuid = file_as("anna", postcode="1025 AB")
    assert visible(user("anna")) == {noord.pk, zuid.pk}
    assert visible(colleague) == {noord.pk, zuid.pk}
    assert visible(user("bram")) == set()
    assert visible(user("sara")) == {noord.pk}
    assert visible(user("noor")) == {noord.pk}
    assert visible(user("omar")) == {zuid.pk}
    for nobody in ("eva", "pim", "admin"):
        assert visible(user(nobody)) == set()


def test_detail_of_an_invisible_signal_is_404(file_as, user):
    from django.http import Http404

    signal = file_as("anna")
    with pytest.raises(Http404):
        selectors.signal_detail(user("omar"), signal.pk)
    with pytest.raises(Http404):
        selectors.signal_detail(user("anna"), "geen-uuid")


def test_filters_and_search(file_as, user):
    urgent = file_as("anna", urgency="urgent", external_reference="EXT-9")
    arrears = file_as(
        "anna",
        kind="rent_arrears",
        postcode="1025 AB",
        arrears_amount="10",
        arrears_months=1,
        **WGS_STEPS_TAKEN,
    )
    anna, omar = user("anna"), user("omar")
    assert set(selectors.signal_list(anna, {"kind": "rent_arrears"})) == {arrears}
    assert set(selectors.signal_list(anna, {"q": "ext-9"})) == {urgent}
    assert set(selectors.signal_list(anna, {"q": arrears.reference})) == {arrears}
    assert set(selectors.signal_list(anna, {"team": arrears.team_id})) == {arrears}
    assert set(selectors.signal_list(anna, {"status": "declined"})) == set()
    today = timezone.localdate(urgent.filed_at)
    assert len(selectors.signal_list(anna, {"filed_from": today, "filed_to": today})) == 2
    # Postcode search is for the team's own queue.
    assert set(selectors.signal_list(omar, {"q": "1025ab"})) == {arrears}
    # Corporation staff find their own signals by address too (issue 16).
    assert set(selectors.signal_list(anna, {"q": "1025ab"})) == {arrears}
    assert set(selectors.signal_list(user("bram"), {"q": "1025ab"})) == set()


# --- access log -----------------------------------------------------------------------


def test_create_list_and_detail_are_logged(file_as, user):
    signal = file_as("anna")
    created = AccessLog.objects.get(action=AccessAction.CREATE, object_type="signal")
    assert (created.object_id, created.username) == (str(signal.pk), "anna")
    assert created.organisation_name == "Woonstichting De Linde"
    assert created.household_key == signal.household_key

    sara = user("sara")
    selectors.log_signal_list(sara, list(selectors.signal_list(sara)))
    listed = AccessLog.objects.get(action=AccessAction.LIST)
    assert listed.object_ids == [str(signal.pk)]

    selectors.signal_detail(sara, signal.pk)
    read = AccessLog.objects.get(action=AccessAction.READ)
    assert (read.username, read.object_id, read.household_key) == (
        "sara",
        str(signal.pk),
        signal.household_key,
    )
    assert read.organisation_name == "Wijkteam Noord"


def test_access_log_refuses_update_and_delete(file_as):
    file_as("anna")
    rows = list(AccessLog.objects.values_list("pk", "purpose"))
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.update(purpose="export")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()
    assert list(AccessLog.objects.values_list("pk", "purpose")) == rows
