"""Class-name files: read correctly (BOM, csv ids) or refused naming the
file and line."""
import pytest

from bike_mm.datasets.label_files import load_class_names, read_text_lines


def write(path, text, encoding='utf-8'):
    path.write_bytes(text.encode(encoding))
    return str(path)


@pytest.mark.parametrize('name,text', [
    ('labels.txt', '\ufeffjumping\nrunning\n'),
    ('labels.csv', '\ufeffid,name\n1,running\n0,jumping\n'),
])
def test_bom_is_not_part_of_the_first_name(tmp_path, name, text):
    assert load_class_names(write(tmp_path / name, text)) == [
        'jumping', 'running'
    ]


def test_duplicate_class_name_names_both_lines(tmp_path):
    path = write(tmp_path / 'labels.txt', 'jumping\nrunning\njumping\n')
    with pytest.raises(ValueError, match=f"{path}, line 3: class name "
                       "'jumping' repeats line 1"):
        load_class_names(path)


@pytest.mark.parametrize('rows,message', [
    ('0,a\n2,b\n', 'ids must be 0..1 without gaps; id 1 is missing'),
    ('0,a\n1,b\n0,c\n', 'line 4: id 0 repeats line 2'),
    ('0,a\none,b\n', "line 3: id 'one' is not an integer"),
    ('0,a\n1,a\n', "line 3: class name 'a' repeats line 2"),
])
def test_csv_ids_must_be_0_to_n_minus_1_once_each(tmp_path, rows, message):
    path = write(tmp_path / 'labels.csv', 'id,name\n' + rows)
    with pytest.raises(ValueError, match=f'{path}(, |: ){message}'):
        load_class_names(path)


def test_latin1_file_names_file_and_line(tmp_path):
    path = write(tmp_path / 'labels.txt', 'jumping\ncafé dancing\n',
                 encoding='latin-1')
    with pytest.raises(ValueError,
                       match=f'{path}, line 2: not UTF-8 text'):
        load_class_names(path)


@pytest.mark.parametrize('text', ['', '\ufeff', '\n\n'])
def test_empty_files_are_refused(tmp_path, text):
    path = write(tmp_path / 'labels.txt', text)
    with pytest.raises(ValueError, match=f'Label file is empty: {path}'):
        load_class_names(path)


def test_missing_folder_and_missing_file_are_told_apart(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=f'Label file folder not found: {tmp_path}/no'):
        load_class_names(str(tmp_path / 'no' / 'labels.txt'))
    with pytest.raises(FileNotFoundError,
                       match=f'Label file not found: {tmp_path}/x.txt'):
        load_class_names(str(tmp_path / 'x.txt'))


def test_lines_keep_their_numbers(tmp_path):
    path = write(tmp_path / 'a.txt', '\ufeffx 0\n\ny 1\n')
    assert read_text_lines(path, 'Annotation file') == [(1, 'x 0'), (2, ''),
                                                        (3, 'y 1')]
