"""OpenCLIP backbone: building by name, weights from a file, text outputs."""
from copy import deepcopy

import open_clip
import pytest
import torch

from bike_mm.models import OpenCLIP


@pytest.fixture(scope='module')
def tiny():
    torch.manual_seed(0)
    return OpenCLIP('ViT-Tiny-16').eval()


def test_tokenize_matches_open_clip_and_marks_name_tokens(tiny):
    names = ['abseiling', 'playing guitar', 'a yellow ring growing']
    template = 'This is a video about {}.'
    tokens, mask = tiny.text.tokenize(names, template)
    expected = tiny.text.tokenizer([template.format(n) for n in names])
    assert torch.equal(tokens, expected)
    prefix_len = len(tiny.text.tokenizer.encode('This is a video about'))
    for row, name in zip(range(len(names)), names):
        name_ids = tiny.text.tokenizer.encode(name)
        positions = mask[row].nonzero().flatten().tolist()
        assert positions == list(
            range(1 + prefix_len, 1 + prefix_len + len(name_ids)))
        assert tokens[row, positions].tolist() == name_ids


def test_tokenize_rejects_bad_template(tiny):
    with pytest.raises(ValueError, match='exactly one'):
        tiny.text.tokenize(['a'], 'no placeholder')
    with pytest.raises(ValueError, match='empty'):
        tiny.text.tokenize([], '{}')


def test_encode_text_sentence_is_clip_text_embedding(tiny):
    tokens, _ = tiny.text.tokenize(['riding a bike', 'swimming'], '{}')
    with torch.no_grad():
        sentence, token_feats = tiny.text.encode(tokens)
        reference = tiny.clip.encode_text(tokens)
    assert token_feats.shape == (2, 77, 64)
    torch.testing.assert_close(sentence, reference)
    eot = tokens.argmax(-1)
    torch.testing.assert_close(token_feats[torch.arange(2), eot], sentence)


def test_encode_frames_shape_and_equivalence(tiny):
    frames = torch.randn(2, 3, 3, 64, 64)
    with torch.no_grad():
        feats = tiny.encode_frames(frames)
        reference = tiny.clip.encode_image(frames[1])
    assert feats.shape == (2, 3, 64)
    torch.testing.assert_close(feats[1], reference)


def test_pretrained_file_route_loads_saved_weights(tmp_path, tiny):
    """A checkpoint saved to disk loads through the same `pretrained=path`
    route as a user's CLIP weights and gives identical features."""
    path = tmp_path / 'tiny_clip.pt'
    torch.save(tiny.clip.state_dict(), path)
    torch.manual_seed(123)  # a different random init, overwritten by the file
    loaded = OpenCLIP('ViT-Tiny-16', pretrained=str(path)).eval()
    for key, value in tiny.clip.state_dict().items():
        assert torch.equal(loaded.clip.state_dict()[key], value), key
    frames = torch.randn(1, 2, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(
            loaded.encode_frames(frames), tiny.encode_frames(frames))


def test_checkpoint_of_another_architecture_fails_naming_file(tmp_path):
    other = open_clip.create_model('ViT-Tiny-16', init_logit_scale=0.)
    state = {k: v for k, v in other.state_dict().items()
             if not k.startswith('visual.transformer.resblocks.1.')}
    path = tmp_path / 'partial.pt'
    torch.save(state, path)
    with pytest.raises(RuntimeError, match='partial.pt'):
        OpenCLIP('ViT-Tiny-16', pretrained=str(path))


def test_missing_pretrained_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='no_such.pt'):
        OpenCLIP('ViT-Tiny-16', pretrained=str(tmp_path / 'no_such.pt'))


def test_quick_gelu_by_default_and_optional():
    quick = OpenCLIP('ViT-B-32')
    plain = OpenCLIP('ViT-B-32', quick_gelu=False)
    act = quick.clip.visual.transformer.resblocks[0].mlp.gelu
    assert isinstance(act, open_clip.transformer.QuickGELU)
    act = plain.clip.visual.transformer.resblocks[0].mlp.gelu
    assert not isinstance(act, open_clip.transformer.QuickGELU)


def test_freezing_flags():
    model = OpenCLIP('ViT-Tiny-16', freeze_text=True, freeze_vision=False)
    for name, param in model.clip.named_parameters():
        trainable = name.startswith('visual.') or name == 'logit_scale'
        assert param.requires_grad == trainable, name
    model = OpenCLIP('ViT-Tiny-16', freeze_text=False, freeze_vision=True)
    for name, param in model.clip.named_parameters():
        assert param.requires_grad == (not name.startswith('visual.')), name
    model.train()
    assert not model.clip.visual.training


def test_grad_checkpointing_gives_same_gradients():
    torch.manual_seed(0)
    plain = OpenCLIP('ViT-Tiny-16').train()
    ckpt = OpenCLIP('ViT-Tiny-16', grad_checkpointing=True).train()
    ckpt.load_state_dict(plain.state_dict())
    frames = torch.randn(2, 2, 3, 64, 64)
    grads = []
    for model in (plain, ckpt):
        model.zero_grad()
        model.encode_frames(frames).pow(2).sum().backward()
        grads.append(model.clip.visual.conv1.weight.grad.clone())
    torch.testing.assert_close(grads[0], grads[1])


def test_text_tower_is_a_view_of_the_clip_and_adds_no_keys(tiny):
    assert tiny.text.clip is tiny.clip
    assert all(k.startswith('clip.') for k in tiny.state_dict())
    # a copy (e.g. EMA's averaged model) encodes with its own weights
    copy = deepcopy(tiny)
    assert copy.text.clip is copy.clip
