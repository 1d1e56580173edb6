"""统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet, the last a check character."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I, O, S, V, Z are never used
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def validate_credit_code(code: str) -> None:
    value = normalize(code)
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(value)},
            code="length",
        )
    for position, ch in enumerate(value, start=1):
        if ch not in _VALUE:
            raise ValidationError(
                _(
                    "Character %(pos)d ('%(ch)s') is not allowed: only digits and the letters "
                    "A–H, J–N, P–R, T, U, W–Y are used (never I, O, S, V, Z)."
                )
                % {"pos": position, "ch": ch},
                code="character",
            )
    if not value[2:8].isdigit():
        raise ValidationError(
            _("Characters 3–8 must be the six-digit administrative division code."), code="division"
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character (18th) is '%(got)s' but the first 17 characters require '%(exp)s': "
                "a character was probably mistyped."
            )
            % {"got": value[17], "exp": expected},
            code="check",
        )


def make_code(prefix17: str) -> str:
    """Complete 17 characters with their check character (for demo data and tests)."""
    return prefix17 + check_character(prefix17)
