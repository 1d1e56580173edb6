from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, roles that see it). Later issues add their entries here; a missing URL name
# is skipped so the navigation never breaks a page.
NAVIGATION = [
    ("portal:home", _("My enterprise"), {"enterprise"}),
    ("portal:applications", _("My applications"), {"enterprise"}),
    ("workbench:home", _("Workbench"), {"officer", "approver"}),
    ("workbench:approvals", _("Pending decisions"), {"approver"}),
    ("credit:officer-home", _("Credit"), {"officer", "approver", "supervisor"}),
    ("credit:enterprise-home", _("My credit"), {"enterprise"}),
    ("supervision:home", _("Supervision"), {"officer", "approver", "supervisor"}),
    ("supervision:mine", _("Rectification and warnings"), {"enterprise"}),
    ("inspections:home", _("Inspections"), {"officer", "approver", "supervisor"}),
    ("inspections:self-list", _("Self-inspection"), {"enterprise"}),
    ("penalties:home", _("Penalties"), {"officer", "approver", "supervisor"}),
    ("penalties:enterprise-home", _("Penalties"), {"enterprise"}),
    ("dashboard:home", _("Dashboards"), {"supervisor", "approver", "admin"}),
    ("oversight:ratings", _("Service ratings"), {"enterprise"}),
    ("oversight:callbacks", _("Callbacks"), {"officer", "approver", "supervisor"}),
    ("oversight:flags", _("Work supervision"), {"supervisor"}),
    ("admin:index", _("Administration"), {"admin"}),
]
# What a visitor who is not logged in sees (一公开).
PUBLIC_NAVIGATION = [
    ("public:home", _("Licence register")),
    ("disclosure:home", _("Public disclosure")),
]


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is None or not user.is_authenticated:
        for name, label in PUBLIC_NAVIGATION:
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": label, "active": request.path == url})
    else:
        role = "admin" if user.is_superuser else user.role
        for name, label, roles in NAVIGATION:
            if role not in roles:
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
