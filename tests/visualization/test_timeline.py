"""bike_mm.visualization.timeline: top-class bands of a long video."""
import matplotlib.image
import torch

from bike_mm.apis import Timeline, WindowResult
from bike_mm.visualization import plot_timeline, top_class_bands

NAMES = ['jump', 'run', 'swim']


def window(start, end, top):
    scores = torch.full((3, ), 0.1)
    scores[NAMES.index(top)] = 0.8
    return WindowResult(start, end, int(start * 10), int((end - start) * 10),
                        [(top, 0.8)], scores)


def test_overlaps_split_at_centres_and_equal_neighbours_merge(tmp_path):
    # 2 s windows every second over 6 s
    timeline = Timeline('v.mp4', 10.0, 60, NAMES, [
        window(0, 2, 'jump'), window(1, 3, 'jump'), window(2, 4, 'run'),
        window(3, 5, 'swim'), window(4, 6, 'swim')
    ])
    bands = [('0.0', '2.5', 'jump'), ('2.5', '3.5', 'run'),
             ('3.5', '6.0', 'swim')]
    assert [(f'{a:.1f}', f'{b:.1f}', n)
            for a, b, n in top_class_bands(timeline)] == bands
    out = str(tmp_path / 'timeline.png')
    figure = plot_timeline(timeline, out)
    assert figure.bands == top_class_bands(timeline)
    assert matplotlib.image.imread(out).shape[:2] == figure.size[::-1]
