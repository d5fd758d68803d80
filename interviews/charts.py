"""Small server-side SVG charts: readable without hovering, no JavaScript, nothing to download.

Every label is escaped; numbers are formatted by us, so the SVG is safe to mark safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#4f46e5", "#0891b2", "#059669", "#d97706", "#dc2626", "#7c3aed", "#db2777", "#475569")


def _svg_open(width: int, height: int, summary: str, css: str = "chart") -> str:
    """The opening tag with its text alternative: screen readers read `summary` for the chart."""
    text = escape(summary)
    return (
        f'<svg viewBox="0 0 {width} {height}" class="{css}" role="img" aria-label="{text}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{text}</title>'
    )


def _num(value: float | None) -> str:
    return "no score" if value is None else f"{value:.0f}"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per x position; None leaves a gap


def line_chart(series: Sequence[Series], x_labels: Sequence[str], *, width: int = 720, height: int = 260,
               y_max: float = 100) -> SafeString:  # fmt: skip
    """Lines over attempts with a 0-100 axis, end labels and a legend."""
    left, right, top, bottom = 40, 150, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / y_max)

    described = []
    for s in series:
        known = [v for v in s.values if v is not None]
        if known:
            described.append(f"{s.label} from {_num(known[0])} to {_num(known[-1])}")
    summary = f"Line chart over {len(x_labels)} attempt{'s' if len(x_labels) != 1 else ''}: " + (
        "; ".join(described) or "no scores yet"
    )
    parts = [_svg_open(width, height, summary)]
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="chart__grid"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" class="chart__tick" text-anchor="end">{tick}</text>'
        )
    step = max(1, count // 8)
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == count - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 10}" class="chart__tick" text-anchor="middle">{escape(label)}</text>'
            )
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if not points:
            continue
        path = " ".join(
            f"{'M' if j == 0 else 'L'}{px:.1f},{py:.1f}" for j, (px, py) in enumerate(points)
        )
        parts.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
        )
        for px, py in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        last = [v for v in s.values if v is not None][-1]
        parts.append(f'<text x="{left + plot_w + 10}" y="{points[-1][1] + 4:.1f}" class="chart__label" fill="{colour}">'
                     f'{escape(s.label)} {last:.0f}</text>')  # fmt: skip
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped


def bar_rows(
    rows: Sequence[tuple[str, float, float | None]], *, max_value: float, unit: str = ""
) -> SafeString:
    """Horizontal bars with a marker: (label, value, marker) → e.g. minutes used against the budget."""
    width, row_h, label_w = 720, 30, 230
    plot_w = width - label_w - 80
    height = row_h * len(rows) + 8
    summary = "Bar chart: " + "; ".join(
        f"{label} {value:.1f}{unit}" + ("" if marker is None else f" of {marker:.1f}{unit}")
        for label, value, marker in rows
    )
    parts = [_svg_open(width, height, summary)]
    for i, (label, value, marker) in enumerate(rows):
        top = 4 + i * row_h
        bar = plot_w * min(value, max_value) / max_value if max_value else 0
        over = marker is not None and value > marker
        colour = "#dc2626" if over else "#4f46e5"
        parts.append(f'<text x="0" y="{top + 18}" class="chart__label">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{top + 6}" width="{plot_w}" height="14" rx="7" class="chart__track"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{top + 6}" width="{bar:.1f}" height="14" rx="7" fill="{colour}"/>'
        )
        if marker is not None:
            mx = label_w + plot_w * min(marker, max_value) / max_value
            parts.append(
                f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{top + 2}" y2="{top + 24}" class="chart__marker"/>'
            )
        parts.append(
            f'<text x="{label_w + plot_w + 8}" y="{top + 18}" class="chart__tick">{value:.1f}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped


def before_after_rows(
    rows: Sequence[tuple[str, float | None, float | None]], *, before: str, after: str
) -> SafeString:
    """Paired bars on a 0-100 scale: where each row started (grey) and where it is now (colour)."""
    width, row_h, label_w = 720, 38, 250
    plot_w = width - label_w - 110
    height = row_h * len(rows) + 30
    summary = f"{before} and {after}: " + "; ".join(
        f"{label} {_num(first)} then {_num(last)}" for label, first, last in rows
    )
    parts = [_svg_open(width, height, summary),
             f'<rect x="{label_w}" y="4" width="12" height="8" rx="2" class="chart__before"/>'
             f'<text x="{label_w + 18}" y="12" class="chart__tick">{escape(before)}</text>'
             f'<rect x="{label_w + 170}" y="4" width="12" height="8" rx="2" fill="#4f46e5"/>'
             f'<text x="{label_w + 188}" y="12" class="chart__tick">{escape(after)}</text>']  # fmt: skip
    for i, (label, first, last) in enumerate(rows):
        top = 24 + i * row_h
        parts.append(f'<text x="0" y="{top + 17}" class="chart__label">{escape(label)}</text>')
        for offset, value, css in (
            (2, first, 'class="chart__before"'),
            (14, last, 'fill="#4f46e5"'),
        ):
            if value is not None:
                parts.append(
                    f'<rect x="{label_w}" y="{top + offset}" width="{plot_w * value / 100:.1f}" height="10" rx="5" {css}/>'
                )
        if last is not None:
            delta = "" if first is None else f" ({last - first:+.0f})"
            parts.append(
                f'<text x="{label_w + plot_w + 8}" y="{top + 22}" class="chart__tick">{last:.0f}{delta}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped


def sparkline(values: Sequence[float | None], *, label: str = "Score", width: int = 240,
              height: int = 56) -> SafeString:  # fmt: skip
    """A small 0-100 line over attempts with its last value, for small multiples."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    summary = (
        f"{label}: " + ", ".join(_num(v) for _, v in known) + f" over {len(known)} attempts"
        if known
        else f"{label}: no scores yet"
    )
    parts = [_svg_open(width, height, summary, "chart spark"),
             f'<line x1="0" x2="{width - 44}" y1="{height - 4}" y2="{height - 4}" class="chart__grid"/>']  # fmt: skip
    if known:
        span = max(len(values) - 1, 1)
        points = [((width - 50) * i / span + 2, (height - 8) * (1 - v / 100) + 4) for i, v in known]
        path = " ".join(
            f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y) in enumerate(points)
        )
        parts.append(f'<path d="{path}" fill="none" stroke="#4f46e5" stroke-width="2"/>')
        parts.append(
            f'<circle cx="{points[-1][0]:.1f}" cy="{points[-1][1]:.1f}" r="3" fill="#4f46e5"/>'
        )
        parts.append(
            f'<text x="{width - 38}" y="{height / 2 + 5:.0f}" class="chart__label">{known[-1][1]:.0f}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and an escaped label
