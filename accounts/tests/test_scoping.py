from accounts.models import Enterprise
from core.scoping import scope_queryset


def _visible(user):
    return set(scope_queryset(Enterprise.objects.all(), user, enterprise_field="pk"))


def test_scoping_by_role(
    enterprise,
    other_enterprise,
    far_enterprise,
    enterprise_user,
    officer,
    far_officer,
    supervisor,
    nea_supervisor,
    admin_user,
):
    assert _visible(enterprise_user) == {enterprise}
    assert _visible(officer) == {enterprise, other_enterprise}
    assert _visible(far_officer) == {far_enterprise}
    assert _visible(supervisor) == {enterprise, other_enterprise}
    assert _visible(nea_supervisor) >= {enterprise, other_enterprise, far_enterprise}
    assert _visible(admin_user) >= {enterprise, other_enterprise, far_enterprise}


def test_anonymous_and_inactive_see_nothing(enterprise, officer):
    from django.contrib.auth.models import AnonymousUser

    assert _visible(AnonymousUser()) == set()
    officer.is_active = False
    assert _visible(officer) == set()


def test_enterprise_api_is_scoped(api, enterprise, far_enterprise, enterprise_user, far_officer):
    api.force_authenticate(enterprise_user)
    ids = [row["id"] for row in api.get("/api/v1/enterprises/").json()["results"]]
    assert ids == [enterprise.pk]
    api.force_authenticate(far_officer)
    ids = [row["id"] for row in api.get("/api/v1/enterprises/").json()["results"]]
    assert ids == [far_enterprise.pk]
