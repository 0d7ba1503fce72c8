"""Turns a video's pre-generated attributes into its tokenised attribute
sentence (BIKE paper Sec. 2.2, Fig. 2b)."""
from typing import Dict, Optional, Sequence

import open_clip
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.logging import MMLogger

from ...attributes.attribute_file import AttributeFile


@TRANSFORMS.register_module()
class LoadAttributeSentence(BaseTransform):
    """Look up a video's attributes, keep the top ``topk``, join them into
    the attribute sentence ``template.format('a1, a2, ...')`` and tokenise it
    with the attribute encoder's open_clip tokenizer.

    Required keys: ``filename`` (the video path; see
    :meth:`AttributeFile.lookup` for how it is matched to the file's keys).

    Added keys: ``attribute_sentence`` (str) and ``attribute_tokens``
    (LongTensor ``[L]``, L the tokenizer's context length). Pack the tokens
    with ``PackActionInputs(meta_keys=(..., 'attribute_tokens'))``; the
    recognizer reads them from the data samples.

    Args:
        attribute_file (str): A bike_mm or released BIKE attribute JSON.
        arch (str): open_clip model name of the attribute encoder; selects
            the tokenizer. Defaults to ``'ViT-B-32'``.
        topk (int): Number of attributes in the sentence (Table 6d).
            Defaults to 5.
        template (str): Prompt with one ``{}`` for the joined attributes
            (Table 6c: the prompt matters). Defaults to
            ``'This is a video about {}'``.
        separator (str): Between attributes. The released code joins with
            ``','``. Defaults to ``', '``.
        fallback (Sequence[str], optional): Attributes used for videos absent
            from the file; every use is counted and logged. None makes a
            missing video an error. Defaults to None.
    """

    def __init__(self,
                 attribute_file: str,
                 arch: str = 'ViT-B-32',
                 topk: int = 5,
                 template: str = 'This is a video about {}',
                 separator: str = ', ',
                 fallback: Optional[Sequence[str]] = None) -> None:
        if template.count('{}') != 1:
            raise ValueError(f'LoadAttributeSentence: template {template!r} '
                             'must contain exactly one "{}"')
        if topk < 1:
            raise ValueError(f'LoadAttributeSentence: topk must be >= 1, '
                             f'got {topk}')
        self.attributes = AttributeFile.load(attribute_file)
        generated = self.attributes.meta.get('topk')
        if generated is not None and topk > generated:
            raise ValueError(
                f'LoadAttributeSentence: topk={topk} but {attribute_file} '
                f'holds only the top {generated} attributes of each video')
        self.attribute_file = attribute_file
        self.arch = arch.replace('/', '-')
        self.tokenizer = open_clip.get_tokenizer(self.arch)
        self.topk = topk
        self.template = template
        self.separator = separator
        self.fallback = None if fallback is None else list(fallback)
        self.num_missing = 0

    def sentence(self, attributes: Sequence[str]) -> str:
        """The attribute sentence of a list of attributes (best first)."""
        return self.template.format(
            self.separator.join(attributes[:self.topk]))

    def _attributes_of(self, filename: str) -> Sequence[str]:
        attributes = self.attributes.lookup(filename)
        if attributes is not None:
            return attributes
        if self.fallback is None:
            raise KeyError(f'No attributes for video {filename} in '
                           f'{self.attribute_file}')
        self.num_missing += 1
        MMLogger.get_current_instance().warning(
            f'No attributes for video {filename} in {self.attribute_file}; '
            f'using the fallback {self.fallback} ({self.num_missing} '
            'videos so far in this worker)')
        return self.fallback

    def transform(self, results: Dict) -> Dict:
        sentence = self.sentence(self._attributes_of(results['filename']))
        results['attribute_sentence'] = sentence
        results['attribute_tokens'] = self.tokenizer([sentence])[0]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(attribute_file='
                f'{self.attribute_file!r}, arch={self.arch!r}, '
                f'topk={self.topk}, template={self.template!r}, '
                f'separator={self.separator!r}, fallback={self.fallback})')
