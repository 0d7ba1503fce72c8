"""Released BIKE checkpoints: conversion and parity with the released forward.

A checkpoint in the released code's format is made from the tiny CLIP
(OpenAI parameter names, ``module.`` prefix, a random video_header), converted
for a released config, and loaded through the config. The scores of
bike_mm are compared with a forward written here from the paper and the
released behaviour, in plain torch on the released tensors.
"""
import math
import os.path as osp

import open_clip
import pytest
import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample

from bike_mm.apis import init_recognizer
from bike_mm.checkpoints import ConversionError, convert
from bike_mm.checkpoints.released import default_config
from bike_mm.structures import pred_score
from tests.helpers import REPO_ROOT

RELEASED_CONFIGS = osp.join(REPO_ROOT, 'configs', 'bike', 'released')
CONFIG = osp.join(RELEASED_CONFIGS,
                  'bike_vit-b-p32_released_u8_kinetics400-rgb.py')
CLASSES = ['abseiling', 'playing guitar', 'kicking soccer ball',
           'riding a bike', 'making tea']
# the released model with the tiny CLIP in place of ViT-B/32
TINY = {
    'model.backbone.arch': 'ViT-Tiny-16',
    'model.cls_head.in_channels': 64,
    'model.cls_head.num_classes': len(CLASSES),
    'model.class_names': CLASSES,
}
WIDTH = 64  # embedding width of the tiny CLIP
VISION_HEADS = TEXT_HEADS = 2  # its attention heads
TEMPORAL_LAYERS = 6
FRAMES, VIEWS, VIDEOS = 8, 2, 2


def tiny_clip_state(seed: int) -> dict:
    """Tiny CLIP weights in OpenAI naming, every tensor perturbed so that
    each one matters (LayerNorm weights != 1, ...)."""
    torch.manual_seed(seed)
    clip = open_clip.create_model('ViT-Tiny-16', force_quick_gelu=True)
    state = {k: v + 0.02 * torch.randn_like(v)
             for k, v in clip.state_dict().items()}
    state['logit_scale'] = torch.tensor(math.log(50.0))
    return state


def video_header_state() -> dict:
    """A random released video_header: frame positions, 6 blocks."""
    def rand(*shape, mean=0.0):
        return mean + 0.05 * torch.randn(*shape)

    header = {'frame_position_embeddings.weight': rand(77, WIDTH)}
    for i in range(TEMPORAL_LAYERS):
        block = f'transformer.resblocks.{i}.'
        header.update({
            block + 'attn.in_proj_weight': rand(3 * WIDTH, WIDTH),
            block + 'attn.in_proj_bias': rand(3 * WIDTH),
            block + 'attn.out_proj.weight': rand(WIDTH, WIDTH),
            block + 'attn.out_proj.bias': rand(WIDTH),
            block + 'ln_1.weight': rand(WIDTH, mean=1.0),
            block + 'ln_1.bias': rand(WIDTH),
            block + 'mlp.c_fc.weight': rand(4 * WIDTH, WIDTH),
            block + 'mlp.c_fc.bias': rand(4 * WIDTH),
            block + 'mlp.c_proj.weight': rand(WIDTH, 4 * WIDTH),
            block + 'mlp.c_proj.bias': rand(WIDTH),
            block + 'ln_2.weight': rand(WIDTH, mean=1.0),
            block + 'ln_2.bias': rand(WIDTH),
        })
    return header


def released_checkpoint() -> dict:
    """A checkpoint as the released BIKE training script saves it (DDP)."""
    clip_state = {'module.' + k: v for k, v in tiny_clip_state(0).items()}
    clip_state['module.input_resolution'] = 64
    clip_state['module.context_length'] = 77
    clip_state['module.vocab_size'] = 49408
    return dict(
        epoch=29,
        model_state_dict=clip_state,
        fusion_model_state_dict={
            'module.' + k: v for k, v in video_header_state().items()
        },
        optimizer_state_dict=dict(state={}, param_groups=[dict(lr=5e-5)]))


def text4vis_checkpoint() -> dict:
    """A checkpoint as the released Text4Vis training script saves it: its
    VideoCLIP (visual tower, video_header, logit scale), no text tower."""
    state = {k: v for k, v in tiny_clip_state(0).items()
             if k.startswith('visual.') or k == 'logit_scale'}
    state.update({'fusion_model.' + k: v
                  for k, v in video_header_state().items()})
    return dict(epoch=29, model_state_dict=state)


# ---------------------------------------------------------------------------
# The released model's forward, from the paper and the released behaviour.
# ---------------------------------------------------------------------------
def layer_norm(x, sd, name, eps):
    mean = x.mean(-1, keepdim=True)
    var = (x - mean).pow(2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * sd[name + '.weight'] + \
        sd[name + '.bias']


def attention(x, sd, name, heads, causal=False):
    """Multi-head self-attention over ``x`` [N, L, D]."""
    n, length, dim = x.shape
    qkv = x @ sd[name + '.in_proj_weight'].t() + sd[name + '.in_proj_bias']
    q, k, v = (t.reshape(n, length, heads, dim // heads).transpose(1, 2)
               for t in qkv.chunk(3, dim=-1))
    logits = q @ k.transpose(-1, -2) / math.sqrt(dim // heads)
    if causal:
        future = torch.ones(length, length, dtype=torch.bool).triu(1)
        logits = logits.masked_fill(future, float('-inf'))
    out = (logits.softmax(-1) @ v).transpose(1, 2).reshape(n, length, dim)
    return out @ sd[name + '.out_proj.weight'].t() + sd[name +
                                                        '.out_proj.bias']


def residual_blocks(x, sd, prefix, heads, eps, causal=False):
    """CLIP's pre-norm blocks with QuickGELU MLPs."""
    i = 0
    while f'{prefix}{i}.ln_1.weight' in sd:
        block = f'{prefix}{i}.'
        x = x + attention(
            layer_norm(x, sd, block + 'ln_1', eps), sd, block + 'attn', heads,
            causal)
        hidden = layer_norm(x, sd, block + 'ln_2', eps) @ \
            sd[block + 'mlp.c_fc.weight'].t() + sd[block + 'mlp.c_fc.bias']
        hidden = hidden * torch.sigmoid(1.702 * hidden)
        x = x + hidden @ sd[block + 'mlp.c_proj.weight'].t() + \
            sd[block + 'mlp.c_proj.bias']
        i += 1
    return x


def encode_images(sd, images):
    """CLIP ViT: patches + class token, blocks, ln_post of the class token,
    projection. ``images`` [N, 3, H, W] -> [N, D]."""
    patch = sd['visual.conv1.weight'].shape[-1]
    x = F.conv2d(images, sd['visual.conv1.weight'], stride=patch)
    x = x.flatten(2).transpose(1, 2)
    cls = sd['visual.class_embedding'].expand(len(x), 1, -1)
    x = torch.cat([cls, x], 1) + sd['visual.positional_embedding']
    x = layer_norm(x, sd, 'visual.ln_pre', 1e-5)
    x = residual_blocks(x, sd, 'visual.transformer.resblocks.', VISION_HEADS,
                        1e-5)
    return layer_norm(x[:, 0], sd, 'visual.ln_post', 1e-5) @ \
        sd['visual.proj']


def encode_texts(sd, tokens):
    """CLIP text transformer: every token projected, and the sentence
    embedding at the EOT token (the largest id)."""
    x = sd['token_embedding.weight'][tokens] + sd['positional_embedding']
    x = residual_blocks(x, sd, 'transformer.resblocks.', TEXT_HEADS, 1e-5,
                        causal=True)
    words = layer_norm(x, sd, 'ln_final', 1e-5) @ sd['text_projection']
    sentence = words[torch.arange(len(tokens)), tokens.argmax(-1)]
    return sentence, words


def video_header(sd, frames):
    """Frame positions, 6 blocks (LayerNorm eps 1e-12, text width // 64
    heads), residual to the input. ``frames`` [N, T, D]."""
    x = frames + sd['frame_position_embeddings.weight'][:frames.shape[1]]
    return frames + residual_blocks(x, sd, 'transformer.resblocks.',
                                    WIDTH // 64, 1e-12)


def concept_spotting(frames, words, sentence, tau=0.01):
    """Eq. 5-6 as released: saliency averaged over all context tokens, the
    aggregated (not re-normalised) video against the sentence embedding."""
    frames = F.normalize(frames, dim=-1)
    words = F.normalize(words, dim=-1)
    sentence = F.normalize(sentence, dim=-1)
    sims = torch.einsum('kld,ntd->nklt', words, frames)
    saliency = F.softmax(sims / tau, dim=-1).mean(2)  # [N, K, T]
    video = torch.einsum('nkt,ntd->nkd', saliency, frames)
    return torch.einsum('nkd,kd->nk', video, sentence)


def released_forward(checkpoint, clips):
    """BIKE's logits ``[N, K]`` of ``clips`` [N, T, 3, H, W] against
    CLASSES."""
    clip = {k[len('module.'):]: v for k, v in
            checkpoint['model_state_dict'].items() if torch.is_tensor(v)}
    header = {k[len('module.'):]: v for k, v in
              checkpoint['fusion_model_state_dict'].items()}
    tokens = open_clip.tokenize(
        [f'This is a video about {c}' for c in CLASSES])
    sentence, words = encode_texts(clip, tokens)
    n, t = clips.shape[:2]
    frames = encode_images(clip, clips.flatten(0, 1)).view(n, t, -1)
    return clip['logit_scale'].exp() * concept_spotting(
        video_header(header, frames), words, sentence)


def text4vis_forward(checkpoint, text_tower, clips):
    """Text4Vis's logits: the mean of the video_header's output against the
    frozen classifier of prompted class-name embeddings (Text4Vis Eq. 3)."""
    state = checkpoint['model_state_dict']
    header = {k[len('fusion_model.'):]: v for k, v in state.items()
              if k.startswith('fusion_model.')}
    tokens = open_clip.tokenize([f'a video of a person {c}.'
                                 for c in CLASSES])
    classifier = F.normalize(encode_texts(text_tower, tokens)[0], dim=-1)
    n, t = clips.shape[:2]
    frames = encode_images(state, clips.flatten(0, 1)).view(n, t, -1)
    video = F.normalize(video_header(header, frames).mean(1), dim=-1)
    return state['logit_scale'].exp() * video @ classifier.t()


def max_relative_difference(actual, expected):
    return ((actual - expected).abs().max() / expected.abs().max()).item()


# ---------------------------------------------------------------------------
@pytest.fixture(scope='module')
def released(tmp_path_factory):
    """Paths of a released-format checkpoint and its conversion."""
    folder = tmp_path_factory.mktemp('released')
    src, dst = str(folder / 'released.pt'), str(folder / 'converted.pth')
    torch.save(released_checkpoint(), src)
    meta = convert(src, dst, CONFIG, TINY)
    assert meta['released_epoch'] == 29
    return src, dst


def test_conversion_round_trip(released):
    src, dst = released
    source = torch.load(src, weights_only=True)
    converted = torch.load(dst, weights_only=True)
    state = converted['state_dict']
    expected = {}
    for section, prefix in (('model_state_dict', 'backbone.clip.'),
                            ('fusion_model_state_dict',
                             'cls_head.temporal.')):
        for key, value in source[section].items():
            if torch.is_tensor(value):
                expected[prefix + key[len('module.'):]] = value
    assert set(state) == set(expected)
    for key, value in expected.items():
        assert torch.equal(state[key], value), key
    assert sorted(converted['meta']['dropped_keys']) == [
        f'model_state_dict.{k}'
        for k in ('context_length', 'input_resolution', 'vocab_size')
    ]
    # the strict loader of the inference API takes it: every key matches
    model = init_recognizer(CONFIG, dst, 'cpu', cfg_options=TINY)
    for key, value in model.state_dict().items():
        assert torch.equal(value, expected[key]), key


def test_scores_match_released_forward(released):
    src, dst = released
    model = init_recognizer(CONFIG, dst, 'cpu', cfg_options=TINY)
    torch.manual_seed(1)
    inputs = torch.randn(VIDEOS, VIEWS * FRAMES, 3, 64, 64)
    with torch.no_grad():
        logits = model(inputs, mode='tensor', stage='head')
        samples = model(inputs, [ActionDataSample() for _ in range(VIDEOS)],
                        mode='predict')
        expected = released_forward(
            torch.load(src, weights_only=True),
            inputs.view(VIDEOS * VIEWS, FRAMES, 3, 64, 64))
    assert logits.shape == expected.shape == (VIDEOS * VIEWS, len(CLASSES))
    assert max_relative_difference(logits, expected) <= 1e-4
    # test: probabilities averaged over the views of each video
    probs = torch.stack([pred_score(s) for s in samples])
    expected_probs = expected.softmax(-1).view(VIDEOS, VIEWS, -1).mean(1)
    assert max_relative_difference(probs, expected_probs) <= 1e-4
    # the reference is not trivially matched: classes and views differ
    assert expected.std(1).min() > 0.1
    assert (expected[0::2] - expected[1::2]).abs().max() > 0.1


def test_text4vis_scores_match_released_forward(tmp_path):
    text_tower = str(tmp_path / 'clip.pt')  # the CLIP Text4Vis started from
    torch.save(tiny_clip_state(1), text_tower)
    src, dst = str(tmp_path / 'text4vis.pt'), str(tmp_path / 'converted.pth')
    torch.save(text4vis_checkpoint(), src)
    config = osp.join(REPO_ROOT, 'configs', 'text4vis',
                      'text4vis_vit-b-p16_8xb32-u8-30e_kinetics400-rgb.py')
    options = dict(TINY, **{'model.backbone.pretrained': text_tower})
    meta = convert(src, dst, config, options)
    assert meta['from_pretrained'] and all(
        not k.startswith('backbone.clip.visual.')
        for k in meta['from_pretrained'])
    model = init_recognizer(config, dst, 'cpu', cfg_options=options)
    torch.manual_seed(2)
    inputs = torch.randn(VIDEOS, FRAMES, 3, 64, 64)
    with torch.no_grad():
        logits = model(inputs, mode='tensor', stage='head')
        expected = text4vis_forward(
            torch.load(src, weights_only=True),
            torch.load(text_tower, weights_only=True), inputs)
    assert max_relative_difference(logits, expected) <= 1e-4
    assert expected.std(1).min() > 0.1

    # the text tower must come from somewhere
    with pytest.raises(ConversionError, match='no CLIP text tower'):
        convert(src, dst, config, dict(TINY, **{
            'model.backbone.pretrained': None}))


def modified(checkpoint, section, change):
    checkpoint = dict(checkpoint)
    checkpoint[section] = dict(checkpoint[section])
    change(checkpoint[section])
    return checkpoint


@pytest.mark.parametrize('section,change,named', [
    ('fusion_model_state_dict',
     lambda s: s.pop('module.transformer.resblocks.5.ln_2.bias'),
     'cls_head.temporal.transformer.resblocks.5.ln_2.bias'),
    ('model_state_dict',
     lambda s: s.update({'visual.time_embedding': torch.zeros(8, WIDTH)}),
     'model_state_dict.visual.time_embedding'),
    ('fusion_model_state_dict',
     lambda s: s.update({'module.frame_position_embeddings.weight':
                         torch.zeros(32, WIDTH)}),
     'fusion_model_state_dict.frame_position_embeddings.weight: (32, 64) vs '
     'cls_head.temporal.frame_position_embeddings.weight: (77, 64)'),
    ('model_state_dict', lambda s: s.update({'ln_final.bias': 'text'}),
     'model_state_dict.ln_final.bias (str)'),
])
def test_mismatch_names_the_keys(tmp_path, section, change, named):
    src = str(tmp_path / 'bad.pt')
    torch.save(modified(released_checkpoint(), section, change), src)
    with pytest.raises(ConversionError, match='does not match') as err:
        convert(src, str(tmp_path / 'out.pth'), CONFIG, TINY)
    assert named in str(err.value)
    assert src in str(err.value)
    assert not osp.exists(tmp_path / 'out.pth')


def test_missing_section_and_wrong_heads(tmp_path):
    checkpoint = released_checkpoint()
    del checkpoint['fusion_model_state_dict']
    src = str(tmp_path / 'no_header.pt')
    torch.save(checkpoint, src)
    with pytest.raises(ConversionError, match=r"missing \['fusion_model"):
        convert(src, str(tmp_path / 'out.pth'), CONFIG, TINY)
    torch.save(released_checkpoint(), src)
    with pytest.raises(ConversionError, match='temporal_heads=1'):
        convert(src, str(tmp_path / 'out.pth'), CONFIG,
                dict(TINY, **{'model.cls_head.temporal_heads': 2}))


def test_checkpoint_not_matching_config_is_named(released):
    _, dst = released
    fewer_layers = dict(TINY, **{'model.cls_head.temporal_layers': 5})
    with pytest.raises(ValueError, match='does not match') as err:
        init_recognizer(CONFIG, dst, 'cpu', cfg_options=fewer_layers)
    assert 'cls_head.temporal.transformer.resblocks.5.attn.in_proj_weight' \
        in str(err.value)


def test_default_config_follows_the_architecture():
    def clip_of(width, patch, size):
        grid = size // patch
        return dict(model_state_dict={
            'module.visual.conv1.weight': torch.empty(width, 3, patch, patch),
            'module.visual.positional_embedding':
            torch.empty(grid * grid + 1, width)
        })

    for (width, patch, size), name in [((768, 16, 224), 'vit-b-p16'),
                                       ((1024, 14, 336), 'vit-l-p14-336px')]:
        path = default_config(clip_of(width, patch, size), RELEASED_CONFIGS)
        assert osp.basename(path) == \
            f'bike_{name}_released_u8_kinetics400-rgb.py'
        assert osp.isfile(path)
    with pytest.raises(ConversionError, match='pass a config'):
        default_config(clip_of(64, 16, 64), RELEASED_CONFIGS)
