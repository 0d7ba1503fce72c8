"""CategoryBank: tokens per prompt, prompt ensembling and the cache, with a
counting stand-in for the text tower."""
import pytest
import torch
import torch.nn.functional as F

from bike_mm.models.utils.category_bank import CategoryBank, CategorySource
from bike_mm.models.utils.text_embeddings import TextEmbeddings

CLASSES = ['walking', 'running', 'jumping']
TEMPLATES = ['a video of {}', 'a clip of {} here']


class CountingTextTower:
    """Tokens ``[template length, class index + 1, 0]``; the embedding of a
    token is the token id times a fixed direction."""
    clip = None  # only read for cache files
    device = torch.device('cpu')

    def __init__(self) -> None:
        self.encoded = 0

    def tokenize(self, names, template):
        tokens = torch.tensor([[len(template), i + 1, 0]
                               for i in range(len(names))])
        mask = torch.zeros_like(tokens, dtype=torch.bool)
        mask[:, 1] = True
        return tokens, mask

    def encode(self, tokens):
        self.encoded += 1
        feats = tokens.double()[..., None] * torch.tensor([1., 2.])
        return feats.sum(1), feats


class PlainHead:

    @staticmethod
    def category_embeddings(sentence, token_feats, word_mask):
        return TextEmbeddings.from_tokens(sentence, token_feats, word_mask)


def bank(trainable=False, templates=TEMPLATES):
    tower = CountingTextTower()
    categories = CategoryBank(
        dict(video=CategorySource(tower, PlainHead(), trainable)), templates)
    categories.set_classes(CLASSES)
    return categories, tower


def test_tokens_per_template_and_class():
    categories, _ = bank()
    tokens, mask = categories.tokens('video')
    assert tokens.shape == mask.shape == (2, 3, 3)
    assert tokens[:, :, 1].tolist() == [[1, 2, 3], [1, 2, 3]]


def test_frozen_categories_are_encoded_once_until_dropped():
    categories, tower = bank()
    # training draws one template: one encoding of it
    first = categories.all('video', True, torch.device('cpu'))
    assert first.sentence.shape == (3, 2)
    assert tower.encoded == 1
    # testing averages both templates: encoded once each, then cached
    for _ in range(3):
        categories.all('video', False, torch.device('cpu'))
    assert tower.encoded == 3
    categories.drop_cache()
    categories.all('video', False, torch.device('cpu'))
    assert tower.encoded == 5


def test_trainable_categories_are_encoded_at_every_training_step():
    categories, tower = bank(trainable=True, templates=TEMPLATES[:1])
    for _ in range(3):
        categories.all('video', True, torch.device('cpu'))
    assert tower.encoded == 3
    labels = torch.tensor([2, 0, 2])
    batch = categories.batch('video', labels, True, torch.device('cpu'))
    # each class of the batch encoded once, rows in label order
    assert tower.encoded == 4
    torch.testing.assert_close(
        batch.sentence,
        categories.all('video', False, torch.device('cpu')).sentence[labels])


def test_testing_averages_the_prompts_and_training_uses_one():
    categories, _ = bank()
    per_template = [
        categories.encode('video', template=p) for p in range(len(TEMPLATES))
    ]
    expected = torch.stack(
        [F.normalize(e.sentence, dim=-1) for e in per_template]).mean(0)
    torch.testing.assert_close(
        categories.all('video', False, torch.device('cpu')).sentence,
        expected)
    torch.manual_seed(0)
    drawn = {categories.step_template(True) for _ in range(20)}
    assert drawn == {0, 1}
    assert categories.step_template(False) is None


def test_empty_prompt_list_is_refused():
    with pytest.raises(ValueError, match='prompt_template is empty'):
        bank(templates=[])
