"""A small line chart drawn on the server as SVG numbers: counters over time, no script."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 960, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28
MAX_SERIES = 6


@dataclass(frozen=True)
class Series:
    name: str
    points: str  # "x,y x,y ..." for <polyline points=...>
    last: int
    css: str  # series-0 .. series-5: its colour in console.css


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    y_ticks: list[tuple[float, int]]  # (y, value)
    x_ticks: list[tuple[float, str]]  # (x, "HH:MM" or "HH:MM:SS")
    left: int
    right: int
    top: int
    bottom: int


def line_chart(data: dict[str, list[tuple[datetime, int]]]) -> Chart | None:
    """One line per counter (at most six); None when there are not two points in time."""
    names = sorted(data)[:MAX_SERIES]
    times = sorted({at for name in names for at, _ in data[name]})
    if len(times) < 2:
        return None
    start, end = times[0], times[-1]
    span = (end - start).total_seconds() or 1.0
    top_value = max((v for name in names for _, v in data[name]), default=0)
    low_value = min((v for name in names for _, v in data[name]), default=0)
    low_value = min(low_value, 0)
    range_value = (top_value - low_value) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at: datetime) -> float:
        return LEFT + plot_w * (at - start).total_seconds() / span

    def y(value: int) -> float:
        return TOP + plot_h * (1 - (value - low_value) / range_value)

    series = [
        Series(
            name,
            " ".join(f"{x(at):.1f},{y(v):.1f}" for at, v in sorted(data[name])),
            sorted(data[name])[-1][1],
            f"series-{i}",
        )
        for i, name in enumerate(names)
        if data[name]
    ]
    y_ticks = [(y(v), v) for v in sorted({low_value, (low_value + top_value) // 2, top_value})]
    x_ticks = [(x(at), at.strftime("%H:%M")) for at in (start, start + (end - start) / 2, end)]
    return Chart(WIDTH, HEIGHT, series, y_ticks, x_ticks, LEFT, RIGHT, TOP, BOTTOM)
