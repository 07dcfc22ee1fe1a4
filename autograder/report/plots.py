"""The report's figures, drawn with matplotlib (no display needed) and returned as PNG bytes.

Figures are built with ``matplotlib.figure.Figure`` directly, not pyplot: no global state,
no GUI backend, safe to call from any thread.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

DPI = 100


def _legend_outside(ax, **kwargs) -> None:
    """The legend right of the axes, where it can never cover a bar or a line."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, **kwargs)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def score_histogram(percent: pd.Series, title: str) -> bytes:
    """Distribution of final scores in percent, in 10-point bins, with the mean marked."""
    return _png(histogram_figure(percent, title))


def histogram_figure(percent: pd.Series, title: str) -> Figure:
    """The figure of :func:`score_histogram`."""
    fig = Figure(figsize=(7, 3.5))
    ax = fig.add_subplot()
    values = percent.dropna().to_numpy(dtype=float)
    ax.hist(values, bins=np.arange(0, 110, 10), color="#4C72B0", edgecolor="white")
    if len(values):
        ax.axvline(
            values.mean(), color="#C44E52", linestyle="--", label=f"mean {values.mean():.1f}%"
        )
        _legend_outside(ax)
    ax.set_xlim(0, 100)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("final score (%)")
    ax.set_ylabel("students")
    ax.set_title(f"{title}: score distribution")
    return fig


def problem_bars(problems: pd.DataFrame) -> bytes:
    """Mean score (% of points) and full-marks rate per problem, side by side."""
    return _png(problem_figure(problems))


def problem_figure(problems: pd.DataFrame) -> Figure:
    """The figure of :func:`problem_bars`."""
    fig = Figure(figsize=(7, 3.5))
    ax = fig.add_subplot()
    x = np.arange(len(problems))
    ax.bar(x - 0.2, problems["mean_percent"], width=0.4, label="mean score %", color="#4C72B0")
    ax.bar(
        x + 0.2, problems["full_marks_percent"], width=0.4, label="full marks %", color="#55A868"
    )
    ax.set_xticks(x, problems["problem"], rotation=35, ha="right")
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title("Per problem")
    _legend_outside(ax)
    return fig


def training_curves(histories: Mapping[str, Mapping[str, list]]) -> bytes:
    """Every student's loss and accuracy per epoch: training solid, validation dashed."""
    fig = Figure(figsize=(11, 4))
    loss_ax, acc_ax = fig.subplots(1, 2)
    colors = [f"C{i % 10}" for i in range(len(histories))]
    for color, (student, history) in zip(colors, sorted(histories.items()), strict=True):
        for key, ax, style in (
            ("train_loss", loss_ax, "-"),
            ("val_loss", loss_ax, "--"),
            ("train_acc", acc_ax, "-"),
            ("val_acc", acc_ax, "--"),
        ):
            series = _numbers(history.get(key))
            if series is not None:
                label = student if style == "-" else None
                ax.plot(
                    np.arange(1, len(series) + 1),
                    series,
                    style,
                    color=color,
                    label=label,
                    alpha=1.0 if len(histories) <= 12 else 0.5,
                    linewidth=1.5 if len(histories) <= 12 else 0.8,
                )
    for ax, name in ((loss_ax, "loss"), (acc_ax, "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"{name}: training (solid) and validation (dashed)")
    if len(histories) <= 12:
        _legend_outside(acc_ax, fontsize="small")
    return _png(fig)


def _numbers(values: object) -> np.ndarray | None:
    """A 1-d float array from recorded data, or None if it is not a list of numbers."""
    if not isinstance(values, list) or not values:
        return None
    try:
        array = np.array([np.nan if v is None else v for v in values], dtype=float)
    except (TypeError, ValueError):
        return None
    return array if array.ndim == 1 else None
