"""ONNX export of the three recognizers: parity with PyTorch's test_step
(views averaged), dynamic batch, open vocabulary, int8 quantisation, and
what is refused."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from bike_mm.deployment import (
    ClipScorer,
    OnnxRecognizer,
    category_inputs,
    export_onnx,
    quantize_onnx,
)
from bike_mm.structures import pred_score
from tests.helpers import REPO_ROOT, tiny_bike_model

pytest.importorskip('onnxruntime')

TOLERANCE = 1e-4


def demo_model(name: str, num_classes: int = 5) -> torch.nn.Module:
    """A demo config's model, randomly initialised, on made-up classes."""
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'demo', name))
    cfg.model.class_names = [f'a thing number {i}'
                             for i in range(num_classes)]
    cfg.model.cls_head.num_classes = num_classes
    torch.manual_seed(0)
    return MODELS.build(cfg.model).eval()


def random_video(model: torch.nn.Module, views: int) -> torch.Tensor:
    """``[V*T, 3, H, W]`` frames in [0, 255], as the test pipeline packs a
    video."""
    size = model.backbone.clip.visual.image_size
    generator = torch.Generator().manual_seed(1)
    return torch.rand(views * model.num_frames, 3, size[0], size[1],
                      generator=generator) * 255


def pytorch_scores(model: torch.nn.Module,
                   video: torch.Tensor) -> np.ndarray:
    data = pseudo_collate([dict(inputs=video,
                                data_samples=ActionDataSample())])
    with torch.no_grad():
        return pred_score(model.test_step(data)[0]).numpy()


def check_parity(model: torch.nn.Module, onnx_file: str) -> None:
    """Scores of a 2-view video and logits of 1 and 3 clips agree."""
    deployed = OnnxRecognizer(onnx_file)
    video = random_video(model, views=2)
    scores = deployed.predict(video.numpy())
    assert scores.shape == (len(model.class_names), )
    assert np.abs(scores - pytorch_scores(model, video)).max() <= TOLERANCE
    scorer = ClipScorer(model)
    for batch in (1, 3):
        clips = torch.rand(batch, model.num_frames,
                           *video.shape[1:]) * 255
        with torch.no_grad():
            expected = scorer(clips).numpy()
        assert np.abs(deployed.logits(clips.numpy()) - expected).max() \
            <= TOLERANCE


def test_bike_vcs_head_matches_pytorch(tmp_path):
    model = demo_model('bike_tiny_demo.py')
    out = str(tmp_path / 'bike.onnx')
    metadata = export_onnx(model, out)
    assert metadata == dict(
        class_names=model.class_names, num_frames=8, image_size=[64, 64],
        average_clips=model.cls_head.average_clips, open_vocabulary=False)
    check_parity(model, out)
    assert OnnxRecognizer(out).class_names == model.class_names


def test_int8_quantisation_is_int8_and_keeps_the_interface(tmp_path):
    onnx = pytest.importorskip('onnx')
    model = demo_model('bike_tiny_demo.py')
    fp32, int8 = str(tmp_path / 'fp32.onnx'), str(tmp_path / 'int8.onnx')
    export_onnx(model, fp32)
    quantize_onnx(fp32, int8)
    ops = {node.op_type for node in onnx.load(int8).graph.node}
    assert {'DynamicQuantizeLinear', 'MatMulInteger'} <= ops
    assert osp.getsize(int8) < 0.6 * osp.getsize(fp32)
    deployed = OnnxRecognizer(int8)
    assert deployed.class_names == model.class_names
    clips = torch.rand(3, model.num_frames, 3, 64, 64,
                       generator=torch.Generator().manual_seed(2)) * 255
    with torch.no_grad():
        expected = ClipScorer(model)(clips).numpy()
    logits = deployed.logits(clips.numpy())
    # close, not equal: about 0.2 on this model's logits (std ~1.4); the
    # fp32 model is within 1e-4 of them
    assert 0 < np.abs(logits - expected).max() < 0.5
    assert deployed.predict(random_video(model, views=2).numpy()).shape == \
        (len(model.class_names), )


def test_open_vocabulary_scores_other_classes(tmp_path):
    model = demo_model('bike_tiny_demo.py')
    out = str(tmp_path / 'open.onnx')
    export_onnx(model, out, open_vocabulary=True)
    deployed = OnnxRecognizer(out)
    assert deployed.open_vocabulary and deployed.class_names is None
    # classes of another number and length than at export
    model.set_classes(['a dog', 'a very long and winding name of a class',
                       'tea'])
    video = random_video(model, views=1)
    scores = deployed.predict(video.numpy(), category_inputs(model))
    assert scores.shape == (3, )
    assert np.abs(scores - pytorch_scores(model, video)).max() <= TOLERANCE
    with pytest.raises(ValueError, match='give class names'):
        deployed.predict(video.numpy())


def test_frames_option_and_wrong_input_shape(tmp_path):
    model = demo_model('bike_tiny_demo.py')
    out = str(tmp_path / 'four.onnx')
    assert export_onnx(model, out, num_frames=4)['num_frames'] == 4
    deployed = OnnxRecognizer(out)
    with pytest.raises(ValueError, match=r'frames \[N, 4, 3, 64, 64\]'):
        deployed.logits(np.zeros((1, 8, 3, 64, 64), np.float32))
    with pytest.raises(ValueError, match='has its classes built in'):
        deployed.logits(np.zeros((1, 4, 3, 64, 64), np.float32),
                        category_inputs(model))


def test_refused_models(tmp_path):
    attributes = tiny_bike_model()
    attributes['attributes_head'] = dict(
        type='AttributesHead', num_classes=4, in_channels=64)
    with pytest.raises(ValueError, match='attributes branch'):
        ClipScorer(MODELS.build(attributes))
    fixed = demo_model('text4vis_tiny_demo.py', num_classes=4)
    fixed.cls_head.classifier_type = 'lda'
    with pytest.raises(ValueError, match='needs a text classifier'):
        ClipScorer(fixed, open_vocabulary=True)


def test_not_an_exported_model(tmp_path):
    garbage = tmp_path / 'garbage.onnx'
    garbage.write_bytes(b'not a model')
    with pytest.raises(ValueError, match='Cannot load ONNX model'):
        OnnxRecognizer(str(garbage))


@pytest.mark.e2e
@pytest.mark.parametrize('config',
                         ['text4vis_tiny_demo.py', 'xclip_tiny_demo.py'])
def test_text4vis_and_xclip_match_pytorch(config, tmp_path):
    model = demo_model(config)
    out = str(tmp_path / 'model.onnx')
    export_onnx(model, out)
    check_parity(model, out)


@pytest.mark.e2e
def test_vit_b32_shaped_model_matches_pytorch(tmp_path):
    """BIKE's ViT-B/32 at 224 with 8 frames and its 6-layer temporal VCS head,
    randomly initialised (no weights are downloaded)."""
    cfg = Config.fromfile(osp.join(
        REPO_ROOT, 'configs', 'bike',
        'bike_vit-b-p32_8xb32-u8-30e_kinetics400-rgb.py'))
    cfg.model.class_names = [f'action number {i}' for i in range(10)]
    cfg.model.cls_head.num_classes = 10
    cfg.model.backbone.pretrained = None
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    out = str(tmp_path / 'b32.onnx')
    metadata = export_onnx(model, out)
    assert metadata['image_size'] == [224, 224]
    assert metadata['num_frames'] == 8
    check_parity(model, out)
