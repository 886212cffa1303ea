"""Visibility of signals is read from the permission table, per organisation group."""

from partners.services import add_membership
from privacy import policy
from privacy.models import SignalGroupObjectPermission


def test_visibility_follows_the_grant_rows_not_the_signal_columns(file_as, user):
    signal = file_as("anna")
    noor, sara, anna = user("noor"), user("sara"), user("anna")
    assert list(policy.visible_signals(noor)) == [signal]
    # The team's grant withdrawn: its members no longer see the signal, although it is
    # still routed to their team; the filer still does.
    SignalGroupObjectPermission.objects.filter(
        content_object=signal, group=signal.team.group
    ).delete()
    assert not policy.visible_signals(noor).exists()
    assert not policy.visible_signals(sara).exists()
    assert policy.visible_signals(anna).get() == signal


def test_a_new_colleague_sees_the_organisations_signals(file_as, user, demo):
    signal = file_as("anna")
    assert not policy.visible_signals(user("bram")).exists()
    add_membership(
        user("bram"), demo["organisations"]["Woonstichting De Linde"], "corporation_staff"
    )
    assert list(policy.visible_signals(user("bram"))) == [signal]
