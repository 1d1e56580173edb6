from core.periodic import register

# Every 15 minutes: re-send renders lost with a broker or worker (tasks are idempotent).
register("documents: requeue stale renders", "documents.requeue_stale", minute="*/15")
