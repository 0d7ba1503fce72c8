"""BIKE attributes branch: attribute generation, attribute files, sentence
transform, AttributesHead, two-branch recognizer and fused evaluation."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import decord
import numpy as np
import open_clip
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.runner import Runner
from open_clip.transform import PreprocessCfg, image_transform_v2
from PIL import Image

from bike_mm.datasets import AttributeFile, LoadAttributeSentence
from bike_mm.evaluation.metrics import BranchAccMetric
from bike_mm.models import OpenCLIP
from bike_mm.models.utils import TextEmbeddings
from bike_mm.structures import (branch_scores, pred_score, set_gt_label,
                                 set_pred_score)
from mmaction.datasets.transforms import UniformSample
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from conftest import REPO_ROOT, demo_cfg_options, free_port, tiny_bike_model

sys.path.insert(0, osp.join(REPO_ROOT, 'tools'))
import generate_attributes  # noqa: E402

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


def generate(ann, prefix, lexicon, out, *extra):
    generate_attributes.main([
        ann, '--data-prefix', prefix, '--lexicon', lexicon, '--out',
        str(out), '--arch', 'ViT-Tiny-16', '--pretrained', 'none',
        '--num-frames', '4', '--topk', '3', '--batch-size', '3',
        '--num-workers', '0', *extra
    ])
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
    with pytest.raises(ValueError, match='other settings'):
        generate(ann, prefix, lexicon, out, '--template', 'a photo of {}')


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


def test_two_process_generation_equals_one_process(few_videos, tmp_path):
    ann, prefix, lexicon = few_videos
    single = generate(ann, prefix, lexicon, tmp_path / 'single.json')
    out = tmp_path / 'dist.json'
    env = dict(os.environ, OMP_NUM_THREADS='1')
    subprocess.run([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node',
        '2', '--master_port', str(free_port()),
        osp.join(REPO_ROOT, 'tools', 'generate_attributes.py'), ann,
        '--data-prefix', prefix, '--lexicon', lexicon, '--out',
        str(out), '--arch', 'ViT-Tiny-16', '--pretrained', 'none',
        '--num-frames', '4', '--topk', '3', '--batch-size', '3',
        '--num-workers', '0', '--launcher', 'pytorch'
    ], check=True, cwd=REPO_ROOT, env=env, capture_output=True)
    distributed = json.load(open(out))
    assert distributed['meta'] == single['meta']
    assert distributed['errors'] == single['errors']
    assert list(distributed['videos']) == list(single['videos'])
    for key, entry in single['videos'].items():
        assert distributed['videos'][key]['attributes'] == entry['attributes']
        np.testing.assert_allclose(
            distributed['videos'][key]['scores'], entry['scores'], atol=2e-6)
    assert not [p for p in os.listdir(tmp_path) if '.part' in p]


def test_released_format_loads(tmp_path):
    path = tmp_path / 'K400_val_vit_L14_attributes.json'
    path.write_text(
        json.dumps({
            '--07WQ2iBlw': dict(classname_topk=['abseiling', 'rock climbing',
                                                'ice climbing', 'skiing',
                                                'hiking', 'bungee jumping']),
            'zumba/xyz': dict(classname_topk=['zumba'])
        }))
    loaded = AttributeFile.load(str(path))
    assert loaded.videos['zumba/xyz'] == dict(
        attributes=['zumba'], scores=None)
    # keys match data_prefix-joined paths, with or without extension
    assert loaded.lookup('/data/k400/val/--07WQ2iBlw.mp4')[0] == 'abseiling'
    assert loaded.lookup('/data/k400/zumba/xyz.mp4') == ['zumba']
    assert loaded.lookup('/data/k400/other/xyz.mp4') is None
    transform = LoadAttributeSentence(str(path), arch='ViT-B-32')
    results = transform(dict(filename='/data/val/--07WQ2iBlw.mp4'))
    assert results['attribute_sentence'] == (
        'This is a video about abseiling, rock climbing, ice climbing, '
        'skiing, hiking')

    path.write_text(json.dumps({'a.mp4': {'topk': ['x']}}))
    with pytest.raises(ValueError, match="'a.mp4'"):
        AttributeFile.load(str(path))


@pytest.fixture
def attribute_file(tmp_path):
    path = str(tmp_path / 'attr.json')
    AttributeFile(
        dict(topk=3),
        {'train/a.mp4': dict(attributes=['run', 'jump', 'swim'],
                             scores=[0.3, 0.2, 0.1])}).dump(path)
    return path


def test_sentence_building_and_tokens(attribute_file):
    transform = LoadAttributeSentence(
        attribute_file, arch='ViT-Tiny-16', topk=2, template='Video of {}.',
        separator=' and ')
    results = transform(dict(filename='data/videos/train/a.mp4'))
    assert results['attribute_sentence'] == 'Video of run and jump.'
    expected = open_clip.get_tokenizer('ViT-Tiny-16')(
        ['Video of run and jump.'])[0]
    assert torch.equal(results['attribute_tokens'], expected)
    # released code: "This is a video about " + ",".join(top 5)
    released = LoadAttributeSentence(attribute_file, separator=',', topk=3)
    assert released.sentence(['run', 'jump', 'swim']) == \
        'This is a video about run,jump,swim'


def test_missing_attributes_error_or_fallback(attribute_file):
    with pytest.raises(KeyError, match='train/b.mp4'):
        LoadAttributeSentence(attribute_file, topk=3)(
            dict(filename='train/b.mp4'))
    transform = LoadAttributeSentence(
        attribute_file, topk=3, fallback=['a video'])
    results = transform(dict(filename='train/b.mp4'))
    assert results['attribute_sentence'] == 'This is a video about a video'
    transform(dict(filename='train/c.mp4'))
    transform(dict(filename='train/a.mp4'))
    assert transform.num_missing == 2
    with pytest.raises(ValueError, match='top 3'):
        LoadAttributeSentence(attribute_file, topk=5)


def head_samples(video_scores, labels):
    samples = []
    for score, label in zip(video_scores, labels):
        sample = ActionDataSample()
        set_pred_score(sample, torch.tensor(score))
        set_gt_label(sample, torch.tensor([label]))
        samples.append(sample)
    return samples


def test_fusion_arithmetic_and_branch_metric():
    head = MODELS.build(
        dict(type='AttributesHead', num_classes=3, in_channels=2,
             fusion_weight=0.75))
    categories = torch.tensor([[1., 0.], [0., 1.], [-1., 0.]])
    attributes = torch.tensor([[0., 2.], [3., 0.]])  # -> classes 1 and 0
    video = [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]]  # -> classes 2 and 0
    samples = head_samples(video, labels=[1, 0])
    cats = TextEmbeddings(categories, categories[:, None],
                          torch.ones(3, 1, dtype=torch.bool))
    head.predict(attributes, cats, samples, logit_scale=10., fuse=True)
    s_a = torch.softmax(10. * torch.tensor([[0., 1., 0.], [1., 0., -1.]]), 1)
    for sample, v, a in zip(samples, video, s_a):
        branches = branch_scores(sample)
        torch.testing.assert_close(branches['attributes'], a)
        torch.testing.assert_close(branches['video'], torch.tensor(v))
        torch.testing.assert_close(pred_score(sample),
                                   0.75 * torch.tensor(v) + 0.25 * a)
    # fused: sample 0 is 0.75*[.1,.2,.7]+.25*[~0,~1,~0] -> class 2 (wrong)
    assert [int(pred_score(s).argmax()) for s in samples] == [2, 0]

    metric = BranchAccMetric(metric_options=dict(top_k_accuracy=dict(
        topk=(1, ))))
    metric.process(None, [s.to_dict() for s in samples])
    results = metric.compute_metrics(metric.results)
    assert results['top1'] == 0.5
    assert results['video_top1'] == 0.5
    assert results['attributes_top1'] == 1.0


def tiny_two_branch_model(**kwargs):
    cfg = tiny_bike_model(num_classes=4)
    cfg.update(
        attributes_head=dict(
            type='AttributesHead', num_classes=4, in_channels=64,
            text_encoder=dict(type='OpenCLIP', arch='ViT-Tiny-16',
                              freeze_text=False, freeze_vision=True),
            projection=True, fusion_weight=0.6),
        **kwargs)
    return MODELS.build(cfg)


def recognizer_batch(model, labels):
    tokens = open_clip.get_tokenizer('ViT-Tiny-16')(
        [f'This is a video about thing {i}' for i in labels])
    samples = []
    for label, token in zip(labels, tokens):
        sample = ActionDataSample(metainfo=dict(attribute_tokens=token))
        set_gt_label(sample, torch.tensor([label]))
        samples.append(sample)
    return torch.randn(len(labels), 4, 3, 64, 64), samples


def test_recognizer_branches_losses_and_freezing():
    torch.manual_seed(0)
    model = tiny_two_branch_model()
    assert model.attributes_head.text_encoder.clip.visual.__class__ is \
        torch.nn.Identity
    inputs, samples = recognizer_batch(model, [0, 1, 2, 1])
    assert set(model.loss(inputs, samples)) == {'loss_cls', 'loss_attributes'}

    stage2 = tiny_two_branch_model(frozen_branches=('video', ))
    stage2.train()
    assert not any(p.requires_grad for p in stage2.backbone.parameters())
    assert not any(p.requires_grad for p in stage2.cls_head.parameters())
    assert not stage2.backbone.training
    losses = stage2.loss(inputs, samples)
    assert set(losses) == {'loss_attributes'}
    losses['loss_attributes'].backward()
    assert stage2.attributes_head.attribute_projection[0].weight.grad is \
        not None
    # every trainable parameter gets a gradient (DDP needs no unused ones)
    assert [n for n, p in stage2.named_parameters()
            if p.requires_grad and p.grad is None] == []
    assert stage2.attributes_head.text_encoder.clip.token_embedding.weight \
        .grad is not None

    with pytest.raises(ValueError, match='needs attributes_head'):
        MODELS.build(
            dict(tiny_bike_model(num_classes=4),
                 frozen_branches=('attributes', )))


def test_recognizer_predict_fused_and_single_branch():
    torch.manual_seed(0)
    model = tiny_two_branch_model().eval()
    inputs, samples = recognizer_batch(model, [0, 1])
    with torch.no_grad():
        fused = model.predict(inputs, samples)
    for sample in fused:
        branches = branch_scores(sample)
        torch.testing.assert_close(
            pred_score(sample),
            0.6 * branches['video'] + 0.4 * branches['attributes'])
    model.branches = ('attributes', )
    _, samples = recognizer_batch(model, [0, 1])
    with torch.no_grad():
        only = model.predict(None, samples)
    for a, b in zip(fused, only):
        torch.testing.assert_close(pred_score(b),
                                   branch_scores(a)['attributes'])
        assert branch_scores(b) == {}
    # plug-and-play: the category encoder encodes the sentences
    plug = tiny_bike_model(num_classes=4)
    plug.update(attributes_head=dict(type='AttributesHead', num_classes=4,
                                     in_channels=64),
                frozen_branches=('video', 'attributes'))
    plug = MODELS.build(plug)
    assert not any(p.requires_grad for p in plug.parameters())
    with pytest.raises(RuntimeError, match='nothing to train'):
        plug.loss(inputs, samples)
    _, samples = recognizer_batch(plug, [0, 1])
    with torch.no_grad():
        plug.eval().predict(inputs, samples)
    assert 'attribute_tokens' in samples[0]


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
        generate_attributes.main([
            str(ann), '--data-prefix',
            osp.join(demo_data, 'videos'), '--lexicon', lexicon, '--out',
            str(out), '--arch', 'ViT-Tiny-16', '--pretrained', 'none',
            '--num-workers', '0', '--batch-size', '16'
        ])
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
    runner.train()
    metrics = runner.val_loop.run()
    for name in ('top1', 'video_top1', 'attributes_top1'):
        assert 0.0 <= metrics[f'acc/{name}'] <= 1.0
