"""tools/train.py --resume: confined to its work dir, says when there is
nothing to resume, never overwrites a checkpoint it cannot resume."""
import hashlib
import os
import os.path as osp
import shutil

import pytest

from bike_mm.engine import load_checkpoint_file
from tests.helpers import (DEMO_CONFIG, annotation_subset, demo_cfg_options,
                           run_tool, tool_error)

pytestmark = pytest.mark.e2e


def snapshot(folder):
    """Name -> content hash of every file in ``folder``."""
    return {
        name: hashlib.sha256(open(osp.join(folder, name), 'rb').read())
        .hexdigest()
        for name in os.listdir(folder) if osp.isfile(osp.join(folder, name))
    }


class NotAllowListed:
    """A type outside the weights-only allow-list."""


def train(demo_data, tmp_path, work_dir, epochs, *extra, check=True):
    options = demo_cfg_options(demo_data)
    for split, lines in (('train', 4), ('val', 2)):
        options[f'{split}_dataloader.dataset.ann_file'] = annotation_subset(
            osp.join(demo_data, f'{split}.txt'),
            str(tmp_path / f'{split}.txt'), lines)
        options[f'{split}_dataloader.batch_size'] = 2
    options.update({'train_cfg.max_epochs': epochs,
                    'train_cfg.val_interval': 1})
    result = run_tool('train.py', DEMO_CONFIG, '--resume', *extra,
                      '--work-dir', work_dir, '--cfg-options',
                      *[f'{k}={v}' for k, v in options.items()],
                      check=check)
    return result if not check else result.stdout + result.stderr


def test_copied_work_dir_resumes_without_touching_the_original(
        demo_data, tmp_path):
    original, copy = tmp_path / 'a', tmp_path / 'b'
    output = train(demo_data, tmp_path, original, 1)
    assert (f'Nothing to resume in {original} (no intact checkpoint); '
            'training starts from scratch') in output
    shutil.copytree(original, copy)
    before = snapshot(original)
    output = train(demo_data, tmp_path, copy, 2)
    assert f'{original / "epoch_1.pth"} is outside the work dir {copy}' \
        in output
    assert snapshot(original) == before
    assert (copy / 'last_checkpoint').read_text() == str(copy /
                                                         'epoch_2.pth')
    resumed = load_checkpoint_file(str(copy / 'epoch_2.pth'))
    assert resumed['meta']['epoch'] == 2
    best = resumed['message_hub']['runtime_info']['best_ckpt']
    assert best.startswith(str(copy) + os.sep)


def test_refused_only_checkpoint_stops_the_resume_and_stays(demo_data,
                                                            tmp_path):
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    refused = work_dir / 'epoch_1.pth'
    torch.save(dict(meta=dict(epoch=1), state_dict={}, optimizer={},
                    extra=NotAllowListed()), refused)
    before = snapshot(work_dir)
    result = train(demo_data, tmp_path, work_dir, 1, check=False)
    assert tool_error(result) == (
        f'train.py: error: Nothing to resume in {work_dir}: Refused to load '
        f'checkpoint {refused}: it holds {__name__}.NotAllowListed, which is '
        'not an allowed type; bike_mm loads checkpoints with '
        'weights_only=True only (see docs/checkpoints.md). The checkpoints '
        'there are kept as they are; to train from scratch give another '
        '--work-dir, or --start-over (which first moves them to '
        f'{work_dir / "not_resumed"}*)')
    assert snapshot(work_dir) == before

    output = train(demo_data, tmp_path, work_dir, 1, '--start-over')
    kept = work_dir / 'not_resumed'
    assert f'the checkpoints of {work_dir} are kept, unchanged, in {kept}' \
        in output
    assert snapshot(kept) == before
    assert torch.load(work_dir / 'epoch_1.pth',
                      weights_only=True)['meta']['epoch'] == 1
