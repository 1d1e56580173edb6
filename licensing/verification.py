"""Online verification for notification-commitment applications (seed 000 二(二)).

`Verifier` is the interface a real government data-sharing service will implement; `LocalRegistryVerifier`
checks against RegistryEntry rows the agency imports (market-entity registration, personnel in post,
professional qualifications). `get_verifier()` returns the configured one (setting VERIFIER_CLASS).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from licensing.models import LEAD_ROLES, RegistryEntry


class Verifier(Protocol):
    def verify(self, application) -> dict: ...


class LocalRegistryVerifier:
    def verify(self, application) -> dict:
        from licensing.conditions import qualifying_personnel

        enterprise = application.enterprise
        today = timezone.localdate()
        checks = []
        entity = RegistryEntry.objects.filter(
            kind=RegistryEntry.Kind.MARKET_ENTITY, key=enterprise.credit_code
        ).first()
        if entity is None:
            checks.append(
                {
                    "check": "registration",
                    "ok": False,
                    "detail": _("No market-entity registration found for %s.") % enterprise.credit_code,
                }
            )
        else:
            same_name = entity.data.get("name") == enterprise.name
            active = entity.data.get("status", "存续") in ("存续", "在业", "active")
            checks.append(
                {
                    "check": "registration",
                    "ok": same_name and active,
                    "detail": _("Registered as %(name)s, status %(status)s.")
                    % {"name": entity.data.get("name"), "status": entity.data.get("status", "存续")},
                }
            )
        leads = qualifying_personnel(enterprise, today).filter(role__in=LEAD_ROLES)
        for person in leads:
            employed = RegistryEntry.objects.filter(
                kind=RegistryEntry.Kind.EMPLOYMENT, key=f"{enterprise.credit_code}:{person.id_number}"
            ).exists()
            checks.append(
                {
                    "check": "personnel",
                    "ok": employed,
                    "detail": _("%(name)s (%(role)s) in post: %(ok)s")
                    % {
                        "name": person.name,
                        "role": person.get_role_display(),
                        "ok": _("yes") if employed else _("no"),
                    },
                }
            )
            if person.certificate_no:
                qual = RegistryEntry.objects.filter(
                    kind=RegistryEntry.Kind.QUALIFICATION, key=person.certificate_no
                ).first()
                valid = (
                    bool(qual)
                    and qual.data.get("name") == person.name
                    and (
                        not qual.data.get("valid_until")
                        or dt.date.fromisoformat(qual.data["valid_until"]) >= today
                    )
                )
                checks.append(
                    {
                        "check": "qualification",
                        "ok": valid,
                        "detail": _("Certificate %(no)s of %(name)s: %(ok)s")
                        % {
                            "no": person.certificate_no,
                            "name": person.name,
                            "ok": _("valid") if valid else _("not found or expired"),
                        },
                    }
                )
        if not leads:
            checks.append(
                {"check": "personnel", "ok": False, "detail": _("No technical or safety lead in post.")}
            )
        return {
            "ok": all(c["ok"] for c in checks),
            "checked_at": timezone.now().isoformat(),
            "checks": checks,
        }


def get_verifier() -> Verifier:
    return import_string(
        getattr(settings, "VERIFIER_CLASS", "licensing.verification.LocalRegistryVerifier")
    )()
