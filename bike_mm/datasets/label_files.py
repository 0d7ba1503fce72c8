"""Reading class-name and other line-based text files, validated where they
are read: every problem is an error naming the file and line."""
import csv
import os.path as osp
from typing import List, Optional, Tuple


def read_text_lines(path: str, what: str) -> List[Tuple[int, str]]:
    """The lines of a UTF-8 text file with their numbers, BOM removed.

    Args:
        path (str): The file.
        what (str): What the file is, for messages (e.g. 'Label file').

    Returns:
        list[tuple[int, str]]: ``(line number, line without newline)``.

    Raises:
        FileNotFoundError: No such file (or its folder is missing).
        ValueError: The file is not UTF-8 (line named) or has no text.
    """
    if not osp.isfile(path):
        folder = osp.dirname(path) or '.'
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'{what} folder not found: {folder} (for {path})')
        raise FileNotFoundError(f'{what} not found: {path}')
    with open(path, 'rb') as f:
        data = f.read()
    try:
        text = data.decode('utf-8-sig')  # a BOM is not part of the text
    except UnicodeDecodeError as err:
        line_no = data.count(b'\n', 0, err.start) + 1
        raise ValueError(
            f'{path}, line {line_no}: not UTF-8 text (byte '
            f'{data[err.start]:#04x}); save the {what.lower()} as UTF-8'
        ) from None
    lines = list(enumerate(text.splitlines(), 1))
    if not any(line.strip() for _, line in lines):
        raise ValueError(f'{what} is empty: {path}')
    return lines


def _check_unique(path: str, names: List[Tuple[int, str]]) -> None:
    first_line = {}
    for line_no, name in names:
        if name in first_line:
            raise ValueError(
                f'{path}, line {line_no}: class name {name!r} repeats line '
                f'{first_line[name]}')
        first_line[name] = line_no


def _read_txt(path: str) -> List[Tuple[int, str]]:
    lines = [(n, line.strip()) for n, line in read_text_lines(
        path, 'Label file')]
    while lines and not lines[-1][1]:
        lines.pop()
    for line_no, name in lines:
        if not name:
            raise ValueError(f'{path}, line {line_no}: empty class name')
    return lines


def _read_csv(path: str) -> List[Tuple[int, str]]:
    lines = read_text_lines(path, 'Label file')
    rows = csv.reader(line for _, line in lines)
    header = [field.strip() for field in next(rows)]
    if not {'id', 'name'} <= set(header):
        raise ValueError(f'{path}, line 1: a .csv label file needs "id,name" '
                         f'header columns, got {header}')
    id_col, name_col = header.index('id'), header.index('name')
    by_id = {}
    for (line_no, _), row in zip(lines[1:], rows):
        if not any(field.strip() for field in row):
            continue
        if len(row) <= max(id_col, name_col):
            raise ValueError(f'{path}, line {line_no}: expected "id,name", '
                             f'got {row}')
        try:
            class_id = int(row[id_col])
        except ValueError:
            raise ValueError(f'{path}, line {line_no}: id {row[id_col]!r} '
                             'is not an integer') from None
        if class_id in by_id:
            raise ValueError(f'{path}, line {line_no}: id {class_id} repeats '
                             f'line {by_id[class_id][0]}')
        name = row[name_col].strip()
        if not name:
            raise ValueError(f'{path}, line {line_no}: empty class name')
        by_id[class_id] = (line_no, name)
    if not by_id:
        raise ValueError(f'Label file is empty: {path}')
    for expected in range(len(by_id)):
        if expected not in by_id:
            raise ValueError(f'{path}: ids must be 0..{len(by_id) - 1} '
                             f'without gaps; id {expected} is missing')
    return [by_id[i] for i in range(len(by_id))]


def load_class_names(path: str,
                     num_classes: Optional[int] = None) -> List[str]:
    """Read class names, one per line (index = line number).

    A ``.csv`` file with an ``id,name`` header (the format of the released
    BIKE/Text4Vis label lists) is read by its ``name`` column in ``id``
    order; the ids must be the integers 0..n-1, each once. A UTF-8 BOM is
    ignored. Duplicate names, empty names, files that are not UTF-8 and
    empty files are errors naming the file and line.

    Args:
        path (str): The label file.
        num_classes (int, optional): If given, the file must hold exactly
            this many names.

    Returns:
        list[str]: The class names.
    """
    names = _read_csv(path) if path.endswith('.csv') else _read_txt(path)
    _check_unique(path, names)
    if num_classes is not None and len(names) != num_classes:
        raise ValueError(f'Label file {path} has {len(names)} classes but '
                         f'num_classes is {num_classes}')
    return [name for _, name in names]
