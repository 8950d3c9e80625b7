from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """Staff account. Citizens never have one."""
