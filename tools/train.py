"""Train a recognizer with the MMEngine runner (mmaction's usual arguments).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
        [--start-over] [--amp] [--auto-scale-lr] [--allow-class-mismatch]
        [--cfg-options k=v ...] [--launcher pytorch]

``--resume`` without a path resumes from the newest intact checkpoint of
the work dir, never from another directory; when the work dir has
checkpoints but none can be resumed it stops, naming the newest and why,
and ``--start-over`` trains from scratch after moving them, unchanged, to
``<work dir>/not_resumed`` (docs/checkpoints.md).
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.device import get_device
from mmengine.dist import barrier, is_main_process
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from bike_mm.engine import prepare_cpu_distributed
from bike_mm.engine.cli import run_tool
from bike_mm.engine.resume import (auto_resume_checkpoint, checkpoint_dir,
                                   move_not_resumed)
from bike_mm.engine.runners import check_runner_type


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a recognizer')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--resume',
        nargs='?',
        const='auto',
        help='resume from this checkpoint, or from the latest intact one in '
        'the work dir when no path is given')
    parser.add_argument(
        '--start-over',
        action='store_true',
        help='with --resume and no path: when no checkpoint of the work dir '
        'can be resumed, move them to <work dir>/not_resumed and train from '
        'scratch (else the run stops)')
    parser.add_argument(
        '--allow-class-mismatch',
        action='store_true',
        help='resume even if the checkpoint was trained with other class '
        'names (an error otherwise)')
    parser.add_argument(
        '--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by actual / base batch size')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries, e.g. model.backbone.pretrained=x.pt')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if args.start_over and args.resume != 'auto':
        parser.error('--start-over goes with --resume (without a path)')
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command line to the config."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        if get_device() == 'cpu':
            raise ValueError(
                '--amp needs an accelerator: mmengine\'s AmpOptimWrapper '
                'runs on GPU, NPU, MLU or MUSA only. Train on CPU without '
                '--amp (see docs/distributed.md).')
        # fp16 with dynamic loss scaling; for bf16 add
        # --cfg-options optim_wrapper.dtype=bfloat16
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.allow_class_mismatch:
        for hook in cfg.get('custom_hooks', []):
            if hook['type'] == 'RunConsistencyHook':
                hook['allow_class_mismatch'] = True
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main() -> None:
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    check_runner_type(cfg)
    prepare_cpu_distributed(cfg)
    if args.resume == 'auto':
        cfg.load_from = auto_resume_checkpoint(cfg, args.start_over)
        cfg.resume = cfg.load_from is not None
    # runner_type='ShardedRunner' trains a FullyShardedModel,
    # 'FlexibleRunner' selects mmengine's FSDP / DeepSpeed strategies
    # (docs/distributed.md)
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else \
        RUNNERS.build(cfg)
    if args.start_over and not cfg.resume:
        # after every rank has looked at the checkpoints (they all joined
        # the process group while the Runner was built)
        if is_main_process():
            hook = cfg.default_hooks.get('checkpoint') or {}
            moved = move_not_resumed(
                checkpoint_dir(cfg.work_dir, hook.get('out_dir')))
            if moved:
                runner.logger.warning(
                    f'Starting over: the checkpoints of {cfg.work_dir} are '
                    f'kept, unchanged, in {moved}')
        barrier()
    runner.train()


if __name__ == '__main__':
    run_tool(main)
