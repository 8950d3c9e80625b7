"""Forms of the tip pages: the citizen's tip, the staff entry, the follow-up and the reply.

Every form works as a plain HTML form (no JavaScript). The tip form embeds the geo place
picker (`PlacePickerForm`): each picker step is a submission of the whole tip form, so what the
citizen typed travels with it and comes back in the re-rendered fields. Files are the one thing
a browser cannot send back to itself: the page says so when it comes back (see the views).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.forms.utils import ErrorDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from toandan.core.phones import possible_phone
from toandan.geo.forms import PlacePickerForm
from toandan.media.files import UploadData
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.tips.models import (
    STAFF_CHANNELS,
    Category,
    CategoryGroup,
    Channel,
    VictimRequest,
)
from toandan.tips.services import TipInput

# Field names of `TipInput` (as the services name them in `TipRejectedError.errors`) and the
# form field that shows the message. Names not listed go to the top of the form.
SERVICE_FIELD_TO_FORM_FIELD: dict[str, str] = {
    "category": "category",
    "description": "description",
    "address": "address",
    "occurred_at": "occurred_date",
    "occurred_on": "occurred_on",
    "occurred_until": "occurred_until",
    "occurred_text": "occurred_text",
    "people": "people",
    "vehicles": "vehicles",
    "victim_request": "victim_request",
    "union_branch": "union_branch_code",
    "contact_name": "contact_name",
    "contact_phone": "contact_phone",
    "contact_email": "contact_email",
    "attachments": "attachments",
    "body": "body",
    "channel": "channel",
}

# How far ahead of the server's clock a time may be (a phone's clock a little fast).
_CLOCK_SLACK = dt.timedelta(minutes=10)
_NAME_MAX = 120
_ADDRESS_MAX = 300
_PEOPLE_MAX = 2000
_WHEN_TEXT_MAX = 200
_BRANCH_CODE_MAX = 40


def accepted_types() -> str:
    """The `accept=` attribute of the file inputs: what `toandan.media.files` accepts.

    It is only a hint to the phone's file chooser; the server checks each file by its bytes.
    """
    from toandan.media.files import ACCEPT_ATTRIBUTE

    return ACCEPT_ATTRIBUTE


def _date_input() -> forms.DateInput:
    # <input type="date"> takes ISO dates only, whatever the page's language.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files at once; cleans to a list (maybe empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def add_service_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Show the service's refusals (`TipRejectedError.errors`) next to the fields they concern;
    a field the form does not have takes them to the top of the form."""
    for name, messages in errors.items():
        field = SERVICE_FIELD_TO_FORM_FIELD.get(name)
        if field not in form.fields:
            field = None
        for message in messages:
            form.add_error(field, message)


class AttachmentsMixin:
    """Count and size limits of attachments, checked before the service reads any file."""

    cleaned_data: dict[str, Any]

    def clean_attachments(self) -> list[UploadedFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        max_count = settings.TOANDAN_TIP_MAX_ATTACHMENTS
        max_bytes = settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES
        max_total = settings.TOANDAN_TIP_MAX_TOTAL_BYTES
        errors: list[str] = []
        if len(uploads) > max_count:
            errors.append(
                ngettext(
                    "Attach at most %(count)d file.",
                    "Attach at most %(count)d files.",
                    max_count,
                )
                % {"count": max_count}
            )
        errors.extend(
            str(
                _("“%(name)s” is larger than %(size)s.")
                % {"name": upload.name, "size": size_text(max_bytes)}
            )
            for upload in uploads
            if (upload.size or 0) > max_bytes
        )
        if sum(upload.size or 0 for upload in uploads) > max_total:
            errors.append(
                str(
                    _("All files together must not be larger than %(size)s.")
                    % {"size": size_text(max_total)}
                )
            )
        if errors:
            raise forms.ValidationError(errors)
        return uploads

    def upload_data(self) -> tuple[UploadData, ...]:
        keep_location = bool(self.cleaned_data.get("keep_location"))
        result = []
        for upload in self.cleaned_data.get("attachments") or []:
            upload.seek(0)
            result.append(
                UploadData(name=upload.name or "", data=upload.read(), keep_location=keep_location)
            )
        return tuple(result)


_WHOLE = re.compile(r"(\d)[.,]0(?=\s)")


def size_text(size: int) -> str:
    """A size as people write it: "20 MB" for whole units, "1,5 MB" (Vietnamese decimal comma)
    only when there is a fraction; `filesizeformat` alone writes "20,0 MB"."""
    return _WHOLE.sub(r"\1", str(filesizeformat(size)))


def limit_attachments(field: forms.Field) -> None:
    """The limits on the file input itself: the chooser's hint (`accept`) and, for tips.js,
    the sizes to check before a slow upload is refused by the server (which checks again)."""
    field.widget.attrs.update(
        {
            "accept": accepted_types(),
            "data-max-files": str(settings.TOANDAN_TIP_MAX_ATTACHMENTS),
            "data-max-bytes": str(settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES),
            "data-max-total": str(settings.TOANDAN_TIP_MAX_TOTAL_BYTES),
            "data-too-big": str(_("this file is too large: choose a smaller one.")),
            "data-bad-type": str(_("this kind of file is not accepted.")),
            "data-too-many": str(_("Too many files: choose fewer.")),
            "data-too-much": str(_("The files are too large together: choose fewer.")),
        }
    )
    field.help_text = attachment_limits_text()


def attachment_limits_text() -> str:
    """ "Up to 5 files, each up to 20 MB, 40 MB in all." """
    count = settings.TOANDAN_TIP_MAX_ATTACHMENTS
    return str(
        ngettext(
            "Up to %(count)d file, up to %(size)s, %(total)s in all.",
            "Up to %(count)d files, each up to %(size)s, %(total)s in all.",
            count,
        )
        % {
            "count": count,
            "size": size_text(settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES),
            "total": size_text(settings.TOANDAN_TIP_MAX_TOTAL_BYTES),
        }
    )


class CategorySelect(forms.Select):
    """Marks the categories that ask the Art. 155 question, for the optional script."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asks_victim_request: set[str] = set()

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.asks_victim_request:
            option["attrs"]["data-asks-victim-request"] = "true"
        return option


def category_choices(categories: Sequence[Category]) -> list[Any]:
    """Active categories grouped by `CategoryGroup`, in the groups' order (one <optgroup> each)."""
    by_group: dict[str, list[tuple[str, str]]] = {}
    for category in categories:
        by_group.setdefault(category.group, []).append((category.code, category.localized_name()))
    choices: list[Any] = [("", _("— choose what the tip is about —"))]
    for value, label in CategoryGroup.choices:
        if value in by_group:
            choices.append((label, by_group[value]))
    return choices


def _branches_of(commune_id: int | None) -> list[OrgUnit]:
    if commune_id is None:
        return []
    today = timezone.localdate()
    return list(
        OrgUnit.objects.filter(
            kind=OrgKind.WOMENS_UNION,
            level=OrgLevel.BRANCH,
            admin_unit_id=commune_id,
        )
        .exclude(valid_to__lt=today)
        .order_by("name")
    )


def _find_branch(code: str) -> OrgUnit | None:
    today = timezone.localdate()
    return (
        OrgUnit.objects.filter(
            code__iexact=code.strip(), kind=OrgKind.WOMENS_UNION, level=OrgLevel.BRANCH
        )
        .exclude(valid_to__lt=today)
        .first()
    )


class TipForm(AttachmentsMixin, PlacePickerForm):
    """The citizen's tip. Field names follow `TipInput` where they can."""

    category = forms.ChoiceField(label=_("What is the tip about?"), widget=CategorySelect)
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Say what you saw or know: what was done, by whom, how often. "
            "Write in your own words; do not put your own name here if you want to stay "
            "anonymous."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # When: exact, or rough. Both groups are shown; what the citizen fills decides.
    occurred_date = forms.DateField(label=_("Date"), required=False, widget=_date_input())
    occurred_time = forms.TimeField(label=_("Time"), required=False, widget=_time_input())
    occurred_on = forms.DateField(label=_("From (date)"), required=False, widget=_date_input())
    occurred_until = forms.DateField(label=_("To (date)"), required=False, widget=_date_input())
    occurred_text = forms.CharField(
        label=_("In your own words"),
        help_text=_("For example: “last Saturday evening”, “every night around 11 pm”."),
        required=False,
        max_length=_WHEN_TEXT_MAX,
    )
    address = forms.CharField(
        label=_("Address or landmark (optional)"),
        help_text=_("House number, street, hamlet, or something near it: “behind the market”."),
        required=False,
        max_length=_ADDRESS_MAX,
    )
    people = forms.CharField(
        label=_("People involved (optional)"),
        help_text=_("What they look like, what they are called, how many."),
        required=False,
        max_length=_PEOPLE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    vehicles = forms.CharField(
        label=_("Vehicles involved (optional)"),
        help_text=_("Kind, colour, number plate if you saw it."),
        required=False,
        max_length=_PEOPLE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    victim_request = forms.ChoiceField(
        label=_("Does the victim ask for prosecution?"),
        help_text=_(
            "Only for fights, injuries and domestic violence: some of these offences are "
            "prosecuted only when the victim asks (Criminal Procedure Code, Art. 155). "
            "Leave it empty for other tips."
        ),
        choices=VictimRequest.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(
        label=_("Photos, recordings, videos or documents (optional)"),
    )
    keep_location = forms.BooleanField(
        label=_("Keep the location stored in my photos"),
        help_text=_(
            "Off by default: we remove the location, the camera details and the author from "
            "every file, so they cannot point back to you. Tick this only if the location "
            "shows where it happened and you are not there often."
        ),
        required=False,
    )
    union_branch = forms.ChoiceField(
        label=_("I am a member of this union branch (optional)"),
        required=False,
    )
    union_branch_code = forms.CharField(
        label=_("The code of my union branch (optional)"),
        help_text=_("As your branch gave it, e.g. PN-01-00070-CH1."),
        required=False,
        max_length=_BRANCH_CODE_MAX,
    )
    contact_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=_NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {
            c.code: c for c in Category.objects.filter(active=True).order_by("order", "code")
        }
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ChoiceField)
        category_field.choices = category_choices(list(self.categories.values()))
        assert isinstance(category_field.widget, CategorySelect)
        category_field.widget.asks_victim_request = {
            code for code, category in self.categories.items() if category.asks_victim_request
        }
        description = self.fields["description"]
        assert isinstance(description, forms.CharField)
        description.max_length = settings.TOANDAN_TIP_MAX_TEXT_CHARS
        description.validators.append(MaxLengthValidator(settings.TOANDAN_TIP_MAX_TEXT_CHARS))
        description.widget.attrs["maxlength"] = str(settings.TOANDAN_TIP_MAX_TEXT_CHARS)
        limit_attachments(self.fields["attachments"])
        commune = self.picker.commune if self.picker.step == "done" else None
        self.branches = _branches_of(commune.pk if commune else None)
        branch_field = self.fields["union_branch"]
        assert isinstance(branch_field, forms.ChoiceField)
        branch_field.choices = [
            ("", _("— not a member, or not in this list —")),
            *((unit.code, unit.name) for unit in self.branches),
        ]
        if self.branches:
            self.fields["union_branch_code"].label = _(
                "…or, if your branch is not in the list, its code (optional)"
            )

    # --- cleaning ----------------------------------------------------------------------------

    def full_clean(self) -> None:
        """A step of the place picker is not a submission: the page comes back with everything
        typed and without errors (rendering a field reads `errors`, which would otherwise
        validate the half-filled form and tell the citizen off for boxes not reached yet)."""
        if self.place_in_progress():
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.place_in_progress() and super().is_valid()

    def clean_category(self) -> Category:
        code = self.cleaned_data["category"]
        category = self.categories.get(code)
        if category is None:
            raise forms.ValidationError(_("Choose what the tip is about."), code="invalid_choice")
        return category

    def clean_contact_phone(self) -> str:
        raw: str = self.cleaned_data.get("contact_phone", "").strip()
        if not raw:
            return ""
        if not possible_phone(raw):
            raise forms.ValidationError(
                _("This does not look like a phone number, e.g. 0912 345 678."), code="phone"
            )
        return raw

    def _clean_when(self, cleaned: dict[str, Any]) -> None:
        now = timezone.now()
        today = timezone.localdate()
        day: dt.date | None = cleaned.get("occurred_date")
        time: dt.time | None = cleaned.get("occurred_time")
        start: dt.date | None = cleaned.get("occurred_on")
        end: dt.date | None = cleaned.get("occurred_until")
        cleaned["occurred_at"] = None
        if time is not None and day is None:
            self.add_error("occurred_date", _("Enter the date as well as the time."))
            return
        if day is not None and (start or end):
            self.add_error(
                "occurred_on",
                _("You gave an exact date above: leave these dates empty, or clear that date."),
            )
            return
        if day is not None and time is not None:
            moment = timezone.make_aware(dt.datetime.combine(day, time))
            if moment > now + _CLOCK_SLACK:
                self.add_error("occurred_date", _("This date and time is in the future."))
                return
            cleaned["occurred_at"] = moment
        elif day is not None:
            # A date without a time is a one-day range.
            if day > today:
                self.add_error("occurred_date", _("This date is in the future."))
                return
            cleaned["occurred_on"] = cleaned["occurred_until"] = day
        for name in ("occurred_on", "occurred_until"):
            value = cleaned.get(name)
            if value is not None and value > today:
                self.add_error(name, _("This date is in the future."))
        if start and end and start > end:
            self.add_error("occurred_until", _("This date is before the “from” date."))

    def _clean_branch(self, cleaned: dict[str, Any]) -> None:
        cleaned["branch"] = None
        chosen = cleaned.get("union_branch") or ""
        code = (cleaned.get("union_branch_code") or "").strip()
        if chosen:
            cleaned["branch"] = next((u for u in self.branches if u.code == chosen), None)
        elif code:
            branch = _find_branch(code)
            if branch is None:
                self.add_error(
                    "union_branch_code",
                    _("No union branch has this code. Check it, or leave the box empty."),
                )
            cleaned["branch"] = branch

    def clean(self) -> dict[str, Any]:
        # The picker refuses a missing place by raising; the other checks still run, so the
        # citizen sees every problem at once.
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            self.add_error(None, error)
            cleaned = self.cleaned_data
            cleaned["place"] = None
        self._clean_when(cleaned)
        self._clean_branch(cleaned)
        category = cleaned.get("category")
        if isinstance(category, Category):
            if category.asks_victim_request:
                if not cleaned.get("victim_request"):
                    self.add_error(
                        "victim_request",
                        _(
                            "For this kind of tip, say whether the victim asks for "
                            "prosecution (choose “I do not know” if you are not sure)."
                        ),
                    )
            else:
                # The question does not apply: an answer given anyway is not kept.
                cleaned["victim_request"] = ""
        return cleaned

    # --- output ------------------------------------------------------------------------------

    def tip_input(self) -> TipInput:
        data = self.cleaned_data
        place = data["place"]
        commune = self.picker.commune
        province = self.picker.province or place
        return TipInput(
            category=data["category"],
            description=data["description"],
            province=province,
            commune=commune,
            address=data.get("address", ""),
            occurred_at=data.get("occurred_at"),
            occurred_on=data.get("occurred_on"),
            occurred_until=data.get("occurred_until"),
            occurred_text=data.get("occurred_text", ""),
            people=data.get("people", ""),
            vehicles=data.get("vehicles", ""),
            victim_request=data.get("victim_request", ""),
            union_branch=data.get("branch"),
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""),
            attachments=self.upload_data(),
        )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        add_service_errors(self, errors)

    # --- template helpers --------------------------------------------------------------------

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the summary at the top: one line per error, linking to it."""
        items: list[tuple[str, str]] = []
        if not self.is_bound or not hasattr(self, "_errors") or self._errors is None:
            return items
        place_errors = set(self.place_errors())
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                items.extend(
                    ("tip-place" if str(message) in place_errors else "tip-form", str(message))
                    for message in errors
                )
                continue
            if name not in self.fields:
                items.extend(("tip-form", str(message)) for message in errors)
                continue
            bound = self[name]
            anchor = bound.auto_id or name
            if isinstance(self.fields[name].widget, forms.RadioSelect):
                anchor = f"{anchor}_0"
            # "Date received: This field is required." — the summary names the field. A label
            # that is a question keeps its "?" and takes no colon after it.
            label = str(bound.label).rstrip(":")
            lead = f"{label} " if label.endswith(("?", "!", ".")) else f"{label}: "
            items.extend((anchor, f"{lead}{message}") for message in errors)
        return items

    def when_fields(self) -> list[forms.BoundField]:
        return [self["occurred_date"], self["occurred_time"]]

    def rough_when_fields(self) -> list[forms.BoundField]:
        return [self["occurred_on"], self["occurred_until"], self["occurred_text"]]


class StaffTipForm(TipForm):
    """A tip received by phone, in person or by mail and entered by an officer (Art. 146)."""

    channel = forms.ChoiceField(
        label=_("How the tip was received"),
        choices=[(value, label) for value, label in Channel.choices if value in STAFF_CHANNELS],
        widget=forms.RadioSelect,
    )
    received_date = forms.DateField(label=_("Date received"), widget=_date_input())
    received_time = forms.TimeField(label=_("Time received"), widget=_time_input())
    reason = forms.CharField(
        label=_("Note for the record (optional)"),
        help_text=_("E.g. who took the call; never the tipster's identity."),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["received_date"].initial = now.date()
        self.fields["received_time"].initial = now.time().replace(second=0, microsecond=0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day = cleaned.get("received_date")
        time = cleaned.get("received_time")
        cleaned["received_at"] = None
        if day is not None and time is not None:
            moment = timezone.make_aware(dt.datetime.combine(day, time))
            if moment > timezone.now() + _CLOCK_SLACK:
                self.add_error("received_date", _("This date and time is in the future."))
            else:
                cleaned["received_at"] = moment
        return cleaned


class FollowupForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        help_text=_("The digits you wrote down when you sent the tip. Spaces do not matter."),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class ReplyForm(AttachmentsMixin, forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(label=_("Files (optional)"))
    keep_location = forms.BooleanField(
        label=_("Keep the location stored in my photos"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        assert isinstance(body, forms.CharField)
        body.max_length = settings.TOANDAN_TIP_MAX_TEXT_CHARS
        body.widget.attrs["maxlength"] = str(settings.TOANDAN_TIP_MAX_TEXT_CHARS)
        body.validators.append(MaxLengthValidator(settings.TOANDAN_TIP_MAX_TEXT_CHARS))
        limit_attachments(self.fields["attachments"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("body", "").strip()
            and not cleaned.get("attachments")
            and not (self.errors)
        ):
            self.add_error("body", _("Write an answer or attach a file."))
        return cleaned

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        add_service_errors(self, errors)


class ReceiptNotedForm(forms.Form):
    written_down = forms.BooleanField(
        label=_("I have written the receipt down (or saved the receipt card)"),
        error_messages={
            "required": _(
                "Tick the box once you have written the receipt down: "
                "after that it is not shown again."
            )
        },
    )
