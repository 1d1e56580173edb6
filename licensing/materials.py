"""Which materials each kind of application needs (shown to the applicant as a checklist and to the
officer beside the uploads). Credit measures change it: 信用良好 renewals give lists instead of
proofs (item 1), 信用良好/守信 reissues need no lost-notice in the media (item 1)."""

from licensing.models import Kind, Material

M = Material.Kind

BASE = {
    Kind.NEW: [M.BUSINESS_LICENCE, M.PERSONNEL, M.EQUIPMENT, M.PREMISES, M.NET_ASSETS, M.PROJECTS],
    Kind.LICENSED_CHANGE: [M.BUSINESS_LICENCE, M.PERSONNEL, M.EQUIPMENT, M.PROJECTS],
    Kind.REGISTRATION_CHANGE: [M.BUSINESS_LICENCE, M.REGISTRATION],
    Kind.RENEWAL: [M.BUSINESS_LICENCE, M.PERSONNEL, M.EQUIPMENT, M.PREMISES, M.NET_ASSETS, M.PROJECTS],
    Kind.REISSUE: [M.BUSINESS_LICENCE],
    Kind.CANCELLATION: [M.BUSINESS_LICENCE],
}
EXEMPTABLE = {M.PERSONNEL, M.EQUIPMENT, M.PREMISES, M.NET_ASSETS, M.PROJECTS}


def required_materials(
    kind: str, *, materials_exempt: bool, lost_notice_required: bool, power_business: bool = False
) -> list[str]:
    items = list(BASE[kind])
    if materials_exempt:
        items = [m for m in items if m not in EXEMPTABLE] + [M.LISTS]
    if kind == Kind.REISSUE and lost_notice_required:
        items.append(M.LOST_NOTICE)
    if power_business and kind in (Kind.NEW, Kind.LICENSED_CHANGE, Kind.RENEWAL):
        items = [m for m in items if m not in (M.PERSONNEL, M.EQUIPMENT)] + [M.UNITS]
    return items


def checklist(app, policy) -> list[dict]:
    have = set(app.materials.values_list("kind", flat=True))
    labels = dict(Material.Kind.choices)
    return [
        {"kind": kind, "label": labels[kind], "present": kind in have}
        for kind in required_materials(
            app.kind,
            materials_exempt=policy.materials_exempt,
            lost_notice_required=policy.lost_notice_required,
            power_business=app.licence_type == "power_business",
        )
    ]
