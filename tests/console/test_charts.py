from datetime import date, timedelta

import pytest

from console.charts import HEIGHT, bar_chart

DAYS = [date(2026, 11, 3) + timedelta(days=offset) for offset in range(3)]
PLOT = HEIGHT - 18


@pytest.mark.parametrize(
    ("values", "top"),
    [([0, 0, 0], 1), ([1, 0, 0], 1), ([0, 3, 0], 5), ([7, 2, 0], 10), ([0, 0, 19], 20), ([51, 0, 0], 100)],
)
def test_the_scale_is_a_round_number_at_least_the_largest_day(values, top):
    chart = bar_chart(DAYS, [("Refused", "bar-warning", values)], title="Refused calls")

    assert chart["grid"][0][2] == top
    assert chart["grid"][-1][2] == 0


def test_stacked_segments_sum_to_the_days_total_and_titles_say_the_numbers():
    chart = bar_chart(
        DAYS, [("Successful", "bar-ok", [2, 0, 1]), ("Failed", "bar-error", [2, 0, 0])], title="Sign-ins"
    )

    first, empty, last = chart["bars"]
    # The scale tops at 5: four sign-ins fill four fifths of the plot, successes at the bottom.
    assert [segment.css for segment in first.segments] == ["bar-ok", "bar-error"]
    assert sum(segment.height for segment in first.segments) == pytest.approx(PLOT * 4 / 5, abs=0.2)
    assert first.segments[0].y + first.segments[0].height == pytest.approx(PLOT, abs=0.1)
    assert empty.segments == ()
    assert first.title == "Nov 3: 2 successful, 2 failed"
    assert last.title == "Nov 5: 1 successful, 0 failed"
    assert chart["total"] == 5
    assert chart["legend"] == [("Successful", "bar-ok", 3), ("Failed", "bar-error", 2)]
    assert [label for _, label, _ in chart["dates"]] == ["Nov 3", "Nov 4", "Nov 5"]
    # The last date ends at the chart's right edge instead of overflowing it.
    assert chart["dates"][-1][0] == chart["width"] and chart["dates"][-1][2] == "end"
    assert first.x < empty.x < last.x
