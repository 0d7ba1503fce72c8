from .compare import (compare, format_markdown, frames_and_views, plot,
                      warnings, write_csv)
from .work_dir import Run, WorkDirError, read_work_dir

__all__ = [
    'compare', 'format_markdown', 'frames_and_views', 'plot', 'warnings',
    'write_csv', 'Run', 'WorkDirError', 'read_work_dir'
]
