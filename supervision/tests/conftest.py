import importlib

import pytest

# Reference rows the data migrations load (agencies and jurisdictions, the working-day calendar, the
# licence conditions). A transactional test that runs after another one finds them flushed.
REFERENCE_LOADERS = [
    ("accounts.migrations.0002_agencies", "load"),
    ("core.migrations.0002_seed_calendar_and_audit_guard", "seed_calendar"),
    ("licensing.migrations.0002_seed_conditions", "seed"),
]


@pytest.fixture
def reference_data(transactional_db):
    """Load the migrations' reference rows again when missing (each loader is idempotent)."""
    from django.apps import apps

    from accounts.models import Agency

    if not Agency.objects.exists():
        for module, function in REFERENCE_LOADERS:
            getattr(importlib.import_module(module), function)(apps, None)
