"""Quality flags: what each one catches, and what it leaves alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.quality import response_flags

T0 = pd.Timestamp("2026-05-04 09:00", tz="UTC")


def _frame(rows):
    frame = pd.DataFrame(rows).set_index("id")
    frame["started_at"] = T0 + pd.to_timedelta(frame.pop("start_min"), unit="min")
    frame["submitted_at"] = frame["started_at"] + pd.to_timedelta(frame.pop("minutes"), unit="min")
    return frame


def _row(rid, device, address="a1", start=0, minutes=15, mode="web", group="residents"):
    return {"id": rid, "group": group, "mode": mode, "device_hash": device, "address_tag": address,
            "start_min": start, "minutes": minutes}  # fmt: skip


def test_five_responses_from_one_address_within_ten_minutes_are_a_burst():
    rows = [_row(i, f"d{i}", start=2 * i) for i in range(1, 6)]  # submitted 2 minutes apart
    rows.append(_row(6, "d6", start=60))  # the same address an hour later: not part of it
    rows.append(_row(7, "d7", address="a2", start=4))
    flags = response_flags(_frame(rows))
    assert [rid for rid, f in flags.items() if "burst" in f] == [1, 2, 3, 4, 5]
    assert flags[6] == () and flags[7] == ()


def test_four_is_not_a_burst_and_groups_are_apart():
    rows = [_row(i, "d1", start=i) for i in range(1, 5)]
    rows.append(_row(5, "d1", start=5, group="business"))
    flags = response_flags(_frame(rows))
    assert all("burst" not in f for f in flags.values())
    assert [rid for rid, f in flags.items() if "shared_device" in f] == [1, 2, 3, 4]


def test_a_speeder_is_far_below_the_median_and_paper_is_never_one():
    rows = [_row(i, f"d{i}", start=30 * i, minutes=m) for i, m in enumerate([14, 15, 16, 18, 20, 4], start=1)]
    rows.append(_row(7, None, start=300, minutes=1, mode="paper"))  # typed in from paper: no answering time
    flags = response_flags(_frame(rows))
    assert [rid for rid, f in flags.items() if "speeder" in f] == [6]  # 4 min < 0.3 × 16 min


def test_too_few_responses_make_no_speeder():
    rows = [_row(i, f"d{i}", start=30 * i, minutes=m) for i, m in enumerate([20, 20, 20, 1], start=1)]
    assert all("speeder" not in f for f in response_flags(_frame(rows)).values())


def test_a_straight_liner_gives_one_point_everywhere():
    rows = [_row(i, f"d{i}", start=30 * i) for i in range(1, 4)]
    ratings = pd.DataFrame(
        {
            **{f"q{k}": [3, 4, 5] for k in range(8)},  # 1 and 2 never vary; 3 is one point lower on one item
            "q8": [3, 4, 1],
        },
        index=[1, 2, 3],
    )
    short = pd.DataFrame({f"q{k}": [2] for k in range(5)}, index=[3])
    flags = response_flags(_frame(rows), ratings)
    assert flags[1] == ("straight_line",) and flags[2] == ("straight_line",) and flags[3] == ()
    assert response_flags(_frame(rows), short)[3] == ()  # five answers are too few to say


def test_unanswered_ratings_do_not_break_a_straight_line():
    rows = [_row(1, "d1")]
    ratings = pd.DataFrame({f"q{k}": [4.0 if k < 8 else np.nan] for k in range(12)}, index=[1])
    assert response_flags(_frame(rows), ratings)[1] == ("straight_line",)
