"""How bike_mm's command-line tools end: one line on bad input, and the
process group of a distributed run shut down."""
import pytest
import torch.distributed as torch_dist

from bike_mm.engine.cli import error_line, run_tool
from tests.helpers import free_port


def missing_file():
    raise OSError('no such file')


def test_bad_input_is_one_line(monkeypatch):
    monkeypatch.setattr('sys.argv', ['train.py'])

    def duplicate_name():
        raise ValueError('labels.txt, line 3: duplicate class name "run"\n'
                         'first at line 1')

    with pytest.raises(SystemExit) as exit_info:
        run_tool(duplicate_name)
    assert exit_info.value.code == ('train.py: error: labels.txt, line 3: '
                                    'duplicate class name "run" first at '
                                    'line 1')
    assert error_line(KeyError()) == 'KeyError'


def test_process_group_is_destroyed_at_the_end():
    torch_dist.init_process_group(
        'gloo', init_method=f'tcp://127.0.0.1:{free_port()}', rank=0,
        world_size=1)
    run_tool(lambda: None)
    assert not torch_dist.is_initialized()
    # also when the tool stops on bad input
    torch_dist.init_process_group(
        'gloo', init_method=f'tcp://127.0.0.1:{free_port()}', rank=0,
        world_size=1)
    with pytest.raises(SystemExit):
        run_tool(missing_file)
    assert not torch_dist.is_initialized()
