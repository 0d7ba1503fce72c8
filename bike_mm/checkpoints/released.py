"""Conversion of checkpoints of the released BIKE and Text4Vis code into
bike_mm checkpoints (command line: ``tools/convert_released_checkpoint.py``).

The released BIKE code (github.com/whwu95/BIKE) saves
``{'epoch', 'model_state_dict', 'fusion_model_state_dict',
'optimizer_state_dict'}``: the CLIP model in OpenAI's parameter names (the
names open_clip uses too), possibly prefixed by ``module.`` (DDP), and the
``video_header`` (frame position embeddings and the temporal transformer).
They become ``backbone.clip.*`` and ``cls_head.temporal.*`` of the
:class:`BIKERecognizer` built from ``CONFIG`` (a :class:`VCSHead` config).

The released Text4Vis code (github.com/whwu95/Text4Vis) saves its
``VideoCLIP`` as ``model_state_dict``: ``visual.*``, ``fusion_model.*`` (the
same video_header) and ``logit_scale``. Its frozen classifier is the text
embeddings of the CLIP it was trained from, whose text tower is not in the
checkpoint: with a :class:`Text4VisHead` config the text tower comes from
``model.backbone.pretrained`` (e.g. ``'openai'`` or a local file).

The conversion is exact or fails: every source tensor must land on a
parameter of the model and every parameter must be filled, with equal
shapes; otherwise the error lists the offending keys. The optimizer state and
the epoch are training state and are not converted (the epoch goes to
``meta``). Without a config the Kinetics-400 8-frame config of the
checkpoint's CLIP architecture in ``configs/bike/released/`` is used. The
output loads with ``mmengine.runner.load_checkpoint`` (and so
``tools/test.py`` and ``bike_mm.apis.init_recognizer``).
"""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from ..engine.safe_checkpoint import load_checkpoint_file

# in configs/bike/released/ of the source checkout (not installed)
RELEASED_CONFIG = 'bike_{}_released_u8_kinetics400-rgb.py'
# (vision width, patch size, input size) of the released CLIP backbones
RELEASED_ARCHS = {
    (768, 32, 224): 'vit-b-p32',
    (768, 16, 224): 'vit-b-p16',
    (1024, 14, 224): 'vit-l-p14',
    (1024, 14, 336): 'vit-l-p14-336px',
}

# OpenAI CLIP checkpoints may store these hyper-parameters next to the
# weights; open_clip derives them from the architecture.
NON_WEIGHT_KEYS = ('input_resolution', 'context_length', 'vocab_size')
# Training state of the released checkpoints, not part of the model.
TRAINING_STATE_KEYS = ('epoch', 'optimizer_state_dict')


class Rule(NamedTuple):
    """Where some tensors of the released checkpoint go in the model.

    Attributes:
        section (str): Top-level key of the released checkpoint.
        source_prefix (str): The rule takes the section's keys starting with
            it (``''``: all keys).
        target_prefix (str): Replaces ``source_prefix`` in the model's key.
    """
    section: str
    source_prefix: str
    target_prefix: str


class Layout(NamedTuple):
    """A released checkpoint layout.

    Attributes:
        rules (tuple[Rule]): Source keys -> model keys, first match wins.
        pretrained_prefix (str, optional): Model keys under this prefix that
            the checkpoint lacks come from the config's pretrained CLIP
            (``model.backbone.pretrained``). Defaults to None.
    """
    rules: Tuple[Rule, ...]
    pretrained_prefix: Optional[str] = None

    @property
    def sections(self) -> List[str]:
        return list(dict.fromkeys(rule.section for rule in self.rules))


# by the head type of the config's model
LAYOUTS = {
    'VCSHead': Layout((
        Rule('model_state_dict', '', 'backbone.clip.'),
        Rule('fusion_model_state_dict', '', 'cls_head.temporal.'),
    )),
    'Text4VisHead': Layout((
        Rule('model_state_dict', 'visual.', 'backbone.clip.visual.'),
        Rule('model_state_dict', 'fusion_model.', 'cls_head.temporal.'),
        Rule('model_state_dict', 'logit_scale', 'backbone.clip.logit_scale'),
    ), pretrained_prefix='backbone.clip.'),
}


class ConversionError(ValueError):
    """The checkpoint does not match the model of the config."""


def strip_prefix(state: Dict[str, object], prefix: str = 'module.') -> dict:
    """Remove the DDP prefix from every key that has it."""
    return OrderedDict((k[len(prefix):] if k.startswith(prefix) else k, v)
                       for k, v in state.items())


def default_config(released: dict, config_dir: str) -> str:
    """The Kinetics-400 8-frame config of the checkpoint's CLIP, in
    ``config_dir`` (the checkout's ``configs/bike/released``)."""
    clip = strip_prefix(released.get('model_state_dict', {}))
    try:
        width, _, patch, _ = clip['visual.conv1.weight'].shape
        grid = round((clip['visual.positional_embedding'].shape[0] - 1)**0.5)
    except KeyError:
        raise ConversionError('Cannot tell the CLIP architecture of the '
                              'checkpoint; pass a config') from None
    arch = RELEASED_ARCHS.get((width, patch, patch * grid))
    if arch is None:
        raise ConversionError(
            f'No released config for a ViT of width {width}, patch {patch} '
            f'and input {patch * grid}; pass a config')
    return osp.join(config_dir, RELEASED_CONFIG.format(arch))


def build_model(config: str,
                cfg_options: Optional[dict] = None) -> Tuple[object, Layout]:
    """The model of a config and the released layout it loads from.

    Only a layout that takes weights from the pretrained CLIP loads
    ``model.backbone.pretrained``; otherwise every weight comes from the
    released checkpoint and nothing is loaded or downloaded.
    """
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    head = cfg.model.cls_head.type
    if head not in LAYOUTS:
        raise ConversionError(
            f'{config}: no released checkpoint layout is known for a {head} '
            f'head; supported: {sorted(LAYOUTS)}')
    layout = LAYOUTS[head]
    if layout.pretrained_prefix is None:
        cfg.model.backbone.pretrained = None
    elif cfg.model.backbone.get('pretrained') is None:
        raise ConversionError(
            f'{config}: released {head} checkpoints hold no CLIP text tower; '
            'set model.backbone.pretrained to the CLIP weights the model was '
            "trained from (e.g. 'openai' or a local file)")
    return MODELS.build(cfg.model), layout


def check_temporal_heads(model: torch.nn.Module) -> None:
    """The released temporal transformer has ``text width // 64`` heads, a
    number the weight shapes do not reveal; the config must agree."""
    temporal = getattr(model.cls_head, 'temporal', None)
    blocks = getattr(getattr(temporal, 'transformer', None), 'resblocks', [])
    if not len(blocks):
        return
    released = model.backbone.clip.ln_final.weight.shape[0] // 64
    ours = blocks[0].attn.num_heads
    if ours != released:
        raise ConversionError(
            f'The released temporal transformer has {released} attention '
            f'heads (text width // 64) but the config builds {ours}; set '
            f'model.cls_head.temporal_heads={released}')


def _format_keys(keys: List[str], limit: int = 20) -> str:
    shown = ', '.join(keys[:limit])
    more = f' ... and {len(keys) - limit} more' if len(keys) > limit else ''
    return f'[{shown}{more}]'


def convert_state_dict(released: dict, model: torch.nn.Module,
                       layout: Layout) -> Tuple[OrderedDict, dict]:
    """Map a released checkpoint onto the state dict of ``model``.

    Args:
        released (dict): The loaded released checkpoint.
        model (nn.Module): The target model.
        layout (Layout): The checkpoint's layout.

    Returns:
        tuple[OrderedDict, dict]: The model's state dict filled from
        ``released`` (in the model's dtypes), and what was not converted:
        ``dropped_keys`` (non-weight source keys) and ``from_pretrained``
        (model keys kept from the pretrained CLIP).

    Raises:
        ConversionError: Listing missing sections, unknown top-level entries,
            source keys the model does not have, model keys left unfilled,
            shape mismatches and non-tensor values.
    """
    if not isinstance(released, dict):
        raise ConversionError(
            f'A released checkpoint is a dict, got {type(released).__name__}')
    sections = layout.sections
    missing_sections = [n for n in sections if n not in released]
    unknown = [k for k in released
               if k not in sections and k not in TRAINING_STATE_KEYS]
    if missing_sections or unknown:
        raise ConversionError(
            f'Released checkpoint sections: expected {sections} (and '
            f'optionally {list(TRAINING_STATE_KEYS)}); missing '
            f'{missing_sections}, unknown {unknown}')
    check_temporal_heads(model)

    target = model.state_dict()
    converted, placed = OrderedDict(), set()
    dropped, unexpected, mismatched, not_tensor = [], [], [], []
    for section in sections:
        rules = [r for r in layout.rules if r.section == section]
        for key, value in strip_prefix(released[section]).items():
            source = f'{section}.{key}'
            if key in NON_WEIGHT_KEYS or key.endswith('attn_mask'):
                dropped.append(source)  # rebuilt by open_clip
                continue
            rule = next((r for r in rules if key.startswith(r.source_prefix)),
                        None)
            name = None if rule is None else \
                rule.target_prefix + key[len(rule.source_prefix):]
            if name not in target:
                unexpected.append(f'{source} -> {name or "(no rule)"}')
                continue
            placed.add(name)
            if not torch.is_tensor(value):
                not_tensor.append(f'{source} ({type(value).__name__})')
            elif value.shape != target[name].shape:
                mismatched.append(f'{source}: {tuple(value.shape)} vs '
                                  f'{name}: {tuple(target[name].shape)}')
            else:
                converted[name] = value.to(target[name].dtype)
    from_pretrained = [
        k for k in target if k not in placed and layout.pretrained_prefix
        and k.startswith(layout.pretrained_prefix)
    ]
    for key in from_pretrained:
        converted[key] = target[key]
    unfilled = [k for k in target if k not in placed and
                k not in from_pretrained]
    problems = [
        (f'{len(unexpected)} source tensors have no place in the model',
         unexpected),
        (f'{len(unfilled)} model tensors are not in the checkpoint', unfilled),
        (f'{len(mismatched)} shape mismatches', mismatched),
        (f'{len(not_tensor)} source values are not tensors', not_tensor),
    ]
    message = '; '.join(f'{what}: {_format_keys(keys)}'
                        for what, keys in problems if keys)
    if message:
        raise ConversionError(
            f'The checkpoint does not match the model of the config: '
            f'{message}')
    state_dict = OrderedDict((k, converted[k]) for k in target)
    return state_dict, dict(
        dropped_keys=dropped, from_pretrained=from_pretrained)


def convert(src: str,
            dst: str,
            config: Optional[str] = None,
            cfg_options: Optional[dict] = None,
            config_dir: Optional[str] = None) -> dict:
    """Convert the released checkpoint ``src`` for ``config`` into ``dst``.

    Args:
        src (str): Released checkpoint (``.pt``/``.pth``).
        dst (str): Output bike_mm checkpoint.
        config (str, optional): The bike_mm config of the released model.
            Defaults to the Kinetics-400 8-frame BIKE config of its
            architecture in ``config_dir``.
        cfg_options (dict, optional): Config overrides.
        config_dir (str, optional): Where the default configs are (the
            checkout's ``configs/bike/released``); needed without
            ``config``.

    Returns:
        dict: The ``meta`` written with the weights.
    """
    if not osp.isfile(src):
        raise FileNotFoundError(f'Released checkpoint not found: {src}')
    released = load_checkpoint_file(src, 'cpu')
    if config is None:
        if config_dir is None:
            raise ConversionError('No config given: pass a config or the '
                                  'folder of the released configs')
        config = default_config(released, config_dir)
    model, layout = build_model(config, cfg_options)
    try:
        state_dict, kept = convert_state_dict(released, model, layout)
    except ConversionError as err:
        raise ConversionError(f'{src} with {config}: {err}') from None
    meta = dict(
        converted_from=osp.abspath(src),
        config=config,
        released_epoch=released.get('epoch'),
        **kept)
    torch.save(dict(state_dict=state_dict, meta=meta), dst)
    return meta
