"""bike_mm.datasets.preparation.video_check: decode checks with decord."""
import numpy as np

from bike_mm.datasets.preparation import video_decode_errors
from bike_mm.demo.dataset import CLASSES, write_video


def test_decode_errors_name_the_reason(tmp_path):
    good = tmp_path / 'good.mp4'
    write_video(str(good), CLASSES[0][1], np.random.default_rng(0))
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'\x00not a video' * 50)
    reasons = video_decode_errors(
        [str(good), str(broken), str(tmp_path / 'gone.mp4')], workers=2)
    assert reasons[0] is None
    assert reasons[1] and 'Error' in reasons[1]
    assert reasons[2] == 'file not found'
