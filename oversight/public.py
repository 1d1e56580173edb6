"""一公开: the sections of the public disclosure site and how long each outcome stays public.

Sections are a registry: the landing page `/public/disclosure/` lists every registered section. This
module registers licensing's; inspections (`random_inspection_results`) and penalties
(`penalty_decisions`) register theirs from `AppConfig.ready()`:

    from oversight.public import PublicSection, register_section
    register_section(PublicSection("penalty_decisions", _("Penalty decisions"), "penalties:public", 60,
                                   _("Administrative penalty decisions …")))

A section's entries are withdrawn when their `DisclosureRule` retention ends, after a granted objection
revoked their credit record, and — when the rule says so — after a granted credit repair (seed 000
item 八): `published_q()` builds that filter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.dates import add_months
from oversight.models import DisclosureRule

# Used when the rule row is missing (it is seeded by migration 0002; an administrator may edit it).
FALLBACK_RETENTION_MONTHS = 36


@dataclass(frozen=True)
class PublicSection:
    key: str
    title: str
    url_name: str
    order: int
    description: str = ""

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_SECTIONS: dict[str, PublicSection] = {}


def register_section(section: PublicSection) -> None:
    _SECTIONS[section.key] = section


def sections() -> list[tuple[PublicSection, str]]:
    """Registered sections whose page exists, in order, with their URL."""
    found = [(s, s.url()) for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))]
    return [(s, url) for s, url in found if url]


def _rule(rule_key: str) -> tuple[int, bool]:
    """(retention months, withdrawn on repair) of a rule, in one query."""
    row = (
        DisclosureRule.objects.filter(key=rule_key)
        .values_list("retention_months", "withdraw_on_repair")
        .first()
    )
    return (row[0] or FALLBACK_RETENTION_MONTHS, row[1]) if row else (FALLBACK_RETENTION_MONTHS, False)


def _start(months: int, on: dt.date | None) -> dt.date:
    return add_months(on or timezone.localdate(), -months) + dt.timedelta(days=1)


def retention_start(rule_key: str, on: dt.date | None = None) -> dt.date:
    """The earliest decision date still public on `on`: retention months back, inclusive."""
    return _start(_rule(rule_key)[0], on)


def published_q(
    rule_key: str, date_field: str, *, on: dt.date | None = None, credit_record_field: str | None = None
) -> Q:
    """Entries still public on `on`: dated within the retention period and, when the entry stems from
    a credit record, whose record was not revoked after a granted objection (the record was wrong) nor
    — when the rule withdraws on repair — repaired. One query (the rule)."""
    months, withdraw_on_repair = _rule(rule_key)
    q = Q(**{f"{date_field}__gte": _start(months, on)})
    if credit_record_field:
        withdrawn = ["revoked", "repaired"] if withdraw_on_repair else ["revoked"]
        q &= ~Q(**{f"{credit_record_field}__status__in": withdrawn})
    return q


register_section(
    PublicSection(
        "licence_register",
        _("Licence register"),
        "public:home",
        10,
        _("Every licence with its holder, scope, validity and status."),
    )
)
register_section(
    PublicSection(
        "licensing_decisions",
        _("Licensing decisions"),
        "disclosure:decisions",
        20,
        _("Decisions to grant or refuse a licence: enterprise, kind of application, decision and date."),
    )
)
register_section(
    PublicSection(
        "commitment_letters",
        _("Commitment letters (告知承诺书)"),
        "disclosure:commitments",
        30,
        _("Licences granted under notification-commitment, with the commitment the enterprise signed."),
    )
)
register_section(
    PublicSection(
        "dishonest_list",
        _("Dishonest list"),
        "credit:public-dishonest",
        40,
        _("Dishonest behaviours during their listing period; withdrawn after a credit repair."),
    )
)
