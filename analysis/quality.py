"""Response-quality flags for the analyst: shared devices, bursts, speeders and straight-liners.

Nothing here refuses a response. Several adults of one family answering on one phone is expected in a small
town; the flags say what to look at, and a coordinator decides whether to leave a response out of the scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A burst: at least this many responses from one device, or one address, within this many minutes.
BURST_COUNT = 5
BURST_MINUTES = 10
#: A speeder completed in less than this share of the group's median time (with enough web responses).
SPEEDER_SHARE = 0.3
SPEEDER_MIN_RESPONSES = 5
#: A straight-liner gave one and the same point on every rating question, with at least this many answered.
STRAIGHT_LINE_MIN_ITEMS = 8

FLAGS = ("shared_device", "burst", "speeder", "straight_line")


def _burst_members(times: pd.Series) -> set:
    """Index labels of responses that fall in a window of BURST_MINUTES holding BURST_COUNT or more."""
    ordered = times.dropna().sort_values()
    if len(ordered) < BURST_COUNT:
        return set()
    seconds = (ordered - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()
    ends = np.searchsorted(seconds, seconds + BURST_MINUTES * 60, side="right")
    members: set = set()
    for start, end in enumerate(ends):
        if end - start >= BURST_COUNT:
            members.update(ordered.index[start:end])
    return members


def response_flags(responses: pd.DataFrame, ratings: pd.DataFrame | None = None) -> dict:
    """The flags of each complete response: response id → a tuple of flags (empty when none).

    `responses` is indexed by response id with columns group, mode, device_hash, address_tag, started_at and
    submitted_at (UTC timestamps); `ratings` holds each response's rating answers (one column per question,
    missing where not answered or "don't know").

    >>> t = pd.Timestamp("2026-05-01 10:00", tz="UTC")
    >>> frame = pd.DataFrame({"group": "residents", "mode": "web", "device_hash": ["d1", "d1", "d2"],
    ...     "address_tag": "a1", "started_at": [t, t, t],
    ...     "submitted_at": [t + pd.Timedelta(minutes=m) for m in (12, 30, 14)]}, index=[1, 2, 3])
    >>> response_flags(frame)
    {1: ('shared_device',), 2: ('shared_device',), 3: ()}
    """
    flags: dict = {rid: [] for rid in responses.index}
    devices = responses[responses["device_hash"].notna()]
    counts = devices.groupby(["group", "device_hash"])["device_hash"].transform("size")
    for rid in counts[counts > 1].index:
        flags[rid].append("shared_device")
    burst: set = set()
    for column in ("device_hash", "address_tag"):
        keyed = responses[responses[column].notna()]
        for _, part in keyed.groupby(["group", column]):
            burst |= _burst_members(part["submitted_at"])
    for rid in sorted(burst):
        flags[rid].append("burst")
    web = responses[responses["mode"] == "web"]
    minutes = (web["submitted_at"] - web["started_at"]).dt.total_seconds() / 60
    for _, part in minutes.groupby(web["group"]):
        part = part.dropna()
        if len(part) >= SPEEDER_MIN_RESPONSES:
            for rid in part[part < SPEEDER_SHARE * part.median()].index:
                flags[rid].append("speeder")
    if ratings is not None and not ratings.empty:
        answered = ratings.notna().sum(axis=1)
        spread = ratings.max(axis=1) - ratings.min(axis=1)
        for rid in ratings.index[(answered >= STRAIGHT_LINE_MIN_ITEMS) & (spread == 0)]:
            if rid in flags:
                flags[rid].append("straight_line")
    return {rid: tuple(f for f in FLAGS if f in found) for rid, found in flags.items()}
