"""TrimToSegment restricts sampling to a sample's segment."""
from bike_mm.datasets import ReleasedUniformSample, TrimToSegment


def test_segment_becomes_the_whole_video_for_the_sampler():
    results = dict(total_frames=300, avg_fps=10.0, start_index=0,
                   segment=(5.0, 13.0))
    out = TrimToSegment()(results)
    assert (out['start_index'], out['total_frames']) == (50, 80)
    frames = ReleasedUniformSample(8, test_mode=True)(out)['frame_inds']
    assert frames.tolist() == list(range(50, 130, 10))


def test_segment_is_clipped_to_the_video():
    out = TrimToSegment()(
        dict(total_frames=100, avg_fps=25.0, segment=(3.5, 9.0)))
    # frames 87 .. 99 (the annotation runs past the decoded frames)
    assert (out['start_index'], out['total_frames']) == (87, 13)


def test_whole_videos_pass_unchanged():
    results = dict(total_frames=100, avg_fps=25.0, start_index=0)
    assert TrimToSegment()(dict(results)) == results
