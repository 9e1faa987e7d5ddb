"""The checks of a question's type-specific parts (scales, choices, bounds, lengths, actors) and of the
XLSForm expressions a question carries; a mixin of the loader's checker."""

from __future__ import annotations

import re
from typing import Any

from . import xpath
from .model import COMPUTED_TYPES

MAX_TEXT = 2000
MAX_REPEAT = 50
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
EXPRESSIONS = (("relevant", False, True), ("required_if", False, True), ("constraint", False, True),
               ("calculation", False, True), ("choice_filter", True, True))  # fmt: skip


class TypeChecks:
    """What a question of its type needs: a scale, choices, bounds, a length, an ego question, a step."""

    def type_parts(self, data: dict, where: str, qtype: str, q: dict, seen: dict[str, dict]) -> None:
        if qtype == "likert":
            self.likert(data, where, q)
        elif qtype in {"single", "multiple", "rank"}:
            q["choices"] = self.choices(data.get("choices"), where)
        elif qtype == "ties":
            q["choices"] = self.choices(data.get("choices"), where, with_sector=True)
        if qtype in {"multiple", "ties"} and data.get("max_choices") is not None:
            mc = data["max_choices"]
            if isinstance(mc, bool) or not isinstance(mc, int) or mc < 1:
                self.problem(where, "max_choices must be a whole number of at least 1")
            else:
                q["max_choices"] = mc
        if qtype == "likert" and data.get("area") is not None:
            self.area(data["area"], where, q)
        if qtype == "yesno":
            if "dont_know" in data and not isinstance(data["dont_know"], bool):
                self.problem(where, "dont_know must be true or false")
            q["dont_know"] = data.get("dont_know") is True
        if qtype in {"integer", "decimal", "range"}:
            self.bounds(data, where, qtype, q)
        if qtype == "text":
            limit = data.get("max_length", MAX_TEXT if self.xlsform else 500)
            if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_TEXT:
                self.problem(where, f"max_length must be a whole number from 1 to {MAX_TEXT}")
            else:
                q["max_length"] = limit
        if qtype == "ties" and data.get("ego") is not None:
            self.ego(data, where, q, seen)
        if qtype == "image" and data.get("max_pixels") is not None:
            pixels = data["max_pixels"]
            if isinstance(pixels, bool) or not isinstance(pixels, int) or not 64 <= pixels <= 8192:
                self.problem(where, "max_pixels must be a whole number from 64 to 8192")
            else:
                q["max_pixels"] = pixels
        if qtype == "calculate" and not data.get("calculation"):
            self.problem(where, "a calculate question needs a calculation")

    def likert(self, data: dict, where: str, q: dict) -> None:
        scale = data.get("scale")
        if scale not in self.scales or scale == "frequency_ties":
            names = ", ".join(k for k in self.scales if k != "frequency_ties")
            self.problem(where, f"unknown scale {scale!r}; use one of {names}")
        else:
            q["scale"] = scale
            q["choices"] = [
                {"code": str(p["value"]), "value": p["value"], "label": p["label"]} for p in self.scales[scale]
            ]

    def bounds(self, data: dict, where: str, qtype: str, q: dict) -> None:
        """min and max (required in our own format; an XLSForm may leave a number open), a range's step."""
        optional = self.xlsform and qtype != "range"
        low = None if optional and data.get("min") is None else self.number(data.get("min"), where, "min")
        high = None if optional and data.get("max") is None else self.number(data.get("max"), where, "max")
        if low is not None and high is not None and low >= high:
            self.problem(where, "min must be less than max")
        for value in (low, high):
            if qtype == "integer" and value is not None and value != int(value):
                self.problem(where, "an integer question needs whole-number bounds")
        if low is not None:
            q["min"] = low
        if high is not None:
            q["max"] = high
        if qtype == "range":
            step = self.number(data.get("step", 1), where, "step")
            if step is not None and step <= 0:
                self.problem(where, "a range's step must be greater than 0")
            q["step"] = step

    def area(self, value: Any, where: str, q: dict) -> None:
        """The area of public life (reference standard, methodology §6.1) whose digital services the item rates."""
        from .refstd import load_refstd_framework

        codes = load_refstd_framework().area_codes
        if value not in codes:
            self.problem(
                where, f"area {value!r} is not an area of the reference standard; use one of {', '.join(codes)}"
            )
        elif q.get("construct"):
            self.problem(where, "an area rating feeds the opinion side of the rating, not a construct")
        else:
            q["area"] = value

    def ego(self, data: dict, where: str, q: dict, seen: dict[str, dict]) -> None:
        """The earlier single-choice question whose answer is the respondent's own organisation."""
        ego = data["ego"]
        target = seen.get(ego)
        if target is None:
            self.problem(where, f"ego refers to {ego!r}, which is not an earlier question")
        elif target.get("type") != "single":
            self.problem(where, f"ego {ego!r} must be a single-choice question")
        else:
            actors = {c["code"] for c in q.get("choices", [])}
            unknown = {c["code"] for c in target.get("choices", [])} - actors
            if unknown:
                self.problem(where, f"ego {ego!r} offers choices that are not actors: {', '.join(sorted(unknown))}")
        q["ego"] = ego


class ExpressionChecks:
    """An XLSForm question's XPath expressions, its extra texts and flags (what only an XLSForm carries)."""

    def repeat(self, value: Any, where: str) -> dict:
        """A repeated page: how many times (an expression, or as the respondent adds them), at most MAX_REPEAT."""
        out: dict[str, Any] = {}
        if not isinstance(value, dict) or set(value) - {"count", "titles", "max"}:
            self.problem(where, "repeat must be a mapping of count, titles and max")
            return out
        if value.get("count") not in (None, ""):
            self.expression(str(value["count"]), where, "repeat_count", out, self.names, columns=False, current=False)
            if "repeat_count" in out:
                out["count"] = out.pop("repeat_count")
        if isinstance(value.get("titles"), list):
            out["titles"] = [self.texts(t, where, "repeat title") for t in value["titles"][:MAX_REPEAT]]
        most = value.get("max", MAX_REPEAT)
        if isinstance(most, bool) or not isinstance(most, int) or not 1 <= most <= MAX_REPEAT:
            self.problem(where, f"a repeat's max must be a whole number from 1 to {MAX_REPEAT}")
        elif most != MAX_REPEAT:
            out["max"] = most
        return out

    def xlsform_parts(self, data: dict, where: str, qtype: str, q: dict, names: set[str]) -> None:
        for key, columns, current in EXPRESSIONS:
            text = data.get(key)
            if text in (None, ""):
                continue
            if key == "choice_filter" and qtype not in ("single", "multiple", "rank"):
                self.problem(where, "choice_filter applies only to select_one, select_multiple and rank")
                continue
            self.expression(str(text), where, key, q, names, columns=columns, current=current)
        for key in ("guidance", "constraint_message", "required_message"):
            if data.get(key) is not None:
                q[key] = self.texts(data[key], where, key.replace("_", " "))
        for key in ("appearance", "default"):
            if data.get(key) is not None:
                q[key] = str(data[key])[:500]
        if data.get("read_only") is True:
            q["read_only"] = True
        if qtype in COMPUTED_TYPES and q.get("required"):
            q.pop("required")

    def expression(self, text: str, where: str, key: str, q: dict, names: set[str], **kinds) -> None:
        try:
            tree = xpath.check(text, **kinds)
        except xpath.ExpressionError as exc:
            self.problem(where, f"{key}: {exc}")
            return
        unknown = sorted(xpath.refs(tree) - names)
        if unknown:
            self.problem(
                where, f"{key} refers to {', '.join('${' + n + '}' for n in unknown)}, not a question of the form"
            )
            return
        q[key] = text.strip()
