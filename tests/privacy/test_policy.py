"""The policy's main answers per role of the demo world, asked directly."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from partners.choices import Role
from partners.models import Agreement, Organisation
from privacy import policy
from privacy.context_processors import QUESTIONS, Answers
from privacy.grants import permission_id
from privacy.models import CaseUserObjectPermission, SignalGroupObjectPermission
from tests import helpers

ROLES = ["anna", "bram", "sara", "noor", "omar", "eva", "pim", "admin"]


def seen_by(visible, obj) -> set[str]:
    return {name for name in ROLES if visible(helpers.user(name)).filter(pk=obj.pk).exists()}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("anna", {"file_signals", "list_signals", "view_insights", "view_agreements",
                  "view_contacts", "view_districts"}),
        ("sara", {"list_signals", "work_cases", "view_agreements", "view_contacts",
                  "view_districts"}),
        ("noor", {"list_signals", "work_cases", "triage_signals", "view_agreements",
                  "view_contacts", "view_districts"}),
        ("eva", {"view_agreements", "manage_agreements", "view_contacts", "manage_contacts",
                 "view_dashboard", "approve_complexes", "view_districts"}),
        ("pim", {"inquire_access_log", "review_observations"}),
        ("admin", set()),
    ],
)  # fmt: skip
def test_each_role_gets_the_menu_the_policy_allows(demo, username, expected):
    answers = Answers(helpers.user(username))
    assert {name for name in QUESTIONS if answers[name]} == expected


def test_memberships_of_an_administrator_drop_personal_data_roles(demo):
    admin = helpers.user("admin")
    team = Organisation.objects.get(name="Wijkteam Noord")
    admin.memberships.create(organisation=team, role="team_member")
    admin.__dict__.pop("_wijkportaal_memberships", None)
    assert policy.memberships(admin) == []
    assert policy.team_ids(admin) == set()
    assert not policy.visible_signals(admin).exists()


def test_teams_and_team_members(demo):
    noor = helpers.user("noor")
    [team] = policy.teams(noor)
    assert team.name == "Wijkteam Noord"
    members = set(policy.team_members(team.pk).values_list("username", flat=True))
    assert members == {"sara", "noor"}
    assert policy.teams(helpers.user("eva")) == []


def test_a_signal_is_seen_by_its_filer_and_the_routed_team_only(demo):
    signal = helpers.signal(by="anna", house_number=5)  # 1012 AB: Wijkteam Noord
    seen_by = {
        name
        for name in ROLES
        if policy.visible_signals(helpers.user(name)).filter(pk=signal.pk).exists()
    }
    assert seen_by == {"anna", "sara", "noor"}
    assert policy.signal_perspective(helpers.user("anna"), signal) is not None
    assert policy.signal_perspective(helpers.user("bram"), signal) is None
    assert policy.can_triage_signal(helpers.user("noor"), signal)
    assert not policy.can_triage_signal(helpers.user("anna"), signal)


def test_signal_colleagues_are_the_filing_corporations_staff_but_the_filer(demo):
    from django.contrib.auth import get_user_model

    corporation = Organisation.objects.get(name="Woonstichting De Linde")
    users = get_user_model().objects
    lotte = users.create_user("lotte")
    lotte.memberships.create(organisation=corporation, role=Role.CORPORATION_STAFF)
    officer = users.create_user("pieter")
    officer.memberships.create(organisation=corporation, role=Role.PRIVACY_OFFICER)
    gone = users.create_user("gone", is_active=False)
    gone.memberships.create(organisation=corporation, role=Role.CORPORATION_STAFF)
    admin = helpers.user("admin")
    admin.memberships.create(organisation=corporation, role=Role.CORPORATION_STAFF)
    signal = helpers.signal(by="anna", house_number=5)
    names = set(policy.signal_colleagues(signal).values_list("username", flat=True))
    # Staff of the filing corporation only: not the filer, not another role, not an
    # inactive account, not an administrator's personal-data role, not another corporation.
    assert "lotte" in names
    assert names.isdisjoint({"anna", "pieter", "gone", "admin", "bram"})


def test_a_case_is_seen_by_its_team_not_by_the_filer(demo):
    noor = helpers.user("noor")
    case = case_services.accept_signal(noor, helpers.signal(house_number=5))
    seen_by = {
        name
        for name in ROLES
        if policy.visible_cases(helpers.user(name)).filter(pk=case.pk).exists()
    }
    assert seen_by == {"sara", "noor"}
    assert policy.can_work_case(noor, case)
    assert not policy.can_work_case(helpers.user("omar"), case)


def test_the_length_of_the_visible_signals_is_the_number_of_signals_they_list(demo):
    """The unfiltered count comes from the grant table alone (`CountedByGrants`); it must
    equal the rows listed for every role, also for a user whose two organisations were
    both granted the same signal, for a team member from whom a confidential case hides
    signals, and once the set is narrowed by a filter, a slice or `none()`."""
    noor, sara = helpers.user("noor"), helpers.user("sara")
    for number in (41, 42, 43):
        helpers.signal(by="anna", house_number=number)  # De Linde files, Noord is routed
    hidden = case_services.accept_signal(noor, helpers.signal(by="anna", house_number=44))
    case_services.set_confidential(noor, hidden, True)
    apart = (
        policy.visible_signals(helpers.user("anna")).count() + policy.visible_signals(noor).count()
    )
    both = helpers.user("anna")  # files for De Linde, now also lead in Wijkteam Noord
    both.memberships.create(
        organisation=Organisation.objects.get(name="Wijkteam Noord"), role=Role.TRIAGE_LEAD
    )
    both = helpers.user("anna")
    for user in [helpers.user(name) for name in ROLES] + [both]:
        visible = policy.visible_signals(user)
        listed = list(visible)
        assert visible.count() == len(listed), user.username
        ordered = visible.select_related("team").order_by("-filed_at")
        assert ordered.count() == len(listed), user.username
        narrowed = visible.filter(house_number=41)
        assert narrowed.count() == len(list(narrowed)), user.username
        assert policy.visible_signals(user)[:2].count() == len(listed[:2]), user.username
        assert visible.none().count() == 0
    assert policy.visible_signals(sara).count() < policy.visible_signals(noor).count()
    # Granted to both of anna's groups, each of her signals to Noord counts once.
    assert policy.visible_signals(both).count() < apart


def test_the_unfiltered_signal_count_reads_only_the_grant_index(demo):
    helpers.signal(by="anna", house_number=45)
    noor = helpers.user("noor")
    policy.memberships(noor)  # cached before counting
    with CaptureQueriesContext(connection) as counted:
        policy.visible_signals(noor).order_by("-filed_at").count()
    [query] = counted.captured_queries
    assert "signals_signal" not in query["sql"]
    with CaptureQueriesContext(connection) as filtered:
        policy.visible_signals(noor).filter(kind="nuisance").count()
    assert "signals_signal" in filtered.captured_queries[0]["sql"]


def test_the_routing_scope_leaves_out_no_granted_signal(demo):
    """`visible_signals` asks the routing scope next to the grant (so lists start from
    their organisation's index): it may never hide a signal the grants allow. Every grant
    the services write, after filing, re-routing and a user in two organisations, names
    the filer's corporation or the routed wijkteam, and each user sees exactly the
    signals granted to their groups."""
    noor = helpers.user("noor")
    for number in (51, 52):
        helpers.signal(by="anna", house_number=number)
    helpers.signal(by="bram", postcode="1021 AB", house_number=3)  # Stadswonen, to Zuid
    moved = helpers.signal(by="anna", house_number=53)
    zuid = Organisation.objects.get(name="Wijkteam Zuid")
    case_services.reroute_signal(noor, moved, zuid, "Adres hoort bij Zuid")
    both = helpers.user("bram")  # files for Stadswonen, also works in Wijkteam Noord
    both.memberships.create(
        organisation=Organisation.objects.get(name="Wijkteam Noord"), role=Role.TEAM_MEMBER
    )
    view = permission_id("signals", "view_signal")
    for grant in SignalGroupObjectPermission.objects.select_related("content_object"):
        signal = grant.content_object
        assert grant.group_id in (
            Organisation.objects.get(pk=signal.organisation_id, kind="corporation").group_id,
            Organisation.objects.get(pk=signal.team_id, kind="wijkteam").group_id,
        )
    for user in [helpers.user(name) for name in ROLES] + [helpers.user("bram")]:
        granted = set(
            SignalGroupObjectPermission.objects.filter(
                group_id__in=policy.organisation_group_ids(user), permission_id=view
            ).values_list("content_object_id", flat=True)
        )
        assert set(policy.visible_signals(user).values_list("pk", flat=True)) == granted
    assert policy.visible_signals(helpers.user("omar")).filter(pk=moved.pk).exists()
    assert not policy.visible_signals(noor).filter(pk=moved.pk).exists()


def test_lists_probe_the_grant_per_row_and_case_counts_may_join_it(demo):
    """The grant is asked as a sub-query PostgreSQL keeps (one index probe per row the
    list's own index yields, so a page stops early); a query that counts cases gets the
    plain EXISTS the planner may turn into a join (`privacy.policy.GrantProbe`)."""
    noor = helpers.user("noor")
    helpers.signal(by="anna", house_number=54)
    case_services.accept_signal(noor, helpers.signal(by="anna", house_number=55))
    tray = policy.visible_signals(noor).filter(status="received").order_by("triage_deadline")
    with connection.cursor() as cursor:
        sql, params = tray[:50].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "SubPlan" in plan
    assert "privacy_signalgroupobjectpermission" not in plan.split("SubPlan")[0]
    with CaptureQueriesContext(connection) as queries:
        assert len(list(policy.visible_cases(noor).order_by("pk")[:50])) == 1
        assert policy.visible_cases(noor).count() == 1
        assert policy.visible_signals(noor).filter(status="accepted").count() == 1
    # (after the user's current shares, read once)
    case_rows, case_count, signal_count = (q["sql"] for q in queries.captured_queries[-3:])
    assert "OFFSET 0" in case_rows
    assert "OFFSET 0" not in case_count
    assert "OFFSET 0" in signal_count


def test_visible_cases_each_branch(demo):
    """Every branch of `visible_cases`, asked as a list (the queryset as the pages use it)
    and per case: team cases, confidential ones only for the assignee and the triage
    leads of their team, personal shares until they end, nothing of another team."""
    noor, sara, omar = helpers.user("noor"), helpers.user("sara"), helpers.user("omar")
    plain = case_services.accept_signal(noor, helpers.signal(house_number=31))
    confidential = case_services.accept_signal(noor, helpers.signal(house_number=32))
    case_services.set_confidential(noor, confidential, True)
    assigned = case_services.accept_signal(noor, helpers.signal(house_number=33))
    case_services.set_confidential(noor, assigned, True)
    case_services.assign_case(noor, assigned, sara)
    zuid = case_services.accept_signal(omar, helpers.signal(postcode="1022 AB", house_number=7))
    zuid_confidential = case_services.accept_signal(
        omar, helpers.signal(postcode="1022 AB", house_number=8)
    )
    case_services.set_confidential(omar, zuid_confidential, True)
    shared = case_services.accept_signal(noor, helpers.signal(house_number=34))
    expired = case_services.accept_signal(noor, helpers.signal(house_number=35))
    for case in (shared, expired):
        case_services.share_case(noor, case, omar, "Overleg", timezone.localdate())
    CaseUserObjectPermission.objects.filter(content_object=expired).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    mine = {plain, confidential, assigned, zuid, zuid_confidential, shared, expired}

    def visible(user) -> set:
        return set(policy.visible_cases(user).filter(pk__in=[c.pk for c in mine]))

    # Team member: the team's cases, a confidential one only when assigned to them.
    assert visible(sara) == {plain, assigned, shared, expired}
    # Triage lead: every case of the team, confidential or not.
    assert visible(noor) == {plain, confidential, assigned, shared, expired}
    # Another team's lead: their own team's cases plus the active share, not the expired
    # one nor any other case of Noord.
    assert visible(omar) == {zuid, zuid_confidential, shared}
    # Corporation staff, coordinators, privacy officers and administrators: none.
    for name in ("anna", "bram", "eva", "pim", "admin"):
        assert visible(helpers.user(name)) == set()
    # Lead in one team and member in another: confidential cases of the lead team only.
    sara.memberships.create(organisation=zuid.team, role=Role.TRIAGE_LEAD)
    sara = helpers.user("sara")
    assert visible(sara) == {plain, assigned, shared, expired, zuid, zuid_confidential}
    # A confidential case shared with a member who may not see it otherwise: the share counts.
    case_services.share_case(noor, confidential, omar, "Overleg", timezone.localdate())
    assert confidential in visible(omar)
    # The same answers for a single case, as the case page asks.
    assert policy.visible_cases(sara).filter(pk=confidential.pk).exists() is False
    assert policy.visible_cases(omar).filter(pk=expired.pk).exists() is False


def test_coordinator_and_privacy_officer_scopes(demo):
    eva, pim, anna = helpers.user("eva"), helpers.user("pim"), helpers.user("anna")
    demostad = Organisation.objects.get(name="Gemeente Demostad").municipality_id
    assert policy.coordinator_municipality_ids(eva) == {demostad}
    assert policy.coordinator_municipality_ids(pim) == set()
    assert policy.privacy_officer_municipality_ids(pim) == {demostad}
    assert policy.can_inquire_access_log(pim) and not policy.can_inquire_access_log(eva)
    assert policy.household_in_privacy_scope(pim, "1012AB-5-")
    assert not policy.household_in_privacy_scope(anna, "1012AB-5-")
    assert policy.visible_agreements(eva).exists()
    assert set(policy.visible_agreements(anna).values_list("corporation__name", flat=True)) <= {
        "Woonstichting De Linde"
    }


def coordinator_ids_of(municipality) -> set[int]:
    counted, (user_id, _email) = policy.municipality_coordinators("municipality")
    agreements = Agreement.objects.filter(municipality=municipality, **counted)
    return set(agreements.values_list(user_id, flat=True))


def test_municipality_coordinators_are_its_active_coordinators_only(demo):
    demostad = demo["municipality"]
    assert coordinator_ids_of(demostad) == {helpers.user("eva").pk}  # not pim, not the teams

    eva = helpers.user("eva")
    eva.is_active = False
    eva.save()
    assert coordinator_ids_of(demostad) == set()


@pytest.mark.parametrize("coordinator_is_personal_data_role", [False, True])
def test_municipality_coordinators_count_the_memberships_the_policy_counts(
    demo, monkeypatch, coordinator_is_personal_data_role
):
    """An administrator's coordinator membership counts in the sweep exactly when it
    counts for the administrator's own pages."""
    if coordinator_is_personal_data_role:
        monkeypatch.setattr(
            policy, "PERSONAL_DATA_ROLES", {*policy.PERSONAL_DATA_ROLES, Role.COORDINATOR}
        )
    demostad = demo["municipality"]
    admin = helpers.user("admin")
    admin.memberships.create(
        organisation=Organisation.objects.get(name="Gemeente Demostad"), role=Role.COORDINATOR
    )
    by_policy = {
        name
        for name in ROLES
        if demostad.pk in policy.coordinator_municipality_ids(helpers.user(name))
    }
    swept = {name for name in ROLES if helpers.user(name).pk in coordinator_ids_of(demostad)}
    assert swept == by_policy
    assert ("admin" in swept) is not coordinator_is_personal_data_role
