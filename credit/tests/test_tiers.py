"""The tier rules (docs/credit.md) over the records that count, overrides, history and periods."""

import datetime as dt

import pytest

from core.exceptions import DomainError, ForbiddenError
from credit import services
from credit.models import CreditRecord, EnterpriseCredit, JointPunishmentEntry, TierChange, TierOverride
from credit.selectors import tier_of

D = dt.date


class TestRules:
    def test_no_record_is_trustworthy(self, enterprise):
        snapshot = tier_of(enterprise)
        assert snapshot.tier == "trustworthy" and snapshot.record_ids == ()

    def test_commendation_without_negative_is_good(self, enterprise, make_record):
        record = make_record(enterprise, category="commendation", grade="", title="表彰")
        snapshot = tier_of(enterprise)
        assert snapshot.tier == "good" and snapshot.record_ids == (record.pk,)

    def test_one_minor_is_trustworthy_even_with_commendation(self, enterprise, make_record):
        make_record(enterprise, category="commendation", grade="")
        make_record(enterprise, grade="minor")
        assert tier_of(enterprise).tier == "trustworthy"

    def test_two_minor_is_dishonest(self, enterprise, make_record):
        make_record(enterprise, grade="minor")
        make_record(enterprise, grade="minor", category="penalty")
        assert tier_of(enterprise).tier == "dishonest"

    def test_serious_is_dishonest(self, enterprise, make_record):
        make_record(enterprise, grade="serious")
        assert tier_of(enterprise).tier == "dishonest"

    def test_severe_is_seriously_dishonest(self, enterprise, make_record):
        make_record(enterprise, grade="serious")
        severe = make_record(enterprise, grade="severe", category="inspection")
        snapshot = tier_of(enterprise)
        assert snapshot.tier == "seriously_dishonest" and snapshot.record_ids == (severe.pk,)

    def test_ungraded_penalty_or_inspection_is_neutral(self, enterprise, make_record):
        make_record(enterprise, category="inspection", grade="")
        make_record(enterprise, category="penalty", grade="")
        assert tier_of(enterprise).tier == "trustworthy"

    def test_other_enterprises_records_do_not_count(self, enterprise, other_enterprise, make_record):
        make_record(other_enterprise, grade="severe")
        assert tier_of(enterprise).tier == "trustworthy"


class TestEdgeDates:
    def test_record_expiring_today_counts_today_not_tomorrow(self, enterprise, make_record):
        make_record(enterprise, grade="severe", occurred_on=D(2026, 1, 10), counts_until=D(2026, 6, 30))
        assert tier_of(enterprise, D(2026, 6, 30)).tier == "seriously_dishonest"
        assert tier_of(enterprise, D(2026, 7, 1)).tier == "trustworthy"

    def test_record_counts_from_its_date(self, enterprise, make_record):
        make_record(enterprise, grade="serious", occurred_on=D(2026, 3, 2), counts_until=D(2026, 9, 1))
        assert tier_of(enterprise, D(2026, 3, 1)).tier == "trustworthy"
        assert tier_of(enterprise, D(2026, 3, 2)).tier == "dishonest"

    def test_repaired_record_counts_until_the_day_before_repair(self, enterprise, make_record, officer):
        record = make_record(
            enterprise, grade="severe", occurred_on=D(2026, 1, 5), counts_until=D(2028, 1, 4)
        )
        CreditRecord.objects.filter(pk=record.pk).update(status="repaired", ended_on=D(2026, 5, 1))
        assert tier_of(enterprise, D(2026, 4, 30)).tier == "seriously_dishonest"
        assert tier_of(enterprise, D(2026, 5, 1)).tier == "trustworthy"

    def test_default_validity_is_the_grades_listing_period(self, enterprise, make_record):
        minor = make_record(enterprise, grade="minor", occurred_on=D(2026, 1, 15))
        serious = make_record(enterprise, grade="serious", occurred_on=D(2026, 1, 15))
        severe = make_record(enterprise, grade="severe", occurred_on=D(2026, 1, 15))
        praise = make_record(enterprise, category="commendation", grade="", occurred_on=D(2026, 1, 15))
        neutral = make_record(enterprise, category="inspection", grade="", occurred_on=D(2026, 1, 15))
        assert minor.counts_until == D(2026, 4, 14)
        assert serious.counts_until == D(2027, 1, 14)
        assert severe.counts_until == D(2029, 1, 14)
        assert praise.counts_until == D(2029, 1, 14)
        assert neutral.counts_until is None

    def test_daily_refresh_stores_expiry(self, enterprise, make_record, today):
        make_record(enterprise, grade="severe", occurred_on=today - dt.timedelta(days=30), counts_until=today)
        assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "seriously_dishonest"
        assert services.credit_tiers_refresh() == 0
        CreditRecord.objects.update(counts_until=today - dt.timedelta(days=1))
        assert services.credit_tiers_refresh() == 1
        assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "trustworthy"
        assert services.credit_tiers_refresh() == 0


class TestListingPeriods:
    def test_published_record_gets_the_grades_longest_listing(self, enterprise, make_record):
        record = make_record(enterprise, grade="minor", occurred_on=D(2026, 2, 1), published=True)
        assert record.publish_until == D(2026, 4, 30)
        severe = make_record(enterprise, grade="severe", occurred_on=D(2026, 2, 1), published=True)
        assert severe.publish_until == D(2029, 1, 31)

    def test_shorter_listing_allowed_longer_refused(self, enterprise, make_record):
        record = make_record(
            enterprise,
            grade="serious",
            occurred_on=D(2026, 2, 1),
            published=True,
            publish_until=D(2026, 6, 1),
        )
        assert record.publish_until == D(2026, 6, 1)
        with pytest.raises(DomainError) as exc:
            make_record(
                enterprise,
                grade="minor",
                occurred_on=D(2026, 2, 1),
                published=True,
                publish_until=D(2026, 5, 1),
            )
        assert exc.value.code == "listing_too_long" and "2026-04-30" in exc.value.message
        assert CreditRecord.objects.count() == 1

    def test_unpublished_record_has_no_listing(self, enterprise, make_record):
        assert make_record(enterprise, publish_until=D(2026, 6, 1)).publish_until is None

    def test_periods_are_policy_data(self, enterprise, make_record):
        from credit.models import PolicyVersion

        PolicyVersion.objects.update(listing_months_minor=6)
        record = make_record(enterprise, grade="minor", occurred_on=D(2026, 2, 1), published=True)
        assert record.publish_until == D(2026, 7, 31)


class TestRecordCreate:
    def test_idempotent_on_source_and_reference(self, enterprise, make_record):
        first = make_record(enterprise, source="penalties", source_ref="NF-罚-2026-1")
        again = make_record(enterprise, source="penalties", source_ref="NF-罚-2026-1", grade="severe")
        assert again.pk == first.pk and again.grade == "serious"
        assert make_record(enterprise, source="supervision", source_ref="NF-罚-2026-1").pk != first.pk

    @pytest.mark.parametrize(
        "fields, code",
        [
            ({"category": "dishonest", "grade": ""}, "grade_required"),
            ({"category": "commendation", "grade": "minor"}, "bad_grade"),
            ({"category": "rumour"}, "bad_category"),
            ({"grade": "catastrophic"}, "bad_grade"),
            ({"title": "  "}, "title_required"),
            ({"occurred_on": D(2026, 5, 1), "counts_until": D(2026, 4, 1)}, "bad_dates"),
        ],
    )
    def test_bad_input_refused_nothing_saved(self, enterprise, make_record, fields, code):
        with pytest.raises(DomainError) as exc:
            make_record(enterprise, **fields)
        assert exc.value.code == code
        assert not CreditRecord.objects.exists() and not TierChange.objects.exists()

    def test_history_written_once_per_change(self, enterprise, make_record):
        make_record(enterprise, grade="minor")
        make_record(enterprise, category="inspection", grade="")
        make_record(enterprise, grade="severe")
        changes = list(TierChange.objects.filter(enterprise=enterprise).order_by("at", "id"))
        assert [(c.from_tier, c.to_tier) for c in changes] == [
            ("", "trustworthy"),
            ("trustworthy", "seriously_dishonest"),
        ]

    def test_severe_record_goes_on_the_joint_punishment_list(self, enterprise, make_record):
        severe = make_record(enterprise, grade="severe")
        make_record(enterprise, grade="serious")
        entry = JointPunishmentEntry.objects.get()
        assert entry.record == severe and entry.removed_on is None

    def test_expired_severe_record_is_not_listed(self, enterprise, make_record):
        make_record(enterprise, grade="severe", occurred_on=D(2020, 1, 1), counts_until=D(2021, 1, 1))
        assert not JointPunishmentEntry.objects.exists()


class TestOverrides:
    def test_override_with_reason_and_end_date(self, enterprise, make_record, approver, today):
        make_record(enterprise, grade="severe")
        override = services.tier_override_create(
            enterprise=enterprise,
            tier="dishonest",
            reason="经复核，违法情节较轻，报局领导批准临时调整",
            starts_on=today,
            ends_on=today + dt.timedelta(days=30),
            actor=approver,
        )
        snapshot = tier_of(enterprise)
        assert snapshot.tier == "dishonest" and snapshot.override_id == override.pk
        assert "经复核" in snapshot.reason
        assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "dishonest"
        # the end date is inclusive; the day after, the derived tier is back
        assert tier_of(enterprise, today + dt.timedelta(days=30)).tier == "dishonest"
        assert tier_of(enterprise, today + dt.timedelta(days=31)).tier == "seriously_dishonest"

    @pytest.mark.parametrize(
        "changes, code",
        [
            ({"reason": "   "}, "reason_required"),
            ({"ends_on": None}, "end_required"),
            ({"tier": "excellent"}, "bad_tier"),
            ({"ends_on": "yesterday"}, "bad_dates"),
        ],
    )
    def test_refused_without_reason_or_end(self, enterprise, approver, today, changes, code):
        values = {
            "enterprise": enterprise,
            "tier": "good",
            "reason": "理由",
            "starts_on": today - dt.timedelta(days=5),
            "ends_on": today + dt.timedelta(days=5),
            "actor": approver,
        }
        values.update(changes)
        if values["ends_on"] == "yesterday":
            values["ends_on"] = today - dt.timedelta(days=1)
        with pytest.raises(DomainError) as exc:
            services.tier_override_create(**values)
        assert exc.value.code == code
        assert not TierOverride.objects.exists()
        assert not EnterpriseCredit.objects.filter(enterprise=enterprise).exists()

    def test_only_an_approver_of_the_agency(self, enterprise, officer, far_officer, today):
        for actor in (officer, far_officer):
            with pytest.raises(ForbiddenError):
                services.tier_override_create(
                    enterprise=enterprise,
                    tier="good",
                    reason="理由",
                    starts_on=today,
                    ends_on=today,
                    actor=actor,
                )
        assert not TierOverride.objects.exists()

    def test_future_override_applies_on_its_dates(self, enterprise, approver, today):
        services.tier_override_create(
            enterprise=enterprise,
            tier="good",
            reason="表彰决定待公布",
            starts_on=today + dt.timedelta(days=3),
            ends_on=today + dt.timedelta(days=10),
            actor=approver,
        )
        assert tier_of(enterprise).tier == "trustworthy"
        assert tier_of(enterprise, today + dt.timedelta(days=3)).tier == "good"

    def test_cancel(self, enterprise, approver, today):
        override = services.tier_override_create(
            enterprise=enterprise,
            tier="good",
            reason="理由",
            starts_on=today - dt.timedelta(days=2),
            ends_on=today + dt.timedelta(days=10),
            actor=approver,
        )
        with pytest.raises(DomainError):
            services.tier_override_cancel(override=override, actor=approver, reason="")
        services.tier_override_cancel(override=override, actor=approver, reason="依据不足")
        assert tier_of(enterprise).tier == "trustworthy"
        # the past snapshot keeps the override as it applied then
        assert tier_of(enterprise, today - dt.timedelta(days=1)).tier == "good"
        assert EnterpriseCredit.objects.get(enterprise=enterprise).tier == "trustworthy"


class TestTierApi:
    def url(self, enterprise):
        return f"/api/v1/credit/enterprises/{enterprise.pk}/tier/"

    def test_officer_of_the_agency(self, api, officer, enterprise, make_record):
        record = make_record(
            enterprise, grade="serious", occurred_on=D(2026, 3, 1), counts_until=D(2026, 8, 31)
        )
        api.force_authenticate(officer)
        body = api.get(self.url(enterprise), {"on": "2026-08-31"}).json()
        assert body == {
            "enterprise": enterprise.pk,
            "on": "2026-08-31",
            "tier": "dishonest",
            "reason": body["reason"],
            "record_ids": [record.pk],
            "override_id": None,
        }
        assert api.get(self.url(enterprise), {"on": "2026-09-01"}).json()["tier"] == "trustworthy"

    def test_scoping(
        self, api, enterprise, other_enterprise_user, far_officer, enterprise_user, nea_supervisor
    ):
        api.force_authenticate(far_officer)
        assert api.get(self.url(enterprise)).status_code == 404
        api.force_authenticate(other_enterprise_user)
        assert api.get(self.url(enterprise)).status_code == 404
        api.force_authenticate(enterprise_user)
        assert api.get(self.url(enterprise)).status_code == 200
        api.force_authenticate(nea_supervisor)
        assert api.get(self.url(enterprise)).status_code == 200

    def test_anonymous_and_bad_date(self, api, officer, enterprise):
        assert api.get(self.url(enterprise)).status_code in (401, 403)
        api.force_authenticate(officer)
        assert api.get(self.url(enterprise), {"on": "2026-13-01"}).status_code == 400
