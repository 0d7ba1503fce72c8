"""ActivityNet's annotated instances as training segments."""
import json
from typing import List, Sequence, Tuple

from .label_files import load_class_names

Instance = Tuple[str, float, float, int]


def activitynet_instances(annotation_file: str, class_names: Sequence[str],
                          subset: str = 'training',
                          video_format: str = 'v_{}.mp4') -> List[Instance]:
    """Every annotated activity of the ``subset`` videos of ActivityNet's
    annotation file (``activity_net.v1-3.min.json``: ``database`` ->
    video id -> ``subset``, ``annotations`` of ``segment`` [start, end]
    seconds and ``label`` name), in the file's order, as ``(video file,
    start, end, class index)``. The released BIKE trains on these trimmed
    instances (15,409 for v1.3 training, one frame folder per instance,
    ``anet_train_instance_fps1.txt``) and tests on whole videos.

    Args:
        annotation_file (str): The ActivityNet JSON file.
        class_names (Sequence[str]): Class names; a label's index is its
            position here (``configs/_base_/labels/activitynet1.3.txt``).
        subset (str): ``training`` or ``validation``.
        video_format (str): File name of a video id.

    Returns:
        list[tuple]: ``(path, start, end, label)`` per instance.

    Raises:
        ValueError: naming the file and video of a malformed entry or an
        unknown label.
    """
    with open(annotation_file, encoding='utf-8') as f:
        try:
            database = json.load(f)['database']
        except (json.JSONDecodeError, KeyError) as err:
            raise ValueError(f'{annotation_file}: not an ActivityNet '
                             f'annotation file ({err})') from None
    index = {name: i for i, name in enumerate(class_names)}
    instances = []
    for video, entry in database.items():
        if entry.get('subset') != subset:
            continue
        for item in entry.get('annotations', []):
            where = f'{annotation_file}, video {video}'
            if item.get('label') not in index:
                raise ValueError(
                    f'{where}: unknown label {item.get("label")!r}')
            start, end = (float(t) for t in item['segment'])
            if end <= start:
                raise ValueError(f'{where}: empty segment {item["segment"]}')
            instances.append((video_format.format(video), max(start, 0.),
                              end, index[item['label']]))
    if not instances:
        raise ValueError(
            f'{annotation_file}: no annotated {subset} videos')
    return instances


def write_activitynet_instances(annotation_file: str, label_file: str,
                                out: str, subset: str = 'training',
                                video_format: str = 'v_{}.mp4') -> int:
    """Write :func:`activitynet_instances` as ``path start end label``
    lines (the :class:`VideoSegmentDataset` format) to ``out``; returns the
    number of instances."""
    instances = activitynet_instances(annotation_file,
                                      load_class_names(label_file), subset,
                                      video_format)
    with open(out, 'w', encoding='utf-8') as f:
        for path, start, end, label in instances:
            f.write(f'{path} {start:.2f} {end:.2f} {label}\n')
    return len(instances)
