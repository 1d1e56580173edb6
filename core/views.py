from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.models import Notification

ROLE_HOME = {
    "enterprise": "portal:home",
    "officer": "workbench:home",
    "approver": "workbench:approvals",
    "supervisor": "dashboard:home",
    "admin": "admin:index",
}


def home_url_for(user) -> str:
    role = "admin" if user.is_superuser else user.role
    try:
        return reverse(ROLE_HOME.get(role, "profile"))
    except NoReverseMatch:
        return reverse("profile")


def home(request):
    if not request.user.is_authenticated:
        try:
            return redirect(reverse("public:home"))
        except NoReverseMatch:
            return redirect("login")
    return redirect(home_url_for(request.user))


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)


# --- inbox: in-app notifications (core.notify) ----------------------------------------------------


INBOX_PAGE_SIZE = 30


@login_required
def inbox(request):
    from django.core.paginator import Paginator

    notes = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        notes = notes.filter(read_at__isnull=True)
    return render(
        request,
        "core/inbox.html",
        {
            "page": Paginator(notes, INBOX_PAGE_SIZE).get_page(request.GET.get("page")),
            "unread_only": bool(request.GET.get("unread")),
            "unread_count": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
        },
    )


@login_required
def inbox_badge(request):
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "core/_inbox_badge.html", {"count": count})


@require_POST
@login_required
def inbox_mark_read(request):
    from core.services import notification_mark_read

    raw = request.POST.getlist("id")
    ids = [int(value) for value in raw if value.isdigit()] if raw else None
    notification_mark_read(user=request.user, ids=ids)
    return redirect("inbox")


@login_required
def inbox_open(request, pk: int):
    """Open a notification's link and mark it read; only local links are followed."""
    from core.services import notification_mark_read

    note = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, ids=[note.pk])
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts={request.get_host()}):
        return redirect(note.link)
    return redirect("inbox")
