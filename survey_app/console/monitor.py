"""Live monitoring figures of a round: per group started, completed, target, median time, per day."""

from __future__ import annotations

import statistics
from collections import Counter

from sqlalchemy import select

from ..extensions import db
from ..models import Response, SurveyRound
from ..models._base import utcnow
from ..services.exports_files import stored_files


def monitor(round_: SurveyRound) -> dict:
    """Plain data for the monitor table, its chart and the JSON endpoint."""
    rows = db.session.execute(
        select(Response.group, Response.status, Response.started_at, Response.submitted_at, Response.mode).where(
            Response.round_id == round_.id
        )
    ).all()
    groups = {}
    per_day: Counter = Counter()
    for g in round_.groups:
        groups[g.group] = {
            "group": g.group,
            "access": g.access,
            "target": g.target_n,
            "started": 0,
            "completed": 0,
            "partial": 0,
            "durations": [],
        }
    for group, status, started, submitted, mode in rows:
        info = groups.setdefault(
            group,
            {"group": group, "access": "", "target": 0, "started": 0, "completed": 0, "partial": 0, "durations": []},
        )
        info["started"] += 1
        if status == "complete":
            info["completed"] += 1
            if submitted and started and mode == "web":  # a typed-in paper has no answering time
                info["durations"].append((submitted - started).total_seconds() / 60)
            if submitted:
                per_day[submitted.date().isoformat()] += 1
        else:
            info["partial"] += 1
    out = []
    all_durations: list[float] = []
    for info in groups.values():
        durations = info.pop("durations")
        all_durations.extend(durations)
        info["median_minutes"] = round(statistics.median(durations), 1) if durations else None
        info["completion_pct"] = round(100 * info["completed"] / info["target"], 1) if info["target"] else None
        out.append(info)
    days = sorted(per_day.items())
    total = {
        "group": "total",
        "started": sum(i["started"] for i in out),
        "completed": sum(i["completed"] for i in out),
        "partial": sum(i["partial"] for i in out),
        "target": sum(i["target"] for i in out),
    }
    total["completion_pct"] = round(100 * total["completed"] / total["target"], 1) if total["target"] else None
    total["median_minutes"] = round(statistics.median(all_durations), 1) if all_durations else None
    files = stored_files(round_, ("complete", "partial"))
    total["files"] = len(files)
    total["file_megabytes"] = round(sum(f.get("size", 0) for f in files) / 2**20, 1)
    return {
        "round": round_.slug,
        "status": round_.status,
        "groups": out,
        "total": total,
        "per_day": [{"day": d, "completed": n} for d, n in days],
        "updated_at": utcnow().isoformat(),
    }


def day_chart(per_day: list[dict], width: int = 600, height: int = 120) -> dict:
    """Bars of completed responses per day, as plain geometry for an inline SVG."""
    if not per_day:
        return {"bars": [], "width": width, "height": height, "max": 0}
    top = max(d["completed"] for d in per_day)
    step = width / len(per_day)
    bars = []
    for i, d in enumerate(per_day):
        h = (height - 20) * d["completed"] / top if top else 0
        bars.append(
            {
                "x": round(i * step + 1, 1),
                "y": round(height - 16 - h, 1),
                "w": round(max(step - 2, 1), 1),
                "h": round(h, 1),
                "day": d["day"],
                "n": d["completed"],
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "max": top,
        "first": per_day[0]["day"],
        "last": per_day[-1]["day"],
    }
