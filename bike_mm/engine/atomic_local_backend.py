"""A local file backend whose writes are atomic."""
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend


def write_atomically(data: bytes, filepath: Union[str, Path]) -> None:
    """Write ``data`` to ``filepath`` so that the file is either the old one
    or the complete new one, never a partial write.

    The bytes go to a temporary file in the same folder, are flushed to disk
    (``fsync``) and renamed over ``filepath`` (``os.replace``, atomic on
    POSIX and Windows); the folder is synced so the rename itself survives
    a power loss.
    """
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(
        dir=folder, prefix=f'.{osp.basename(filepath)}.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, filepath)
    except BaseException:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
        raise
    if hasattr(os, 'O_DIRECTORY'):
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """mmengine's :class:`LocalBackend` with atomic :meth:`put` and
    :meth:`put_text` (:func:`write_atomically`): a run killed while saving
    a checkpoint leaves the previous file intact. Select it with
    ``backend_args=dict(backend='atomic_local')``.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        write_atomically(obj, filepath)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        write_atomically(obj.encode(encoding), filepath)
