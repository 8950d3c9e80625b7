"""Calling a workflow service from a view, the same way in every domain.

A view that takes a step or saves a form through a service on the workflow helper answers the
same three outcomes: the user may not act on the object (WorkflowAccessError: a 404, so that
nothing tells them it exists), the step is refused for a reason the user can fix
(WorkflowRefusedError: its message on the form, at the field it names when the form has one, or
as an error message when there is no form), or it is done (a success message).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest

from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError


class _Refused:
    def __repr__(self) -> str:
        return "REFUSED"


# What `run_for_view` returns when the service refused: compare with `is`.
REFUSED: Final = _Refused()


def refusal_on_form(form: forms.BaseForm, refused: WorkflowRefusedError) -> None:
    """The refusal's message on the form: at its field when the form has it, else on top."""
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, refused.message)


def run_for_view(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    form: forms.BaseForm | None = None,
    done: str = "",
) -> Any:
    """`call()` for a view: its result, with the success message `done` (if any); REFUSED when
    the service refused (the message then on `form`, or an error message without one); a 404
    when the user may not act."""
    try:
        result = call()
    except WorkflowAccessError:
        raise Http404 from None
    except WorkflowRefusedError as refused:
        if form is None:
            messages.error(request, refused.message)
        else:
            refusal_on_form(form, refused)
        return REFUSED
    if done:
        messages.success(request, done)
    return result
