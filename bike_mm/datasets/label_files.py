"""Reading class-name files."""
import csv
import os.path as osp
from typing import List, Optional


def load_class_names(path: str,
                     num_classes: Optional[int] = None) -> List[str]:
    """Read class names, one per line (index = line number).

    A ``.csv`` file with an ``id,name`` header (the format of the released
    BIKE/Text4Vis label lists) is read by its ``name`` column in ``id`` order.

    Args:
        path (str): The label file.
        num_classes (int, optional): If given, the file must hold exactly
            this many names.

    Returns:
        list[str]: The class names.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'Label file not found: {path}')
    with open(path, encoding='utf-8') as f:
        if path.endswith('.csv'):
            rows = list(csv.DictReader(f))
            if rows and not {'id', 'name'} <= set(rows[0]):
                raise ValueError(
                    f'{path}: a .csv label file needs "id,name" columns')
            names = [r['name'].strip() for r in
                     sorted(rows, key=lambda r: int(r['id']))]
        else:
            names = [line.strip() for line in f]
            while names and not names[-1]:
                names.pop()
    if not names:
        raise ValueError(f'Label file is empty: {path}')
    for i, name in enumerate(names):
        if not name:
            raise ValueError(f'{path}, line {i + 1}: empty class name')
    if num_classes is not None and len(names) != num_classes:
        raise ValueError(f'Label file {path} has {len(names)} classes but '
                         f'num_classes is {num_classes}')
    return names
