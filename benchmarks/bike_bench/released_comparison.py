"""A training step of bike_mm next to the released BIKE code, on the CPU.

Two fresh worker processes, one per side, each with one thread and glibc's
mmap threshold fixed (so freed blocks leave the resident set); the parent
makes them step in turn (bike_mm, released, bike_mm, ...) so that the noise
of a shared machine hits both alike, and reports ratios.

- **bike_mm**: the model and optimizer built from the zoo's config files
  (model base and schedule: fused AdamW, activation checkpointing, the
  category cache, ...), random weights, K classes; a step is what the
  Runner's loop calls, the model's (or its wrapper's) ``train_step``:
  normalisation, forward, DistInfoNCE loss, backward and optimizer update
  through mmengine's ``OptimWrapper``, after :class:`CategoryCacheHook` did
  what it does in a training run: category embeddings cached in
  ``work_dir`` (a second run reads them), the frozen text tower
  memory-mapped from a file there.
- **released**: ``clip/model.py`` and ``modules/video_clip.py`` of
  github.com/whwu95/BIKE loaded from a local checkout (never copied into
  bike_mm), given the same random weights; frozen text tower, 6-layer
  ``Transf`` head with ``VCS`` over all 77 tokens, AdamW with its two
  parameter groups, its symmetric NCE loss; a step encodes the batch's class
  prompts, as its training loop does.

Memory, from ``/proc/self/status``: *held* is the resident set between steps
minus that of the bare worker (parameters, AdamW state, caches), *step peak*
the rise of the resident set during a step (activations and gradients).
Exact per-rank counts next to them: bytes of the trainable parameters this
rank holds (its shards under FSDP) and of its optimizer state (its shard
under ZeRO).

**Several ranks** (``ranks`` > 1): each side runs as that many one-thread
worker processes in its own gloo process group, every rank with the same
per-rank batch (the global batch is ``batch * ranks``). The released side
does what its ``train.py`` does: CLIP and the video head each wrapped in
torch's ``DistributedDataParallel``, frame, sentence and word embeddings
all-gathered (with gradients) before the head, which every rank runs on the
whole global batch. bike_mm's side is wrapped like mmengine's ``Runner``
does: ``model_wrapper_cfg`` of the config (after ``options``), default
``MMDistributedDataParallel``; its ``DistInfoNCELoss`` does the gathering.
Figures per side are the maximum over its ranks. At several ranks the two
sides run one after the other by default (eight ViT-B/32 processes at once
need more than this 23 GiB machine has); ``interleave`` overrides it.
"""
import gc
import importlib.util
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from types import SimpleNamespace
from typing import Dict, Iterable, List, Optional, Sequence

import torch
import torch.distributed as dist

from .process_memory import local_bytes, memory_status, resident_rise
from .worker_processes import rank_env, worker_env

MIB = 2**20
_REPORT = 'released_comparison: '
SIDES = ('bike_mm', 'released')


def _class_names(count: int) -> List[str]:
    return [f'action number {i}' for i in range(count)]


def _load_file(name: str, path: str):
    """Import one source file of the released code as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _local_labels(cfg: dict) -> List[int]:
    """This rank's slice of the global batch's labels."""
    rank, batch = cfg['rank'], cfg['batch']
    return cfg['labels'][rank * batch:(rank + 1) * batch]


def footprint(parameters: Iterable[torch.nn.Parameter],
              optimizer: torch.optim.Optimizer) -> dict:
    """Exact MiB of the trainable parameters and the optimizer state that
    this rank holds (ZeRO's ``optim`` holds this rank's shard)."""
    state = getattr(optimizer, 'optim', optimizer).state
    return dict(
        params_mib=sum(
            local_bytes(p) for p in parameters if p.requires_grad) / MIB,
        optimizer_state_mib=sum(
            local_bytes(value) for per_param in state.values()
            for value in per_param.values()
            if isinstance(value, torch.Tensor)) / MIB)


def bike_mm_step(cfg: dict):
    """A training step of bike_mm built from the zoo's config files; with
    several ranks the model is wrapped as the Runner wraps it. On
    ``cfg['device']`` (default the CPU); precision, checkpointing and the
    optimizer are those of the config after ``cfg['options']``."""
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    from mmaction.utils import register_all_modules
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import MODEL_WRAPPERS

    from bike_mm.engine import CategoryCacheHook
    from bike_mm.structures import set_gt_label
    register_all_modules()
    config = Config.fromfile(cfg['model_config'])
    config.optim_wrapper = Config.fromfile(
        cfg['schedule_config']).optim_wrapper
    config.merge_from_dict(cfg['options'])
    model_cfg = config.model
    model_cfg.update(num_frames=cfg['frames'],
                     class_names=_class_names(cfg['classes']))
    model_cfg.backbone.update(pretrained=None)
    model_cfg.cls_head.update(num_classes=cfg['classes'])
    torch.manual_seed(0)
    model = MODELS.build(model_cfg).to(cfg.get('device', 'cpu')).train()
    # in the Runner's order: wrapper, optimizer, then the hooks
    if cfg['ranks'] > 1:  # the Runner's default wrapper and its arguments
        model = MODEL_WRAPPERS.build(
            config.get('model_wrapper_cfg')
            or dict(type='MMDistributedDataParallel',
                    broadcast_buffers=False,
                    find_unused_parameters=config.get(
                        'find_unused_parameters', False)),
            default_args=dict(module=model))
    optim_wrapper = build_optim_wrapper(model, config.optim_wrapper)
    # default_runtime.py's hook: category cache file in the work dir, text
    # tower mapped from a file
    runner = SimpleNamespace(model=model, work_dir=cfg['work_dir'])
    hook = CategoryCacheHook()
    hook.before_run(runner)
    hook.before_train(runner)
    # a batch as the data loader gives it (the model normalises it)
    data = dict(
        inputs=[
            torch.randint(256, (cfg['frames'], 3, cfg['size'], cfg['size']),
                          dtype=torch.uint8) for _ in range(cfg['batch'])
        ],
        data_samples=[
            set_gt_label(ActionDataSample(), torch.tensor([label]))
            for label in _local_labels(cfg)
        ])

    def step() -> None:  # what the Runner's train loop calls
        model.train_step(data, optim_wrapper)

    return step, lambda: footprint(model.parameters(),
                                   optim_wrapper.optimizer)


def released_step(cfg: dict):
    """A training step of the released code (see module doc), on
    ``cfg['device']`` (default the CPU). ``cfg['precision']``: ``fp32``
    (default), ``amp`` (its train.py's default: float16 autocast and a
    ``GradScaler``) or ``bf16`` (bfloat16 autocast); ``cfg['checkpointing']``
    turns its CLIP towers' activation checkpointing on or off (default: as
    its code has it, on)."""
    import contextlib

    import open_clip
    from torch.nn.parallel import DistributedDataParallel

    from bike_mm.models.utils.gather import gather_batch
    path = cfg['released_path']
    clip_model = _load_file('released_clip_model',
                            osp.join(path, 'clip', 'model.py'))
    video_clip = _load_file('released_video_clip',
                            osp.join(path, 'modules', 'video_clip.py'))
    nce = _load_file('released_nce_loss', osp.join(path, 'utils',
                                                    'NCELoss.py')).NCELoss()
    torch.manual_seed(0)
    # open_clip's CLIP has OpenAI's state-dict layout, which build_model
    # reads the architecture from
    state = open_clip.create_model(
        'ViT-B-32', pretrained=None, force_quick_gelu=True).state_dict()
    device = torch.device(cfg.get('device', 'cpu'))
    model = clip_model.build_model(dict(state), T=cfg['frames']).float()
    head = video_clip.video_header('Transf', 'VCS', state)
    if cfg.get('checkpointing') is not None:
        for module in model.modules():
            if hasattr(module, 'grad_checkpointing'):
                module.grad_checkpointing = cfg['checkpointing']
    model.to(device)
    head.to(device)
    for name, param in model.named_parameters():  # fix_text: True
        if 'visual' not in name and 'logit_scale' not in name:
            param.requires_grad_(False)
    optimizer = torch.optim.AdamW(
        [dict(params=model.parameters(), lr=5e-6),
         dict(params=head.parameters(), lr=5e-5)],
        betas=(0.9, 0.999), lr=5e-5, eps=1e-8, weight_decay=0.2)
    model.train()
    head.train()
    if cfg['ranks'] > 1:  # train.py wraps both in DDP
        model = DistributedDataParallel(model)
        head = DistributedDataParallel(head)
    tokenizer = open_clip.get_tokenizer('ViT-B-32')
    class_tokens = tokenizer(
        [f'This is a video about {name}' for name in
         _class_names(cfg['classes'])])
    class_tokens = class_tokens.to(device)
    labels = torch.tensor(_local_labels(cfg), device=device)
    batch, frames = cfg['batch'], cfg['frames']
    images = torch.randn(batch * frames, 3, cfg['size'], cfg['size'],
                         device=device)
    all_labels = gather_batch(labels)  # the global batch's
    truth = (all_labels[:, None] == all_labels[None]).float()
    precision = cfg.get('precision', 'fp32')
    if precision == 'fp32':
        autocast = contextlib.nullcontext
    else:
        dtype = torch.float16 if precision == 'amp' else torch.bfloat16
        autocast = lambda: torch.autocast(  # noqa: E731
            device.type, dtype=dtype)
    scaler = torch.amp.GradScaler(device.type) if precision == 'amp' \
        else None

    def step() -> None:
        with autocast():
            image_emb, cls_emb, text_emb, logit_scale = model(
                images, class_tokens[labels], return_token=True)
            # train.py gathers the embeddings (with gradients) of all ranks
            logits = logit_scale * head(
                gather_batch(image_emb.view(batch, frames, -1)),
                gather_batch(text_emb), gather_batch(cls_emb))
            loss = (nce(logits, truth) + nce(logits.T, truth)) / 2
        if scaler is None:
            loss.backward()
            optimizer.step()
        else:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        optimizer.zero_grad()

    return step, lambda: footprint(
        list(model.parameters()) + list(head.parameters()), optimizer)


def run_worker(side: str, cfg: dict) -> None:
    """Worker loop of one rank: build, report, then one step per line
    read."""
    # the reports keep stdout; all else printed (the released code,
    # mmengine) goes to stderr: a rank stalled on a full stdout pipe that
    # the parent does not read yet would stall the collectives of all
    reports = os.fdopen(os.dup(sys.stdout.fileno()), 'w')
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    def report(**values) -> None:
        print(_REPORT + json.dumps(values), file=reports, flush=True)

    torch.set_num_threads(1)
    gc.collect()
    bare = memory_status('VmRSS')
    start = time.perf_counter()
    if cfg['ranks'] > 1:  # rank and rendezvous in the environment
        dist.init_process_group('gloo')
    step, count = (bike_mm_step if side == 'bike_mm' else released_step)(
        cfg)
    report(setup_s=time.perf_counter() - start)
    while sys.stdin.readline():
        start = time.perf_counter()
        peak = resident_rise(step)
        seconds = time.perf_counter() - start
        gc.collect()
        report(step_s=seconds, peak_mib=peak / MIB,
                held_mib=(memory_status('VmRSS') - bare) / MIB, **count())
    if cfg['ranks'] > 1:  # leave together, as the tools' ranks do
        dist.barrier()
        dist.destroy_process_group()


class _Side:
    """The worker processes of one side, one per rank."""

    def __init__(self, side: str, cfg: dict) -> None:
        self.side = side
        env = worker_env(cfg['ranks'])
        self.procs = [
            subprocess.Popen(
                [sys.executable, '-m', __name__, side,
                 json.dumps(dict(cfg, rank=rank))],
                env=rank_env(env, rank),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for rank in range(cfg['ranks'])
        ]

    def read(self) -> List[dict]:
        """The next report of every rank."""
        reports = []
        for proc in self.procs:
            for line in iter(proc.stdout.readline, ''):
                if line.startswith(_REPORT):
                    reports.append(json.loads(line[len(_REPORT):]))
                    break
            else:
                raise RuntimeError(
                    f'{self.side} worker failed (see its stderr)')
        return reports

    def step(self) -> List[dict]:
        for proc in self.procs:  # all ranks step together
            proc.stdin.write('step\n')
            proc.stdin.flush()
        return self.read()

    def close(self) -> None:
        for proc in self.procs:
            proc.stdin.close()
        for proc in self.procs:
            proc.wait()


def _measure(sides: Sequence[str], cfg: dict, steps: int) -> dict:
    """Run ``sides`` at once, stepping in turn; per side and rank: the
    setup report and the measured steps (after one warm-up)."""
    workers = {}
    try:
        for side in sides:
            workers[side] = _Side(side, cfg)
        results = {side: dict(setup=workers[side].read(), steps=[])
                   for side in sides}
        for index in range(steps + 1):
            for side in sides:
                measured = workers[side].step()
                if index:  # the first step warms up
                    results[side]['steps'].append(measured)
    finally:
        for worker in workers.values():
            worker.close()
    return results


def _summary(result: dict) -> dict:
    """Per side: the maximum over ranks of the setup time, the median step
    time (slowest rank), the held memory after the last step, the largest
    step peak and the exact counts."""
    steps = result['steps']
    last = steps[-1]
    return dict(
        ranks=len(last),
        setup_s=max(r['setup_s'] for r in result['setup']),
        step_s=statistics.median(
            max(r['step_s'] for r in ranks) for ranks in steps),
        held_mib=max(r['held_mib'] for r in last),
        peak_mib=max(r['peak_mib'] for ranks in steps for r in ranks),
        params_mib=max(r['params_mib'] for r in last),
        optimizer_state_mib=max(r['optimizer_state_mib'] for r in last),
        per_rank=last)


def check_released_checkout(released_path: str) -> None:
    """Raise ``FileNotFoundError`` unless the released code is there."""
    for source in ('clip/model.py', 'modules/video_clip.py',
                   'utils/NCELoss.py'):
        if not osp.isfile(osp.join(released_path, source)):
            raise FileNotFoundError(
                f'{released_path} is not a checkout of the released BIKE '
                f'code: it has no {source}')


def compare(released_path: Optional[str], work_dir: str, model_config: str,
            schedule_config: str, batch: int = 4, frames: int = 8,
            classes: int = 400, steps: int = 3,
            options: Optional[dict] = None, ranks: int = 1,
            interleave: Optional[bool] = None, size: int = 224,
            sides: Sequence[str] = SIDES) -> Dict[str, dict]:
    """Measure both sides; the first step of each is a warm-up.

    Args:
        released_path (str, optional): Checkout of the released code
            (needed when ``sides`` has ``'released'``).
        work_dir (str): bike_mm's work dir (category cache, text tower).
        model_config (str): bike_mm's model config (e.g. the ViT-B/32
            base).
        schedule_config (str): Its schedule (the optimizer).
        batch (int): Videos per rank and step.
        frames (int): Frames per video.
        classes (int): Number of classes K.
        steps (int): Measured steps, after one warm-up.
        options (dict, optional): ``--cfg-options`` for bike_mm's config
            (``model_wrapper_cfg``, ``optim_wrapper.optimizer.type``, ...).
        ranks (int): Processes per side (gloo when > 1).
        interleave (bool, optional): Run the sides at once, stepping in
            turn; default for one rank only (see module doc).
        size (int): Frame height and width.
        sides (Sequence[str]): Sides to measure, of :data:`SIDES`.

    Returns:
        dict: Per side: ``ranks``, ``setup_s``, the median ``step_s``,
        ``held_mib`` (after the last step), the largest ``peak_mib``,
        ``params_mib`` and ``optimizer_state_mib`` (maxima over ranks) and
        ``per_rank`` (the last step's reports).
    """
    if 'released' in sides:
        check_released_checkout(released_path)
    generator = torch.Generator().manual_seed(0)
    cfg = dict(
        released_path=released_path, batch=batch, frames=frames,
        classes=classes, ranks=ranks, size=size,
        labels=torch.randint(classes, (batch * ranks, ),
                             generator=generator).tolist(),
        work_dir=work_dir,
        model_config=model_config, schedule_config=schedule_config,
        options=options or {})
    if interleave is None:
        interleave = ranks == 1
    groups = [sides] if interleave else [[side] for side in sides]
    results = {}
    for group in groups:
        results.update(_measure(group, cfg, steps))
    return {side: _summary(results[side]) for side in sides}


def format_comparison(results: Dict[str, dict]) -> str:
    """A markdown table with the bike_mm / released ratios (per rank: the
    maximum over ranks)."""
    ours, released = results['bike_mm'], results['released']
    lines = ['| | bike_mm | released | bike_mm / released |',
             '|---|---|---|---|']
    for key, name in (('setup_s', 'setup (s)'), ('step_s', 'step (s)'),
                      ('held_mib', 'held between steps (MiB)'),
                      ('peak_mib', 'step peak (MiB)'),
                      ('params_mib', 'trainable parameters (MiB)'),
                      ('optimizer_state_mib', 'optimizer state (MiB)')):
        lines.append(f'| {name} | {ours[key]:.2f} | {released[key]:.2f} | '
                     f'{ours[key] / released[key]:.2f}x |')
    total = (ours['held_mib'] + ours['peak_mib']) / (
        released['held_mib'] + released['peak_mib'])
    lines.append(f'| held + step peak | | | {total:.2f}x |')
    return '\n'.join(lines)


if __name__ == '__main__':
    run_worker(sys.argv[1], json.loads(sys.argv[2]))
