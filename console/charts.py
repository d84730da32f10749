"""Small bar charts drawn as inline SVG by the console's own templates (includes/bar_chart.html): the
geometry is computed here, so the page needs no chart library and reads without JavaScript."""

from dataclasses import dataclass

WIDTH = 520
HEIGHT = 130
LEFT = 32  # room for the scale's labels
BOTTOM = 18  # room for the dates


@dataclass(frozen=True)
class Segment:
    y: float
    height: float
    css: str


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    segments: tuple
    title: str


def _nice_ceiling(value):
    """The smallest of 1, 2, 5 × 10ⁿ at least `value` (at least 1), so the scale reads round."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _day(day):
    return f"{day:%b} {day.day}"


def bar_chart(days, series, *, title):
    """The geometry of a stacked bar chart: one bar per day, `series` being [(label, css class,
    values)] with one value per day. Each bar's title says the day's numbers (the SVG's tooltip)."""
    totals = [sum(values[index] for _, _, values in series) for index in range(len(days))]
    top = _nice_ceiling(max(totals, default=0))
    plot_height = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT) / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        base = plot_height
        segments = []
        for _label, css, values in series:
            height = values[index] * plot_height / top
            if height:
                base -= height
                segments.append(Segment(round(base, 1), round(height, 1), css))
        numbers = ", ".join(f"{values[index]} {label.lower()}" for label, _, values in series)
        bars.append(
            Bar(
                round(LEFT + index * slot + slot * 0.15, 1),
                round(slot * 0.7, 1),
                tuple(segments),
                f"{_day(day)}: {numbers}",
            )
        )
    labelled = {0, len(days) // 2, len(days) - 1} if days else set()
    return {
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "plot_height": plot_height,
        # Grid lines with the scale's labels: the top, the middle when it is a whole number, zero.
        "grid": [
            (0.5, 10, top),
            *([(plot_height / 2, plot_height / 2 + 4, top // 2)] if top % 2 == 0 else []),
            (plot_height, plot_height, 0),
        ],
        "label_x": LEFT - 6,
        "date_y": HEIGHT - 3,
        "bars": bars,
        # Each date under its bar, but the last one ends at the chart's edge rather than past it.
        "dates": [
            (round(LEFT + index * slot + slot / 2, 1), _day(days[index]), "middle")
            if index < len(days) - 1
            else (WIDTH, _day(days[index]), "end")
            for index in sorted(labelled)
        ],
        "legend": [(label, css, sum(values)) for label, css, values in series],
        "total": sum(totals),
    }
