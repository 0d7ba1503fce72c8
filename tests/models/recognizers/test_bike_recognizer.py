"""BIKERecognizer: the three modes, multi-view averaging, category cache,
and the options for big models: mixed precision and gradient checkpointing.
"""
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.runner.amp import autocast

from bike_mm.structures import pred_score, set_gt_label
from tests.helpers import labelled_samples, tiny_bike_model


@pytest.fixture
def model():
    torch.manual_seed(0)
    return MODELS.build(tiny_bike_model(temporal_layers=1))


def test_loss_mode(model):
    model.train()
    inputs = torch.randn(3, 4, 3, 64, 64)
    losses = model(inputs, labelled_samples([0, 2, 0]), mode='loss')
    assert set(losses) == {'loss_cls'}
    assert torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    assert model.backbone.clip.visual.conv1.weight.grad.abs().sum() > 0
    assert model.cls_head.temporal.frame_position_embeddings.weight.grad \
        .abs().sum() > 0
    # the frozen category encoder gets no gradient
    assert model.backbone.clip.token_embedding.weight.grad is None


def test_predict_mode_fills_pred_score(model):
    model.eval()
    data = labelled_samples([1, 3])
    with torch.no_grad():
        out = model(torch.randn(2, 4, 3, 64, 64), data, mode='predict')
    for sample in out:
        scores = pred_score(sample)
        assert scores.shape == (4,)
        assert scores.sum().item() == pytest.approx(1.0, abs=1e-5)


def test_tensor_mode(model):
    model.eval()
    with torch.no_grad():
        frames = model(torch.randn(2, 8, 3, 64, 64), mode='tensor')
        logits = model(torch.randn(2, 8, 3, 64, 64), mode='tensor',
                       stage='head')
    assert frames.shape == (4, 4, 64)  # 2 samples x 2 views of 4 frames
    assert logits.shape == (4, 4)


@pytest.mark.parametrize('average', ['prob', 'score'])
def test_multi_view_scores_are_averaged_per_sample(average):
    torch.manual_seed(0)
    model = MODELS.build(
        tiny_bike_model(temporal_layers=1, average_clips=average)).eval()
    views = torch.randn(2, 3, 4, 3, 64, 64)  # B=2 samples, V=3 views of T=4
    with torch.no_grad():
        out = model(views.flatten(1, 2), labelled_samples([0, 1]),
                    mode='predict')
        per_view = [
            model(views[:, v], mode='tensor', stage='head') for v in range(3)
        ]
    per_view = torch.stack(per_view, 1)  # [B, V, K]
    if average == 'prob':
        per_view = per_view.softmax(-1)
    expected = per_view.mean(1)
    for b in range(2):
        torch.testing.assert_close(pred_score(out[b]), expected[b],
                                   rtol=1e-5, atol=1e-6)


def test_frozen_categories_are_encoded_once(model, monkeypatch):
    calls = []
    encode_text = model.backbone.text.encode
    monkeypatch.setattr(model.backbone.text, 'encode',
                        lambda tokens: calls.append(1) or encode_text(tokens))
    model.train()
    for _ in range(3):
        model(torch.randn(2, 4, 3, 64, 64), labelled_samples([0, 1]),
              mode='loss')
    model.eval()
    with torch.no_grad():
        model(torch.randn(2, 4, 3, 64, 64), labelled_samples([0, 1]),
              mode='predict')
    assert len(calls) == 1
    # loading weights may change the text encoder: the cache is rebuilt
    model.load_state_dict(model.state_dict())
    with torch.no_grad():
        model(torch.randn(1, 4, 3, 64, 64), labelled_samples([0]),
              mode='predict')
    assert len(calls) == 2


def test_trainable_category_encoder_gets_gradients():
    cfg = tiny_bike_model()
    cfg['backbone']['freeze_text'] = False
    model = MODELS.build(cfg).train()
    loss = model(torch.randn(2, 4, 3, 64, 64), labelled_samples([1, 1]),
                 mode='loss')['loss_cls']
    loss.backward()
    assert model.backbone.clip.token_embedding.weight.grad.abs().sum() > 0


def test_set_classes_open_vocabulary(model):
    model.set_classes(['walking', 'running', 'jumping'])
    model.eval()
    with torch.no_grad():
        out = model(torch.randn(1, 4, 3, 64, 64), labelled_samples([0]),
                    mode='predict')
    assert pred_score(out[0]).shape == (3,)


def test_label_file_must_match_num_classes(tmp_path):
    labels = tmp_path / 'labels.txt'
    labels.write_text('a\nb\nc\n')
    cfg = tiny_bike_model(num_classes=4)
    cfg['class_names'] = str(labels)
    with pytest.raises(ValueError, match='labels.txt has 3 classes'):
        MODELS.build(cfg)
    labels.write_text('')
    with pytest.raises(ValueError, match='empty'):
        MODELS.build(cfg)


def test_frames_must_be_a_multiple_of_num_frames(model):
    with pytest.raises(ValueError, match='not a multiple of num_frames=4'):
        model(torch.randn(1, 6, 3, 64, 64), mode='tensor')


def test_prompt_ensemble_averages_templates_at_test_and_samples_in_training():
    templates = ['a video of {}', 'the man is {}', '{}, an action']
    cfg = tiny_bike_model()
    cfg['prompt_template'] = templates
    model = MODELS.build(cfg).eval()
    with torch.no_grad():
        per_template = [
            model.encode_categories(template=p) for p in range(len(templates))
        ]
        for p, template in enumerate(templates):
            tokens, _ = model.backbone.text.tokenize(model.class_names,
                                                     template)
            torch.testing.assert_close(per_template[p].sentence,
                                       model.backbone.text.encode(tokens)[0])
        expected = torch.stack([
            torch.nn.functional.normalize(e.sentence, dim=-1)
            for e in per_template
        ]).mean(0)
        torch.testing.assert_close(model.all_categories().sentence, expected)
        model.train()
        torch.manual_seed(0)
        seen = set()
        for _ in range(12):
            sentence = model.all_categories().sentence
            matches = [p for p, e in enumerate(per_template)
                       if torch.allclose(e.sentence, sentence)]
            assert len(matches) == 1
            seen.add(matches[0])
    assert seen == {0, 1, 2}


def build_tiny_bike(**backbone) -> torch.nn.Module:
    torch.manual_seed(0)
    cfg = tiny_bike_model(temporal_layers=1)
    cfg['backbone'].update(backbone)
    return MODELS.build(cfg).train()


def test_bf16_autocast_loss_is_close_to_float32():
    """The head and loss run under the autocast context that AMP training
    uses (bf16 on CPU): finite, close to the float32 loss, with gradients."""
    model = build_tiny_bike()
    inputs = torch.randn(3, 4, 3, 64, 64)
    data = labelled_samples([0, 2, 0])
    full = model(inputs, data, mode='loss')['loss_cls']
    with autocast(device_type='cpu', dtype=torch.bfloat16):
        mixed = model(inputs, data, mode='loss')['loss_cls']
    assert mixed.dtype == torch.float32  # the softmax runs in float32
    torch.testing.assert_close(mixed, full, rtol=0.05, atol=0)
    mixed.backward()
    grad = model.backbone.clip.visual.conv1.weight.grad
    assert torch.isfinite(grad).all() and grad.abs().sum() > 0


def test_grad_checkpointing_gives_identical_loss_and_gradients():
    inputs = torch.randn(3, 4, 3, 64, 64)
    data = labelled_samples([0, 2, 0])
    results = []
    for checkpointing in (False, True):
        # a trainable text tower: checkpointing of both towers is exercised
        model = build_tiny_bike(
            grad_checkpointing=checkpointing, freeze_text=False)
        assert model.backbone.clip.visual.transformer.grad_checkpointing \
            == checkpointing
        assert model.backbone.clip.transformer.grad_checkpointing \
            == checkpointing
        loss = model(inputs, data, mode='loss')['loss_cls']
        loss.backward()
        results.append((loss.detach(), {
            name: param.grad
            for name, param in model.named_parameters() if param.requires_grad
        }))
    (loss, grads), (loss_ckpt, grads_ckpt) = results
    torch.testing.assert_close(loss_ckpt, loss, rtol=0, atol=1e-6)
    assert grads.keys() == grads_ckpt.keys()
    assert any(name.startswith('backbone.clip.transformer') for name in grads)
    for name, grad in grads.items():
        torch.testing.assert_close(
            grads_ckpt[name], grad, rtol=1e-5, atol=1e-7, msg=name)


def test_recognizer_trains_on_multi_hot_labels():
    model = MODELS.build(tiny_bike_model(num_classes=5))
    batch = []
    for positives in ([0, 3], [1], [3, 4]):
        sample = ActionDataSample()
        set_gt_label(
            sample, torch.zeros(5).index_fill_(0, torch.tensor(positives), 1.))
        batch.append(sample)
    inputs = torch.randn(3, 4, 3, 64, 64)
    torch.manual_seed(0)
    loss = model.loss(inputs, batch)['loss_cls']
    assert torch.isfinite(loss) and loss > 0
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert grads and all(g is not None and torch.isfinite(g).all()
                         for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)
