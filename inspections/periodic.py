from core.periodic import register

# 01:10 every day, after the credit tiers are recomputed overnight.
register("inspections: dishonest list", "inspections.sync_dishonest_list", minute="10", hour="1")
