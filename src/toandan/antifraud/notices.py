"""Notifications of antifraud (`toandan.notifications`): a published fraud warning."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from toandan.notifications.kinds import kind_register

FRAUD_WARNING = kind_register("fraud_warning", gettext_lazy("Fraud warning"))
