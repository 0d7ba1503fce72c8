"""Training and inference throughput and peak memory of BIKE on one device.

Each case builds a fresh :class:`BIKERecognizer` (random weights, K
categories, 6-layer temporal transformer, VCS head, frozen category encoder
with its cache filled before timing) and measures

- training: videos/s of full steps (forward, DistInfoNCE loss, backward,
  AdamW step) at ``batch`` clips, and the peak of allocated device memory
  over those steps (parameters, gradients, AdamW state and activations);
- inference: videos/s of the recognizer's scores for all K classes at
  ``infer_batch`` clips (Text4Vis measured its throughput at batch 16), and
  its peak memory.

Cases vary precision (float32, or bfloat16 autocast), activation
checkpointing of the CLIP blocks, fused AdamW and ``torch.compile`` of the
image encoder. Without CUDA everything runs on the CPU (memory is then not
measured) so that the script itself can be tested with a tiny model.
"""
import gc
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

import open_clip
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from bike_mm.models.recognizers import BIKERecognizer
from bike_mm.structures import set_gt_label
from bike_mm.utils.torch_compat import OutOfMemoryError, fused_kernel_available

from .references import REFERENCES


@dataclass(frozen=True)
class Case:
    """One configuration to measure."""
    arch: str = 'ViT-B-32'
    frames: int = 8
    batch: int = 32
    infer_batch: int = 16
    bf16: bool = False
    checkpointing: bool = False
    fused: bool = True
    compile: bool = False

    @property
    def label(self) -> str:
        return ' '.join([
            'bf16' if self.bf16 else 'fp32',
            'ckpt' if self.checkpointing else 'no-ckpt',
            'fused' if self.fused else 'foreach', *(['compile']
                                                    if self.compile else [])
        ])


@dataclass
class Result:
    """Measured figures of a case (memory in GiB, None on CPU)."""
    case: Case
    train_vps: float
    infer_vps: float
    train_peak_gib: Optional[float] = None
    infer_peak_gib: Optional[float] = None


def default_cases(arch: str, frames: int, batch: int, infer_batch: int,
                  compile: bool) -> List[Case]:
    """The comparison grid of one architecture: precision x checkpointing
    with fused AdamW, the unfused optimizer once, and ``torch.compile``."""
    base = dict(arch=arch, frames=frames, batch=batch,
                infer_batch=infer_batch)
    cases = [
        Case(**base, bf16=bf16, checkpointing=ckpt)
        for bf16 in (False, True) for ckpt in (False, True)
    ]
    cases.append(Case(**base, bf16=True, fused=False))
    if compile:
        cases.append(Case(**base, bf16=True, compile=True))
    return cases


def build_model(case: Case, num_classes: int,
                device: torch.device) -> BIKERecognizer:
    """A BIKE recognizer with random weights for ``case``."""
    embed_dim = open_clip.get_model_config(case.arch)['embed_dim']
    model = MODELS.build(
        dict(
            type='BIKERecognizer',
            num_frames=case.frames,
            class_names=[f'action number {i}' for i in range(num_classes)],
            backbone=dict(
                type='OpenCLIP', arch=case.arch, pretrained=None,
                grad_checkpointing=case.checkpointing),
            cls_head=dict(
                type='VCSHead', num_classes=num_classes,
                in_channels=embed_dim, temporal_layers=6))).to(device)
    if case.compile:
        model.backbone.clip.visual.compile()
    return model


def _image_size(arch: str) -> int:
    size = open_clip.get_model_config(arch)['vision_cfg']['image_size']
    return size if isinstance(size, int) else size[0]


class StepMeter:
    """Wall time and peak device memory of a block of steps."""

    def __init__(self, device: torch.device) -> None:
        self.cuda = device.type == 'cuda'

    def run(self, step: Callable[[], None], warmup: int,
            steps: int) -> Tuple[float, Optional[float]]:
        for _ in range(warmup):
            step()
        self._sync()
        if self.cuda:
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        self._sync()
        seconds = time.perf_counter() - start
        peak = torch.cuda.max_memory_allocated() / 2**30 if self.cuda \
            else None
        return seconds, peak

    def _sync(self) -> None:
        if self.cuda:
            torch.cuda.synchronize()


def measure(case: Case, device: torch.device, num_classes: int = 400,
            warmup: int = 3, steps: int = 10) -> Result:
    """Training and inference figures of one case (see module doc)."""
    torch.manual_seed(0)
    model = build_model(case, num_classes, device)
    size = _image_size(case.arch)
    autocast = lambda: torch.autocast(  # noqa: E731
        device.type, dtype=torch.bfloat16, enabled=case.bf16)
    meter = StepMeter(device)

    # training
    model.train()
    model.cached_categories()
    if case.fused and not fused_kernel_available(torch.optim.AdamW,
                                                 device.type):
        raise FeatureMissing(
            f'this torch has no fused AdamW kernel for {device.type}')
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=1e-6,
        fused=case.fused)
    inputs = torch.randn(case.batch, case.frames, 3, size, size,
                         device=device)
    samples = [
        set_gt_label(ActionDataSample(), torch.tensor([i % num_classes]))
        for i in range(case.batch)
    ]

    def train_step() -> None:
        with autocast():
            loss = sum(model(inputs, samples, mode='loss').values())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    seconds, train_peak = meter.run(train_step, warmup, steps)
    train_vps = case.batch * steps / seconds
    optimizer = inputs = None  # free them before the inference stage
    _release(device)

    # inference
    model.eval()
    inputs = torch.randn(case.infer_batch, case.frames, 3, size, size,
                         device=device)

    def infer_step() -> None:
        with torch.inference_mode(), autocast():
            model(inputs, mode='tensor', stage='head')

    seconds, infer_peak = meter.run(infer_step, warmup, steps)
    model = inputs = None
    _release(device)
    return Result(case, train_vps, case.infer_batch * steps / seconds,
                  train_peak, infer_peak)


def _release(device: torch.device) -> None:
    gc.collect()
    if device.type == 'cuda':
        torch.cuda.empty_cache()


class FeatureMissing(RuntimeError):
    """A case asks for something this torch lacks on the device."""


def run_cases(cases: List[Case], device: torch.device,
              budget_s: float = float('inf'), log: Callable = print,
              **kwargs) -> List[Result]:
    """Measure ``cases`` in order; cases that would start after
    ``budget_s`` seconds are skipped (and reported); the first always
    runs."""
    start = time.perf_counter()
    results = []
    for index, case in enumerate(cases):
        if index and time.perf_counter() - start > budget_s:
            log(f'skipped (time budget of {budget_s:.0f} s spent): '
                f'{case.arch} {case.frames}f {case.label}')
            continue
        try:
            results.append(measure(case, device, **kwargs))
        except OutOfMemoryError:
            _release(device)
            log(f'out of memory: {case.arch} {case.frames}f {case.label}')
            continue
        except FeatureMissing as err:
            log(f'skipped ({err}): {case.arch} {case.frames}f {case.label}')
            continue
        log(format_table(results[-1:], header=False))
    return results


def _cell(value: Optional[float], digits: int = 1) -> str:
    return '-' if value is None else f'{value:.{digits}f}'


def format_table(results: List[Result], header: bool = True) -> str:
    """A markdown table of the results, each architecture followed by the
    published reference figures."""
    lines = []
    if header:
        lines += [
            '| arch | frames | batch (train/infer) | case | train vid/s | '
            'train peak GiB | infer vid/s | infer peak GiB |',
            '|---|---|---|---|---|---|---|---|'
        ]
    for result in results:
        case = result.case
        lines.append(
            f'| {case.arch} | {case.frames} | {case.batch}/'
            f'{case.infer_batch} | {case.label} | '
            f'{_cell(result.train_vps)} | '
            f'{_cell(result.train_peak_gib, 2)} | '
            f'{_cell(result.infer_vps)} | '
            f'{_cell(result.infer_peak_gib, 2)} |')
    if header:
        for arch, frames in dict.fromkeys(
            (r.case.arch, r.case.frames) for r in results):
            ref = REFERENCES.get((arch, frames))
            if ref:
                lines.append(
                    f'| {arch} | {frames} | 32/16 | published (released '
                    'code, A100) | - | '
                    f'{_cell(ref.get("bike_train_gb"), 0)} GB (BIKE README) '
                    f'| {_cell(ref.get("text4vis_infer_vps"))} (Text4Vis) '
                    '| - |')
    return '\n'.join(lines)
