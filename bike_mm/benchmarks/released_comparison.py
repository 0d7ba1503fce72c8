"""A training step of bike_mm next to the released BIKE code, on the CPU.

Two fresh worker processes, one per side, each with one thread and glibc's
mmap threshold fixed (so freed blocks leave the resident set); the parent
makes them step in turn (bike_mm, released, bike_mm, ...) so that the noise
of a shared machine hits both alike, and reports ratios.

- **bike_mm**: the model and optimizer built from the zoo's config files
  (model base and schedule: fused AdamW, activation checkpointing, the
  category cache, ...), random weights, K classes; a step is forward,
  DistInfoNCE loss, backward and optimizer update through mmengine's
  ``OptimWrapper``, after :class:`CategoryCacheHook` did what it does in a
  training run: category embeddings cached in ``work_dir`` (a second run
  reads them), the frozen text tower memory-mapped from a file there.
- **released**: ``clip/model.py`` and ``modules/video_clip.py`` of
  github.com/whwu95/BIKE loaded from a local checkout (never copied into
  bike_mm), given the same random weights; frozen text tower, 6-layer
  ``Transf`` head with ``VCS`` over all 77 tokens, AdamW with its two
  parameter groups, its symmetric NCE loss; a step encodes the batch's class
  prompts, as its training loop does.

Memory, from ``/proc/self/status``: *held* is the resident set between steps
minus that of the bare worker (parameters, AdamW state, caches), *step peak*
the rise of the resident set during a step (activations and gradients).
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
from typing import Dict, List, Optional

import torch

from .process_memory import memory_status, resident_rise

MIB = 2**20
_REPORT = 'released_comparison: '
SIDES = ('bike_mm', 'released')
REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _class_names(count: int) -> List[str]:
    return [f'action number {i}' for i in range(count)]


def _load_file(name: str, path: str):
    """Import one source file of the released code as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bike_mm_step(cfg: dict):
    """A training step of bike_mm built from the zoo's config files."""
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    from mmaction.utils import register_all_modules
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper

    from ..engine import CategoryCacheHook
    from ..structures import set_gt_label
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
    model = MODELS.build(model_cfg).train()
    # what the Runner does with default_runtime.py's hook: category cache
    # file in the work dir, text tower mapped from a file
    runner = SimpleNamespace(model=model, work_dir=cfg['work_dir'])
    hook = CategoryCacheHook()
    hook.before_run(runner)
    hook.before_train(runner)
    optim_wrapper = build_optim_wrapper(model, config.optim_wrapper)
    frames = torch.randn(cfg['batch'], cfg['frames'], 3, 224, 224)
    samples = [
        set_gt_label(ActionDataSample(), torch.tensor([label]))
        for label in cfg['labels']
    ]

    def step() -> None:
        losses = model(frames, samples, mode='loss')
        optim_wrapper.update_params(sum(losses.values()))

    return step


def released_step(cfg: dict):
    """A training step of the released code (see module doc)."""
    import open_clip
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
    model = clip_model.build_model(dict(state), T=cfg['frames']).float()
    head = video_clip.video_header('Transf', 'VCS', state)
    for name, param in model.named_parameters():  # fix_text: True
        if 'visual' not in name and 'logit_scale' not in name:
            param.requires_grad_(False)
    optimizer = torch.optim.AdamW(
        [dict(params=model.parameters(), lr=5e-6),
         dict(params=head.parameters(), lr=5e-5)],
        betas=(0.9, 0.999), lr=5e-5, eps=1e-8, weight_decay=0.2)
    model.train()
    head.train()
    tokenizer = open_clip.get_tokenizer('ViT-B-32')
    class_tokens = tokenizer(
        [f'This is a video about {name}' for name in
         _class_names(cfg['classes'])])
    labels = torch.tensor(cfg['labels'])
    batch, frames = cfg['batch'], cfg['frames']
    images = torch.randn(batch * frames, 3, 224, 224)
    truth = (labels[:, None] == labels[None]).float()

    def step() -> None:
        image_emb, cls_emb, text_emb, logit_scale = model(
            images, class_tokens[labels], return_token=True)
        logits = logit_scale * head(image_emb.view(batch, frames, -1),
                                    text_emb, cls_emb)
        loss = (nce(logits, truth) + nce(logits.T, truth)) / 2
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    return step


def _report(**values) -> None:
    # marked: the released code prints to stdout too
    print(_REPORT + json.dumps(values), flush=True)


def run_worker(side: str, cfg: dict) -> None:
    """Worker loop: build, report, then one step per line read."""
    torch.set_num_threads(1)
    gc.collect()
    bare = memory_status('VmRSS')
    start = time.perf_counter()
    step = (bike_mm_step if side == 'bike_mm' else released_step)(cfg)
    _report(setup_s=time.perf_counter() - start)
    while sys.stdin.readline():
        start = time.perf_counter()
        peak = resident_rise(step)
        seconds = time.perf_counter() - start
        gc.collect()
        _report(step_s=seconds, peak_mib=peak / MIB,
                held_mib=(memory_status('VmRSS') - bare) / MIB)


class _Worker:
    """A worker process of one side."""

    def __init__(self, side: str, cfg: dict) -> None:
        env = dict(os.environ, OMP_NUM_THREADS='1',
                   MALLOC_MMAP_THRESHOLD_='131072')
        self.side = side
        self.proc = subprocess.Popen(
            [sys.executable, '-m', __name__, side, json.dumps(cfg)],
            cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)

    def read(self) -> dict:
        for line in iter(self.proc.stdout.readline, ''):
            if line.startswith(_REPORT):
                return json.loads(line[len(_REPORT):])
        raise RuntimeError(f'{self.side} worker failed (see its stderr)')

    def step(self) -> dict:
        self.proc.stdin.write('step\n')
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def compare(released_path: str, work_dir: str, batch: int = 4,
            frames: int = 8, classes: int = 400, steps: int = 3,
            model_config: Optional[str] = None,
            schedule_config: Optional[str] = None,
            options: Optional[dict] = None) -> Dict[str, dict]:
    """Measure both sides; the first step of each is a warm-up.

    Returns:
        dict: Per side: ``setup_s``, the median ``step_s``, ``held_mib``
        (after the last step) and the largest ``peak_mib``.
    """
    for source in ('clip/model.py', 'modules/video_clip.py',
                   'utils/NCELoss.py'):
        if not osp.isfile(osp.join(released_path, source)):
            raise FileNotFoundError(
                f'{released_path} is not a checkout of the released BIKE '
                f'code: it has no {source}')
    base = osp.join(REPO_ROOT, 'configs', '_base_')
    generator = torch.Generator().manual_seed(0)
    cfg = dict(
        released_path=released_path, batch=batch, frames=frames,
        classes=classes,
        labels=torch.randint(classes, (batch, ),
                             generator=generator).tolist(),
        work_dir=work_dir,
        model_config=model_config
        or osp.join(base, 'models', 'bike_vit-b-p32.py'),
        schedule_config=schedule_config
        or osp.join(base, 'schedules', 'bike_adamw_cosine_30e.py'),
        options=options or {})
    workers = {side: _Worker(side, cfg) for side in SIDES}
    try:
        results = {side: dict(workers[side].read(), steps=[])
                   for side in SIDES}
        for index in range(steps + 1):
            for side in SIDES:
                measured = workers[side].step()
                if index:  # the first step warms up
                    results[side]['steps'].append(measured)
    finally:
        for worker in workers.values():
            worker.close()
    return {
        side: dict(
            setup_s=result['setup_s'],
            step_s=statistics.median(s['step_s'] for s in result['steps']),
            held_mib=result['steps'][-1]['held_mib'],
            peak_mib=max(s['peak_mib'] for s in result['steps']))
        for side, result in results.items()
    }


def format_comparison(results: Dict[str, dict]) -> str:
    """A markdown table with the bike_mm / released ratios."""
    ours, released = results['bike_mm'], results['released']
    lines = ['| | bike_mm | released | bike_mm / released |',
             '|---|---|---|---|']
    for key, name in (('setup_s', 'setup (s)'), ('step_s', 'step (s)'),
                      ('held_mib', 'held between steps (MiB)'),
                      ('peak_mib', 'step peak (MiB)')):
        lines.append(f'| {name} | {ours[key]:.2f} | {released[key]:.2f} | '
                     f'{ours[key] / released[key]:.2f}x |')
    total = (ours['held_mib'] + ours['peak_mib']) / (
        released['held_mib'] + released['peak_mib'])
    lines.append(f'| held + step peak | | | {total:.2f}x |')
    return '\n'.join(lines)


if __name__ == '__main__':
    run_worker(sys.argv[1], json.loads(sys.argv[2]))
