from core.periodic import register

register("oversight: service events and dashboard facts", "oversight.sync", minute="*/5")
# After the licensing daily clock (00:20) has deemed, terminated and expired what it must.
register("oversight: daily work supervision flags", "oversight.work_flags", minute="50", hour="1")
register(
    "oversight: daily and monthly totals of the dashboard facts",
    "oversight.fact_totals",
    minute="40",
    hour="2",
)
