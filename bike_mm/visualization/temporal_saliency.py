"""The paper's Fig. 3 (top): sampled frames and their temporal saliency."""
from typing import Dict, NamedTuple, Optional, Sequence, Tuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


class SaliencyFigure(NamedTuple):
    """What :func:`plot_temporal_saliency` drew.

    Attributes:
        values (dict[str, np.ndarray]): The plotted ``[T]`` saliency of each
            class, by class name.
        size (tuple[int, int]): ``(width, height)`` of the image in pixels.
    """
    values: Dict[str, np.ndarray]
    size: Tuple[int, int]


def plot_temporal_saliency(frames: np.ndarray,
                           saliency: np.ndarray,
                           class_names: Sequence[str],
                           out_file: str,
                           scores: Optional[Sequence[float]] = None,
                           attribute_sentence: Optional[str] = None,
                           dpi: int = 100) -> SaliencyFigure:
    """Draw the frames above bars of their saliency for some classes, the
    most salient frame of the first class framed in red, and save a PNG.

    Drawn on matplotlib's Agg canvas (no display, no global backend change).

    Args:
        frames (np.ndarray): ``[T, H, W, 3]`` uint8 RGB frames.
        saliency (np.ndarray): ``[Nc, T]`` saliency of ``Nc`` classes.
        class_names (Sequence[str]): The ``Nc`` class names.
        out_file (str): Output image path (format from its extension).
        scores (Sequence[float], optional): The classes' probabilities, shown
            in the legend. Defaults to None.
        attribute_sentence (str, optional): The video's attribute sentence
            (attributes branch), written under the plot. Defaults to None.
        dpi (int): Resolution. Defaults to 100.

    Returns:
        SaliencyFigure: The plotted values and the image size.
    """
    frames = np.asarray(frames)
    saliency = np.asarray(saliency, dtype=np.float64)
    num_frames = len(frames)
    if saliency.ndim != 2 or saliency.shape != (len(class_names),
                                                num_frames):
        raise ValueError(
            f'saliency must be [{len(class_names)} classes, {num_frames} '
            f'frames], got {list(saliency.shape)}')
    fig = Figure(figsize=(max(1.4 * num_frames, 6), 4.6), dpi=dpi)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, num_frames, height_ratios=[1, 1.3],
                            hspace=0.35)
    most_salient = int(saliency[0].argmax())
    for t, frame in enumerate(frames):
        ax = fig.add_subplot(grid[0, t])
        ax.imshow(frame)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f'frame {t + 1}', fontsize=8)
        if t == most_salient:
            for spine in ax.spines.values():
                spine.set_edgecolor('red')
                spine.set_linewidth(3)

    bars = fig.add_subplot(grid[1, :])
    width = 0.8 / len(class_names)
    positions = np.arange(1, num_frames + 1)
    values = {}
    for i, (name, row) in enumerate(zip(class_names, saliency)):
        label = name if scores is None else f'{name} ({scores[i]:.1%})'
        bars.bar(positions + (i - (len(class_names) - 1) / 2) * width, row,
                 width, label=label)
        values[name] = row
    bars.axhline(1 / num_frames, color='gray', linestyle='--', linewidth=1,
                 label='uniform (mean pooling)')
    bars.set_xticks(positions)
    bars.set_xlabel('frame')
    bars.set_ylabel('temporal saliency')
    bars.set_xlim(0.5, num_frames + 0.5)
    bars.set_ylim(0, 1.1 * max(saliency.max(), 1 / num_frames))
    # above the bars, in the gap below the frames
    bars.legend(fontsize=8, loc='lower center', bbox_to_anchor=(0.5, 1.0),
                ncol=2, frameon=False)
    fig.suptitle('Video Concept Spotting: temporal saliency of '
                 f'"{class_names[0]}"')
    fig.subplots_adjust(top=0.88, bottom=0.17 if attribute_sentence else 0.1)
    if attribute_sentence:
        fig.text(0.5, 0.02, f'Attributes: {attribute_sentence}',
                 ha='center', fontsize=9, wrap=True)
    fig.savefig(out_file, dpi=dpi)
    size = tuple(int(round(x)) for x in fig.get_size_inches() * dpi)
    return SaliencyFigure(values=values, size=size)
