"""What a report says about how sure its numbers are: the level with its probability over the Monte Carlo
(§8), what drives the uncertainty, the city data that are missing and what they would change, and the caution
on constructs whose items do not hang together (§2)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from analysis.stats import NO_VARIATION

from .. import labels
from .formats import Formats, Levels, texts


def level_sentence(scri: dict, uncertainty: dict, f: Formats, levels: Levels) -> str:
    """ "medium, but low in 48 % of the scenarios", or how often the level holds when it is clear."""
    level, shares = scri["level"], uncertainty.get("levels") or {}
    if level is None or not shares:
        return ""
    name = levels.name(level)
    others = sorted((code for code in shares if code != level and shares[code]), key=lambda c: -shares[c])
    if scri.get("borderline") and others:
        other = others[0]
        return _(
            "The level is borderline: %(level)s, but %(other)s in %(share)s of the scenarios of the uncertainty "
            "analysis.",
            level=name,
            other=levels.name(other),
            share=f.share(shares[other]),
        )
    return _(
        "The level is %(level)s in %(share)s of the scenarios of the uncertainty analysis.",
        level=name,
        share=f.share(shares.get(level)),
    )


def range_sentence(uncertainty: dict, f: Formats) -> str:
    low, high = uncertainty.get("p05"), uncertainty.get("p95")
    if low is None or high is None:
        return ""
    return _(
        "When everything uncertain is varied together (who answered, the weights, the way of averaging, the "
        "goalposts and any missing values), the index lies between %(low)s and %(high)s in 90 %% of %(draws)s "
        "scenarios (median %(median)s).",
        low=f.number(low),
        high=f.number(high),
        draws=f.integer(uncertainty["draws"]),
        median=f.number(uncertainty["median"]),
    )


def driver_sentence(uncertainty: dict, f: Formats) -> str:
    driver, share = uncertainty.get("driver"), uncertainty.get("driver_share")
    if driver is None or share is None:
        return ""
    return _(
        "What moves the index most is %(driver)s: on its own it explains %(share)s of the uncertainty.",
        driver=labels.label_of(labels.INPUT_GROUPS, driver),
        share=f.share(share),
    )


def missing_sentences(scri: dict, indicator_labels: dict[str, str], f: Formats) -> list[str]:
    """Which city data are missing, what they count as, and the score if they were typical of the city."""
    missing = scri.get("missing_indicators") or []
    if not missing:
        return []
    names = ", ".join(indicator_labels.get(code, code) for code in missing)
    out = [
        ngettext(
            "%(num)d indicator the city supplies has no value (%(names)s); it counts at its worst goalpost, so "
            "leaving data out never raises the index.",
            "%(num)d indicators the city supplies have no value (%(names)s); they count at their worst goalpost, "
            "so leaving data out never raises the index.",
            len(missing),
            names=names,
        )
    ]
    if scri.get("reweighted_score") is not None:
        out.append(
            _(
                "If the missing data were typical of the rest of the city's data, the index would be %(score)s.",
                score=f.number(scri["reweighted_score"]),
            )
        )
    if scri.get("provisional"):
        out.append(
            _("The index is provisional: at least one dimension has data for less than two thirds of its indicators.")
        )
    return out


def alpha_caution(flag: str | None, alpha: float | None, f: Formats) -> str:
    """The caution printed beside a construct whose Cronbach's α is low ("" when it is fine)."""
    if not flag:
        return ""
    return _("%(caution)s (α %(alpha)s)", caution=labels.label_of(labels.ALPHA_FLAGS, flag), alpha=f.number(alpha, 2))


def pooled_caution(pooled: dict) -> str:
    """The caution beside a construct's all-groups score: its worst α flag and in how many of the groups used
    (each group's own caution is beside its cell)."""
    if not pooled.get("caution"):
        return ""
    return _(
        "%(caution)s in %(flagged)s of %(groups)s groups",
        caution=labels.label_of(labels.ALPHA_FLAGS, pooled["caution"]),
        flagged=len(pooled.get("alpha_flags") or {}),
        groups=len(pooled.get("groups") or ()),
    )


def interval_note(cell: dict) -> str:
    """Why a shown cell has no interval: everyone answered alike, or too few answered."""
    if (cell.get("missing") or {}).get("ci95") == NO_VARIATION:
        return _("interval not estimable (no variation)")
    return ""


def subscore_parts(score: float | None, detail: dict, f: Formats) -> str:
    """The sub-score as the mean of the values that make it, the network blend included, so the numbers a
    reader sees add up."""
    if score is None:
        return ""
    blend = detail.get("network_blend") or {}
    parts = []
    for code, value in detail["constructs"].items():
        if value is None:
            continue
        text = f"{labels.label_of(labels.CONSTRUCTS, code)} {f.number(value)}"
        if code == blend.get("construct") and blend.get("network_score") is not None:
            survey = blend.get("survey_score")
            text += " " + (
                _(
                    "(survey %(survey)s and stakeholder network %(network)s, weighted %(survey_share)s and "
                    "%(network_share)s)",
                    survey=f.number(survey),
                    network=f.number(blend["network_score"]),
                    survey_share=f.share(1 - blend["share"]),
                    network_share=f.share(blend["share"]),
                )
                if survey is not None
                else _("(stakeholder network only)")
            )
        parts.append(text)
    return _("The sub-score %(score)s is the mean of: %(parts)s.", score=f.number(score), parts="; ".join(parts))


def indicator_labels(framework, lang: str) -> dict[str, str]:
    return {i.code: texts(i.label, lang) or labels.humanise(i.code) for i in framework.indicators}
