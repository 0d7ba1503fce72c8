# bike_tiny_demo tested with multiple views: 4 temporal clips x 3
# full-resolution crops, scores averaged as probabilities by the head.
_base_ = ['./bike_tiny_demo.py']
from bike_mm.datasets import video_pipeline  # noqa: E402

test_dataloader = dict(
    batch_size=4,
    dataset=dict(
        pipeline=video_pipeline(
            num_frames=8, input_size=64, short_side=72, views=(4, 3))))
