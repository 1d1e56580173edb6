"""seed_scale at a tiny scale on the test database: consistent, recognisable, removable."""

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.credit_code import validate_credit_code
from accounts.models import Enterprise, User
from benchmarks import seeding
from benchmarks.dataset import EMAIL_DOMAIN, NUMBER_PREFIX, USER_PREFIX, Sizes
from core.models import AuditLog
from credit.models import CreditRecord, EnterpriseCredit, JointPunishmentEntry, Tier
from credit.selectors import tier_of
from licensing.conditions import gap_report
from licensing.models import (
    OPEN_STATES,
    PAUSED_STATES,
    Application,
    ClockPause,
    Equipment,
    GeneratingUnit,
    Kind,
    Licence,
    LicenceStatus,
    Personnel,
    State,
)

TINY = 0.0005


def quiet(message):
    pass


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """One tiny dataset for the read-only checks of this module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seeding.seed(scale=TINY, log=quiet)
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def synthetic(model, path="enterprise"):
    return model.objects.filter(**{f"{path}__email__endswith": f"@{EMAIL_DOMAIN}"})


def test_sizes_scale_and_never_lose_a_state():
    full = Sizes.at(1)
    assert (full.enterprises, full.licences, full.personnel) == (50_000, 60_000, 2_500_000)
    assert (full.units, full.applications, full.credit_records) == (100_000, 1_000_000, 500_000)
    assert Sizes.at(0.01).applications == 10_000
    tiny = Sizes.at(0.00001)
    assert tiny.enterprises >= 24 and tiny.applications >= len(State.values) * 10
    with pytest.raises(ValueError):
        Sizes.at(0)


def test_counts_are_what_the_scale_asks_for(seeded):
    sizes = Sizes.at(TINY)
    assert Enterprise.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == sizes.enterprises
    assert synthetic(Licence).count() == sizes.licences
    assert synthetic(Personnel).count() == sizes.personnel
    assert synthetic(GeneratingUnit, "licence__enterprise").count() == sizes.units
    assert synthetic(Application).count() == sizes.applications
    assert synthetic(CreditRecord).count() == sizes.credit_records
    assert synthetic(EnterpriseCredit).count() == sizes.enterprises
    assert synthetic(Equipment).exists()


def test_every_foreign_key_is_valid(seeded):
    connection.check_constraints()  # SQLite: PRAGMA foreign_key_check; PostgreSQL: deferred keys now


def test_every_tier_state_status_and_kind_is_present(seeded):
    assert set(synthetic(EnterpriseCredit).values_list("tier", flat=True)) == set(Tier.values)
    assert set(synthetic(Application).values_list("state", flat=True)) == set(State.values)
    assert set(synthetic(Application).values_list("kind", flat=True)) == set(Kind.values)
    assert set(synthetic(Licence).values_list("status", flat=True)) == set(LicenceStatus.values)
    assert {"facility", "power_business"} <= set(synthetic(Licence).values_list("licence_type", flat=True))


def test_credit_codes_are_valid_and_marked(seeded):
    codes = list(
        Enterprise.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("credit_code", flat=True)
    )
    assert len(codes) == len(set(codes))
    for code in codes:
        validate_credit_code(code)
        assert code[8:10] == "QW"


def test_numbers_and_usernames_carry_the_marks(seeded):
    numbers = synthetic(Application).exclude(state=State.DRAFT).values_list("number", flat=True)
    assert all(n.startswith(NUMBER_PREFIX) for n in numbers)
    assert synthetic(Application).filter(state=State.DRAFT, number__isnull=False).count() == 0
    assert all(n.startswith(NUMBER_PREFIX) for n in synthetic(Licence).values_list("number", flat=True))
    staff = User.objects.filter(username__startswith=USER_PREFIX).exclude(role="enterprise")
    assert {"officer", "approver", "supervisor"} <= set(staff.values_list("role", flat=True))


def test_stored_tier_is_the_tier_the_rules_derive(seeded):
    for credit in synthetic(EnterpriseCredit).select_related("enterprise"):
        assert tier_of(credit.enterprise).tier == credit.tier, credit.enterprise_id
    severe = synthetic(EnterpriseCredit).filter(tier=Tier.SERIOUSLY_DISHONEST).count()
    assert synthetic(JointPunishmentEntry).count() == severe


def test_application_shapes_follow_their_state(seeded):
    apps = synthetic(Application)
    for app in apps.filter(state__in=PAUSED_STATES):
        assert ClockPause.objects.filter(application=app, ended_on__isnull=True).count() == 1
    assert not ClockPause.objects.filter(application__in=apps.exclude(state__in=PAUSED_STATES), ended_on=None)
    accepted_states = set(State.values) - {
        State.DRAFT,
        State.SUBMITTED,
        State.CORRECTION_REQUESTED,
        State.NOT_ACCEPTED,
    }
    for app in apps.filter(state__in=accepted_states):
        assert app.accepted_on and app.deadline and app.handled_by_id, app.pk
    assert not apps.filter(state=State.APPROVED, decided_on__isnull=True).exists()
    assert not apps.filter(state=State.APPROVED, kind="new", licence__isnull=True).exists()
    today = timezone.localdate()
    assert not apps.filter(received_on__gt=today).exists()
    open_apps = apps.filter(state__in=OPEN_STATES)
    assert not open_apps.filter(received_on__lt=today - dt.timedelta(days=90)).exists(), (
        "open ones are recent"
    )


def test_transition_history_is_in_the_audit_log(seeded):
    sample = synthetic(Application).order_by("pk")[:60]
    for app in sample:
        history = list(
            AuditLog.objects.filter(object_type="licensing.application", object_id=str(app.pk)).order_by(
                "at", "id"
            )
        )
        assert history[0].action == "application.create"
        assert history[-1].after["state"] == app.state
        assert [h.at for h in history] == sorted(h.at for h in history)
        for previous, current in itertools.pairwise(history):
            assert current.before["state"] == previous.after["state"]


def test_some_holders_fall_short_of_their_conditions(seeded):
    today = timezone.localdate()
    reports = []
    for licence in (
        synthetic(Licence).filter(licence_type="facility", status="valid").prefetch_related("scopes")
    ):
        scopes = [(s.category, s.level_id) for s in licence.scopes.all()]
        reports.append(gap_report(licence.enterprise, scopes, today).complete)
    assert not all(reports), "the scan needs holders that fall short"
    assert sum(reports) > len(reports) / 2, "most holders meet their conditions"


def test_seeding_twice_is_refused(seeded):
    with pytest.raises(seeding.SeedError, match="--reset"):
        seeding.seed(scale=TINY, log=quiet)
