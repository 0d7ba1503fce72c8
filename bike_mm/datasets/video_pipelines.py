"""The video pipelines of every config, built from a few numbers.

Configs call these while they are read (``_base_``-style configs may import
once ``_base_`` is assigned), so a config states its frames, input size and
views once and its train/val/test pipelines follow.
"""
from typing import Dict, List, Optional, Sequence, Tuple

# crops of CLIP's 224 input are taken from frames of short side 256 (larger
# inputs: the input size itself), as in the released BIKE code
RELEASED_SHORT_SIDE = {224: 256}


def video_pipeline(num_frames: int,
                   input_size: int,
                   train: bool = False,
                   views: Tuple[int, int] = (1, 1),
                   short_side: Optional[int] = None,
                   augment_steps: Sequence[Dict] = (),
                   meta_keys: Optional[Sequence[str]] = None,
                   frames: str = 'video',
                   decord_threads: int = 1) -> List[Dict]:
    """One pipeline with the released BIKE protocol, for videos (decord) or
    frame folders (mmaction's ``RawframeDataset`` layout).

    Frames are sampled within a sample's ``segment`` when it has one
    (``VideoSegmentDataset``, ``TrimToSegment``), else in the whole video.
    Training: ``ReleasedUniformSample`` of ``num_frames``, short side to
    ``short_side``, ``RandomResizedCrop`` resized to ``input_size``, flip
    0.5, grayscale 0.2 (supplement Table A.1), then ``augment_steps``.
    Testing: ``views = (clips, crops)``, 1x1 (single view: center crop) or
    Cx3 (C clips x 3 full-resolution crops, the 4x3 views of Table 1).

    Args:
        num_frames (int): Frames per clip ``T``.
        input_size (int): Side of the square model input.
        train (bool): The training pipeline. Defaults to False.
        views (tuple[int, int]): Test clips and crops (1 or 3 crops).
        short_side (int, optional): Short side before cropping; defaults to
            256 for 224 inputs, else ``input_size`` (released).
        augment_steps (Sequence[dict]): Extra training augmentations (e.g.
            RandAugment), after the released ones.
        meta_keys (Sequence[str], optional): ``PackActionInputs`` meta keys;
            mmaction's default when None.
        frames (str): ``'video'`` (decord) or ``'rawframes'`` (frame
            folders, read by ``RawFrameDecode``; whole videos only).
        decord_threads (int): Decoding threads of each video reader; 0
            lets decord choose (all cores). Defaults to 1: the dataloader's
            workers already keep the cores busy, and more threads per
            reader cost more CPU time per clip (BENCHMARKS.md, issue #16).

    Returns:
        list[dict]: The pipeline.
    """
    short_side = short_side or RELEASED_SHORT_SIDE.get(input_size,
                                                       input_size)
    clips, crops = views
    sample = dict(type='ReleasedUniformSample', clip_len=num_frames)
    if train:
        spatial = [
            dict(type='ShortSideResize', short_side=short_side),
            dict(type='RandomResizedCrop'),
            dict(type='Resize',
                 scale=(input_size, input_size),
                 keep_ratio=False),
            dict(type='Flip', flip_ratio=0.5),
            dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
            *augment_steps
        ]
    else:
        sample.update(num_clips=clips, test_mode=True)
        spatial = [
            dict(type='ShortSideResize', short_side=short_side),
            dict(type='FullResCrop', crop_size=input_size, num_crops=crops)
        ]
    pack = dict(type='PackActionInputs')
    if meta_keys is not None:
        pack['meta_keys'] = tuple(meta_keys)
    if frames == 'video':
        decode = [
            dict(type='DecordInit', num_threads=decord_threads),
            dict(type='TrimToSegment'), sample,
            dict(type='DecordDecode')
        ]
    elif frames == 'rawframes':
        decode = [sample, dict(type='RawFrameDecode')]
    else:
        raise ValueError(f"video_pipeline: frames must be 'video' or "
                         f"'rawframes', got {frames!r}")
    return [
        *decode, *spatial,
        dict(type='FormatShape', input_format='NCHW'), pack
    ]


def video_dataloaders(num_frames: int,
                    input_size: int,
                    test_views: Tuple[int, int] = (4, 3),
                    **kwargs) -> Tuple[Dict, Dict, Dict]:
    """The ``train_dataloader``, ``val_dataloader`` and ``test_dataloader``
    overrides that set their pipelines: training, single view (validation)
    and ``test_views`` (4x3 by default); val and test datasets in
    ``test_mode``. A config that assigns them merges them into its bases'
    dataloaders.

    Args:
        num_frames (int): Frames per clip.
        input_size (int): Side of the square model input.
        test_views (tuple[int, int]): Test clips and crops.
        **kwargs: Other arguments of :func:`video_pipeline`.

    Returns:
        tuple[dict, dict, dict]: ``dict(dataset=dict(pipeline=...))`` each.
    """
    train = video_pipeline(num_frames, input_size, train=True, **kwargs)
    val = video_pipeline(num_frames, input_size, **kwargs)
    test = video_pipeline(num_frames, input_size, views=test_views, **kwargs)
    return (dict(dataset=dict(pipeline=train)),
            dict(dataset=dict(pipeline=val, test_mode=True)),
            dict(dataset=dict(pipeline=test, test_mode=True)))
