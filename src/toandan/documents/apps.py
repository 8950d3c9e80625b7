from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "toandan.documents"
    label = "documents"
