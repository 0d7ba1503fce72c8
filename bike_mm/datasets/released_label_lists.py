"""The class-name files of the paper's datasets (``configs/_base_/labels/``,
one name per line, index = line number) made from the released BIKE/Text4Vis
label lists (command line: ``tools/data/make_label_files.py``).

Sources: ``kinetics_400_labels.csv``, ``k160_labels_split{1,2,3}.csv``
(the 160-class Kinetics-600 zero-shot splits), ``ucf_labels.csv``,
``hmdb51_labels.csv``, ``anet1.3_labels.csv`` (``id,name`` csv files) and
``Charades_v1_classes.txt`` (``c000 name`` lines).

UCF101 names are CamelCase folder names; they are split into words
("ApplyEyeMakeup" -> "Apply Eye Makeup") since the text encoder reads them as
sentences. Charades names lose their ``cNNN`` id.
"""
import os
import os.path as osp
import re
from typing import Dict, List

from .label_files import load_class_names

# word boundaries of a CamelCase name: lower->Upper ("EyeMakeup") and the end
# of an upper-case run followed by a word ("ABCWord" -> "ABC Word")
_CAMEL_BOUNDARY = re.compile(
    r'(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])')
# names whose CamelCase split is not the English spelling
_UCF_SPELLING = {'YoYo': 'Yo-Yo'}

CSV_SOURCES = {
    'kinetics400': 'kinetics_400_labels.csv',
    'k600_zeroshot_split1': 'k160_labels_split1.csv',
    'k600_zeroshot_split2': 'k160_labels_split2.csv',
    'k600_zeroshot_split3': 'k160_labels_split3.csv',
    'ucf101': 'ucf_labels.csv',
    'hmdb51': 'hmdb51_labels.csv',
    'activitynet1.3': 'anet1.3_labels.csv',
}
EXPECTED_SIZES = {
    'kinetics400': 400,
    'k600_zeroshot_split1': 160,
    'k600_zeroshot_split2': 160,
    'k600_zeroshot_split3': 160,
    'ucf101': 101,
    'hmdb51': 51,
    'activitynet1.3': 200,
    'charades': 157
}


def readable_ucf_name(name: str) -> str:
    """"ApplyEyeMakeup" -> "Apply Eye Makeup"."""
    if name in _UCF_SPELLING:
        return _UCF_SPELLING[name]
    return _CAMEL_BOUNDARY.sub(' ', name)


def read_charades_classes(path: str) -> List[str]:
    """``c000 Holding some clothes`` lines -> names in id order."""
    names = []
    with open(path, encoding='utf-8') as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            class_id, _, name = line.strip().partition(' ')
            if not re.fullmatch(r'c\d+', class_id) or not name or \
                    int(class_id[1:]) != len(names):
                raise ValueError(f'{path}, line {line_no}: expected '
                                 f'"c{len(names):03d} name", got {line!r}')
            names.append(name)
    return names


def build_label_lists(src: str) -> Dict[str, List[str]]:
    """All label lists, by output name."""
    lists = {
        name: load_class_names(osp.join(src, file))
        for name, file in CSV_SOURCES.items()
    }
    lists['ucf101'] = [readable_ucf_name(n) for n in lists['ucf101']]
    lists['charades'] = read_charades_classes(
        osp.join(src, 'Charades_v1_classes.txt'))
    for name, names in lists.items():
        if len(names) != EXPECTED_SIZES[name]:
            raise ValueError(f'{name}: expected {EXPECTED_SIZES[name]} '
                             f'classes, the source has {len(names)}')
    return lists


def write_label_files(src: str, out: str) -> Dict[str, int]:
    """Write every label list of ``src`` as ``out/<name>.txt``.

    Args:
        src (str): Folder of the released label lists.
        out (str): Output folder, created if missing.

    Returns:
        dict[str, int]: The number of classes written, by name.

    Raises:
        ValueError: A list that is malformed or has the wrong size.
        FileNotFoundError: A missing source list.
    """
    lists = build_label_lists(src)
    os.makedirs(out, exist_ok=True)
    for name, names in lists.items():
        with open(osp.join(out, f'{name}.txt'), 'w', encoding='utf-8') as f:
            f.write('\n'.join(names) + '\n')
    return {name: len(names) for name, names in lists.items()}
