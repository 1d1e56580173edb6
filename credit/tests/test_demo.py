"""`manage.py seed_demo`: the four demo enterprises get their tiers through real records; twice is once."""

from credit.models import (
    CreditRecord,
    CreditRequest,
    DishonestyAction,
    DishonestyNotice,
    EnterpriseCredit,
    JointPunishmentEntry,
)


def counts():
    return [
        m.objects.count()
        for m in (CreditRecord, CreditRequest, DishonestyAction, DishonestyNotice, JointPunishmentEntry)
    ]


def test_seed_is_idempotent(db):
    from accounts import demo as accounts_demo
    from credit import demo

    ctx: dict = {}
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    first = counts()
    demo.seed(ctx)
    assert counts() == first == [4, 2, 1, 1, 1]
    tiers = {e.key: EnterpriseCredit.objects.get(enterprise=e).tier for e in _keyed(ctx)}
    assert tiers == {
        "good": "good",
        "trust": "trustworthy",
        "dishonest": "dishonest",
        "serious": "seriously_dishonest",
    }
    states = dict(CreditRequest.objects.values_list("kind", "state"))
    assert states == {"repair": "submitted", "objection": "accepted"}
    assert DishonestyAction.objects.get().kind == "warning"
    assert CreditRecord.objects.get(grade="severe").disputed is True


def _keyed(ctx):
    for key in ("good", "trust", "dishonest", "serious"):
        enterprise = ctx["enterprises"][key]
        enterprise.key = key
        yield enterprise
