from core.periodic import register

register("credit: recompute tiers daily", "credit.tiers_refresh", minute="5", hour="0")
register("credit: pull the credit platform feed", "credit.platform_sync", minute="30", hour="*/6")
