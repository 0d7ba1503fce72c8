"""Test a checkpoint with the MMEngine runner (mmaction's usual arguments).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--dump FILE]
        [--allow-class-mismatch] [--cfg-options k=v ...] [--launcher pytorch]
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.dist import is_main_process
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from bike_mm.engine import prepare_cpu_distributed
from bike_mm.engine.cli import run_tool
from bike_mm.engine.run_checks import check_class_names, checkpoint_classes


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a recognizer')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where the test log goes')
    parser.add_argument(
        '--dump', help='pickle file to dump the per-sample predictions to')
    parser.add_argument(
        '--allow-class-mismatch',
        action='store_true',
        help='test even if the checkpoint was trained with other class names '
        'or order than the test set\'s (an error otherwise)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    # loaded strictly below: a checkpoint that does not match the config is
    # an error naming the keys, not a warning in the log
    cfg.load_from = None
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must be a .pkl file, got {args.dump}')
        cfg.test_evaluator = [
            *(cfg.test_evaluator if isinstance(cfg.test_evaluator, list) else
              [cfg.test_evaluator]),
            dict(type='DumpResults', out_file_path=args.dump)
        ]
    prepare_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else \
        RUNNERS.build(cfg)
    try:
        checkpoint = runner.load_checkpoint(
            args.checkpoint, map_location='cpu', strict=True)
    except RuntimeError as err:  # load_state_dict(strict=True)
        raise ValueError(f'Checkpoint {args.checkpoint} does not match the '
                         f'model of {args.config}: {err}') from None
    check_class_names(
        checkpoint_classes(checkpoint),
        runner.test_dataloader.dataset.metainfo.get('classes'),
        args.checkpoint, 'the test set', args.allow_class_mismatch)
    metrics = runner.test()
    if is_main_process():
        # the last line states the result, in mmengine's "name: value" form
        print('  '.join(f'{k}: {v:.4f}' for k, v in metrics.items()))


if __name__ == '__main__':
    run_tool(main)
