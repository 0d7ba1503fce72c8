"""Convert a checkpoint of the released BIKE or Text4Vis code into a bike_mm
checkpoint (:func:`bike_mm.checkpoints.convert`; layouts and checks in
``bike_mm/checkpoints/released.py``, usage in docs/inference.md).

    python tools/convert_released_checkpoint.py SRC DST [--config CONFIG]
        [--cfg-options k=v ...]

Without ``--config`` the Kinetics-400 8-frame config of the checkpoint's CLIP
architecture in ``configs/bike/released/`` is used.
"""
import argparse
import os.path as osp

from mmengine.config import DictAction

from bike_mm.checkpoints import convert
from bike_mm.engine.cli import run_tool

# a script of the checkout: the configs are next to tools/
RELEASED_CONFIGS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                            'configs', 'bike', 'released')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert a released BIKE checkpoint for bike_mm')
    parser.add_argument('src', help='released checkpoint')
    parser.add_argument('dst', help='output bike_mm checkpoint')
    parser.add_argument(
        '--config',
        help='bike_mm config of the model (default: the Kinetics-400 '
        '8-frame config of the checkpoint\'s CLIP in configs/bike/released)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    meta = convert(args.src, args.dst, args.config, args.cfg_options,
                   RELEASED_CONFIGS)
    print(f'Wrote {args.dst} for {meta["config"]} (released epoch '
          f'{meta["released_epoch"]}; dropped non-weight keys: '
          f'{meta["dropped_keys"] or "none"}; '
          f'{len(meta["from_pretrained"])} tensors from the pretrained CLIP)')


if __name__ == '__main__':
    run_tool(main)
