"""Generate video attributes with a CLIP model (BIKE paper Sec. 2.2, the
Video-Attributes Association; supplement A.2).

For every video of an mmaction annotation file (``path label`` lines), T
frames are sampled uniformly and encoded by the CLIP image encoder; their mean
(L2-normalised) is compared with the CLIP text embedding of every phrase of a
lexicon, and the top-k phrases with their cosine similarities are written to a
JSON file keyed by the video's path as written in the annotation file (format:
``bike_mm/datasets/transforms/attribute_files.py``, docs/attributes.md).

    python tools/generate_attributes.py ANN_FILE --data-prefix DIR \\
        --lexicon LABELS --out OUT.json [--arch ViT-L-14] \\
        [--pretrained openai] [--num-frames 8] [--topk 5]

    # distributed: every process encodes a shard; rank 0 merges
    torchrun --nproc_per_node N tools/generate_attributes.py ... \\
        --launcher pytorch

The run is resumable: videos already in OUT (or in the ``OUT.part<rank>``
files that an interrupted run saves every ``--save-interval`` videos) are
skipped; videos listed as errors are tried again. Videos that cannot be
decoded are reported, listed under ``errors`` in OUT, and the run goes on.
"""
import argparse
import glob
import hashlib
import os
import os.path as osp
import re
import sys
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmcv.transforms import Compose
from mmengine.dist import barrier, get_dist_info, init_dist
from mmengine.runner import CheckpointLoader
from mmengine.utils import ProgressBar
from open_clip.transform import PreprocessCfg, image_transform_v2
from PIL import Image
from torch.utils.data import DataLoader, Dataset

from mmaction.registry import TRANSFORMS

from bike_mm.datasets import AttributeFile, load_class_names
from bike_mm.models import OpenCLIP

# Where a ``--checkpoint`` of a bike_mm recognizer keeps the CLIP weights.
RECOGNIZER_CLIP_PREFIX = 'backbone.clip.'
# Settings that are file paths, not compared when resuming.
PATH_KEYS = ('lexicon', 'ann_file')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate the attributes of the videos of an annotation '
        'file with a CLIP model (BIKE Video-Attributes Association)')
    parser.add_argument('ann_file', help='mmaction annotation file')
    parser.add_argument(
        '--data-prefix', default='', help='folder the video paths are in')
    parser.add_argument(
        '--lexicon',
        required=True,
        help='phrases, one per line (e.g. the dataset label file, or '
        'ImageNet-1K class names); a .csv with id,name columns works too')
    parser.add_argument('--out', required=True, help='output JSON file')
    parser.add_argument(
        '--arch', default='ViT-L-14', help='open_clip model name')
    parser.add_argument(
        '--pretrained',
        default='openai',
        help='open_clip pretrained tag or checkpoint file; "none" for '
        'random weights')
    parser.add_argument(
        '--checkpoint',
        help='bike_mm recognizer checkpoint whose backbone CLIP weights '
        'replace --pretrained')
    parser.add_argument(
        '--no-quick-gelu',
        action='store_true',
        help='GELU instead of QuickGELU (non-OpenAI open_clip weights)')
    parser.add_argument(
        '--num-frames', type=int, default=8, help='frames per video T')
    parser.add_argument(
        '--topk', type=int, default=5, help='attributes kept per video')
    parser.add_argument(
        '--template',
        default='This is a video about {}',
        help='prompt the lexicon phrases are encoded in')
    parser.add_argument(
        '--batch-size', type=int, default=16, help='videos per batch')
    parser.add_argument(
        '--num-workers', type=int, default=2, help='decoding processes')
    parser.add_argument(
        '--save-interval',
        type=int,
        default=1000,
        help='save partial results every this many videos (per process)')
    parser.add_argument(
        '--device', help='torch device; default: cuda if available')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch'], default='none')
    args = parser.parse_args(argv)
    if args.template.count('{}') != 1:
        parser.error(f'--template {args.template!r} needs exactly one "{{}}"')
    for name in ('num_frames', 'topk', 'batch_size', 'save_interval'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    return args


def read_video_paths(ann_file: str) -> List[str]:
    """The video path (first field) of every non-empty annotation line."""
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'Annotation file not found: {ann_file}')
    with open(ann_file, encoding='utf-8') as f:
        paths = [line.split()[0] for line in f if line.strip()]
    if not paths:
        raise ValueError(f'Annotation file is empty: {ann_file}')
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
        tokens = model.tokenizer(chunk).to(device)
        feats.append(model.encode_text(tokens)[0])
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


def build_model(args: argparse.Namespace, device: str) -> OpenCLIP:
    pretrained = None if args.pretrained.lower() == 'none' or \
        args.checkpoint else args.pretrained
    torch.manual_seed(0)  # random weights (--pretrained none) reproducible
    model = OpenCLIP(
        arch=args.arch,
        pretrained=pretrained,
        quick_gelu=not args.no_quick_gelu)
    if args.checkpoint:
        state = CheckpointLoader.load_checkpoint(args.checkpoint, 'cpu')
        state = state.get('state_dict', state)
        clip_state = {
            k[len(RECOGNIZER_CLIP_PREFIX):]: v
            for k, v in state.items() if k.startswith(RECOGNIZER_CLIP_PREFIX)
        }
        if not clip_state:
            raise KeyError(f'{args.checkpoint} has no "'
                           f'{RECOGNIZER_CLIP_PREFIX}*" weights (not a '
                           'bike_mm recognizer checkpoint?)')
        model.clip.load_state_dict(clip_state)
    return model.to(device).eval()


def generation_meta(args: argparse.Namespace,
                    phrases: Sequence[str]) -> dict:
    """What produced the attributes; a resumed run must match it (but for
    the file paths, which may be spelled differently)."""
    return dict(
        arch=args.arch.replace('/', '-'),
        pretrained=None if args.checkpoint else args.pretrained,
        checkpoint=args.checkpoint,
        quick_gelu=not args.no_quick_gelu,
        lexicon=args.lexicon,
        lexicon_size=len(phrases),
        lexicon_sha1=hashlib.sha1('\n'.join(phrases).encode()).hexdigest(),
        template=args.template,
        num_frames=args.num_frames,
        sampling='UniformSample(test_mode=True)',
        pooling='mean of frame embeddings, L2-normalised',
        score='cosine similarity',
        topk=args.topk,
        ann_file=args.ann_file)


def _part_files(out: str) -> List[str]:
    """The ``OUT.part<rank>`` files of this or an interrupted run."""
    return sorted(p for p in glob.glob(glob.escape(out) + '.part*')
                  if re.fullmatch(r'\d+', p[len(out) + len('.part'):]))


def load_previous(out: str, meta: dict) -> AttributeFile:
    """Results of earlier (possibly interrupted) runs, checked to come from
    the same settings."""
    merged = AttributeFile(meta)
    for path in ([out] if osp.isfile(out) else []) + _part_files(out):
        previous = AttributeFile.load(path)
        changed = {
            k: (previous.meta.get(k), v)
            for k, v in meta.items()
            if k not in PATH_KEYS and previous.meta.get(k) != v
        }
        if changed:
            raise ValueError(
                f'{path} was generated with other settings '
                f'(setting: (there, now)): {changed}; use another --out')
        merged.videos.update(previous.videos)
        merged.errors.update(previous.errors)
    for key in merged.videos:
        merged.errors.pop(key, None)
    return merged


def generate(args: argparse.Namespace) -> None:
    if args.launcher == 'pytorch':
        init_dist('pytorch')
    rank, world_size = get_dist_info()
    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    if device == 'cuda' and world_size > 1:
        device = f'cuda:{os.environ.get("LOCAL_RANK", "0")}'

    keys = read_video_paths(args.ann_file)
    phrases = load_class_names(args.lexicon)
    meta = generation_meta(args, phrases)
    previous = load_previous(args.out, meta)
    pending = [k for k in dict.fromkeys(keys) if k not in previous.videos]
    shard = pending[rank::world_size]
    if rank == 0:
        print(f'{len(keys)} videos in {args.ann_file}: '
              f'{len(keys) - len(pending)} done before, {len(pending)} to '
              f'do on {world_size} process(es)', flush=True)

    model = build_model(args, device)
    lexicon = encode_lexicon(model, phrases, args.template)
    loader = DataLoader(
        VideoFrames(shard, args.data_prefix, args.num_frames,
                    model.clip.visual.preprocess_cfg),
        batch_size=args.batch_size,
        num_workers=args.num_workers,
        collate_fn=_as_list)

    part = AttributeFile(meta)
    part_file = f'{args.out}.part{rank}'
    progress = ProgressBar(len(shard)) if rank == 0 and shard else None
    since_save = 0
    for batch in loader:
        decoded = [(key, frames) for key, frames, _ in batch
                   if frames is not None]
        for key, _, error in batch:
            if error is not None:
                print(f'\nCannot decode {osp.join(args.data_prefix, key)}: '
                      f'{error}', file=sys.stderr, flush=True)
                part.errors[key] = error
        if decoded:
            videos = encode_videos(
                model, torch.stack([frames for _, frames in decoded]))
            for (key, _), entry in zip(
                    decoded, top_attributes(videos, lexicon, phrases,
                                            args.topk)):
                part.videos[key] = entry
        since_save += len(batch)
        if since_save >= args.save_interval:
            part.dump(part_file)
            since_save = 0
        if progress is not None:
            progress.update(len(batch))
    if shard:
        part.dump(part_file)
    barrier()
    if rank == 0:
        write_output(args.out, keys, load_previous(args.out, meta))
    barrier()


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


def main(argv: Optional[Sequence[str]] = None) -> None:
    generate(parse_args(argv))


if __name__ == '__main__':
    main()
