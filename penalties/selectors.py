"""Reads of penalties: the fine recommendation and its reasoning, scoped case lists, the public list of
decisions, the bars licensing consults, and what the printed letters need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.scoping import scope_queryset
from credit.models import FinePosition, RecordStatus, Tier
from credit.selectors import fine_position, measure_for
from oversight.figures import TEXT, YUAN, Chart, Column, Figure, money
from penalties.models import (
    DECIDED_STATES,
    Bar,
    FineRule,
    Outcome,
    PenaltyCase,
    ProcedureRule,
    State,
    Violation,
)

if TYPE_CHECKING:
    from oversight.selectors import DashboardFilters

CENT = Decimal("0.01")
# The tier names as the credit platform prints them (seed 003 §二.2); used in the Chinese reasoning.
TIER_ZH = {
    Tier.GOOD: "信用良好",
    Tier.TRUSTWORTHY: "守信",
    Tier.DISHONEST: "失信",
    Tier.SERIOUSLY_DISHONEST: "严重失信",
}
POSITION_ZH = {FinePosition.LOWER: "下限", FinePosition.WITHIN: "范围内", FinePosition.UPPER: "上限"}


def today() -> dt.date:
    return timezone.localdate()


def yuan(amount: Decimal | None) -> str:
    return "—" if amount is None else f"{amount:,.2f}元"


def cn_date(day: dt.date | None) -> str:
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


# --- procedure ------------------------------------------------------------------------------------
def procedure_rule(on: dt.date | None = None) -> ProcedureRule:
    on = on or today()
    rule = (
        ProcedureRule.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on
        )
        .order_by("-effective_from")
        .first()
    )
    if rule is None:
        raise DomainError(_("No penalty procedure rule is in force on %s.") % on.isoformat(), code="no_rule")
    return rule


# --- the recommendation (seed 003 items 5–12) --------------------------------------------------------
def fine_range(violation: Violation, illegal_gains: Decimal | None) -> tuple[Decimal, Decimal, str]:
    """The legal range of the fine and how it was found (Chinese, for the reasoning)."""
    gains = illegal_gains or Decimal(0)
    if violation.fine_rule == FineRule.GAINS_MULTIPLE and gains > 0:
        low = (gains * violation.gains_multiple_min).quantize(CENT, ROUND_HALF_UP)
        high = (gains * violation.gains_multiple_max).quantize(CENT, ROUND_HALF_UP)
        how = (
            f"违法所得{yuan(gains)}的{violation.gains_multiple_min.normalize()}倍至"
            f"{violation.gains_multiple_max.normalize()}倍，即{yuan(low)}至{yuan(high)}"
        )
        return low, high, how
    if violation.fine_min is None or violation.fine_max is None:
        raise DomainError(
            _("This violation is fined as a multiple of the illegal gains: enter the illegal gains first."),
            code="gains_required",
            field="illegal_gains",
        )
    how = "没有违法所得的，" if violation.fine_rule == FineRule.GAINS_MULTIPLE else ""
    return (
        violation.fine_min,
        violation.fine_max,
        how + f"{yuan(violation.fine_min)}至{yuan(violation.fine_max)}",
    )


@dataclass(frozen=True)
class Recommendation:
    violation: str
    tier: str
    position: str
    policy_version: str
    measure_text: str
    lower: Decimal
    upper: Decimal
    amount: Decimal
    reasoning: str

    def as_api(self) -> dict:
        return {
            "violation": self.violation,
            "tier": self.tier,
            "position": self.position,
            "policy_version": self.policy_version,
            "measure_text": self.measure_text,
            "lower": str(self.lower),
            "upper": str(self.upper),
            "amount": str(self.amount),
            "reasoning": self.reasoning,
        }


def recommend(
    violation: Violation,
    tier: str,
    *,
    on: dt.date,
    illegal_gains: Decimal | None = None,
    tier_reason: str = "",
) -> Recommendation:
    """Where in the legal range the fine goes for a party of `tier` (the tier snapshotted at filing):
    信用良好 → the lower bound, 守信 → within the range (we take the midpoint), 失信 / 严重失信 → the upper
    bound — as the policy in force on `on` says (credit.selectors.fine_position)."""
    if tier not in Tier.values:
        raise DomainError(_("Unknown credit tier: %s") % tier, code="bad_tier", field="tier")
    position, version = fine_position(violation.code, tier, on)
    measure = measure_for(violation.item, "penalty", tier, on, violation=violation.code)
    lower, upper, how = fine_range(violation, illegal_gains)
    if position == FinePosition.LOWER:
        amount, rule = lower, "按法定幅度下限确定"
    elif position == FinePosition.UPPER:
        amount, rule = upper, "按法定幅度上限确定"
    else:
        amount = ((lower + upper) / 2).quantize(CENT, ROUND_HALF_UP)
        rule = "在法定幅度范围内处理，取幅度中间值"
    why = f"（{tier_reason}）" if tier_reason else ""
    reasoning = (
        f"当事人立案时的信用分类为“{TIER_ZH[tier]}”{why}。"
        f"依据《承装（修、试）电力设施许可信用监管应用措施清单》（版本{version}）第{violation.item}项，"
        f"对{TIER_ZH[tier]}企业：“{measure.text if measure else ''}”"
        f"本违法行为的法定罚款幅度为{how}（{violation.discretion_basis}）。"
        f"罚款幅度为“{POSITION_ZH[position]}”，{rule}，建议罚款{yuan(amount)}。"
    )
    return Recommendation(
        violation=violation.code,
        tier=tier,
        position=position,
        policy_version=version,
        measure_text=measure.text if measure else "",
        lower=lower,
        upper=upper,
        amount=amount,
        reasoning=reasoning,
    )


def case_recommendation(case: PenaltyCase, illegal_gains: Decimal | None = None) -> Recommendation:
    gains = case.illegal_gains if illegal_gains is None else illegal_gains
    return recommend(
        case.violation,
        case.credit_tier,
        on=case.filed_on,
        illegal_gains=gains,
        tier_reason=case.credit_reason,
    )


# --- who did what ------------------------------------------------------------------------------------
def investigator_ids(case: PenaltyCase) -> set[int]:
    """Everyone who took part in the investigation: they may not decide the case (four eyes)."""
    ids = {case.opened_by_id, case.co_investigator_id, case.proposed_by_id}
    ids |= set(case.evidence.filter(kind="evidence").values_list("uploaded_by_id", flat=True))
    ids |= set(case.notes.values_list("author_id", flat=True))
    ids.discard(None)
    return ids


# --- lists ---------------------------------------------------------------------------------------
def cases_for(user) -> QuerySet[PenaltyCase]:
    """Cases the user may see. The party sees its case once it has been told of it (告知)."""
    qs = PenaltyCase.objects.select_related("agency", "enterprise", "violation")
    qs = scope_queryset(qs, user)
    if getattr(user, "role", None) == "enterprise" and not user.is_superuser:
        qs = qs.filter(notified_on__isnull=False)
    return qs


def case_for(user, pk: int) -> PenaltyCase:
    case = (
        cases_for(user)
        .select_related(
            "licence",
            "opened_by",
            "co_investigator",
            "proposed_by",
            "decided_by",
            "hearing_host",
            "credit_record",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_list(
    user, *, state: str = "", violation: str = "", source: str = "", q: str = "", overdue: bool = False
):
    qs = cases_for(user)
    if state == "open":
        qs = qs.exclude(state=State.CLOSED)
    elif state:
        qs = qs.filter(state=state)
    if violation:
        qs = qs.filter(violation__code=violation)
    if source:
        qs = qs.filter(source=source)
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__credit_code__iexact=q)
            | Q(decision_number__icontains=q)
        )
    if overdue:
        day = today()
        qs = qs.filter(
            Q(
                state__in=[State.FILED, State.INVESTIGATING, State.HEARING_REQUESTED, State.HEARING_HELD],
                decision_due__lt=day,
            )
            | Q(state=State.DECIDED, payment_due__lt=day)
        )
    return qs.order_by("-filed_on", "-id")


def departures(user) -> QuerySet[PenaltyCase]:
    """Cases whose intended fine departs from the recommendation, for supervisors to review."""
    return (
        scope_queryset(
            PenaltyCase.objects.select_related(
                "agency", "enterprise", "violation", "proposed_by", "departure_reviewed_by"
            ),
            user,
        )
        .filter(fine_amount__isnull=False, recommended_fine__isnull=False)
        .exclude(fine_amount=F("recommended_fine"))
        .order_by("departure_reviewed_at", "-notified_on", "-id")
    )


def public_decisions(on: dt.date | None = None) -> QuerySet[PenaltyCase]:
    """Published decisions: withdrawn as soon as the linked credit record is repaired (or revoked after
    an objection) or its publication period has ended (seed 000 (八); SPEC §4) — the record's own
    period by grade, and at most the retention of the disclosure rule `penalty_decisions`."""
    from oversight.public import published_q

    on = on or today()
    return (
        PenaltyCase.objects.filter(
            Q(credit_record__publish_until__isnull=True) | Q(credit_record__publish_until__gte=on),
            state__in=DECIDED_STATES,
            outcome=Outcome.PENALTY,
            credit_record__published=True,
            credit_record__status=RecordStatus.ACTIVE,
        )
        # the disclosure rule `penalty_decisions` caps the period (an administrator may shorten it)
        .filter(published_q("penalty_decisions", "decided_on", on=on, credit_record_field="credit_record"))
        .select_related("agency", "enterprise", "violation")
        .order_by("-decided_on", "-id")
    )


# --- bars (consulted by licensing) ----------------------------------------------------------------
def active_bars(enterprise, on: dt.date | None = None) -> dict[str, dt.date]:
    """Which application modes a penalty bars the enterprise from on `on`, and until when (inclusive):
    {"application": date, "tolerant": date, "commitment": date} — only the modes barred.

    A credit-based bar (tolerant, commitment) ends when the penalty's credit record is repaired; the
    statutory bar on reapplying (行政许可法 arts. 78, 79) does not.
    """
    on = on or today()
    bars = Bar.objects.filter(
        Q(lifted_by_repair=False) | Q(case__credit_record__status=RecordStatus.ACTIVE),
        enterprise=enterprise,
        starts_on__lte=on,
        ends_on__gte=on,
    ).values_list("mode", "ends_on")
    result: dict[str, dt.date] = {}
    for mode, ends_on in bars:
        result[mode] = max(ends_on, result.get(mode, ends_on))
    return result


# --- the letters (documents app renders them) ----------------------------------------------------
def _party(case: PenaltyCase) -> dict:
    ent = case.enterprise
    return {
        "name": ent.name,
        "credit_code": ent.credit_code,
        "address": ent.address,
        "legal_representative": ent.legal_representative,
    }


def _outcomes(case: PenaltyCase) -> list[str]:
    items = []
    if case.warning:
        items.append("警告")
    if case.fine_amount:
        items.append(f"罚款{yuan(case.fine_amount)}")
    if case.confiscation_amount:
        items.append(f"没收违法所得{yuan(case.confiscation_amount)}")
    if case.rectification:
        items.append("责令改正")
    if case.revoke_licence and case.licence_id:
        items.append(f"吊销（撤销）许可证（编号{case.licence.number}）")
    if case.reapply_bar_years:
        items.append(f"{case.reapply_bar_years}年内不得再次申请许可证")
    if case.tolerant_bar_years:
        items.append(f"{case.tolerant_bar_years}年内不适用容缺受理")
    if case.commitment_bar_years:
        items.append(f"{case.commitment_bar_years}年内不适用告知承诺制")
    return items


def _common_context(case: PenaltyCase) -> dict:
    violation = case.violation
    return {
        "agency": {"name": case.agency.name, "short_name": case.agency.short_name, "code": case.agency.code},
        "case_number": case.number,
        "party": _party(case),
        "source": case.get_source_display(),
        "summary": case.summary,
        "facts": case.facts,
        "illegal_gains": case.illegal_gains,
        "evidence": [
            {"description": e.description, "file_name": e.original_name, "sha256": e.sha256}
            for e in case.evidence.all()
            if e.kind == "evidence"
        ],
        "violation": {
            "code": violation.code,
            "item": violation.item,
            "title": violation.title,
            "violated_provision": violation.violated_provision,
            "penalty_provision": violation.penalty_provision,
            "discretion_basis": violation.discretion_basis,
        },
        "discretion": {
            "tier": case.credit_tier,
            "tier_label": TIER_ZH.get(case.credit_tier, case.credit_tier),
            "tier_reason": case.credit_reason,
            "policy_version": case.policy_version,
            "position": case.fine_position,
            "range": [case.fine_lower, case.fine_upper],
            "recommended_fine": case.recommended_fine,
            "reasoning": case.recommendation_text,
            "departure_reason": case.departure_reason,
        },
        "fine_amount": case.fine_amount,
        "confiscation_amount": case.confiscation_amount,
        "total_amount": case.total_amount,
        "outcomes": _outcomes(case),
        "licence_number": case.licence.number if case.licence_id else "",
        "grounds": case.grounds,
    }


def notice_document_context(case: PenaltyCase) -> dict:
    """行政处罚事先告知书 (行政处罚法 arts. 44, 45, 63, 64): what the agency intends and the party's rights."""
    rule = procedure_rule(case.notified_on or today())
    context = _common_context(case)
    context.update(
        {
            "title": "行政处罚事先告知书",
            "date": case.notified_on,
            "date_cn": cn_date(case.notified_on),
            "rights": {
                "statement_due": case.statement_due,
                "hearing_request_due": case.hearing_request_due,
                "statement_working_days": rule.statement_working_days,
                "hearing_request_working_days": rule.hearing_request_working_days,
                "text": (
                    f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、第六十四条的规定，"
                    f"你单位有权进行陈述和申辩，并有权要求举行听证。陈述、申辩请于{cn_date(case.statement_due)}前提出，"
                    f"听证申请请于{cn_date(case.hearing_request_due)}前提出；逾期视为放弃上述权利。"
                    f"你单位也可以书面声明放弃上述权利。"
                ),
            },
        }
    )
    return context


def decision_document_context(case: PenaltyCase) -> dict:
    """行政处罚决定书 (行政处罚法 art. 59): everything the letter needs."""
    rule = procedure_rule(case.decided_on or today())
    context = _common_context(case)
    statements = [{"text": s.text, "submitted_at": s.submitted_at} for s in case.statements.all()]
    context.update(
        {
            "title": "行政处罚决定书",
            "document_number": case.decision_number,
            "date": case.decided_on,
            "date_cn": cn_date(case.decided_on),
            "decided_by": case.decided_by.display_name if case.decided_by_id else "",
            "statements": statements,
            "waived": bool(case.waived_at),
            "hearing": {
                "held_on": case.hearing_held_on,
                "record": case.hearing_record,
                "party_attended": case.party_attended,
            }
            if case.hearing_held_on
            else None,
            "decision_reason": case.decision_reason,
            "payment_due": case.payment_due,
            "payment_days": rule.payment_days,
            "rights": {
                "review_days": rule.review_days,
                "review_body": rule.review_body,
                "litigation_months": rule.litigation_months,
                "text": (
                    f"如不服本决定，可以在收到本决定书之日起{rule.review_days}日内向{rule.review_body}申请行政复议，"
                    f"或者在{rule.litigation_months}个月内依法向人民法院提起行政诉讼。"
                    f"行政复议和行政诉讼期间，本决定不停止执行（法律另有规定的除外）。"
                ),
            },
            "payment_text": (
                f"罚款及没收的违法所得应当自收到本决定书之日起{rule.payment_days}日内缴纳（截止{cn_date(case.payment_due)}）；"
                f"到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款（《中华人民共和国行政处罚法》第七十二条）。"
            )
            if case.total_amount
            else "",
        }
    )
    return context


# --- dashboard (oversight panel `penalties`) ------------------------------------------------------
def figure_penalties_by_violation(f: DashboardFilters) -> Figure:
    """Decisions dated in the period by violation type: penalties imposed and not, fines and
    confiscations, licences revoked. One aggregate query over the `decided_on` index."""
    imposed = Q(outcome=Outcome.PENALTY)
    qs = f.by_licence_type(
        f.by_agency(PenaltyCase.objects.filter(decided_on__range=f.current, outcome__in=Outcome.values))
    )
    rows = list(
        qs.values("violation__code", "violation__item", "violation__title")
        .annotate(
            penalties=Count("pk", filter=imposed),
            no_penalty=Count("pk", filter=Q(outcome=Outcome.NO_PENALTY)),
            fines=Sum("fine_amount", filter=imposed),
            confiscated=Sum("confiscation_amount", filter=imposed),
            revoked=Count("pk", filter=imposed & Q(revoke_licence=True)),
        )
        .order_by("violation__item")
    )
    labels = {}
    for row in rows:
        row["violation"] = row.pop("violation__code")
        labels[row["violation"]] = f"{row.pop('violation__item')}. {row.pop('violation__title')}"
        row["decisions"] = row["penalties"] + row["no_penalty"]
        row["fines"], row["confiscated"] = money(row["fines"]), money(row["confiscated"])
    return Figure(
        key="penalties_by_violation",
        title=_("Penalty decisions by violation type"),
        columns=[
            Column("violation", _("Violation"), TEXT, labels),
            Column("decisions", _("Decisions")),
            Column("penalties", _("Penalty imposed")),
            Column("no_penalty", _("No penalty")),
            Column("fines", _("Fines (yuan)"), YUAN),
            Column("confiscated", _("Illegal gains confiscated (yuan)"), YUAN),
            Column("revoked", _("Licences revoked")),
        ],
        rows=rows,
        chart=Chart(
            "bar",
            "violation",
            ("penalties", "no_penalty"),
            stack={"penalties": "decisions", "no_penalty": "decisions"},
            unit=_("decisions"),
            horizontal=True,
        ),
        note=_(
            "Decisions dated in the period: penalty decisions and decisions not to impose a penalty. "
            "Amounts as decided (not as paid)."
        ),
    )


# --- 一公开: decisions not published in time (oversight's daily work supervision) ---------------
def decisions_unpublished(decided_until: dt.date, since: dt.date | None):
    """Penalty decisions taken on or before `decided_until` (their publication deadline has passed)
    that are not public although nothing withdrew them: no credit record, or a record still in force
    but not marked published. A decision is published in its own transaction, so this finds an
    anomaly (a record edited by hand, an import gone wrong), not a routine delay."""
    from oversight.detectors import Finding

    rows = PenaltyCase.objects.filter(
        Q(credit_record__isnull=True)
        | Q(credit_record__published=False, credit_record__status=RecordStatus.ACTIVE),
        state__in=DECIDED_STATES,
        outcome=Outcome.PENALTY,
        decided_on__lte=decided_until,
    )
    if since:
        rows = rows.filter(decided_on__gte=since)
    for row in rows.values("pk", "agency_id", "decision_number", "number", "decided_on"):
        yield Finding(
            subject_key=f"penalty_decisions:{row['pk']}",
            agency_id=row["agency_id"],
            occurred_on=row["decided_on"],
            facts={"number": row["decision_number"] or row["number"], "outcome": "penalty_decisions"},
        )
