"""Reading and writing video attribute files (pre-generated attributes of
BIKE's Video-Attributes Association, paper Sec. 2.2).

Two formats are read:

* bike_mm's own, written by :func:`generate_attributes`::

    {"format": "bike_mm.attributes", "version": 1,
     "meta": {"arch": "ViT-L-14", "pretrained": "openai", "lexicon": ...,
              "num_frames": 8, "topk": 5, ...},
     "videos": {"<path as in the annotation file>":
                    {"attributes": ["phrase", ...], "scores": [0.31, ...]}},
     "errors": {"<path>": "why it could not be decoded"}}

* the released BIKE files (e.g. the Kinetics-400 attribute files of the
  official release): ``{"<video>": {"classname_topk": ["phrase", ...]}}``.
"""
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional

FORMAT = 'bike_mm.attributes'
VERSION = 1
RELEASED_KEY = 'classname_topk'


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _dumps_per_line(mapping: dict) -> str:
    """A JSON object with one entry per line: readable and diffable even
    for hundreds of thousands of videos."""
    if not mapping:
        return '{}'
    entries = ',\n'.join(f'{_dumps(k)}: {_dumps(v)}'
                          for k, v in mapping.items())
    return '{\n' + entries + '\n}'


@dataclass
class AttributeFile:
    """The attributes of a set of videos.

    Attributes:
        meta (dict): How the attributes were generated (empty for released
            files).
        videos (dict[str, dict]): Per video key, ``attributes`` (phrases,
            best first) and ``scores`` (their cosine similarity with the
            video, or None when unknown).
        errors (dict[str, str]): Videos that could not be processed, with
            the reason.
    """
    meta: dict = field(default_factory=dict)
    videos: Dict[str, dict] = field(default_factory=dict)
    errors: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str) -> 'AttributeFile':
        """Read a bike_mm or a released BIKE attribute file."""
        if not osp.isfile(path):
            raise FileNotFoundError(f'Attribute file not found: {path}')
        with open(path, encoding='utf-8') as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as err:
                raise ValueError(f'{path}: not valid JSON ({err})') from err
        if not isinstance(data, dict):
            raise ValueError(f'{path}: expected a JSON object at the top')
        if data.get('format') == FORMAT:
            return cls._from_bike_mm(path, data)
        return cls._from_released(path, data)

    @classmethod
    def _from_bike_mm(cls, path: str, data: dict) -> 'AttributeFile':
        if data.get('version') != VERSION:
            raise ValueError(f'{path}: unsupported {FORMAT} version '
                             f'{data.get("version")!r} (expected {VERSION})')
        for key, entry in data['videos'].items():
            phrases = entry.get('attributes') if isinstance(entry,
                                                            dict) else None
            if not isinstance(phrases, list):
                raise ValueError(f'{path}: video {key!r} has no '
                                 '"attributes" list')
        return cls(data['meta'], data['videos'], data.get('errors', {}))

    @classmethod
    def _from_released(cls, path: str, data: dict) -> 'AttributeFile':
        videos = {}
        for key, entry in data.items():
            phrases = entry.get(RELEASED_KEY) if isinstance(entry,
                                                            dict) else None
            if not isinstance(phrases, list) or not all(
                    isinstance(p, str) for p in phrases):
                raise ValueError(
                    f'{path}: entry {key!r} is neither a {FORMAT} file nor a '
                    f'released BIKE attribute entry (a dict with a '
                    f'"{RELEASED_KEY}" list of phrases)')
            videos[key] = dict(attributes=phrases, scores=None)
        return cls(dict(source='released BIKE attribute file'), videos)

    def dump(self, path: str) -> None:
        """Write in bike_mm's format; atomic, so an interrupted run never
        leaves a truncated file."""
        tmp = f'{path}.tmp{os.getpid()}'
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(f'{{"format": "{FORMAT}", "version": {VERSION},\n')
            f.write(f'"meta": {_dumps(self.meta)},\n')
            f.write(f'"videos": {_dumps_per_line(self.videos)},\n')
            f.write(f'"errors": {_dumps_per_line(self.errors)}}}\n')
        os.replace(tmp, path)

    def lookup(self, filename: str) -> Optional[List[str]]:
        """The phrases of a video, found by its (possibly prefixed) path.

        Keys are paths as written in an annotation file, while datasets hand
        out ``data_prefix``-joined paths, so the longest trailing part of
        ``filename`` that is a key wins; each candidate is also tried without
        its extension (released files are keyed by frame-folder names).

        Args:
            filename (str): The video's path, e.g. ``results['filename']``.

        Returns:
            list[str] | None: The phrases, best first; None if absent.
        """
        parts = osp.normpath(filename).split(os.sep)
        for start in range(len(parts)):
            key = '/'.join(parts[start:])
            for candidate in (key, osp.splitext(key)[0]):
                if candidate in self.videos:
                    return self.videos[candidate]['attributes']
        return None
