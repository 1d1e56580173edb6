"""Tell people: an in-app notification per user (same transaction) and an e-mail after commit."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from core.models import Notification


def notify_users(users, *, title: str, body: str = "", link: str = "") -> list[Notification]:
    notes = [Notification.objects.create(user=u, title=title[:200], body=body, link=link) for u in users]
    recipients = [u.email for u in users if u.email]
    if recipients:
        transaction.on_commit(
            lambda: send_mail(title[:200], f"{body}\n\n{link}".strip(), None, recipients, fail_silently=True)
        )
    return notes


def notify_enterprise(enterprise, *, title: str, body: str = "", link: str = "") -> list[Notification]:
    users = list(get_user_model().objects.filter(enterprise=enterprise, is_active=True))
    return notify_users(users, title=title, body=body, link=link)


def notify_agency(agency, *, roles=("officer", "approver"), title: str, body: str = "", link: str = ""):
    users = list(get_user_model().objects.filter(agency=agency, role__in=roles, is_active=True))
    return notify_users(users, title=title, body=body, link=link)
