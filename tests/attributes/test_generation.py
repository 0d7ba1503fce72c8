"""Attribute generation (bike_mm.attributes.generation): the top-k phrases
of each video, resuming, undecodable videos, distributed shards, bad input,
and the demo's stage 2 trained on generated attributes."""
import json
import os
import os.path as osp
import shutil

import decord
import numpy as np
import open_clip
import pytest
import torch
import torch.nn.functional as F
from mmaction.datasets.transforms import UniformSample
from mmengine.config import Config
from mmengine.runner import Runner
from open_clip.transform import PreprocessCfg, image_transform_v2
from PIL import Image

from bike_mm.attributes import (
    AttributeFile,
    AttributeGenerationError,
    generate_attributes,
)
from bike_mm.models import OpenCLIP
from tests.helpers import REPO_ROOT, demo_cfg_options, free_port, run_tool

NUM_VIDEOS = 4  # videos of the generation tests: the first of 4 classes
TEMPLATE = 'This is a video about {}'


@pytest.fixture(scope='module')
def few_videos(demo_data, tmp_path_factory):
    """An annotation file with NUM_VIDEOS demo videos of different classes,
    the video folder and the label file."""
    out = tmp_path_factory.mktemp('few')
    with open(osp.join(demo_data, 'val.txt')) as f:
        lines = [line for line in f if line.split()[0].endswith('_00.mp4')]
    ann = out / 'ann.txt'
    ann.write_text(''.join(lines[:NUM_VIDEOS]))
    return str(ann), osp.join(demo_data, 'videos'), osp.join(
        demo_data, 'labels.txt')


# the tiny random CLIP, 4 frames, top 3, in batches of 3 videos
SETTINGS = dict(arch='ViT-Tiny-16', pretrained=None, num_frames=4, topk=3,
                batch_size=3, num_workers=0)


def generate(ann, prefix, lexicon, out, **extra):
    generate_attributes(ann, str(out), lexicon, data_prefix=prefix,
                        **dict(SETTINGS, **extra))
    with open(out) as f:
        return json.load(f)


def direct_attributes(video_path, phrases, topk=3, num_frames=4):
    """Top-k phrases of one video computed directly with decord and
    open_clip's own encoders."""
    torch.manual_seed(0)  # the tool's random weights
    clip = OpenCLIP('ViT-Tiny-16').clip.eval()
    reader = decord.VideoReader(video_path)
    index = UniformSample(num_frames, test_mode=True)._get_sample_clips(
        len(reader))
    preprocess = image_transform_v2(
        PreprocessCfg(**clip.visual.preprocess_cfg), is_train=False)
    frames = torch.stack([
        preprocess(Image.fromarray(img))
        for img in reader.get_batch(list(index)).asnumpy()
    ])
    tokens = open_clip.get_tokenizer('ViT-Tiny-16')(
        [TEMPLATE.format(p) for p in phrases])
    with torch.no_grad():
        video = F.normalize(clip.encode_image(frames).mean(0), dim=-1)
        text = F.normalize(clip.encode_text(tokens), dim=-1)
    scores, index = (text @ video).topk(topk)
    return [phrases[i] for i in index], scores.tolist()


def test_generation_matches_direct_computation(few_videos, tmp_path):
    ann, prefix, lexicon = few_videos
    result = generate(ann, prefix, lexicon, tmp_path / 'attr.json')
    phrases = open(lexicon).read().split('\n')[:-1]
    keys = [line.split()[0] for line in open(ann)]
    assert list(result['videos']) == keys  # annotation order
    assert result['errors'] == {}
    assert result['meta']['arch'] == 'ViT-Tiny-16'
    assert result['meta']['num_frames'] == 4
    assert result['meta']['lexicon'] == lexicon
    for key in keys:
        attributes, scores = direct_attributes(osp.join(prefix, key), phrases)
        assert result['videos'][key]['attributes'] == attributes
        np.testing.assert_allclose(
            result['videos'][key]['scores'], scores, atol=2e-6)
        assert scores == sorted(scores, reverse=True)


def test_resume_skips_done_videos(few_videos, tmp_path):
    ann, prefix, lexicon = few_videos
    lines = open(ann).readlines()
    half = tmp_path / 'half.txt'
    half.write_text(''.join(lines[:2]))
    out = tmp_path / 'attr.json'
    first = generate(str(half), prefix, lexicon, out)
    # mark the done videos: a resumed run must keep them as they are
    done = AttributeFile.load(str(out))
    for entry in done.videos.values():
        entry['attributes'] = ['kept from the first run']
    done.dump(str(out))
    resumed = generate(ann, prefix, lexicon, out)
    keys = [line.split()[0] for line in lines]
    assert list(resumed['videos']) == keys
    for key in keys[:2]:
        assert resumed['videos'][key]['attributes'] == [
            'kept from the first run'
        ]
        assert resumed['videos'][key]['scores'] == first['videos'][key][
            'scores']
    assert 'kept from the first run' not in resumed['videos'][keys[2]][
        'attributes']
    with pytest.raises(AttributeGenerationError, match='other settings'):
        generate(ann, prefix, lexicon, out, template='a photo of {}')


def test_undecodable_video_is_listed_and_run_completes(few_videos, tmp_path):
    ann, prefix, lexicon = few_videos
    videos = tmp_path / 'videos'
    shutil.copytree(prefix, videos)
    (videos / 'broken.mp4').write_bytes(b'this is not a video' * 10)
    with_broken = tmp_path / 'ann.txt'
    with_broken.write_text('broken.mp4 0\n' + open(ann).read())
    out = tmp_path / 'attr.json'
    result = generate(str(with_broken), str(videos), lexicon, out)
    assert list(result['errors']) == ['broken.mp4']
    assert len(result['videos']) == NUM_VIDEOS
    # errors are tried again when resuming; a fixed video leaves the list
    shutil.copy(videos / 'val' / 'class0_00.mp4', videos / 'broken.mp4')
    result = generate(str(with_broken), str(videos), lexicon, out)
    assert result['errors'] == {}
    assert len(result['videos']) == NUM_VIDEOS + 1


@pytest.mark.e2e
def test_two_process_generation_equals_one_process(few_videos, tmp_path):
    """The command line under torchrun: two shards merged by rank 0."""
    ann, prefix, lexicon = few_videos
    single = generate(ann, prefix, lexicon, tmp_path / 'single.json')
    out = tmp_path / 'dist.json'
    run_tool(
        'generate_attributes.py', ann, '--data-prefix', prefix, '--lexicon',
        lexicon, '--out', out, '--arch', 'ViT-Tiny-16', '--pretrained',
        'none', '--num-frames', '4', '--topk', '3', '--batch-size', '3',
        '--num-workers', '0', '--launcher', 'pytorch',
        python_args=('-m', 'torch.distributed.run', '--nproc_per_node', '2',
                     '--master_port', str(free_port())),
        env=dict(OMP_NUM_THREADS='1'))
    distributed = json.load(open(out))
    assert distributed['meta'] == single['meta']
    assert distributed['errors'] == single['errors']
    assert list(distributed['videos']) == list(single['videos'])
    for key, entry in single['videos'].items():
        assert distributed['videos'][key]['attributes'] == entry['attributes']
        np.testing.assert_allclose(
            distributed['videos'][key]['scores'], entry['scores'], atol=2e-6)
    assert not [p for p in os.listdir(tmp_path) if '.part' in p]


def test_bad_settings_and_inputs_are_named(few_videos, tmp_path):
    ann, prefix, lexicon = few_videos
    out = tmp_path / 'attr.json'
    with pytest.raises(AttributeGenerationError, match='exactly one'):
        generate(ann, prefix, lexicon, out, template='no slot')
    with pytest.raises(AttributeGenerationError, match='topk must be >= 1'):
        generate(ann, prefix, lexicon, out, topk=0)
    empty = tmp_path / 'empty.txt'
    empty.write_text('\n')
    with pytest.raises(AttributeGenerationError, match=str(empty)):
        generate(str(empty), prefix, lexicon, out)
    assert not out.exists()


@pytest.mark.e2e
def test_command_line_reports_bad_input_in_one_line(few_videos, tmp_path):
    ann, prefix, lexicon = few_videos
    missing = tmp_path / 'missing.txt'
    result = run_tool('generate_attributes.py', missing, '--lexicon',
                      lexicon, '--out', tmp_path / 'attr.json', check=False)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        f'generate_attributes.py: error: Annotation file not found: {missing}')
    assert 'Traceback' not in result.stderr


@pytest.mark.e2e
def test_demo_attributes_branch_trains_and_reports_each_branch(
        demo_data, tmp_path):
    """Stage 2 on a subset of the demo data (one epoch, random video branch)
    with attributes from the tool: validation reports the fused accuracy and
    each branch's."""
    lexicon = osp.join(demo_data, 'labels.txt')
    options = demo_cfg_options(demo_data)
    for split, per_class in (('train', 2), ('val', 1)):
        with open(osp.join(demo_data, f'{split}.txt')) as f:
            lines = [line for line in f
                     if int(line.split('_')[1][:2]) < per_class]
        ann = tmp_path / f'{split}.txt'
        ann.write_text(''.join(lines))
        options[f'{split}_dataloader.dataset.ann_file'] = str(ann)
        out = tmp_path / f'attributes_{split}.json'
        generate_attributes(
            str(ann), str(out), lexicon,
            data_prefix=osp.join(demo_data, 'videos'), arch='ViT-Tiny-16',
            pretrained=None, num_workers=0, batch_size=16)
        options[f'{split}_dataloader.dataset.pipeline.0.attribute_file'] = \
            str(out)
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'demo', 'bike_tiny_demo_attributes.py'))
    cfg.merge_from_dict(options)
    cfg.merge_from_dict({
        'work_dir': str(tmp_path / 'work'),
        'load_from': None,
        'train_cfg.max_epochs': 1,
        'train_cfg.val_interval': 1,
        'test_dataloader': None,
        'test_cfg': None,
        'test_evaluator': None,
    })
    runner = Runner.from_cfg(cfg)
    model = runner.model
    before = {k: v.clone() for k, v in model.state_dict().items()}
    runner.train()
    after = model.state_dict()
    # stage 2: the video branch stays as it was, the attributes branch trains
    for key in before:
        if key.startswith(('backbone.', 'cls_head.')):
            assert torch.equal(after[key], before[key]), key
    assert not torch.equal(
        after['attributes_head.attribute_projection.0.weight'],
        before['attributes_head.attribute_projection.0.weight'])
    metrics = runner.val_loop.run()
    assert {'acc/top1', 'acc/video_top1', 'acc/attributes_top1'} <= set(
        metrics)
    # 8 validation videos: every accuracy is a multiple of 1/8
    for name in ('top1', 'video_top1', 'attributes_top1'):
        assert metrics[f'acc/{name}'] * 8 == pytest.approx(
            round(metrics[f'acc/{name}'] * 8), abs=1e-6)
