"""ReleasedUniformSample picks the frames of the released BIKE code
(datasets/video.py of github.com/whwu95/BIKE), checked against that
arithmetic restated here on many video lengths."""
import numpy as np
import pytest

from bike_mm.datasets import ReleasedUniformSample

LENGTHS = list(range(1, 130)) + [250, 299, 300, 301, 1000, 4001]


def released_test_frames(length, clip_len, num_clips):
    """Test frames of the released code: ``tick = length / clip_len``; the
    clips start at ``num_clips`` points spread evenly from 0 to
    ``tick - 1`` (both included), truncated towards zero; frame ``t`` of a
    clip is ``int(start + tick * t)`` modulo the length."""
    tick = length / clip_len
    if num_clips == 1:
        points = [0.0]
    else:
        step = (tick - 1) / (num_clips - 1)
        points = [k * step for k in range(num_clips - 1)] + [tick - 1]
    return [
        int(start + tick * t) % length for start in map(int, points)
        for t in range(clip_len)
    ]


def released_train_bounds(length, clip_len):
    """Training segments of the released code: bounds at ``i * (length - 1)
    / clip_len`` rounded half to even; one frame drawn from each segment,
    both bounds included."""
    segment = (length - 1) / clip_len
    bounds = [round(segment * i) for i in range(clip_len + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def sample(length, start_index=0, **kwargs):
    results = dict(total_frames=length, start_index=start_index)
    return ReleasedUniformSample(**kwargs)(results)


@pytest.mark.parametrize('clip_len', [8, 16, 32])
@pytest.mark.parametrize('num_clips', [1, 2, 4])
def test_test_frames_are_the_released_ones(clip_len, num_clips):
    for length in LENGTHS:
        out = sample(length, clip_len=clip_len, num_clips=num_clips,
                     test_mode=True)
        assert out['frame_inds'].tolist() == released_test_frames(
            length, clip_len, num_clips), length
        assert out['num_clips'] == num_clips
        assert out['clip_len'] == clip_len


def test_example_of_the_issue():
    # 64 frames, T=8: released 0, 8, ..., 56 (mmaction's UniformSample
    # takes 3, 11, ..., 59)
    out = sample(64, clip_len=8, test_mode=True)
    assert out['frame_inds'].tolist() == list(range(0, 64, 8))
    # 4 clips start at 0, 2, 4 and 7 (evenly over [0, 7], truncated)
    out = sample(64, clip_len=8, num_clips=4, test_mode=True)
    assert out['frame_inds'].reshape(4, 8)[:, 0].tolist() == [0, 2, 4, 7]


@pytest.mark.parametrize('clip_len', [8, 16])
def test_train_frames_lie_in_the_released_segments(clip_len):
    np.random.seed(0)
    for length in LENGTHS:
        bounds = released_train_bounds(length, clip_len)
        drawn = np.stack([
            sample(length, clip_len=clip_len)['frame_inds']
            for _ in range(40)
        ])
        low, high = np.array(bounds).T
        assert (drawn >= low).all() and (drawn <= high).all(), length
        if length <= clip_len + 1:  # segments of 1-2 frames: both bounds
            # are drawn in 40 tries (each missed with p = 2 ** -40)
            assert (drawn.min(0) == low).all()
            assert (drawn.max(0) == high).all()


def test_start_index_offsets_the_frames():
    plain = sample(50, clip_len=8, test_mode=True)['frame_inds']
    shifted = sample(50, start_index=10, clip_len=8,
                     test_mode=True)['frame_inds']
    assert (shifted - plain == 10).all()


def test_several_training_clips_are_refused():
    with pytest.raises(ValueError, match='test_mode'):
        ReleasedUniformSample(clip_len=8, num_clips=4)
