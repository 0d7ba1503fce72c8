"""How command-line tools end: on bad input one line, no traceback; in a
distributed run with the process group shut down."""
import os.path as osp
import sys
from typing import Callable

import torch.distributed as torch_dist

# Bad files and settings: missing or unreadable files, malformed content
# (decoding errors are ValueErrors), refused checkpoints, mismatches.
USER_ERRORS = (OSError, ValueError)


def error_line(err: BaseException) -> str:
    """The message of ``err`` on one line; for an error re-raised from a
    data-loading worker, its original message (torch prepends the worker's
    traceback)."""
    text = str(err).strip() or type(err).__name__
    if 'Original Traceback' in text:
        text = text.splitlines()[-1]
    return ' '.join(line.strip() for line in text.splitlines())


def run_tool(main: Callable[[], None]) -> None:
    """Run a tool's ``main``; on a user error print ``tool: error: ...``
    and exit with status 1. The ranks of a distributed run that succeeded
    leave together, and the process group is destroyed before exit: a rank
    that shuts gloo down while another still works (rank 0 writing the last
    checkpoint) can be aborted by gloo after its work is done."""
    try:
        main()
    except USER_ERRORS as err:
        prog = osp.basename(sys.argv[0])
        sys.exit(f'{prog}: error: {error_line(err)}')
    else:
        if _distributed():
            torch_dist.barrier()
    finally:
        if _distributed():
            torch_dist.destroy_process_group()


def _distributed() -> bool:
    return torch_dist.is_available() and torch_dist.is_initialized()
