"""Password rules beyond Django's: a password mixes letters and digits."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require at least one letter and at least one digit (any alphabet's letters count,
    so Vietnamese letters with diacritics are letters)."""

    def validate(self, password: str, user: Any = None) -> None:
        errors = []
        if not any(ch.isalpha() for ch in password):
            errors.append(
                ValidationError(_("The password must contain a letter."), code="password_no_letter")
            )
        if not any(ch.isdigit() for ch in password):
            errors.append(
                ValidationError(_("The password must contain a digit."), code="password_no_digit")
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _("Your password must contain both letters and digits.")
