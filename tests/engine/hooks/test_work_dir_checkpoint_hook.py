"""WorkDirCheckpointHook: resume confined to the work dir, unreadable
checkpoints skipped, best checkpoints of other runs never deleted."""
import logging
import os
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub, MMLogger

from bike_mm.engine.hooks import WorkDirCheckpointHook
from bike_mm.engine.resume import find_resumable_checkpoint


def training_checkpoint(path, epoch):
    torch.save(dict(meta=dict(epoch=epoch), state_dict={},
                    optimizer=dict(state={})), str(path))
    return str(path)


def record_last(work_dir, path):
    (work_dir / 'last_checkpoint').write_text(str(path))


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING]


def capture(caplog):
    # MMLogger does not propagate to the root logger caplog listens on
    MMLogger.get_current_instance().addHandler(caplog.handler)


def test_copied_work_dir_resumes_from_its_own_file(tmp_path, caplog):
    capture(caplog)
    original, copy = tmp_path / 'a', tmp_path / 'b'
    original.mkdir()
    copy.mkdir()
    training_checkpoint(original / 'epoch_2.pth', 2)
    mine = training_checkpoint(copy / 'epoch_2.pth', 2)
    record_last(copy, original / 'epoch_2.pth')
    assert find_resumable_checkpoint(str(copy)) == mine
    assert any(f'{original / "epoch_2.pth"} is outside the work dir {copy}'
               in message for message in warnings_of(caplog))


def test_foreign_checkpoint_is_not_followed_without_a_local_one(tmp_path):
    other, work_dir = tmp_path / 'a', tmp_path / 'b'
    other.mkdir()
    work_dir.mkdir()
    record_last(work_dir, training_checkpoint(other / 'epoch_5.pth', 5))
    assert find_resumable_checkpoint(str(work_dir)) is None


def test_corrupt_latest_falls_back_to_previous_intact(tmp_path, caplog):
    capture(caplog)
    previous = training_checkpoint(tmp_path / 'epoch_2.pth', 2)
    torch.save(dict(meta={}, state_dict={}), tmp_path / 'best_acc.pth')
    latest = tmp_path / 'epoch_3.pth'
    latest.write_bytes(b'PK\x03\x04 cut short')
    record_last(tmp_path, latest)
    assert find_resumable_checkpoint(str(tmp_path)) == previous
    messages = warnings_of(caplog)
    assert any(f'Not resuming from {latest}: Cannot read checkpoint' in m
               for m in messages)
    assert any(f'previous intact checkpoint {previous} instead of {latest}'
               in m for m in messages)


def test_checkpoints_in_out_dir_are_followed(tmp_path):
    work_dir, out_dir = tmp_path / 'work', tmp_path / 'out' / 'work'
    work_dir.mkdir()
    out_dir.mkdir(parents=True)
    saved = training_checkpoint(out_dir / 'epoch_1.pth', 1)
    record_last(work_dir, saved)
    assert find_resumable_checkpoint(
        str(work_dir), folder=str(out_dir)) == saved


def test_only_unreadable_checkpoints_stop_the_resume(tmp_path):
    broken = tmp_path / 'epoch_1.pth'
    broken.write_bytes(b'PK\x03\x04 cut short')
    with pytest.raises(ValueError, match=f'Nothing to resume in {tmp_path}: '
                       f'Cannot read checkpoint {broken}'):
        find_resumable_checkpoint(str(tmp_path))
    assert find_resumable_checkpoint(str(tmp_path), start_over=True) is None
    assert broken.read_bytes() == b'PK\x03\x04 cut short'


def test_empty_work_dir_has_nothing_to_resume(tmp_path):
    assert find_resumable_checkpoint(str(tmp_path)) is None
    assert find_resumable_checkpoint(str(tmp_path / 'missing')) is None


class FakeRunner(SimpleNamespace):
    """What CheckpointHook's best-checkpoint bookkeeping uses of a runner;
    saving writes the file."""

    def __init__(self, work_dir, hub):
        super().__init__(work_dir=str(work_dir), message_hub=hub, epoch=3,
                         iter=30, logger=MMLogger.get_current_instance())

    def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        with open(os.path.join(out_dir, filename), 'wb') as f:
            f.write(b'checkpoint')


def test_best_of_another_run_is_kept_and_not_recorded(tmp_path):
    other, work_dir = tmp_path / 'a', tmp_path / 'b'
    other.mkdir()
    work_dir.mkdir()
    foreign_best = other / 'best_acc_top1_epoch_1.pth'
    foreign_best.write_bytes(b'the original run')
    hub = MessageHub.get_instance('work_dir_hook_foreign')
    hub.update_info('best_ckpt', str(foreign_best))
    hub.update_info('best_score', 0.5)
    runner = FakeRunner(work_dir, hub)
    hook = WorkDirCheckpointHook(save_best='acc/top1', rule='greater')
    hook.before_train(runner)
    assert hook.best_ckpt_path is None
    assert 'best_ckpt' not in hub.runtime_info
    hook._save_best_checkpoint(runner, {'acc/top1': 0.9})
    assert foreign_best.read_bytes() == b'the original run'
    assert hook.best_ckpt_path == str(work_dir / 'best_acc_top1_epoch_3.pth')


def test_old_best_is_removed_only_after_the_new_one_is_written(tmp_path):
    hub = MessageHub.get_instance('work_dir_hook_order')
    old_best = tmp_path / 'best_acc_top1_epoch_1.pth'
    old_best.write_bytes(b'old')
    hub.update_info('best_ckpt', str(old_best))
    hub.update_info('best_score', 0.5)
    runner = FakeRunner(tmp_path, hub)
    seen_when_saving = []
    save = runner.save_checkpoint

    def save_and_look(out_dir, filename, *args, **kwargs):
        seen_when_saving.append(old_best.exists())
        save(out_dir, filename, *args, **kwargs)

    runner.save_checkpoint = save_and_look
    hook = WorkDirCheckpointHook(save_best='acc/top1', rule='greater')
    hook.before_train(runner)
    hook._save_best_checkpoint(runner, {'acc/top1': 0.9})
    assert seen_when_saving == [True]
    assert not old_best.exists()
    assert (tmp_path / 'best_acc_top1_epoch_3.pth').exists()
    # a worse score keeps the current best
    hook._save_best_checkpoint(runner, {'acc/top1': 0.1})
    assert hook.best_ckpt_path == str(tmp_path / 'best_acc_top1_epoch_3.pth')
