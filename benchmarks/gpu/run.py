"""One prepared run of bike_mm on a GPU machine that has its own torch.

The machine keeps its torch: the carried wheels (``prepare_carry.py``) are
installed with ``pip install --no-deps --target`` into a temporary folder
that only this run's processes see (``PYTHONPATH``), then, within a wall
budget, every stage runs in a process of its own (a failure is recorded and
the next stage runs; a stage that would start after the budget is recorded
as skipped):

- **smoke**: the demo trains 2 epochs on ``cuda:0`` (``tools/train.py``),
  tests with 1x1 and 4x3 views (``tools/test.py``), trains with bf16 AMP
  (``--amp``, ``AmpOptimWrapper`` with ``dtype=bfloat16``), trains through
  ``tools/dist_train.sh`` on one GPU over NCCL with DDP and with
  ``FullyShardedModel``, and recognises a video (``tools/infer.py``);
- **benchmark**: training and inference videos/s and peak memory of
  ViT-B/32, 8 frames, batch 32, random weights: float32 vs bf16,
  activation checkpointing on and off, fused vs unfused AdamW, optionally
  ``torch.compile`` (``bike_bench.gpu_benchmark``);
- **released**: bike_mm's training step (its config, ``train_step``) next
  to the released BIKE code's (the files ``--released-src`` holds) at equal
  batch, precision and checkpointing; without them the rows say so.

It prints one table next to the published figures and writes it as JSON::

    python benchmarks/gpu/run.py --out gpu_run.json [--compile]
    python benchmarks/gpu/run.py --dry-run --out dry_run.json

``--dry-run`` runs every stage here, on the CPU, in the current
environment (no install), with the tiny demo model and one step each:
gloo instead of NCCL, bf16 autocast on the CPU, AMP recorded as skipped
(``AmpOptimWrapper`` runs on accelerators only).

This script needs only Python's standard library until its stages run.
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Callable, List, Optional, Sequence, Union

GPU_DIR = osp.dirname(osp.abspath(__file__))
BENCHMARKS = osp.dirname(GPU_DIR)
CHECKOUT = osp.dirname(BENCHMARKS)
sys.path.insert(0, BENCHMARKS)
from bike_bench.references import REFERENCES  # noqa: E402  (no torch)

DEMO = osp.join(CHECKOUT, 'configs', 'demo', 'bike_tiny_demo.py')
DEMO_4X3 = osp.join(CHECKOUT, 'configs', 'demo',
                    'bike_tiny_demo_4x3-views.py')
BASE = osp.join(CHECKOUT, 'configs', '_base_')
RELEASED_FILES = ('clip/model.py', 'modules/video_clip.py',
                  'utils/NCELoss.py')
#: A stage is not started with less than this left of the budget.
MIN_START_S = 10

#: Sizes and devices of the two modes.
MODES = {
    'gpu': dict(device='cuda', arch='ViT-B-32', frames=8, batch=32,
                infer_batch=32, classes=400, warmup=3, steps=10,
                demo_epochs=2, size=224),
    'dry-run': dict(device='cpu', arch='ViT-Tiny-16', frames=2, batch=2,
                    infer_batch=2, classes=5, warmup=0, steps=1,
                    demo_epochs=1, size=64),
}


class Stage:
    """One command of the run and what became of it. ``command`` may be a
    function giving it when the stage starts (it reads what an earlier
    stage wrote); ``needs`` names the stage that must have succeeded;
    ``read`` gives the figures from its standard output; ``env`` is added
    to the run's environment.
    """

    def __init__(self, name: str, group: str,
                 command: Union[List[str], Callable[[], List[str]]],
                 needs: Optional[str] = None,
                 skip: Optional[str] = None,
                 read: Callable[[str], dict] = lambda output: {},
                 env: Optional[dict] = None) -> None:
        self.name, self.group, self.command = name, group, command
        self.needs, self.skip, self.read = needs, skip, read
        self.env = env or {}
        self.status, self.reason, self.seconds = 'pending', None, None
        self.figures: dict = {}

    def record(self) -> dict:
        return dict(name=self.name, group=self.group, status=self.status,
                    seconds=self.seconds, figures=self.figures,
                    reason=self.reason,
                    command=None if callable(self.command) else self.command)


def last_json(output: str) -> dict:
    """The figures a ``bike_bench.gpu_stages`` process printed last."""
    return json.loads(output.strip().splitlines()[-1])


def accuracy(output: str) -> dict:
    """``acc/top1`` of a ``tools/test.py`` run."""
    found = re.findall(r'acc/top1: ([0-9.]+)', output)
    return dict(top1=float(found[-1])) if found else {}


def file_name(name: str) -> str:
    return re.sub(r'\W+', '_', name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def demo_options(demo: str, size: dict) -> List[str]:
    """``--cfg-options`` of the demo configs: the generated data; in a dry
    run one batch per stage."""
    options = [f'model.class_names={demo}/labels.txt',
               f'train_cfg.max_epochs={size["demo_epochs"]}']
    for split in ('train', 'val', 'test'):
        prefix = f'{split}_dataloader.dataset.'
        options += [f'{prefix}ann_file={demo}/{split}.txt',
                    f'{prefix}data_prefix.video={demo}/videos',
                    f'{prefix}label_file={demo}/labels.txt']
        if size['device'] == 'cpu':
            options += [f'{prefix}indices=8',
                        f'{split}_dataloader.num_workers=0',
                        f'{split}_dataloader.persistent_workers=False']
    return options


def smoke_stages(work: str, size: dict, dry_run: bool,
                 demo_data: Optional[str]) -> List[Stage]:
    python, tools = sys.executable, osp.join(CHECKOUT, 'tools')
    demo = demo_data or osp.join(work, 'demo')
    options = demo_options(demo, size)
    ckpt = osp.join(work, 'train', f'epoch_{size["demo_epochs"]}.pth')
    backend = 'gloo' if dry_run else 'nccl'

    def train(name: str, *args: str, extra_options: Sequence[str] = (),
              gpus: Optional[int] = None, skip: Optional[str] = None
              ) -> Stage:
        """tools/train.py, or with ``gpus`` tools/dist_train.sh."""
        launch = [python, osp.join(tools, 'train.py'), DEMO] if gpus is None \
            else ['bash', osp.join(tools, 'dist_train.sh'), DEMO, str(gpus)]
        return Stage(name, 'smoke', [
            *launch, '--work-dir', osp.join(work, file_name(name)), *args,
            '--cfg-options', *options, *extra_options],
            needs=None if demo_data else 'demo data', skip=skip,
            env=None if gpus is None else dict(PORT=str(free_port())))

    def test(name: str, config: str) -> Stage:
        return Stage(name, 'smoke', [
            python, osp.join(tools, 'test.py'), config, ckpt, '--work-dir',
            osp.join(work, file_name(name)), '--cfg-options', *options],
            needs='train', read=accuracy)

    def infer_command() -> List[str]:  # a video the demo data holds
        with open(osp.join(demo, 'test.txt')) as f:
            video = osp.join(demo, 'videos', f.readline().split()[0])
        return [python, osp.join(tools, 'infer.py'), DEMO, ckpt, video,
                '--device', 'cpu' if dry_run else 'cuda:0',
                '--cfg-options', f'model.class_names={demo}/labels.txt']

    generate = [] if demo_data else [Stage('demo data', 'smoke', [
        python, osp.join(tools, 'generate_demo_dataset.py'), '--out', demo])]
    return generate + [
        train('train'),
        test('test 1x1', DEMO),
        test('test 4x3', DEMO_4X3),
        train('amp bf16', '--amp',
              extra_options=['optim_wrapper.dtype=bfloat16'],
              skip=amp_skip_reason(dry_run)),
        train(f'dist ddp {backend}', gpus=1),
        train(f'dist fsdp {backend}', gpus=1,
              extra_options=['model_wrapper_cfg.type=FullyShardedModel',
                             'runner_type=ShardedRunner']),
        Stage('infer', 'smoke', infer_command, needs='train'),
    ]


def benchmark_stages(size: dict, compile: bool) -> List[Stage]:
    """One stage per case of ``bike_bench.gpu_benchmark.default_cases``
    (the grid is spelled here: this process has no torch)."""
    base = dict(arch=size['arch'], frames=size['frames'],
                batch=size['batch'], infer_batch=size['infer_batch'])
    cases = [dict(base, bf16=bf16, checkpointing=ckpt)
             for bf16 in (False, True) for ckpt in (False, True)]
    cases.append(dict(base, bf16=True, fused=False))
    if compile:
        cases.append(dict(base, bf16=True, compile=True))
    settings = dict(device=size['device'], num_classes=size['classes'],
                    warmup=size['warmup'], steps=size['steps'])
    return [
        Stage(f'bench {case_label(case)}', 'benchmark', [
            sys.executable, '-m', 'bike_bench.gpu_stages', 'case',
            json.dumps(case), json.dumps(settings)], read=last_json)
        for case in cases
    ]


def case_label(case: dict) -> str:
    """As ``Case.label``."""
    return ' '.join(['bf16' if case.get('bf16') else 'fp32',
                     'ckpt' if case.get('checkpointing') else 'no-ckpt',
                     'fused' if case.get('fused', True) else 'foreach'] +
                    (['compile'] if case.get('compile') else []))


def released_stages(work: str, size: dict, released_src: str,
                    dry_run: bool) -> List[Stage]:
    """bike_mm's and the released training step at equal options: float32
    without checkpointing, bf16 with checkpointing (the released code's
    default is float16 AMP with checkpointing)."""
    missing = [name for name in RELEASED_FILES
               if not osp.isfile(osp.join(released_src, name))]
    not_carried = (f'not carried: {released_src} has no '
                   f'{", ".join(missing)}') if missing else None
    model_config = DEMO if dry_run else osp.join(BASE, 'models',
                                                  'bike_vit-b-p32.py')
    common = dict(batch=size['batch'], frames=size['frames'],
                  classes=size['classes'], size=size['size'],
                  work_dir=osp.join(work, 'released_cache'),
                  released_path=released_src, model_config=model_config,
                  schedule_config=osp.join(BASE, 'schedules',
                                           'bike_adamw_cosine_30e.py'))
    settings = dict(device=size['device'], warmup=max(size['warmup'], 1),
                    steps=size['steps'])
    stages = []
    for label, bf16, ckpt in (('fp32 no-ckpt', False, False),
                              ('bf16 ckpt', True, True)):
        options = {'model.backbone.grad_checkpointing': ckpt}
        if bf16:
            options.update({'optim_wrapper.type': 'AmpOptimWrapper',
                            'optim_wrapper.dtype': 'bfloat16'})
        sides = (
            ('bike_mm', dict(options=options),
             amp_skip_reason(dry_run) if bf16 else None),
            # the released CLIP at the released input size
            ('released', dict(precision='bf16' if bf16 else 'fp32',
                              checkpointing=ckpt, size=224), not_carried),
        )
        for side, extra, skip in sides:
            cfg = dict(common, side=side, **extra)
            stages.append(Stage(
                f'{side} train step {label}', 'released', [
                    sys.executable, '-m', 'bike_bench.gpu_stages',
                    'train-step', json.dumps(cfg), json.dumps(settings)],
                skip=skip, read=last_json))
    return stages


def amp_skip_reason(dry_run: bool) -> Optional[str]:
    return ('AmpOptimWrapper runs on accelerators only (dry run on the '
            'CPU)') if dry_run else None


def install_wheels(wheels: str, target: str) -> List[str]:
    """Install the carried wheels into ``target`` without their
    dependencies (the machine's torch stays as it is); the folders to put
    on ``PYTHONPATH``: ``target`` and the carried source packages'
    ``src``."""
    found = sorted(glob.glob(osp.join(wheels, '*.whl')))
    if not found:
        raise FileNotFoundError(
            f'{wheels}: no wheels (run benchmarks/gpu/prepare_carry.py)')
    subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-index',
         '--no-deps', '--no-compile', '--target', target, *found],
        check=True, capture_output=True, text=True)
    source = osp.join(wheels, 'src')
    return [target] + ([source] if osp.isdir(source) else [])


def run_stage(stage: Stage, env: dict, timeout: float, log_dir: str) -> None:
    """Run one stage in its own session (a timed-out stage is ended with
    the processes it started) and record what became of it; its output
    goes to ``log_dir``, as ``<stage>.out`` and ``<stage>.err``."""
    log = osp.join(log_dir, file_name(stage.name))
    start = time.monotonic()
    if callable(stage.command):
        try:
            stage.command = stage.command()
        except OSError as err:
            stage.status, stage.reason = 'failed', str(err)
            return
    with open(log + '.err', 'w') as err, open(log + '.out', 'w') as out:
        proc = subprocess.Popen(stage.command, cwd=CHECKOUT,
                                env=dict(env, **stage.env),
                                stdout=subprocess.PIPE, stderr=err,
                                text=True, start_new_session=True)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            stage.status = 'failed'
            stage.reason = f'timed out after {timeout:.0f} s'
        except BaseException:  # this run ends (SIGTERM, Ctrl-C): so does it
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        out.write(output)
    stage.seconds = round(time.monotonic() - start, 1)
    if stage.status == 'failed':
        return
    if proc.returncode != 0:
        with open(log + '.err') as f:
            lines = [line.strip() for line in f if line.strip()] or [
                line.strip() for line in output.splitlines() if line.strip()]
        stage.status = 'failed'
        stage.reason = (f'exit {proc.returncode}: '
                        f'{lines[-1] if lines else "no output"}')[:300]
        return
    try:
        stage.figures = stage.read(output)
    except (ValueError, IndexError) as err:
        stage.status, stage.reason = 'failed', f'unreadable output: {err}'
        return
    stage.status = 'ok'


def run_all(stages: List[Stage], env: dict, budget_s: float,
            stage_limit_s: float, log_dir: str,
            log: Callable[[str], None] = print) -> None:
    start = time.monotonic()
    by_name = {stage.name: stage for stage in stages}
    for stage in stages:
        left = budget_s - (time.monotonic() - start)
        needed = by_name.get(stage.needs)
        if stage.skip:
            stage.status, stage.reason = 'skipped', stage.skip
        elif needed is not None and needed.status != 'ok':
            stage.status = 'skipped'
            stage.reason = f'needs {needed.name!r}, which {needed.status}'
        elif left < MIN_START_S:
            stage.status = 'skipped'
            stage.reason = f'time budget of {budget_s:.0f} s spent'
        else:
            run_stage(stage, env, min(stage_limit_s, left), log_dir)
        log(f'{stage.name}: {stage.status}'
            + (f' ({stage.seconds} s)' if stage.seconds is not None else '')
            + (f': {stage.reason}' if stage.reason else ''))


def _cell(value, digits: int = 1) -> str:
    return '' if value is None else f'{value:.{digits}f}'


def format_table(stages: List[Stage], size: dict) -> str:
    lines = ['| stage | status | s | train vid/s | train peak GiB | '
             'infer vid/s | infer peak GiB | note |',
             '|---|---|---|---|---|---|---|---|']
    for stage in stages:
        fig = stage.figures
        note = stage.reason or ', '.join(
            f'{key} {value}' for key, value in fig.items()
            if not key.startswith(('train_', 'infer_')))
        # a reason quoting a command's output stays on its table row
        note = ' '.join(note.replace('|', '/').split())
        lines.append(
            f'| {stage.name} | {stage.status} | {_cell(stage.seconds)} | '
            f'{_cell(fig.get("train_vps"))} | '
            f'{_cell(fig.get("train_peak_gib"), 2)} | '
            f'{_cell(fig.get("infer_vps"))} | '
            f'{_cell(fig.get("infer_peak_gib"), 2)} | {note} |')
    ref = REFERENCES.get((size['arch'], size['frames']))
    if ref:
        lines.append(
            f'| published {size["arch"]} {size["frames"]}f (released code, '
            'A100) | | | | '
            f'{_cell(ref.get("bike_train_gb"), 0)} GB/GPU at batch 32 (BIKE '
            f'README) | {_cell(ref.get("text4vis_infer_vps"))} at batch 16 '
            '(Text4Vis) | | |')
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', required=True, help='JSON of the run')
    parser.add_argument('--wheels', default=osp.join(GPU_DIR, 'wheels'),
                        help='the carried wheels (prepare_carry.py)')
    parser.add_argument(
        '--released-src', default=osp.join(GPU_DIR, 'released'),
        help='the released BIKE code (prepare_carry.py --released)')
    parser.add_argument('--budget-s', type=float, default=480,
                        help='start no stage after this many seconds')
    parser.add_argument('--stage-limit-s', type=float, default=150,
                        help='end a stage that runs longer')
    parser.add_argument('--compile', action='store_true',
                        help='add a bf16 case with torch.compile')
    parser.add_argument('--groups', nargs='+',
                        default=['smoke', 'benchmark', 'released'],
                        choices=['smoke', 'benchmark', 'released'],
                        help='stage groups to run (e.g. a rerun of one)')
    parser.add_argument('--work-dir',
                        help='default: a temporary folder, removed after')
    parser.add_argument('--logs',
                        help='a log per stage (default: in the work dir)')
    parser.add_argument(
        '--demo-data',
        help='an existing demo dataset (tools/generate_demo_dataset.py); '
        'default: generated in the work dir')
    parser.add_argument('--dry-run', action='store_true',
                        help='here, on the CPU, tiny model, one step each')
    args = parser.parse_args()
    # a run stopped from outside (e.g. `timeout`) ends its stage's processes
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('run.py: stopped'))
    mode = 'dry-run' if args.dry_run else 'gpu'
    size = MODES[mode]
    work = args.work_dir or tempfile.mkdtemp(prefix='bike_mm_gpu_run_')
    log_dir = args.logs or osp.join(work, 'logs')
    os.makedirs(log_dir, exist_ok=True)
    start = time.monotonic()
    install = Stage('install wheels', 'install', [])
    paths = []
    if args.dry_run:
        install.status, install.reason = 'skipped', 'dry run: this env'
    else:
        install_start = time.monotonic()
        try:
            paths = install_wheels(args.wheels, osp.join(work, 'site'))
            install.status = 'ok'
        except (OSError, subprocess.CalledProcessError) as err:
            install.status = 'failed'
            install.reason = (getattr(err, 'stderr', None)
                              or str(err)).strip()[-300:]
        install.seconds = round(time.monotonic() - install_start, 1)
    # tools/dist_train.sh calls `python`: this one, whatever PATH has (a
    # script, not a link: a link to a venv's python leaves the venv)
    bin_dir = osp.join(work, 'bin')
    os.makedirs(bin_dir, exist_ok=True)
    with open(osp.join(bin_dir, 'python'), 'w') as f:
        f.write(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    os.chmod(osp.join(bin_dir, 'python'), 0o755)
    env = dict(os.environ, PYTHONUNBUFFERED='1',
               PATH=bin_dir + os.pathsep + os.environ.get('PATH', ''))
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [*paths, CHECKOUT, BENCHMARKS,
                      os.environ.get('PYTHONPATH')]))
    if args.dry_run:
        env['CUDA_VISIBLE_DEVICES'] = ''  # the CPU, as a user without GPU
    stages = [Stage('versions', 'install', [
        sys.executable, '-c', VERSIONS], read=last_json)]
    if 'smoke' in args.groups:
        stages += smoke_stages(work, size, args.dry_run, args.demo_data)
    if 'benchmark' in args.groups:
        stages += benchmark_stages(size, args.compile)
    if 'released' in args.groups:
        stages += released_stages(work, size, args.released_src,
                                  args.dry_run)
    run_all(stages, env, args.budget_s - (time.monotonic() - start),
            args.stage_limit_s, log_dir)
    stages.insert(0, install)
    table = format_table(stages, size)
    print(table)
    result = dict(mode=mode, sizes=size, budget_s=args.budget_s,
                  elapsed_s=round(time.monotonic() - start, 1),
                  stages=[stage.record() for stage in stages],
                  references={f'{arch} {frames}f': ref for (arch, frames),
                              ref in REFERENCES.items()},
                  table=table)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(result, f, indent=1)
    if args.work_dir is None:
        shutil.rmtree(work, ignore_errors=True)


#: The versions stage: what each stage imports, and the device.
VERSIONS = '''
import json, mmaction, mmcv, mmengine, open_clip, torch, bike_mm
print(json.dumps(dict(
    torch=torch.__version__, mmengine=mmengine.__version__,
    mmcv=mmcv.__version__, mmaction=mmaction.__version__,
    open_clip=open_clip.__version__,
    device=torch.cuda.get_device_name() if torch.cuda.is_available()
    else 'cpu')))
'''

if __name__ == '__main__':
    main()
