"""One table for several work dirs: BIKE runs next to the user's own
mmaction baselines (any MMEngine work dir, made by our tools or mmaction's).

Each row is a work dir: its latest test run if it has one, else the last
validation of its latest training run. The row shows the model, its
pre-training, the frames and views of the evaluation pipeline, top-1 /
top-5 / mean-class accuracy or mAP, parameters, GFLOPs per view and per
video, and the training wall time.
"""
import copy
import csv
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config

from .work_dir import Run, read_work_dir

# table column -> metric key suffixes, first match wins
METRIC_COLUMNS = {
    'top1': ('/top1', '/full_top1'),
    'top5': ('/top5', '/full_top5'),
    'mean_class': ('/mean1', ),
    'mAP': ('/mean_average_precision', '/mAP'),
    'chance_top1': ('chance/top1', ),  # DatasetClassesHook
}
COLUMNS = ('work_dir', 'model', 'pretrain', 'evaluated', 'frames_x_views',
           'top1', 'top5', 'mean_class', 'mAP', 'chance_top1', 'params_M',
           'GFLOPs_per_view', 'GFLOPs_per_video', 'train_time_s')
SAMPLERS = ('UniformSample', 'ReleasedUniformSample', 'SampleFrames',
            'DenseSampleFrames')
CROPS = dict(ThreeCrop=3, TenCrop=10)


def _crops(step: dict) -> int:
    if step.get('type') == 'FullResCrop':  # bike_mm's, 1 or 3 crops
        return step.get('num_crops', 1)
    return CROPS.get(step.get('type'), 1)


def _find(cfg, type_name: str) -> Optional[dict]:
    return next((t for t in cfg if t.get('type') == type_name), None)


def eval_dataloader(cfg: Config, is_test: bool) -> Optional[dict]:
    """The dataloader config the row's metrics were computed on."""
    return cfg.get('test_dataloader' if is_test else 'val_dataloader')


def frames_and_views(pipeline: Sequence[dict],
                     format_shape: str) -> Optional[Tuple[int, int, int]]:
    """``(frames per view, clips, crops)`` of an evaluation pipeline.

    ``UniformSample(clip_len=T, num_clips=V)`` (BIKE) and 3D models'
    ``SampleFrames(clip_len=T, num_clips=V)`` give V views of T frames; a
    2D model's ``SampleFrames(clip_len=1, num_clips=T)`` gives one view of T
    segments (TSN averages them into one prediction). ``ThreeCrop`` /
    ``TenCrop`` multiply the views.
    """
    sampler = next((t for t in pipeline if t.get('type') in SAMPLERS), None)
    if sampler is None:
        return None
    clip_len = sampler.get('clip_len', 1)
    clips = sampler.get('num_clips', 1)
    if sampler['type'] == 'SampleFrames' and clip_len == 1 and \
            format_shape == 'NCHW':
        clip_len, clips = clips, 1
    crops = max(_crops(t) for t in pipeline)
    return clip_len, clips, crops


def model_name(model: dict) -> str:
    """``Recognizer/Backbone(arch or depth) + Head``."""
    backbone = model.get('backbone') or {}
    size = backbone.get('arch', backbone.get('depth', ''))
    name = f"{model.get('type')}/{backbone.get('type', '-')}"
    name += f'({size})' if size != '' else ''
    head = model.get('cls_head') or {}
    return name + (f" + {head['type']}" if head.get('type') else '')


def pretrain_name(cfg: Config) -> str:
    """Where the weights came from: ``load_from``, the backbone's
    ``pretrained`` or a ``Pretrained`` init_cfg; ``none`` (random init)."""
    backbone = cfg.model.get('backbone') or {}
    init_cfg = backbone.get('init_cfg') or {}
    source = cfg.get('load_from') or backbone.get('pretrained') or \
        (init_cfg.get('checkpoint')
         if init_cfg.get('type') == 'Pretrained' else None)
    return osp.basename(str(source)) if source else 'none'


def without_pretrained_weights(cfg):
    """A copy of a model config that loads no weights: ``pretrained``
    fields set to None (``clip_pretrained`` to False), ``Pretrained``
    init_cfgs dropped (only the model's size and cost are needed)."""
    if isinstance(cfg, list):
        return [without_pretrained_weights(c) for c in cfg]
    if not isinstance(cfg, dict):
        return cfg
    out = {}
    for key, value in cfg.items():
        if key == 'pretrained':
            value = None
        elif key == 'clip_pretrained':
            value = False
        elif key == 'init_cfg' and isinstance(value, dict) and \
                value.get('type') == 'Pretrained':
            value = None
        out[key] = without_pretrained_weights(value)
    return type(cfg)(out)


class _InputToScores(torch.nn.Module):
    """Input -> class scores of every view: the forward whose FLOPs are
    counted (data preprocessing and cached class embeddings excluded)."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor):
        return self.model._forward(inputs, stage='head')


def params_and_flops(cfg: Config, loader: Optional[dict],
                     flops: bool) -> Tuple[float, Optional[float], str]:
    """Parameters (M), GFLOPs of one sample of ``loader`` (all its views;
    None when not counted) and why FLOPs were not counted ('' if they
    were)."""
    from mmaction.registry import DATASETS, MODELS
    from mmaction.utils import register_all_modules
    from mmengine.analysis import FlopAnalyzer
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DefaultScope
    register_all_modules(init_default_scope=False)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'mmaction')):
        model = MODELS.build(without_pretrained_weights(cfg.model)).eval()
        params = sum(p.numel() for p in model.parameters()) / 1e6
        if not flops or not loader:
            return params, None, 'no loader' if flops else ''
        try:
            sample = DATASETS.build(copy.deepcopy(loader['dataset']))[0]
        except Exception as err:  # data absent here: report the rest
            return params, None, f'no sample: {str(err).splitlines()[0]}'
    with torch.no_grad():
        inputs = model.data_preprocessor(pseudo_collate([sample]))['inputs']
        scores = _InputToScores(model)
        scores(inputs)  # fills one-time caches (class text embeddings)
        analyzer = FlopAnalyzer(scores, (inputs, ))
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        return params, analyzer.total() / 1e9, ''


def _metric(metrics: Dict[str, float], suffixes) -> Optional[float]:
    for suffix in suffixes:
        for key, value in metrics.items():
            # chance/top1 is no model's top-1
            if key.endswith(suffix) and (key.startswith('chance/')
                                         == suffix.startswith('chance/')):
                return value
    return None


def compare_row(work_dir: str, flops: bool = True,
                cfg_options: Optional[dict] = None) -> Dict[str, object]:
    """The table row of one work dir (see the module docstring); also
    ``test_ann_file``, ``views`` and ``note`` for the warnings."""
    runs = read_work_dir(work_dir)
    tests = [r for r in runs if r.is_test]
    trainings = [r for r in runs if not r.is_test]
    evaluated: Run = (tests or trainings)[-1]
    cfg = evaluated.config
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    loader = eval_dataloader(cfg, evaluated.is_test)
    pipeline = (loader or {}).get('dataset', {}).get('pipeline') or []
    format_step = _find(pipeline, 'FormatShape') or {}
    views = frames_and_views(pipeline, format_step.get('input_format', ''))
    params, gflops, note = params_and_flops(cfg, loader, flops)
    row = dict(work_dir=osp.basename(osp.normpath(work_dir)),
               model=model_name(cfg.model),
               pretrain=pretrain_name(cfg),
               evaluated='test' if evaluated.is_test else 'val',
               frames_x_views=None,
               params_M=params,
               GFLOPs_per_view=None,
               GFLOPs_per_video=gflops,
               train_time_s=trainings[-1].seconds if trainings else None,
               test_ann_file=(loader or {}).get('dataset',
                                                {}).get('ann_file'),
               views=views, note=note)
    row.update({
        column: _metric(evaluated.metrics, suffixes)
        for column, suffixes in METRIC_COLUMNS.items()
    })
    if views:
        frames, clips, crops = views
        row['frames_x_views'] = f'{frames}x{clips * crops}'
        if gflops is not None:
            row['GFLOPs_per_view'] = gflops / (clips * crops)
    return row


def compare(work_dirs: Sequence[str], flops: bool = True,
            cfg_options: Optional[dict] = None) -> List[Dict[str, object]]:
    """One row per work dir (:func:`compare_row`)."""
    return [compare_row(w, flops, cfg_options) for w in work_dirs]


def warnings(rows: Sequence[Dict[str, object]]) -> List[str]:
    """Why the rows may not be comparable: different views, different
    evaluation annotation files, val next to test results, FLOPs not
    counted."""
    found = []

    def differs(label: str, show) -> None:
        values = {show(r) for r in rows}
        if len(values) > 1:
            found.append(f'WARNING: rows evaluated with different {label}: ' +
                         ', '.join(f"{r['work_dir']}: {show(r)}"
                                   for r in rows))

    differs('views (frames per view, clips, crops)', lambda r: r['views'])
    differs('annotation files', lambda r: r['test_ann_file'])
    differs('splits (test run or last validation)',
            lambda r: r['evaluated'])
    found += [f"NOTE: {r['work_dir']}: FLOPs not counted ({r['note']})"
              for r in rows if r['note']]
    return found


def _cell(value) -> str:
    if value is None:
        return '-'
    if isinstance(value, float):
        return f'{value:.4f}' if abs(value) < 10 else f'{value:.1f}'
    return str(value)


def format_markdown(rows: Sequence[Dict[str, object]]) -> str:
    """A Markdown table with :data:`COLUMNS`; metric columns that no row
    has are left out."""
    columns = [c for c in COLUMNS
               if c not in METRIC_COLUMNS or any(r.get(c) is not None
                                                 for r in rows)]
    lines = ['| ' + ' | '.join(columns) + ' |', '|' + '---|' * len(columns)]
    lines += ['| ' + ' | '.join(_cell(r.get(c)) for c in columns) + ' |'
              for r in rows]
    return '\n'.join(lines)


def write_csv(rows: Sequence[Dict[str, object]], path: str) -> None:
    """All :data:`COLUMNS` and the evaluation annotation file, one row per
    work dir."""
    with open(path, 'w', newline='', encoding='utf-8') as f:
        writer = csv.DictWriter(f, COLUMNS + ('test_ann_file', ),
                                extrasaction='ignore')
        writer.writeheader()
        writer.writerows(rows)


def plot(rows: Sequence[Dict[str, object]], path: str) -> None:
    """A PNG of two bar charts side by side, one bar per work dir (named
    with its frames x views): the accuracy (top-1, else mAP) and the
    GFLOPs per video."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    metric = 'top1' if any(r.get('top1') is not None for r in rows) \
        else 'mAP'
    names = [f"{r['work_dir']} ({r.get('frames_x_views') or '-'})"
             for r in rows]
    fig, (acc_ax, flops_ax) = plt.subplots(
        1, 2, figsize=(10, 1.2 + 0.5 * len(rows)), sharey=True)
    panels = ((acc_ax, metric, f'{metric} (%)', 100.0, '{:.1f}'),
              (flops_ax, 'GFLOPs_per_video', 'GFLOPs per video', 1.0,
               '{:.3g}'))
    for ax, key, title, scale, fmt in panels:
        values = [(r.get(key) or 0.0) * scale for r in rows]
        bars = ax.barh(names, values)
        ax.bar_label(bars, padding=3, labels=[
            '-' if r.get(key) is None else fmt.format(r[key] * scale)
            for r in rows])
        ax.set_title(title)
        ax.set_xlim(0, max(values + [1e-9]) * 1.3)
    acc_ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
