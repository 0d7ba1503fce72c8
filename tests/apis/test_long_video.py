"""bike_mm.apis.long_video: windows along a long video."""
import os.path as osp

import cv2
import decord
import numpy as np
import pytest
import torch

from bike_mm.apis import (
    inference_recognizer,
    init_recognizer,
    recognize_windows,
    save_timeline,
    window_starts,
)
from bike_mm.demo.dataset import FPS, NUM_FRAMES
from tests.helpers import DEMO_CONFIG, demo_cfg_options, train_losses

# demo classes whose clips make the long video, in this order
CONTENT = (0, 1, 4)  # red ball, blue square, white bar


def test_window_starts_cover_the_video():
    assert window_starts(96, 32, 32) == [0, 32, 64]
    assert window_starts(96, 32, 16) == [0, 16, 32, 48, 64]
    assert window_starts(100, 32, 32) == [0, 32, 64, 68]  # tail covered
    assert window_starts(32, 32, 8) == [0]


def write_lossless(path: str, frames: np.ndarray) -> str:
    """RGB frames to an FFV1 video, decoded back bit-exactly by decord."""
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'FFV1'), FPS,
                             (width, height))
    for frame in frames:
        writer.write(np.ascontiguousarray(frame[..., ::-1]))
    writer.release()
    return path


def demo_frames(demo_data: str, label: int) -> np.ndarray:
    video = osp.join(demo_data, 'videos', 'train', f'class{label}_00.mp4')
    reader = decord.VideoReader(video, num_threads=1)
    return reader.get_batch(list(range(len(reader)))).asnumpy()


@pytest.fixture(scope='module')
def long_video(demo_data, tmp_path_factory):
    """Three demo clips of different classes one after the other (2 s
    each at 16 fps), losslessly encoded, with its frames."""
    frames = np.concatenate([demo_frames(demo_data, c) for c in CONTENT])
    path = str(tmp_path_factory.mktemp('long') / 'long.avi')
    return write_lossless(path, frames), frames


@pytest.fixture(scope='module')
def trained_model(demo_data, tmp_path_factory):
    """The tiny demo model after a short training on the demo data."""
    work_dir = str(tmp_path_factory.mktemp('work'))
    train_losses(DEMO_CONFIG, demo_data, work_dir, epochs=10)
    return init_recognizer(DEMO_CONFIG, osp.join(work_dir, 'epoch_10.pth'),
                           'cpu', cfg_options=demo_cfg_options(demo_data))


@pytest.mark.e2e
def test_window_scores_equal_the_window_cut_out(trained_model, long_video,
                                                tmp_path):
    path, frames = long_video
    timeline = recognize_windows(trained_model, path, window=2, stride=1,
                                 topk=3, progress=False)
    assert [w.first_frame for w in timeline.windows] == [0, 16, 32, 48, 64]
    assert timeline.windows[1].start == 1 and timeline.windows[1].end == 3
    for window in timeline.windows[1], timeline.windows[4]:
        cut = write_lossless(
            str(tmp_path / f'cut{window.first_frame}.avi'),
            frames[window.first_frame:window.first_frame +
                   window.num_frames])
        single = inference_recognizer(trained_model, cut, topk=3)
        torch.testing.assert_close(window.scores, single.scores, atol=1e-5,
                                   rtol=0)
        assert [n for n, _ in window.topk] == [n for n, _ in single.topk]


@pytest.mark.e2e
def test_top_class_changes_where_the_content_changes(trained_model,
                                                     long_video, tmp_path):
    path, _ = long_video
    timeline = recognize_windows(trained_model, path, window=2,
                                 progress=False)
    names = trained_model.class_names
    assert [w.topk[0][0] for w in timeline.windows] == [
        names[c] for c in CONTENT]
    assert [(w.start, w.end) for w in timeline.windows] == [
        (0, 2), (2, 4), (4, 6)]
    out = [str(tmp_path / f'timeline.{ext}') for ext in ('json', 'csv',
                                                          'png')]
    save_timeline(timeline, out)
    assert all(osp.getsize(f) > 0 for f in out)


@pytest.mark.e2e
def test_window_longer_than_the_video_is_an_error(trained_model,
                                                  long_video):
    path, frames = long_video
    assert len(frames) == 3 * NUM_FRAMES
    with pytest.raises(ValueError, match=r'--window 7.0s \(112 frames\) is '
                       r'longer than .*long.avi \(6.00s, 96 frames at 16 '
                       r'fps\)'):
        recognize_windows(trained_model, path, window=7.0)
    with pytest.raises(ValueError, match='--stride must be positive'):
        recognize_windows(trained_model, path, window=2, stride=0)
