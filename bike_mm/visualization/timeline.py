"""A long video's timeline: the top class of each stretch as coloured bands
over time, and the scores of those classes along the windows."""
from typing import List, NamedTuple, Tuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


class TimelineFigure(NamedTuple):
    """What :func:`plot_timeline` drew.

    Attributes:
        bands (list[tuple[float, float, str]]): ``(start, end, class)`` of
            each coloured band, in seconds; neighbouring windows of the same
            top class are merged.
        size (tuple[int, int]): ``(width, height)`` of the image in pixels.
    """
    bands: List[Tuple[float, float, str]]
    size: Tuple[int, int]


def top_class_bands(timeline) -> List[Tuple[float, float, str]]:
    """Stretches of a timeline by top class: every moment belongs to the
    window whose centre is nearest (so overlapping windows split their
    overlap), and equal neighbours merge.

    Args:
        timeline (Timeline): From :func:`bike_mm.apis.recognize_windows`.
    """
    windows = timeline.windows
    centres = [(w.start + w.end) / 2 for w in windows]
    edges = [0.0] + [(a + b) / 2 for a, b in zip(centres, centres[1:])] + [
        timeline.num_frames / timeline.fps]
    bands = []
    for window, start, end in zip(windows, edges, edges[1:]):
        name = window.topk[0][0]
        if bands and bands[-1][2] == name:
            bands[-1] = (bands[-1][0], end, name)
        else:
            bands.append((start, end, name))
    return bands


def plot_timeline(timeline, out_file: str, dpi: int = 100) -> TimelineFigure:
    """Draw the top-class bands above the window scores of those classes
    and save a PNG (matplotlib's Agg canvas, no display).

    Args:
        timeline (Timeline): From :func:`bike_mm.apis.recognize_windows`.
        out_file (str): Output image path.
        dpi (int): Resolution. Defaults to 100.
    """
    bands = top_class_bands(timeline)
    shown = list(dict.fromkeys(name for _, _, name in bands))
    colours = {name: f'C{i % 10}' for i, name in enumerate(shown)}
    duration = timeline.num_frames / timeline.fps
    fig = Figure(figsize=(10, 4), dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    band_ax, score_ax = fig.subplots(
        2, 1, sharex=True, gridspec_kw=dict(height_ratios=(1, 3)))
    for start, end, name in bands:
        band_ax.axvspan(start, end, color=colours[name])
    band_ax.set_yticks([])
    band_ax.set_title(f'top class over time: {timeline.video}', fontsize=9)
    centres = np.array([(w.start + w.end) / 2 for w in timeline.windows])
    for name in shown:
        index = timeline.class_names.index(name)
        score_ax.plot(centres, [float(w.scores[index])
                                for w in timeline.windows],
                      color=colours[name], marker='.', label=name)
    score_ax.set_xlim(0, duration)
    score_ax.set_ylim(0, 1)
    score_ax.set_xlabel('seconds (points at window centres)')
    score_ax.set_ylabel('probability')
    score_ax.legend(fontsize=7, loc='upper right')
    fig.tight_layout()
    canvas.print_figure(out_file, dpi=dpi)
    width, height = canvas.get_width_height()
    return TimelineFigure(bands=bands, size=(width, height))
