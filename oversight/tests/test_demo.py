"""`manage.py seed_demo` step of oversight: events, ratings, a callback in progress, a flag; twice is once."""

from oversight.models import CallbackTask, Rating, ServiceEvent, WorkFlag


def counts():
    return [m.objects.count() for m in (ServiceEvent, Rating, CallbackTask, WorkFlag)]


def test_seed_is_idempotent(db):
    from accounts import demo as accounts_demo
    from credit import demo as credit_demo
    from licensing import demo as licensing_demo
    from oversight import demo

    ctx: dict = {}
    for module in (accounts_demo, credit_demo, licensing_demo, demo):
        module.seed(ctx)
    first = counts()
    demo.seed(ctx)
    assert counts() == first
    assert first[1] == 3 and first[2] == 1
    task = CallbackTask.objects.get()
    assert task.state == "contacted" and task.assignee.username == "nf_approver"
    assert set(Rating.objects.values_list("anonymous", flat=True)) == {True, False}
    assert WorkFlag.objects.filter(manual=True, rule="intermediary").count() == 1
