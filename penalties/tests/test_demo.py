from penalties.models import PenaltyCase, State
from penalties.selectors import public_decisions


def test_demo_seed_is_idempotent(db):
    import accounts.demo
    import penalties.demo

    for _ in range(2):
        ctx: dict = {}
        accounts.demo.seed(ctx)
        penalties.demo.seed(ctx)
    assert sorted(PenaltyCase.objects.values_list("state", flat=True)) == [State.CLOSED, State.NOTIFIED]
    closed = PenaltyCase.objects.get(state=State.CLOSED)
    assert (
        closed.enterprise == ctx["enterprises"]["dishonest"] and closed.decided_by.username == "nf_approver"
    )
    assert closed.fine_amount == closed.recommended_fine and closed.confiscation_amount
    assert list(public_decisions()) == [closed]
    notified = PenaltyCase.objects.get(state=State.NOTIFIED)
    assert (
        notified.enterprise == ctx["enterprises"]["trust"] and notified.statement_due > notified.notified_on
    )
