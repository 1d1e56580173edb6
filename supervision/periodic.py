from core.periodic import register

# 02:00 on the 1st of every month (seed 000 一(五): 每月……智能预警筛查). Editable in the admin.
register(
    "supervision: monthly licence-condition scan",
    "supervision.scan_licence_conditions",
    minute="0",
    hour="2",
    day_of_month="1",
)
# 00:40 every day, after licensing's daily clock (00:20) has expired and renewed licences.
register("supervision: daily follow-up", "supervision.daily_follow_up", minute="40", hour="0")
