"""Generate video attributes with a CLIP model (BIKE paper Sec. 2.2, the
Video-Attributes Association; supplement A.2).

For every video of an mmaction annotation file (``path label`` lines), T
frames are sampled uniformly and encoded by the CLIP image encoder; their mean
(L2-normalised) is compared with the CLIP text embedding of every phrase of a
lexicon, and the top-k phrases with their cosine similarities are written to
an :class:`AttributeFile` keyed by the video's path as written in the
annotation file.

A run is resumable: videos already in the output (or in the
``OUT.part<rank>`` files that an interrupted run saves every
``save_interval`` videos) are skipped; videos listed as errors are tried
again. Videos that cannot be decoded are reported, listed under ``errors``
and the run goes on. In a distributed run every process encodes a shard and
rank 0 merges.
"""
import glob
import hashlib
import os
import os.path as osp
import re
import sys
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose
from mmengine.dist import barrier, get_dist_info, init_dist
from mmengine.runner import CheckpointLoader
from mmengine.utils import ProgressBar
from open_clip.transform import PreprocessCfg, image_transform_v2
from PIL import Image
from torch.utils.data import DataLoader, Dataset

from ..datasets.label_files import load_class_names
from ..engine.cpu_distributed import init_cpu_process_group
from ..models.backbones.open_clip_backbone import OpenCLIP
from .attribute_file import AttributeFile

# Where a checkpoint of a bike_mm recognizer keeps the CLIP weights.
RECOGNIZER_CLIP_PREFIX = 'backbone.clip.'
# Settings that are file paths, not compared when resuming.
PATH_KEYS = ('lexicon', 'ann_file')


class AttributeGenerationError(ValueError):
    """Attribute generation cannot run with the given files or settings."""


def read_video_paths(ann_file: str) -> List[str]:
    """The video path (first field) of every non-empty annotation line."""
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'Annotation file not found: {ann_file}')
    with open(ann_file, encoding='utf-8') as f:
        paths = [line.split()[0] for line in f if line.strip()]
    if not paths:
        raise AttributeGenerationError(f'Annotation file is empty: {ann_file}')
    return paths


class VideoFrames(Dataset):
    """T uniformly sampled frames of each video, in CLIP's preprocessing.

    Items are ``(key, frames [T, C, H, W] or None, error message or None)``:
    a video that cannot be decoded is returned as an error, not raised.
    """

    def __init__(self, keys: Sequence[str], data_prefix: str,
                 num_frames: int, preprocess_cfg: dict) -> None:
        self.keys = list(keys)
        self.data_prefix = data_prefix
        # mmaction's test-time sampling: the middle of T equal segments
        self.decode = Compose([
            TRANSFORMS.build(cfg) for cfg in (
                dict(type='DecordInit'),
                dict(type='UniformSample', clip_len=num_frames,
                     test_mode=True),
                dict(type='DecordDecode'))
        ])
        self.preprocess = image_transform_v2(
            PreprocessCfg(**preprocess_cfg), is_train=False)

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, idx: int):
        key = self.keys[idx]
        try:
            results = self.decode(
                dict(filename=osp.join(self.data_prefix, key),
                     start_index=0, modality='RGB'))
            frames = torch.stack([
                self.preprocess(Image.fromarray(img))
                for img in results['imgs']
            ])
        except Exception as err:  # any decoder failure is reported
            return key, None, f'{type(err).__name__}: {err}'
        return key, frames, None


def _as_list(batch: list) -> list:
    return batch


@torch.no_grad()
def encode_lexicon(model: OpenCLIP, phrases: Sequence[str], template: str,
                   batch_size: int = 256) -> torch.Tensor:
    """L2-normalised text embeddings ``[P, D]`` of the prompted phrases."""
    device = model.logit_scale.device
    feats = []
    for start in range(0, len(phrases), batch_size):
        chunk = [template.format(p) for p in phrases[start:start + batch_size]]
        tokens = model.text.tokenizer(chunk).to(device)
        feats.append(model.text.encode(tokens)[0])
    return F.normalize(torch.cat(feats).float(), dim=-1)


@torch.no_grad()
def encode_videos(model: OpenCLIP, frames: torch.Tensor) -> torch.Tensor:
    """L2-normalised mean of the frame embeddings: ``[B, T, C, H, W]`` ->
    ``[B, D]``."""
    feats = model.encode_frames(frames.to(model.logit_scale.device))
    return F.normalize(feats.float().mean(1), dim=-1)


def top_attributes(videos: torch.Tensor, lexicon: torch.Tensor,
                   phrases: Sequence[str], topk: int) -> List[dict]:
    """The ``topk`` most similar phrases of each video, best first.

    Args:
        videos (Tensor): ``[B, D]`` normalised video embeddings.
        lexicon (Tensor): ``[P, D]`` normalised phrase embeddings.
        phrases (Sequence[str]): The P phrases.
        topk (int): Phrases kept.

    Returns:
        list[dict]: Per video, ``attributes`` and their cosine ``scores``.
    """
    scores, index = (videos @ lexicon.t()).topk(min(topk, len(phrases)), 1)
    return [
        dict(attributes=[phrases[i] for i in row_index],
             scores=[round(s, 6) for s in row_scores])
        for row_scores, row_index in zip(scores.tolist(), index.tolist())
    ]


def build_clip(arch: str, pretrained: Optional[str],
               checkpoint: Optional[str], quick_gelu: bool,
               device: str) -> OpenCLIP:
    """The CLIP that encodes videos and phrases, in eval mode.

    Args:
        arch (str): open_clip model name.
        pretrained (str, optional): open_clip pretrained tag or file; None
            for random weights (seeded, so reproducible).
        checkpoint (str, optional): A bike_mm recognizer checkpoint whose
            backbone CLIP weights replace ``pretrained``.
        quick_gelu (bool): QuickGELU activations (OpenAI weights).
        device (str): Torch device.
    """
    torch.manual_seed(0)
    model = OpenCLIP(
        arch=arch,
        pretrained=None if checkpoint else pretrained,
        quick_gelu=quick_gelu)
    if checkpoint:
        state = CheckpointLoader.load_checkpoint(checkpoint, 'cpu')
        state = state.get('state_dict', state)
        clip_state = {
            k[len(RECOGNIZER_CLIP_PREFIX):]: v
            for k, v in state.items() if k.startswith(RECOGNIZER_CLIP_PREFIX)
        }
        if not clip_state:
            raise AttributeGenerationError(
                f'{checkpoint} has no "{RECOGNIZER_CLIP_PREFIX}*" weights '
                '(not a bike_mm recognizer checkpoint?)')
        model.clip.load_state_dict(clip_state)
    return model.to(device).eval()


def _part_files(out: str) -> List[str]:
    """The ``OUT.part<rank>`` files of this or an interrupted run."""
    return sorted(p for p in glob.glob(glob.escape(out) + '.part*')
                  if re.fullmatch(r'\d+', p[len(out) + len('.part'):]))


def load_previous(out: str, meta: dict) -> AttributeFile:
    """Results of earlier (possibly interrupted) runs, checked to come from
    the same settings (but for the file paths, which may be spelled
    differently)."""
    merged = AttributeFile(meta)
    for path in ([out] if osp.isfile(out) else []) + _part_files(out):
        previous = AttributeFile.load(path)
        changed = {
            k: (previous.meta.get(k), v)
            for k, v in meta.items()
            if k not in PATH_KEYS and previous.meta.get(k) != v
        }
        if changed:
            raise AttributeGenerationError(
                f'{path} was generated with other settings '
                f'(setting: (there, now)): {changed}; use another output')
        merged.videos.update(previous.videos)
        merged.errors.update(previous.errors)
    for key in merged.videos:
        merged.errors.pop(key, None)
    return merged


def write_output(out: str, keys: Sequence[str],
                 results: AttributeFile) -> None:
    """Write the merged results in annotation order and drop the parts."""
    order = {key: i for i, key in reversed(list(enumerate(keys)))}
    last = len(keys)
    results.videos = dict(
        sorted(results.videos.items(), key=lambda kv: order.get(kv[0], last)))
    results.errors = dict(
        sorted(results.errors.items(), key=lambda kv: order.get(kv[0], last)))
    results.dump(out)
    for path in _part_files(out):
        os.remove(path)
    print(f'\nWrote the attributes of {len(results.videos)} videos to {out}'
          f' ({len(results.errors)} could not be decoded: see "errors")',
          flush=True)


def generate_attributes(ann_file: str,
                        out: str,
                        lexicon: str,
                        data_prefix: str = '',
                        arch: str = 'ViT-L-14',
                        pretrained: Optional[str] = 'openai',
                        checkpoint: Optional[str] = None,
                        quick_gelu: bool = True,
                        num_frames: int = 8,
                        topk: int = 5,
                        template: str = 'This is a video about {}',
                        batch_size: int = 16,
                        num_workers: int = 2,
                        save_interval: int = 1000,
                        device: Optional[str] = None,
                        launcher: str = 'none') -> None:
    """Write the top-k lexicon phrases of every video of ``ann_file``.

    Args:
        ann_file (str): mmaction annotation file (``path label`` lines).
        out (str): Output attribute file (JSON, see
            :class:`AttributeFile`).
        lexicon (str): Phrases, one per line, or a ``.csv`` with id,name
            columns (read by :func:`load_class_names`).
        data_prefix (str): Folder the video paths are in.
        arch (str): open_clip model name.
        pretrained (str, optional): open_clip pretrained tag or file; None
            or ``'none'`` for random weights.
        checkpoint (str, optional): bike_mm recognizer checkpoint whose
            backbone CLIP weights replace ``pretrained``.
        quick_gelu (bool): QuickGELU (OpenAI weights) or GELU.
        num_frames (int): Frames T sampled per video.
        topk (int): Phrases kept per video.
        template (str): Prompt with one ``{}`` the phrases are encoded in.
        batch_size (int): Videos per batch.
        num_workers (int): Decoding processes.
        save_interval (int): Save partial results every this many videos
            (per process).
        device (str, optional): Torch device; default cuda if available.
        launcher (str): ``'none'`` or ``'pytorch'`` (torchrun).

    Raises:
        AttributeGenerationError: Bad settings, an empty annotation file, a
            checkpoint without CLIP weights, or an output made with other
            settings.
        FileNotFoundError: A missing input file.
    """
    if template.count('{}') != 1:
        raise AttributeGenerationError(
            f'template {template!r} needs exactly one "{{}}"')
    for name, value in dict(num_frames=num_frames, topk=topk,
                            batch_size=batch_size,
                            save_interval=save_interval).items():
        if value < 1:
            raise AttributeGenerationError(f'{name} must be >= 1, got {value}')
    if pretrained is not None and pretrained.lower() == 'none':
        pretrained = None
    # mmengine's pytorch launcher needs an accelerator; gloo on CPU
    if launcher == 'pytorch' and not init_cpu_process_group(launcher):
        init_dist('pytorch')
    rank, world_size = get_dist_info()
    device = device or ('cuda' if torch.cuda.is_available() else 'cpu')
    if device == 'cuda' and world_size > 1:
        device = f'cuda:{os.environ.get("LOCAL_RANK", "0")}'

    keys = read_video_paths(ann_file)
    phrases = load_class_names(lexicon)
    meta = dict(
        arch=arch.replace('/', '-'),
        pretrained=None if checkpoint else (pretrained or 'none'),
        checkpoint=checkpoint,
        quick_gelu=quick_gelu,
        lexicon=lexicon,
        lexicon_size=len(phrases),
        lexicon_sha1=hashlib.sha1('\n'.join(phrases).encode()).hexdigest(),
        template=template,
        num_frames=num_frames,
        sampling='UniformSample(test_mode=True)',
        pooling='mean of frame embeddings, L2-normalised',
        score='cosine similarity',
        topk=topk,
        ann_file=ann_file)
    previous = load_previous(out, meta)
    pending = [k for k in dict.fromkeys(keys) if k not in previous.videos]
    shard = pending[rank::world_size]
    if rank == 0:
        print(f'{len(keys)} videos in {ann_file}: '
              f'{len(keys) - len(pending)} done before, {len(pending)} to '
              f'do on {world_size} process(es)', flush=True)

    model = build_clip(arch, pretrained, checkpoint, quick_gelu, device)
    lexicon_feats = encode_lexicon(model, phrases, template)
    loader = DataLoader(
        VideoFrames(shard, data_prefix, num_frames,
                    model.clip.visual.preprocess_cfg),
        batch_size=batch_size,
        num_workers=num_workers,
        collate_fn=_as_list)

    part = AttributeFile(meta)
    part_file = f'{out}.part{rank}'
    progress = ProgressBar(len(shard)) if rank == 0 and shard else None
    since_save = 0
    for batch in loader:
        decoded = [(key, frames) for key, frames, _ in batch
                   if frames is not None]
        for key, _, error in batch:
            if error is not None:
                print(f'\nCannot decode {osp.join(data_prefix, key)}: '
                      f'{error}', file=sys.stderr, flush=True)
                part.errors[key] = error
        if decoded:
            videos = encode_videos(
                model, torch.stack([frames for _, frames in decoded]))
            for (key, _), entry in zip(
                    decoded,
                    top_attributes(videos, lexicon_feats, phrases, topk)):
                part.videos[key] = entry
        since_save += len(batch)
        if since_save >= save_interval:
            part.dump(part_file)
            since_save = 0
        if progress is not None:
            progress.update(len(batch))
    if shard:
        part.dump(part_file)
    barrier()
    if rank == 0:
        write_output(out, keys, load_previous(out, meta))
    barrier()
