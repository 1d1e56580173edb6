"""Licence conditions vs. what an enterprise has: the checklist, the tolerant-acceptance gap."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from licensing.models import (
    LEAD_ROLES,
    Equipment,
    EquipmentRequirement,
    LicenceCondition,
    Personnel,
    PersonnelRequirement,
    PersonnelRole,
)


@dataclass
class Row:
    key: str
    label: str
    required: int
    available: int

    @property
    def missing(self) -> int:
        return max(0, self.required - self.available)

    @property
    def ok(self) -> bool:
        return self.missing == 0


@dataclass
class GapReport:
    personnel: list[Row] = field(default_factory=list)
    equipment: list[Row] = field(default_factory=list)
    missing_conditions: list[str] = field(default_factory=list)

    @property
    def leads_missing(self) -> list[Row]:
        return [r for r in self.personnel if r.key in LEAD_ROLES and not r.ok]

    @property
    def personnel_gap_pct(self) -> Decimal:
        """Missing people over required people, leads excluded (seed 003 item 2)."""
        rows = [r for r in self.personnel if r.key not in LEAD_ROLES]
        required = sum(r.required for r in rows)
        if not required:
            return Decimal("0.0")
        return (Decimal(100) * sum(r.missing for r in rows) / required).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    @property
    def equipment_gap_pct(self) -> Decimal:
        """Missing items over required items, counted by item (不超过总项数的…%)."""
        if not self.equipment:
            return Decimal("0.0")
        missing = sum(1 for r in self.equipment if not r.ok)
        return (Decimal(100) * missing / len(self.equipment)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def complete(self) -> bool:
        return not self.missing_conditions and all(r.ok for r in self.personnel + self.equipment)


def conditions_for(scopes: list[tuple[str, int]]) -> tuple[list[LicenceCondition], list[str]]:
    """The condition rows for (category, level id) pairs; the names of pairs without a row."""
    found, missing = [], []
    for category, level_id in scopes:
        condition = (
            LicenceCondition.objects.filter(category=category, level_id=level_id)
            .select_related("level")
            .first()
        )
        if condition is None:
            missing.append(f"{category}/{level_id}")
        else:
            found.append(condition)
    return found, missing


def qualifying_personnel(enterprise, on: dt.date):
    """In post, certificate valid (or none required), insured — what counts towards the conditions."""
    return Personnel.objects.filter(
        Q(employed_until__isnull=True) | Q(employed_until__gte=on),
        Q(certificate_expiry__isnull=True) | Q(certificate_expiry__gte=on),
        enterprise=enterprise,
        employed_from__lte=on,
        insured=True,
    )


def gap_report(enterprise, scopes: list[tuple[str, int]], on: dt.date) -> GapReport:
    """Requirements of the requested scopes (a person or machine may serve several categories, so the
    requirement per role / item is the largest over the scopes) against the enterprise's roster."""
    conditions, missing = conditions_for(scopes)
    report = GapReport(missing_conditions=missing)
    personnel_req: dict[str, int] = {}
    for req in PersonnelRequirement.objects.filter(condition__in=conditions):
        personnel_req[req.role] = max(personnel_req.get(req.role, 0), req.min_count)
    equipment_req: dict[int, tuple[str, int]] = {}
    for req in EquipmentRequirement.objects.filter(condition__in=conditions).select_related("item"):
        previous = equipment_req.get(req.item_id, (req.item.name, 0))[1]
        equipment_req[req.item_id] = (req.item.name, max(previous, req.min_count))

    counts: dict[str, int] = {}
    for role in qualifying_personnel(enterprise, on).values_list("role", flat=True):
        counts[role] = counts.get(role, 0) + 1
    labels = dict(PersonnelRole.choices)
    report.personnel = [
        Row(role, str(labels[role]), need, counts.get(role, 0))
        for role, need in sorted(personnel_req.items(), key=lambda kv: list(labels).index(kv[0]))
    ]
    have = dict(
        Equipment.objects.filter(enterprise=enterprise, in_service=True, item_id__in=equipment_req)
        .values("item_id")
        .annotate(n=Sum("quantity"))
        .values_list("item_id", "n")
    )
    report.equipment = [
        Row(str(item_id), name, need, have.get(item_id, 0))
        for item_id, (name, need) in sorted(equipment_req.items(), key=lambda kv: kv[1][0])
    ]
    return report
