"""The summary paragraph officials paste into a speech, in the words of the seed article.

Figures are written by `toandan.core.numbers` (one formatter, one rule for the whole site:
4.701, 0,5, 85,3%, and "110 nghìn" in running text); its functions are re-exported here for
the statistics modules.

The summary paragraph reuses the seed article's sentences (Nhân Dân, 02/08/2024), one per
figure that is known; a sentence whose figure is unknown (None) is left out rather than
written with a zero, because "not reported" is not "none". Each source contributes its own
sentences (`toandan.stats.registry.register_summary_sentences`): the tips' are
`tip_sentences`; `models_sentence` and `commended_sentence` hold the seed article's words for
the community-models and commendation sources to contribute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import dateformat
from django.utils.translation import gettext, pgettext

from toandan.core.numbers import (
    EXACT_BELOW,
    Number,
    format_number,
    format_number_vi,
    percent,
    percent_vi,
    round_words,
    round_words_vi,
)
from toandan.stats.registry import Sentence, summary_sentences

__all__ = [
    "CURRENT",
    "EXACT_BELOW",
    "LEGACY",
    "Number",
    "ProvincesReported",
    "SummaryFigures",
    "commended_sentence",
    "format_number",
    "format_number_vi",
    "fraud_sentence",
    "models_sentence",
    "percent",
    "percent_vi",
    "round_words",
    "round_words_vi",
    "summary_paragraph",
    "tip_sentences",
]

# --- The summary paragraph -------------------------------------------------------------------


LEGACY = "legacy"
CURRENT = "current"


@dataclass(frozen=True)
class ProvincesReported:
    """The provinces of one generation of the geography that reported, of those expected, over
    the years that had reports ("2023", "2023–2024"). `reform` is the first day of the current
    generation (01/07/2025): the 63 provinces were before it, the 34 from it."""

    reported: int
    expected: int
    years: str
    generation: str  # LEGACY or CURRENT
    reform: dt.date


@dataclass(frozen=True)
class SummaryFigures:
    """The key figures of a unit over a period: the tips' (the dashboard's key figures share
    their roll-up) and what each other source's summary sentences gathered. None means unknown
    (not reported), and the sentence that would carry it is left out.

    `unit_name` names the area as it reads after "trên địa bàn" ("tỉnh Lào Cai"); None is the
    whole country. `period_label` is `toandan.stats.periods.period_label(...)`.
    """

    unit_name: str | None = None
    period_label: str | None = None
    provinces_reported: int | None = None
    provinces_expected: int | None = None
    # The years that had reports when they are not all of the period's ("2023" of 2019–2024):
    # a statement over several years says which of them the provinces reported for.
    provinces_years: str = ""
    # A period across the 2025 reform: each generation's provinces apart (63 before, 34 from
    # it), never added up; `provinces_reported` and `provinces_expected` are then None.
    provinces_by_generation: tuple[ProvincesReported, ...] = ()
    valuable_tips: int | None = None
    tips_received: int | None = None
    # The valuable tips among `tips_received` when `valuable_tips` counts something else (the
    # figures units reported): the share is taken of these, and the sentence says the tips
    # were received through toandan, so two sources are never mixed in one ratio.
    received_valuable: int | None = None
    # How the period opens the paragraph (`toandan.stats.periods.period_opening`: "In 2023",
    # "From 12/2025 to 11/2026"); None: "In" and `period_label`.
    period_opening: str | None = None
    # (source code, what its `gather` read) for each other source with something to say.
    contributions: tuple[tuple[str, Any], ...] = ()

    def gathered(self, code: str) -> Any:
        """What the source `code` gathered for this paragraph (None: nothing)."""
        return next((found for name, found in self.contributions if name == code), None)


def _counting_only(provinces: str, tips: str) -> str:
    return gettext(
        "Counting only %(provinces)s, %(tips)s valuable tips related to security and public "
        "order were passed on in time by women and residents to the authorities."
    ) % {"provinces": provinces, "tips": tips}


def _generation_phrase(part: ProvincesReported) -> str:
    values = {
        "reported": format_number(part.reported),
        "expected": format_number(part.expected),
        "years": part.years,
        "date": dateformat.format(part.reform, "d/m/Y"),
    }
    if part.generation == LEGACY:
        return (
            gettext(
                "the %(reported)s of %(expected)s provinces and cities (before %(date)s) that "
                "reported figures for %(years)s"
            )
            % values
        )
    return (
        gettext(
            "the %(reported)s of %(expected)s provinces and cities (from %(date)s) that "
            "reported figures for %(years)s"
        )
        % values
    )


def _by_generation_sentence(figures: SummaryFigures, tips: str) -> str:
    phrases = [_generation_phrase(part) for part in figures.provinces_by_generation]
    provinces = phrases[0]
    for phrase in phrases[1:]:
        provinces = pgettext("a list of two", "%(first)s and %(second)s") % {
            "first": provinces,
            "second": phrase,
        }
    return _counting_only(provinces, tips)


def _years_sentence(figures: SummaryFigures, tips: str) -> str | None:
    reported, expected = figures.provinces_reported, figures.provinces_expected
    years = figures.provinces_years
    if reported is None or expected is None or not years:
        return None
    if reported >= expected:
        return gettext(
            "According to the figures reported for %(years)s by all %(reported)s provinces and "
            "cities, %(tips)s valuable tips related to security and public order were passed "
            "on in time by women and residents to the authorities."
        ) % {"years": years, "reported": format_number(reported), "tips": tips}
    provinces = gettext(
        "the %(reported)s of %(expected)s provinces and cities that reported figures for %(years)s"
    ) % {"reported": format_number(reported), "expected": format_number(expected), "years": years}
    return _counting_only(provinces, tips)


def _tips_sentence(figures: SummaryFigures) -> str | None:
    if figures.valuable_tips is None:
        return None
    tips = round_words(figures.valuable_tips)
    qualified = (
        _by_generation_sentence(figures, tips)
        if figures.provinces_by_generation
        else _years_sentence(figures, tips)
    )
    if qualified is not None:
        return qualified
    reported, expected = figures.provinces_reported, figures.provinces_expected
    if reported is None:
        return gettext(
            "%(tips)s valuable tips related to security and public order were passed on in "
            "time by women and residents to the authorities."
        ) % {"tips": tips}
    if expected is not None and reported >= expected:
        return gettext(
            "According to the figures reported by all %(reported)s provinces and cities, "
            "%(tips)s valuable tips related to security and public order were passed on in "
            "time by women and residents to the authorities."
        ) % {"reported": format_number(reported), "tips": tips}
    if expected is not None:
        return gettext(
            "Counting only the %(reported)s of %(expected)s provinces and cities that reported "
            "figures, %(tips)s valuable tips related to security and public order were passed "
            "on in time by women and residents to the authorities."
        ) % {"reported": format_number(reported), "expected": format_number(expected), "tips": tips}
    return gettext(
        "Counting only the %(reported)s provinces and cities that reported figures, %(tips)s "
        "valuable tips related to security and public order were passed on in time by women "
        "and residents to the authorities."
    ) % {"reported": format_number(reported), "tips": tips}


def _received_sentence(figures: SummaryFigures) -> str | None:
    received, valuable = figures.tips_received, figures.valuable_tips
    if received is None:
        return None
    if figures.received_valuable is not None:
        if received > 0:
            return gettext(
                "Through toandan, %(received)s tips were received, of which %(share)s were "
                "valuable."
            ) % {
                "received": round_words(received),
                "share": percent(Decimal(figures.received_valuable) / received),
            }
        return gettext("Through toandan, %(received)s tips were received.") % {
            "received": round_words(received)
        }
    if valuable is not None and received > 0:
        return gettext(
            "In total %(received)s tips were received, of which %(share)s were valuable."
        ) % {"received": round_words(received), "share": percent(Decimal(valuable) / received)}
    return gettext("In total %(received)s tips were received.") % {
        "received": round_words(received)
    }


def tip_sentences(figures: SummaryFigures, _gathered: object = None) -> list[Sentence]:
    """The tips source's sentences: the valuable tips (with the provinces that reported them),
    then the tips received."""
    found = (_tips_sentence(figures), _received_sentence(figures))
    return [Sentence(text) for text in found if text]


def models_sentence(count: int, *, as_of: dt.date | None, unit_name: str | None) -> Sentence:
    """The seed article's sentence on the models of the all-people movement active on a date:
    a stock, so it never opens with the period."""
    values: dict[str, Any] = {"models": round_words(count)}
    return Sentence(_models_text(values, as_of, unit_name), flow=False)


def _models_text(values: dict[str, Any], as_of: dt.date | None, unit_name: str | None) -> str:
    if unit_name:
        values["unit"] = unit_name
        if as_of is not None:
            values["date"] = dateformat.format(as_of, "d/m/Y")
            return (
                gettext(
                    "As of %(date)s, statistics show a total of %(models)s models of the "
                    "all-people movement to protect national security in %(unit)s."
                )
                % values
            )
        return (
            gettext(
                "Statistics show a total of %(models)s models of the all-people movement to "
                "protect national security in %(unit)s."
            )
            % values
        )
    if as_of is not None:
        values["date"] = dateformat.format(as_of, "d/m/Y")
        return (
            gettext(
                "As of %(date)s, statistics show a total of %(models)s models of the all-people "
                "movement to protect national security nationwide."
            )
            % values
        )
    return (
        gettext(
            "Statistics show a total of %(models)s models of the all-people movement to "
            "protect national security nationwide."
        )
        % values
    )


def commended_sentence(
    *, total: int | None, collectives: int | None, individuals: int | None
) -> Sentence | None:
    """The seed article's sentence on the collectives and individuals commended in the
    period (None when none of the three is known)."""
    text = _commended_text(total, collectives, individuals)
    return Sentence(text) if text else None


def _commended_text(total: int | None, collectives: int | None, individuals: int | None) -> str:
    if total is None and collectives is not None and individuals is not None:
        total = collectives + individuals
    if total is not None and collectives is not None and individuals is not None:
        return gettext(
            "%(total)s collectives and individuals were commended: %(collectives)s "
            "collectives and %(individuals)s individuals."
        ) % {
            "total": round_words(total),
            "collectives": round_words(collectives),
            "individuals": round_words(individuals),
        }
    if total is not None:
        return gettext("%(total)s collectives and individuals were commended.") % {
            "total": round_words(total)
        }
    if collectives is not None:
        return gettext("%(collectives)s collectives were commended.") % {
            "collectives": round_words(collectives)
        }
    if individuals is not None:
        return gettext("%(individuals)s individuals were commended.") % {
            "individuals": round_words(individuals)
        }
    return ""


def fraud_sentence(
    *, reports: int, losses_vnd: int, verified: int | None, lookups: int | None
) -> Sentence:
    """The anti-fraud source's sentence: fraud reports the police confirmed from tips and the
    losses they state; nationwide also the identifiers verified as fraud and the public
    checks (`verified`/`lookups` None: a province, where those national figures are not
    counted)."""
    values = {
        "reports": round_words(reports),
        "losses": round_words(losses_vnd),
        "verified": round_words(verified or 0),
        "lookups": round_words(lookups or 0),
    }
    national = verified is not None and lookups is not None
    if national and losses_vnd:
        text = gettext(
            "Fraud reports confirmed by the police: %(reports)s, with %(losses)s đồng of "
            "losses reported; phone numbers, accounts and links verified as fraud: "
            "%(verified)s; checks made by citizens: %(lookups)s."
        )
    elif national:
        text = gettext(
            "Fraud reports confirmed by the police: %(reports)s; phone numbers, accounts and "
            "links verified as fraud: %(verified)s; checks made by citizens: %(lookups)s."
        )
    elif losses_vnd:
        text = gettext(
            "Fraud reports confirmed by the police: %(reports)s, with %(losses)s đồng of "
            "losses reported."
        )
    else:
        text = gettext("Fraud reports confirmed by the police: %(reports)s.")
    return Sentence(text % values)


def _with_period(
    period_label: str,
    sentence: str,
    unit_name: str | None = None,
    *,
    opening: str | None = None,
) -> str:
    # "Giai đoạn 2019–2024, chỉ tính riêng …": the clause continues the sentence, so it loses
    # its capital; every clause here starts with a common word or a digit.
    clause = sentence[:1].lower() + sentence[1:]
    if opening:
        # "From 12/2025 to 11/2026, …" in English, where "In From …" would not be.
        if unit_name:
            return gettext("%(opening)s, in %(unit)s, %(clause)s") % {
                "opening": opening,
                "unit": unit_name,
                "clause": clause,
            }
        return gettext("%(opening)s, %(clause)s") % {"opening": opening, "clause": clause}
    if unit_name:
        # "Năm 2023, trên địa bàn tỉnh Lào Cai, …": a paragraph pasted alone still says where.
        return gettext("In %(period)s, in %(unit)s, %(clause)s") % {
            "period": period_label,
            "unit": unit_name,
            "clause": clause,
        }
    return gettext("In %(period)s, %(clause)s") % {"period": period_label, "clause": clause}


def summary_paragraph(figures: SummaryFigures) -> str:
    """The key figures as one paragraph in the reader's language, worded as the seed article
    words them, e.g. (Vietnamese):

    "Giai đoạn 2019–2024, chỉ tính riêng 20 tỉnh, thành phố có báo cáo số liệu, 110 nghìn nguồn
    tin có giá trị liên quan đến công tác an ninh trật tự, an toàn xã hội được chị em, người
    dân cung cấp kịp thời cho các cơ quan chức năng. Tính đến ngày 20/11/2023, theo thống kê
    trên cả nước có tổng số 4.701 mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc. 66 tập
    thể, cá nhân được khen thưởng, gồm 31 tập thể và 35 cá nhân."

    The sentences are the sources' (`registry.summary_sentences`, by weight: the tips', then
    the models', then the commendations'). The period opens the first sentence about the
    period's flows, with the unit's name when there is one; a stock (the count of models, with
    its own "as of" date) never takes it.
    """
    sentences: list[Sentence] = []
    for entry in summary_sentences():
        gathered = figures.gathered(entry.code)
        if entry.gather is not None and gathered is None:
            continue
        sentences += [s for s in entry.write(figures, gathered) if s.text]
    texts = [s.text for s in sentences]
    if figures.period_label or figures.period_opening:
        index = next((i for i, s in enumerate(sentences) if s.flow), None)
        if index is not None:
            texts[index] = _with_period(
                figures.period_label or "",
                texts[index],
                figures.unit_name,
                opening=figures.period_opening,
            )
    return " ".join(texts)
