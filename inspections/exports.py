"""Excel (openpyxl) exports of every list of field supervision. Each `*_sheet` returns (title, headers,
rows); `xlsx_response` writes one workbook with one sheet per table."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # no formula injection from user-typed text
    return value


def xlsx_response(filename: str, sheets: list[tuple[str, list[str], list[list]]]) -> HttpResponse:
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append([str(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width * 1.6))
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _name(user) -> str:
    return user.display_name if user else ""


def campaign_targets_sheet(campaign, inspections):
    headers = [
        _("Position"),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Credit tier at the draw"),
        _("Kind"),
        _("Lead inspector"),
        _("Second inspector"),
        _("State"),
        _("Inspected on"),
        _("Result"),
        _("Rectification"),
    ]
    rows = [
        [
            i.draw_position,
            i.enterprise.name,
            i.enterprise.credit_code,
            i.get_draw_tier_display(),
            i.get_kind_display(),
            _name(i.lead_inspector),
            _name(i.second_inspector),
            i.get_state_display(),
            i.inspected_on,
            i.get_result_display(),
            i.rectification_order.get_state_display() if i.rectification_order_id else "",
        ]
        for i in inspections
    ]
    return (_("Drawn enterprises"), headers, rows)


def campaign_report_sheet(campaign, report):
    headers = [_("Figure"), _("Value")]
    rows = [
        [_("Campaign"), f"{campaign.number} {campaign.name}"],
        [_("Population"), campaign.population_size],
        [_("Drawn"), report.drawn],
        [_("Inspectors drawn"), report.inspectors],
        [_("Inspected"), report.inspected],
        [_("Found short"), report.short],
        [_("Rectified"), report.rectified],
        [_("Referred for a penalty"), report.referred],
        [_("Cancelled"), report.cancelled],
        [_("Still planned"), report.pending],
        [_("Random seed"), campaign.seed],
        [_("SHA-256 of the inputs"), campaign.inputs_sha256],
    ]
    rows += [[_("Drawn: %s") % label, drawn] for _tier, label, drawn, _done, _short in report.by_tier]
    return (_("Campaign report"), headers, rows)


def public_results_sheet(inspections):
    headers = [_("Enterprise"), _("Unified social credit code"), _("Inspected on"), _("Result")]
    rows = [
        [i.enterprise.name, i.enterprise.credit_code, i.inspected_on, i.public_summary] for i in inspections
    ]
    return (_("Published results"), headers, rows)


def campaigns_sheet(campaigns):
    headers = [
        _("Number"),
        _("Campaign name"),
        _("Agency"),
        _("Drawn at"),
        _("Population"),
        _("Drawn"),
        _("Inspected"),
        _("State"),
    ]
    rows = [
        [
            c.number,
            c.name,
            c.agency.name,
            c.drawn_at.date(),
            c.population_size,
            c.drawn,
            c.done,
            c.get_state_display(),
        ]
        for c in campaigns
    ]
    return (_("Campaigns"), headers, rows)


def inspections_sheet(inspections):
    headers = [
        _("Number"),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Origin"),
        _("Kind"),
        _("Lead inspector"),
        _("Second inspector"),
        _("Due by"),
        _("State"),
        _("Inspected on"),
        _("Result"),
        _("Worst finding"),
    ]
    rows = [
        [
            i.number,
            i.enterprise.name,
            i.enterprise.credit_code,
            i.get_origin_display(),
            i.get_kind_display(),
            _name(i.lead_inspector),
            _name(i.second_inspector),
            i.due_on,
            i.get_state_display(),
            i.inspected_on,
            i.get_result_display(),
            i.get_worst_severity_display(),
        ]
        for i in inspections
    ]
    return (_("Inspections"), headers, rows)


def three_list_sheet(entries):
    headers = [
        _("List"),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Reason"),
        _("Responsible officer"),
        _("Supervision plan"),
        _("Plan due by"),
        _("Status"),
        _("Listed at"),
        _("Resolved at"),
        _("Resolution"),
    ]
    rows = [
        [
            e.get_list_kind_display(),
            e.enterprise.name,
            e.enterprise.credit_code,
            e.reason,
            _name(e.responsible),
            e.supervision_plan,
            e.plan_due,
            e.get_state_display(),
            e.listed_at.date(),
            e.resolved_at.date() if e.resolved_at else "",
            e.resolution,
        ]
        for e in entries
    ]
    return (_("Three lists"), headers, rows)


def complaints_sheet(complaints):
    headers = [
        _("Number"),
        _("Enterprise"),
        _("Channel"),
        _("Received at"),
        _("Content"),
        _("State"),
        _("Examination note"),
    ]
    rows = [
        [
            c.number,
            c.enterprise.name,
            c.get_channel_display(),
            c.received_at.date(),
            c.content,
            c.get_state_display(),
            c.note,
        ]
        for c in complaints
    ]
    return (_("Complaints"), headers, rows)


def problems_sheet(enterprises):
    headers = [
        _("Enterprise"),
        _("Unified social credit code"),
        _("Findings"),
        _("List entries (open)"),
        _("Rectification orders"),
        _("Self-inspection discrepancies"),
    ]
    rows = [
        [e.name, e.credit_code, e.findings, f"{e.entries} ({e.open_entries})", e.orders, e.discrepancies]
        for e in enterprises
    ]
    return (_("Problem library"), headers, rows)


def key_coverage_sheet(coverage):
    headers = [_("Enterprise"), _("Unified social credit code"), _("Credit tier"), _("Inspection planned")]
    rows = [
        [e.name, e.credit_code, e.credit.get_tier_display(), _("Yes") if e.has_planned else _("No")]
        for e in coverage.missing
    ]
    return (_("Without on-site inspection %d") % coverage.year, headers, rows)


def self_reports_sheet(reports):
    headers = [
        _("Enterprise"),
        _("Unified social credit code"),
        _("Submitted at"),
        _("Credit tier"),
        _("Verification (credit policy)"),
        _("State"),
        _("Verifier"),
    ]
    rows = [
        [
            r.enterprise.name,
            r.enterprise.credit_code,
            r.submitted_at.date(),
            r.get_tier_at_submission_display(),
            r.get_verification_mode_display(),
            r.get_state_display(),
            _name(r.verifier),
        ]
        for r in reports
    ]
    return (_("Self-inspection reports"), headers, rows)


def conflicts_sheet(declarations):
    headers = [_("Inspector"), _("Enterprise"), _("Relation"), _("Details"), _("Declared at"), _("Withdrawn")]
    rows = [
        [
            _name(d.inspector),
            d.enterprise.name,
            d.get_relation_display(),
            d.detail,
            d.declared_at.date(),
            d.withdrawn_at.date() if d.withdrawn_at else "",
        ]
        for d in declarations
    ]
    return (_("Conflicts of interest"), headers, rows)


def referrals_sheet(referrals):
    headers = [_("Enterprise"), _("Source"), _("Reason"), _("Referred at"), _("State"), _("Case reference")]
    rows = [
        [
            r.enterprise.name,
            f"{r.source_type} {r.source_id}",
            r.reason,
            r.referred_at.date(),
            r.get_state_display(),
            r.case_reference,
        ]
        for r in referrals
    ]
    return (_("Penalty referrals"), headers, rows)


def tasks_sheet(tasks):
    headers = [_("Task"), _("Enterprise"), _("Due by"), _("Details")]
    rows = []
    rows += [[_("Inspection"), i.enterprise.name, i.due_on, i.number] for i in tasks.inspections]
    rows += [
        [_("List entry"), e.enterprise.name, e.plan_due, e.get_list_kind_display()] for e in tasks.entries
    ]
    rows += [
        [_("Self-inspection verification"), r.enterprise.name, r.campaign.verify_due_on, r.campaign.title]
        for r in tasks.reports
    ]
    rows += [[_("Complaint to examine"), c.enterprise.name, "", c.number] for c in tasks.complaints]
    return (_("My tasks"), headers, rows)
