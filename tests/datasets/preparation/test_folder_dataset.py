"""bike_mm.datasets.preparation.folder_dataset: class folders to lists."""
import numpy as np
import pytest

from bike_mm.datasets.preparation import (
    PreparationError,
    build_folder_dataset,
    scan_class_folders,
    stratified_split,
)
from bike_mm.datasets.preparation.folder_dataset import split_counts
from bike_mm.demo.dataset import CLASSES, write_video


def make_tree(root, videos_per_class, broken=()):
    """``root/<class>/vK.mp4`` demo videos; ``broken`` class indices get a
    file that does not decode."""
    rng = np.random.default_rng(0)
    for label, count in enumerate(videos_per_class):
        name, draw = CLASSES[label]
        folder = root / name.replace(' ', '_')
        folder.mkdir(parents=True)
        for k in range(count):
            write_video(str(folder / f'v{k}.mp4'), draw, rng)
        if label in broken:
            (folder / 'broken.mp4').write_bytes(b'\x00not a video' * 50)
    return root


def test_split_counts_keep_one_video_for_training():
    assert split_counts(10, 0.2, 0.1) == (2, 1)
    assert split_counts(3, 0.2, 0.2) == (1, 1)  # at least one each
    assert split_counts(2, 0.2, 0.2) == (1, 0)  # validation served first
    assert split_counts(1, 0.5, 0.0) == (0, 0)
    assert split_counts(10, 0.2, 0.0) == (2, 0)


def test_stratified_split_is_seeded_and_per_class():
    classes = [(f'c{i}', [f'c{i}/{k}.mp4' for k in range(10)])
               for i in range(3)]
    splits = stratified_split(classes, 0.2, 0.1, seed=0)
    assert splits == stratified_split(classes, 0.2, 0.1, seed=0)
    assert splits != stratified_split(classes, 0.2, 0.1, seed=1)
    for label in range(3):
        counts = [sum(1 for _, y in splits[s] if y == label)
                  for s in ('train', 'val', 'test')]
        assert counts == [7, 2, 1]
    paths = [p for items in splits.values() for p, _ in items]
    assert sorted(paths) == sorted(p for _, v in classes for p in v)


def test_scan_reads_underscores_as_spaces_and_ignores_other_files(tmp_path):
    (tmp_path / 'play_guitar' / 'sub').mkdir(parents=True)
    (tmp_path / 'play_guitar' / 'sub' / 'a.MP4').write_bytes(b'')
    (tmp_path / 'play_guitar' / 'notes.txt').write_text('x')
    (tmp_path / 'play_guitar' / '.hidden.mp4').write_bytes(b'')
    (tmp_path / 'jump').mkdir()
    (tmp_path / 'jump' / 'b.avi').write_bytes(b'')
    assert scan_class_folders(str(tmp_path)) == [
        ('jump', ['jump/b.avi']), ('play guitar', ['play_guitar/sub/a.MP4'])]


@pytest.mark.parametrize('layout, message', [
    ({}, 'holds no class folder'),
    ({'empty': []}, 'class folder {root}/empty holds no video'),
    ({'a_b': ['x.mp4'], 'a__b': ['y.mp4']}, 'both give the class "a b"'),
    ({'a': ['has space.mp4']}, 'whitespace in the path'),
])
def test_scan_errors_name_the_folder(tmp_path, layout, message):
    for folder, files in layout.items():
        (tmp_path / folder).mkdir()
        for name in files:
            (tmp_path / folder / name).write_bytes(b'')
    with pytest.raises(PreparationError,
                       match=message.format(root=tmp_path)):
        scan_class_folders(str(tmp_path))
    with pytest.raises(PreparationError, match='video folder not found'):
        scan_class_folders(str(tmp_path / 'missing'))


def test_bad_videos_are_listed_not_dropped_silently(tmp_path):
    root = make_tree(tmp_path / 'videos', [3, 1], broken=(0, ))
    out = tmp_path / 'out'
    dataset = build_folder_dataset(str(root), str(out), 0.34, seed=0)
    bad_path = f'{CLASSES[0][0].replace(" ", "_")}/broken.mp4'
    assert [path for path, _ in dataset.bad_videos] == [bad_path]
    assert (out / 'bad_videos.txt').read_text().startswith(bad_path + ': ')
    listed = (out / 'train.txt').read_text() + (out / 'val.txt').read_text()
    assert 'broken' not in listed
    assert dataset.train_only == [CLASSES[1][0]]
    assert not (out / 'test.txt').exists()


def test_out_dir_and_all_bad_class_errors(tmp_path):
    root = make_tree(tmp_path / 'videos', [2, 0], broken=(1, ))
    out = tmp_path / 'out'
    with pytest.raises(PreparationError, match='every video of class'):
        build_folder_dataset(str(root), str(out))
    # it wrote bad_videos.txt: a second run needs --force, deletes nothing
    with pytest.raises(PreparationError, match='not empty'):
        build_folder_dataset(str(root), str(out))
    assert (out / 'bad_videos.txt').exists()
    with pytest.raises(PreparationError, match='--val-ratio'):
        build_folder_dataset(str(root), str(out), 0.6, 0.4, force=True)
