"""The embedded demo dataset: small synthetic mp4 videos in classes named by
descriptive phrases, with mmaction ``VideoDataset`` annotation files
(``path label``) for train/val/test and a label file (one name per line).
Command line: ``tools/generate_demo_dataset.py``.
"""
import math
import os
import os.path as osp

import cv2
import numpy as np

HEIGHT, WIDTH, NUM_FRAMES, FPS = 96, 128, 32, 16
SPLITS = dict(train=16, val=4, test=6)  # videos per class
# zero-shot demo: trained on the seen classes, tested on the unseen ones
NUM_SEEN = 5

# BGR colours
RED, BLUE, GREEN = (40, 40, 230), (230, 80, 30), (40, 200, 40)
YELLOW, WHITE, PURPLE = (40, 230, 230), (245, 245, 245), (200, 40, 160)
ORANGE, CYAN = (20, 140, 255), (230, 230, 40)


def _ball(f, c, t, r):
    y = c['y'] + int(25 * abs(math.sin(c['phase'] + t * c['speed'])))
    cv2.circle(f, (c['x'], y - 12), r, RED, -1)


def _square(f, c, t, r):
    x = int(WIDTH / 2 + 40 * math.sin(c['phase'] + t * c['speed']))
    cv2.rectangle(f, (x - r, c['y'] - r), (x + r, c['y'] + r), BLUE, -1)


def _triangle(f, c, t, r):
    a = c['phase'] + t * c['speed']
    pts = [(c['x'] + int(1.4 * r * math.cos(a + k * 2.094)),
            c['y'] + int(1.4 * r * math.sin(a + k * 2.094))) for k in range(3)]
    cv2.fillPoly(f, [np.array(pts, np.int32)], GREEN)


def _ring(f, c, t, r):
    radius = int(r * (1.2 + 0.6 * math.sin(c['phase'] + t * c['speed'])))
    cv2.circle(f, (c['x'], c['y']), radius, YELLOW, 4)


def _bar(f, c, t, r):
    x = int((c['x'] + t * 4 * c['speed'] * 10) % WIDTH)
    cv2.rectangle(f, (x, 0), (x + 8, HEIGHT - 1), WHITE, -1)


def _cross(f, c, t, r):
    x = int(c['x'] + t * 2) % WIDTH
    y = int(c['y'] + t * 1.5) % HEIGHT
    cv2.line(f, (x - r, y), (x + r, y), PURPLE, 5)
    cv2.line(f, (x, y - r), (x, y + r), PURPLE, 5)


def _checkerboard(f, c, t, r):
    if (t // 2) % 2 == 0:
        for i in range(4):
            for j in range(4):
                if (i + j) % 2 == 0:
                    x0, y0 = c['x'] - 2 * r + i * r, c['y'] - 2 * r + j * r
                    cv2.rectangle(f, (x0, y0), (x0 + r, y0 + r), ORANGE, -1)


def _orbit(f, c, t, r):
    a = c['phase'] + t * c['speed']
    cv2.circle(f, (WIDTH // 2 + int(35 * math.cos(a)),
                   HEIGHT // 2 + int(30 * math.sin(a))), r // 2 + 3, CYAN, -1)


CLASSES = [
    ('a red ball bouncing up and down', _ball),
    ('a blue square sliding from side to side', _square),
    ('a green triangle spinning in place', _triangle),
    ('a yellow ring growing and shrinking', _ring),
    ('a white bar sweeping across the screen', _bar),
    ('a purple cross drifting diagonally', _cross),
    ('an orange checkerboard flashing on and off', _checkerboard),
    ('a cyan dot circling around the center', _orbit),
]


def write_video(path: str, draw, rng: np.random.Generator) -> None:
    """Render one clip: a random dark noisy background and a moving object
    whose size, position, phase and speed are drawn from ``rng``."""
    cfg = dict(x=int(rng.integers(30, WIDTH - 30)),
               y=int(rng.integers(30, HEIGHT - 30)),
               phase=float(rng.uniform(0, 2 * math.pi)),
               speed=float(rng.uniform(0.15, 0.35)))
    radius = int(rng.integers(8, 14))
    background = rng.integers(0, 60, size=3)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), FPS,
                             (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise OSError(f'OpenCV cannot write {path}')
    for t in range(NUM_FRAMES):
        noise = rng.normal(0, 8, size=(HEIGHT, WIDTH, 3))
        frame = np.clip(background + noise, 0, 255).astype(np.uint8)
        draw(frame, cfg, t, radius)
        writer.write(frame)
    writer.release()


def generate_demo_dataset(out_dir: str, seed: int = 0) -> int:
    """Write videos, annotation files and the label file under ``out_dir``,
    and the seen/unseen splits of the zero-shot demo.

    Args:
        out_dir (str): Output folder, created if missing.
        seed (int): Seed of the videos' random backgrounds and motions.

    Returns:
        int: The number of videos written.
    """
    rng = np.random.default_rng(seed)
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'labels.txt'), 'w') as f:
        f.write('\n'.join(name for name, _ in CLASSES) + '\n')
    for split, per_class in SPLITS.items():
        os.makedirs(osp.join(out_dir, 'videos', split), exist_ok=True)
        lines = []
        for label, (_, draw) in enumerate(CLASSES):
            for k in range(per_class):
                rel = f'{split}/class{label}_{k:02d}.mp4'
                write_video(osp.join(out_dir, 'videos', rel), draw, rng)
                lines.append(f'{rel} {label}')
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    write_zero_shot_splits(out_dir)
    return sum(SPLITS.values()) * len(CLASSES)


def write_zero_shot_splits(out_dir: str) -> None:
    """``labels_{seen,unseen}.txt`` (the first NUM_SEEN classes, the rest)
    and ``{split}_{seen,unseen}.txt``: each split's videos of those classes,
    labels indexed in the matching label file."""
    names = [name for name, _ in CLASSES]
    for part, first, end in (('seen', 0, NUM_SEEN),
                             ('unseen', NUM_SEEN, len(names))):
        with open(osp.join(out_dir, f'labels_{part}.txt'), 'w') as f:
            f.write('\n'.join(names[first:end]) + '\n')
        for split in SPLITS:
            with open(osp.join(out_dir, f'{split}.txt')) as f:
                entries = [line.split() for line in f if line.strip()]
            with open(osp.join(out_dir, f'{split}_{part}.txt'), 'w') as f:
                f.writelines(f'{path} {int(label) - first}\n'
                             for path, label in entries
                             if first <= int(label) < end)
