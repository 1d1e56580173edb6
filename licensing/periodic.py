from core.periodic import register

# 00:20 every day: deemed acceptance, tolerant terminations, deemed renewals, expiry.
register("licensing: daily clock", "licensing.daily_clock", minute="20", hour="0")
