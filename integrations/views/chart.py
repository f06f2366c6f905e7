"""Geometry of the calls-per-hour chart, drawn as inline SVG by the template (no JavaScript)."""

from dataclasses import dataclass

from integrations.models import ActionLog
from integrations.selectors import ChartData

WIDTH, HEIGHT = 1000, 190
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 28
# Bottom to top: the outcome that matters most sits on the baseline.
STACK_ORDER = ("succeeded", "failed", "rejected", "running", "queued")
LABELS = dict(ActionLog.Status.choices)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    status: str
    title: str


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 4 times 10^k at or above `value`, at least 4: even, so the middle
    grid line is a whole number."""
    value = max(value, 4)
    magnitude = 1
    while True:
        for step in (1, 2, 4):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def chart_svg_context(chart: ChartData) -> dict:
    """Everything the SVG template needs: bars, axis ticks, legend and an accessible summary."""
    n = len(chart.hours)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / n
    bar_w = max(slot * (0.8 if n <= 48 else 0.9), 1.0)
    top = _nice_ceiling(chart.peak)
    scale = plot_h / top
    bars: list[Bar] = []
    for i, hour in enumerate(chart.hours):
        base = TOP + plot_h
        label = f"{hour:%a %d %b %H:00} to {(hour.hour + 1) % 24:02d}:00 UTC"
        for status in STACK_ORDER:
            count = chart.series.get(status, [0] * n)[i]
            if not count:
                continue
            height = count * scale
            base -= height
            bars.append(
                Bar(
                    x=round(LEFT + i * slot + (slot - bar_w) / 2, 2),
                    y=round(base, 2),
                    width=round(bar_w, 2),
                    height=round(height, 2),
                    status=status,
                    title=f"{label}: {count} {LABELS[status].lower()}",
                )
            )
    every = 3 if n <= 24 else 24
    x_ticks = [
        Tick(
            pos=round(LEFT + i * slot, 2),
            label=f"{hour:%H:00}" if n <= 24 else f"{hour:%a %d}",
        )
        for i, hour in enumerate(chart.hours)
        if i % every == 0
    ]
    y_ticks = [
        Tick(pos=round(TOP + plot_h - v * scale, 2), label=str(v)) for v in (0, top // 2, top)
    ]
    totals = {s: sum(chart.series.get(s, [])) for s in STACK_ORDER}
    window_words = "24 hours" if chart.window == "24h" else "7 days"
    parts = ", ".join(f"{totals[s]} {LABELS[s].lower()}" for s in STACK_ORDER if totals[s])
    summary = f"{chart.total} calls in the last {window_words}" + (f": {parts}." if parts else ".")
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right_edge": WIDTH - RIGHT,
        "baseline": TOP + plot_h,
        "label_y": HEIGHT - 8,
        "bars": bars,
        "x_ticks": x_ticks,
        "y_ticks": y_ticks,
        "legend": [(s, LABELS[s], totals[s]) for s in STACK_ORDER],
        "summary": summary,
        "window": chart.window,
        "window_words": window_words,
    }
