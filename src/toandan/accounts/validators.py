from __future__ import annotations

from typing import Any


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        return None

    def get_help_text(self) -> str:
        return ""
