"""Template context for every page: the menu, the logout form and the language switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from toandan.web.navigation import nav_links, nav_menu


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str


def navigation(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    links = nav_links(request)
    return {
        "nav_links": links,
        "nav_menu": nav_menu(links),
        # The other languages, each offered in its own name ("English", "Tiếng Việt").
        "nav_languages": [
            LanguageChoice(code=code, name=str(name))
            for code, name in settings.LANGUAGES
            if code != current
        ],
    }
