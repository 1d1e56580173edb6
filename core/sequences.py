from django.db import IntegrityError, transaction

from core.models import Sequence


def next_value(key: str) -> int:
    """The next number of `key`, gap-free: call it inside the transaction that uses the number, so a
    rollback gives the number back. The row lock serialises concurrent callers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside the transaction that uses the number")
    row = Sequence.objects.select_for_update().filter(key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                Sequence.objects.create(key=key, last_value=0)
        except IntegrityError:
            pass  # created by a concurrent caller; lock it below
        row = Sequence.objects.select_for_update().get(key=key)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    return row.last_value
