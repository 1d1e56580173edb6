"""Writes of the enterprise's own data: its personnel roster and equipment (audited; ID numbers are
never written to the audit log in full)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import DomainError
from licensing.models import Equipment, Personnel


@transaction.atomic
def personnel_add(
    *,
    enterprise,
    actor,
    name,
    id_number,
    role,
    employed_from,
    title="",
    certificate_no="",
    certificate_expiry=None,
    insured=True,
) -> Personnel:
    if Personnel.objects.filter(
        enterprise=enterprise, id_number=id_number, employed_until__isnull=True
    ).exists():
        raise DomainError(_("This person is already on your roster."), field="id_number")
    person = Personnel.objects.create(
        enterprise=enterprise,
        name=name.strip(),
        id_number=id_number,
        role=role,
        title=title,
        certificate_no=certificate_no,
        certificate_expiry=certificate_expiry,
        employed_from=employed_from,
        insured=insured,
    )
    audit_record(
        actor=actor,
        obj=person,
        action="personnel.add",
        after={"name": person.name, "id_number": person.id_number_masked, "role": role},
    )
    return person


@transaction.atomic
def personnel_leave(*, person: Personnel, actor, on: dt.date | str | None = None) -> Personnel:
    day = dt.date.fromisoformat(on) if isinstance(on, str) else (on or timezone.localdate())
    if day < person.employed_from:
        raise DomainError(_("The leaving date is before the start of employment."), field="on")
    person.employed_until = day
    person.save(update_fields=["employed_until"])
    audit_record(actor=actor, obj=person, action="personnel.leave", after={"employed_until": day.isoformat()})
    return person


@transaction.atomic
def equipment_add(
    *, enterprise, actor, item, quantity, model_name="", serial_no="", acquired_on=None
) -> Equipment:
    equipment = Equipment.objects.create(
        enterprise=enterprise,
        item=item,
        quantity=quantity,
        model_name=model_name,
        serial_no=serial_no,
        acquired_on=acquired_on,
    )
    audit_record(
        actor=actor, obj=equipment, action="equipment.add", after={"item": item.code, "quantity": quantity}
    )
    return equipment


@transaction.atomic
def equipment_retire(*, equipment: Equipment, actor) -> Equipment:
    equipment.in_service = False
    equipment.save(update_fields=["in_service"])
    audit_record(actor=actor, obj=equipment, action="equipment.retire")
    return equipment


@transaction.atomic
def unit_add(*, licence, actor, name, capacity_mw, commissioned_on, design_life_years):
    """A generating unit on the holder's generation licence (the monthly scan watches its end of life)."""
    from licensing.models import BusinessClass, GeneratingUnit

    if licence.business_class != BusinessClass.GENERATION:
        raise DomainError(_("Generating units belong on a generation licence."), field="licence")
    if actor.role != "enterprise" or actor.enterprise_id != licence.enterprise_id:
        raise DomainError(_("Only the holder keeps its units."), code="forbidden")
    unit = GeneratingUnit.objects.create(
        licence=licence,
        name=name.strip(),
        capacity_mw=capacity_mw,
        commissioned_on=commissioned_on,
        design_life_years=design_life_years,
    )
    audit_record(
        actor=actor,
        obj=licence,
        action="licence.unit_add",
        after={
            "unit": unit.name,
            "capacity_mw": str(capacity_mw),
            "end_of_life": unit.end_of_life.isoformat(),
        },
    )
    return unit
