"""The report's charts, drawn with matplotlib as SVG (inline in HTML) or PNG (beside Markdown).

Text is drawn as paths, so no string from the data reaches the page as markup, and the SVG ids
are salted with a constant, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np

from ltvcli.render.i18n import Words
from ltvcli.results import Chart

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# A chart's data (``Chart.data``): the arrays and options of its kind, as the drawing reads them.
ChartData = dict[str, Any]

COLOURS = ("#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#718096")
MAX_BARS = 20
MAX_CURVES = 12


def draw(chart: Chart, words: Words, fmt: str = "svg") -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(
        {
            "svg.hashsalt": "ltv",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=110)
        DRAWINGS[chart.kind](ax, chart.data, words)
        _numbers(ax, words)
        ax.set_title(words(chart.title), loc="left", fontsize=10)
        fig.tight_layout()
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, metadata=metadata)
        plt.close(fig)
    return buffer.getvalue()


def _numbers(ax: Axes, words: Words) -> None:
    """Numeric tick labels in the report's language (``25,000`` / ``25 000``), never matplotlib's
    ``25000``, ``1e7`` offsets or ``0.5``; an axis that already has its own format keeps it."""
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    for each in ax.figure.axes:  # a twin axis and a colour bar too
        for axis in (each.xaxis, each.yaxis):
            if isinstance(axis.get_major_formatter(), ScalarFormatter):
                axis.set_major_formatter(FuncFormatter(lambda v, _: words.tick(v)))


def _histogram(ax: Axes, data: ChartData, words: Words) -> None:
    values = np.asarray(data["values"], dtype=float)
    if len(values):
        top = np.percentile(values, 99)
        ax.hist(np.clip(values, None, top), bins=40, color=COLOURS[0])
    ax.set_xlabel(words.symbol or "")
    ax.set_ylabel(words("customers_axis"))


def _bars(ax: Axes, data: ChartData, words: Words) -> None:
    labels = [str(x) for x in data["labels"]][:MAX_BARS]
    values = np.nan_to_num(np.asarray(data["values"], dtype=float)[:MAX_BARS])
    positions = np.arange(len(labels))
    ax.barh(positions, values, color=COLOURS[0])
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    if data.get("rate"):
        ax.xaxis.set_major_formatter(lambda v, _: words.tick(v, rate=True))
    if data.get("line") is not None:
        ax.axvline(data["line"], color=COLOURS[3], linestyle="--")


def _heatmap(ax: Axes, data: ChartData, words: Words) -> None:
    values = np.asarray(data["values"], dtype=float)
    rows = list(data["rows"])
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(masked, aspect="auto", cmap="Blues", vmin=0, vmax=1)
    step = max(1, len(rows) // 12)
    ax.set_yticks(range(0, len(rows), step), rows[::step])
    ax.set_xlabel(words.label("age", "Age"))
    ax.figure.colorbar(image, ax=ax, format=lambda v, _: words.tick(v, rate=True))


def _curves(ax: Axes, data: ChartData, words: Words) -> None:
    curves = data["curves"]
    names = sorted(curves)[-MAX_CURVES:]
    for i, name in enumerate(names):
        ax.plot(
            curves[name],
            label=name,
            color=COLOURS[i % len(COLOURS)],
            alpha=0.4 + 0.6 * (i + 1) / len(names),
        )
    if data.get("line") is not None:
        ax.axhline(data["line"], color=COLOURS[3], linestyle="--")
    ax.set_xlabel(words.label("age", "Age"))
    ax.set_ylabel(words.symbol or "")
    if names:
        ax.legend(fontsize=7, ncol=2, frameon=False)


def _steps(ax: Axes, data: ChartData, words: Words) -> None:
    ax.step(data["x"], data["y"], where="post", color=COLOURS[0])
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: words.tick(v, rate=True))
    ax.set_xlabel(words("days"))


def _shares(ax: Axes, data: ChartData, words: Words) -> None:
    """Several step curves of a share over days (repurchase of the top categories)."""
    for i, (name, share) in enumerate(data["curves"].items()):
        ax.step(data["x"], share, where="post", color=COLOURS[i % len(COLOURS)], label=name)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: words.tick(v, rate=True))
    ax.set_xlabel(words("days"))
    if data["curves"]:
        ax.legend(fontsize=7, frameon=False)


def _trend(ax: Axes, data: ChartData, words: Words) -> None:
    periods = list(data["periods"])
    positions = np.arange(len(periods))
    ax.bar(positions, data["revenue"], color=COLOURS[0], alpha=0.8)
    ax.set_ylabel(words.symbol or "")
    step = max(1, len(periods) // 12)
    ax.set_xticks(positions[::step], periods[::step], rotation=45, ha="right")
    other = ax.twinx()
    other.plot(positions, data["customers"], color=COLOURS[1])
    other.set_ylabel(words("customers_axis"))


def _forecast(ax: Axes, data: ChartData, words: Words) -> None:
    periods = list(data["periods"])
    positions = np.arange(len(periods))
    revenue = np.asarray(data["revenue"], dtype=float)
    below = revenue - np.asarray(data["low"], dtype=float)
    above = np.asarray(data["high"], dtype=float) - revenue
    ax.bar(positions, revenue, color=COLOURS[0], alpha=0.8)
    ax.errorbar(positions, revenue, yerr=[below, above], fmt="none", ecolor=COLOURS[3], capsize=3)
    ax.set_ylabel(words.symbol or "")
    step = max(1, len(periods) // 12)
    ax.set_xticks(positions[::step], periods[::step], rotation=45, ha="right")


def _tracking(ax: Axes, data: ChartData, words: Words) -> None:
    """Actual (solid) and expected (dashed) repeat purchases by week; the calibration's end."""
    weeks = list(data["weeks"])
    positions = np.arange(len(weeks))
    ax.plot(positions, data["actual"], color=COLOURS[0], label=words("actual"))
    ax.plot(positions, data["expected"], color=COLOURS[1], linestyle="--", label=words("expected"))
    ax.axvline(data["cutoff"], color=COLOURS[5], linestyle=":")
    step = max(1, len(weeks) // 10)
    ax.set_xticks(positions[::step], weeks[::step], rotation=45, ha="right")
    ax.set_ylabel(words("purchases_axis"))
    ax.legend(fontsize=7, frameon=False)


def _pairs(ax: Axes, data: ChartData, words: Words) -> None:
    """Actual and predicted means side by side, per group."""
    labels = [str(x) for x in data["labels"]]
    positions = np.arange(len(labels))
    ax.bar(positions - 0.2, data["actual"], width=0.4, color=COLOURS[0], label=words("actual"))
    ax.bar(positions + 0.2, data["predicted"], width=0.4, color=COLOURS[1], label=words("expected"))
    ax.set_xticks(positions, labels)
    ax.set_xlabel(words("calibration_purchases_axis"))
    ax.set_ylabel(words("holdout_purchases_axis"))
    ax.legend(fontsize=7, frameon=False)


def _matrix(ax: Axes, data: ChartData, words: Words) -> None:
    """P(alive) by repeat purchases (rows) and the time of the last one (columns)."""
    values = np.asarray(data["values"], dtype=float)
    image = ax.imshow(values, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1, origin="lower")
    ax.set_ylabel(words("repeat_purchases_axis"))
    ax.set_xlabel(words("last_purchase_axis"))
    columns = np.asarray(data["recency"], dtype=float)
    step = max(1, len(columns) // 8)
    ax.set_xticks(range(0, len(columns), step), [words.tick(c) for c in columns[::step]])
    ax.figure.colorbar(image, ax=ax, format=lambda v, _: words.tick(v, rate=True))


DRAWINGS = {
    "histogram": _histogram, "bars": _bars, "heatmap": _heatmap, "curves": _curves,
    "steps": _steps, "trend": _trend, "forecast": _forecast, "tracking": _tracking,
    "pairs": _pairs, "matrix": _matrix, "shares": _shares,
}  # fmt: skip
