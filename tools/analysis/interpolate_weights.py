"""WiSE-FT: interpolate a fine-tuned checkpoint with the CLIP it started
from, to keep zero-shot accuracy (docs/robust_finetuning.md).

    python tools/analysis/interpolate_weights.py FINETUNED --config CONFIG
        --alpha A [--out PATH] [--raw] [--cfg-options k=v ...]

The CLIP is the config's ``model.backbone.pretrained``, built through the
model's own construction and initialisation; its ``backbone.`` weights
become ``(1 - A) * clip + A * finetuned``, the rest (heads, integer buffers)
stays fine-tuned. The result is a normal checkpoint of the config (its
``meta`` kept, no optimizer state) for tools/test.py; PATH defaults to
FINETUNED with ``_wise-ft_alpha<A>`` before ``.pth``.

A checkpoint of a run with mmengine's ``EMAHook`` (configs/_base_/ema.py)
holds the averaged weights in ``state_dict`` and the raw ones in
``ema_state_dict`` (the hook swaps them when saving); those averaged weights
are interpolated, or the raw ones with ``--raw``.
"""
import argparse
import os.path as osp

from mmaction.registry import MODELS
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import CheckpointLoader, save_checkpoint

import bike_mm  # noqa: F401  (registers the components)
from bike_mm.engine.cli import run_tool
from bike_mm.models.utils import interpolate_weights

#: The weights ``pretrained`` gives: the ones that are interpolated.
ZERO_SHOT_PREFIX = 'backbone.'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='WiSE-FT interpolation')
    parser.add_argument('finetuned', help='fine-tuned checkpoint')
    parser.add_argument(
        '--config', required=True, help='the config it was trained with')
    parser.add_argument(
        '--alpha', type=float, required=True,
        help='weight of the fine-tuned model: 0 zero-shot, 1 fine-tuned')
    parser.add_argument('--out', help='checkpoint to write')
    parser.add_argument(
        '--raw', action='store_true',
        help='of an EMAHook checkpoint, the raw weights, not the averaged')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries')
    args = parser.parse_args()
    if not 0 <= args.alpha <= 1:
        parser.error(f'--alpha must be in [0, 1], got {args.alpha}')
    return args


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    finetuned = CheckpointLoader.load_checkpoint(
        args.finetuned, map_location='cpu')
    if not isinstance(finetuned, dict) or 'state_dict' not in finetuned:
        raise ValueError(f'{args.finetuned} is not a training checkpoint '
                         '(no "state_dict")')
    weights = finetuned['state_dict']
    if args.raw:
        if 'ema_state_dict' not in finetuned:
            raise ValueError(f'--raw: {args.finetuned} has no '
                             '"ema_state_dict" (not saved by an EMAHook run)')
        weights = {
            name[len('module.'):]: value
            for name, value in finetuned['ema_state_dict'].items()
            if name.startswith('module.')
        }
    model = MODELS.build(cfg.model)
    model.init_weights()
    zero_shot = {
        name: value
        for name, value in model.state_dict().items()
        if name.startswith(ZERO_SHOT_PREFIX)
    }
    try:
        merged = interpolate_weights(weights, zero_shot,
                                     args.alpha)
        model.load_state_dict(merged, strict=True)
    except (ValueError, RuntimeError) as err:
        raise ValueError(f'{args.finetuned} does not match the model of '
                         f'{args.config}: {err}') from None
    meta = dict(finetuned.get('meta') or {}, wise_ft=dict(
        alpha=args.alpha, finetuned=args.finetuned, raw=args.raw,
        zero_shot=cfg.model.backbone.get('pretrained')))
    out = args.out or '{}_wise-ft_alpha{:g}.pth'.format(
        osp.splitext(args.finetuned)[0], args.alpha)
    save_checkpoint(dict(meta=meta, state_dict=merged), out)
    print(f'Wrote {out}: alpha={args.alpha:g} between '
          f'{cfg.model.backbone.get("pretrained")} (0) and '
          f'{args.finetuned} (1)')


if __name__ == '__main__':
    run_tool(main)
