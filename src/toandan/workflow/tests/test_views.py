"""`run_for_view`: the three outcomes of a workflow service called from a view."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import Http404
from django.test import RequestFactory

from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError
from toandan.workflow.views import REFUSED, run_for_view


class _Form(forms.Form):
    reason = forms.CharField(required=False)


def _request() -> Any:
    request: Any = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _refuse(field: str = "") -> Any:
    def call() -> None:
        raise WorkflowRefusedError("Nêu lý do.", field=field)

    return call


def test_done_returns_the_result_with_the_success_message():
    request = _request()
    assert run_for_view(request, lambda: 42, done="Đã lưu.") == 42
    assert [str(m) for m in get_messages(request)] == ["Đã lưu."]


def test_no_access_is_a_404():
    def call() -> None:
        raise WorkflowAccessError

    with pytest.raises(Http404):
        run_for_view(_request(), call, done="Đã lưu.")


def test_a_refusal_goes_to_the_field_it_names_or_on_top():
    form = _Form({"reason": ""})
    assert form.is_valid()
    assert run_for_view(_request(), _refuse("reason"), form=form) is REFUSED
    assert form.errors == {"reason": ["Nêu lý do."]}
    other = _Form({"reason": ""})
    other.is_valid()
    assert run_for_view(_request(), _refuse("unknown"), form=other) is REFUSED
    assert other.non_field_errors() == ["Nêu lý do."]


def test_without_a_form_a_refusal_is_an_error_message_and_nothing_is_said_done():
    request = _request()
    assert run_for_view(request, _refuse(), done="Đã lưu.") is REFUSED
    assert [str(m) for m in get_messages(request)] == ["Nêu lý do."]
