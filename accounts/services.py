from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.credit_code import normalize, validate_credit_code
from accounts.models import Agency, Enterprise, Jurisdiction
from core.audit import audit_record


def agency_for_province(province: str) -> Agency:
    jurisdiction = Jurisdiction.objects.select_related("agency").filter(province=province).first()
    if jurisdiction is None:
        raise ValidationError({"province": _("No licensing agency is responsible for this province yet.")})
    return jurisdiction.agency


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    credit_code: str,
    legal_representative: str,
    province: str,
    address: str,
    username: str,
    password: str,
    real_name: str,
    phone: str = "",
    email: str = "",
) -> tuple[Enterprise, object]:
    """Self-registration: the enterprise and its first user, or nothing at all."""
    User = get_user_model()
    code = normalize(credit_code)
    errors: dict[str, list] = {}
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        errors["credit_code"] = exc.messages
    else:
        if Enterprise.objects.filter(credit_code=code).exists():
            errors["credit_code"] = [
                _(
                    "An enterprise with this credit code is already registered. "
                    "Ask its administrator for an account."
                )
            ]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This user name is taken.")]
    candidate = User(username=username, real_name=real_name, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    agency = agency_for_province(province)
    enterprise = Enterprise.objects.create(
        name=name.strip(),
        credit_code=code,
        legal_representative=legal_representative.strip(),
        province=province,
        address=address.strip(),
        agency=agency,
        contact_person=real_name,
        contact_phone=phone,
        email=email,
    )
    user = User(
        username=username,
        real_name=real_name,
        phone=phone,
        email=email,
        role=User.Role.ENTERPRISE,
        enterprise=enterprise,
    )
    user.set_password(password)
    user.save()
    audit_record(
        actor=user,
        obj=enterprise,
        action="enterprise.register",
        after={"name": enterprise.name, "credit_code": code, "agency": agency.code},
    )
    return enterprise, user
