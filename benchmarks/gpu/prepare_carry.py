"""Build what benchmarks/gpu/run.py needs on a GPU machine that has its own
torch (Python 3.12, x86-64) and no package index, from this machine's pip:

- ``--out`` (default ``benchmarks/gpu/wheels/``): wheels, downloaded
  without their dependencies, of the packages bike_mm needs that such a
  machine lacks (:data:`WHEELS`; numpy, OpenCV, regex, rich, einops, timm
  and the rest are there), and ``src/mmaction``, the ``mmaction`` package
  of the vendored mmaction2 1.2.0 source: a wheel of it would drop
  ``models/localizers/drn``, which ``import mmaction.models`` imports;
- ``--released-out`` (default ``benchmarks/gpu/released/``), with
  ``--released CHECKOUT`` (github.com/whwu95/BIKE): the three files of the
  released code that its training step needs.

Both travel with the working tree, which with them must stay within the
64 MiB a run carries: the total is printed, and over it the script fails.

    python benchmarks/gpu/prepare_carry.py --released /path/to/BIKE
"""
import argparse
import os
import os.path as osp
import shutil
import subprocess
import sys
import tarfile
import tempfile

GPU_DIR = osp.dirname(osp.abspath(__file__))
CHECKOUT = osp.dirname(osp.dirname(GPU_DIR))
MIB = 2**20
LIMIT_MIB = 64
#: The wheels: bike_mm's own requirements and theirs that the GPU machine's
#: image does not hold (the image's list: KINDS.md of the device notes).
WHEELS = (
    'mmengine==0.10.7',
    'mmcv-lite==2.1.0',
    'open_clip_torch==3.3.0',
    'decord==0.6.0',
    'ftfy==6.3.1',
    'wcwidth==0.9.4',
    'addict==2.4.0',
    'yapf==0.43.0',
    'platformdirs==4.14.9',
    'termcolor==3.3.0',
    'importlib_metadata==10.2.0',
)
#: The GPU machine's interpreter and platform.
TARGET = ('--python-version', '3.12', '--implementation', 'cp',
          '--platform', 'manylinux_2_28_x86_64',
          '--platform', 'manylinux_2_17_x86_64',
          '--platform', 'manylinux2014_x86_64',
          '--platform', 'manylinux2010_x86_64')
RELEASED_FILES = ('clip/model.py', 'modules/video_clip.py',
                  'utils/NCELoss.py')


def folder_bytes(path: str) -> int:
    return sum(
        osp.getsize(osp.join(root, name))
        for root, _, names in os.walk(path) for name in names)


def tracked_bytes(checkout: str) -> int:
    """Bytes of the files git tracks in ``checkout`` (the working tree that
    travels)."""
    names = subprocess.run(['git', 'ls-files', '-z'], cwd=checkout,
                           capture_output=True, check=True).stdout
    return sum(
        osp.getsize(osp.join(checkout, name))
        for name in names.decode().split('\0')
        if name and osp.isfile(osp.join(checkout, name)))


def download_wheels(out: str) -> None:
    subprocess.run(
        [sys.executable, '-m', 'pip', 'download', '--quiet', '--no-deps',
         '--only-binary=:all:', *TARGET, '-d', out, *WHEELS], check=True)


def extract_mmaction(tarball: str, out: str) -> None:
    """``mmaction/`` of the source release into ``out/src``."""
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp)
        found = [osp.join(tmp, top, 'mmaction') for top in os.listdir(tmp)
                 if osp.isdir(osp.join(tmp, top, 'mmaction'))]
        if not found:
            raise SystemExit(f'{tarball}: no mmaction/ folder in it')
        shutil.copytree(found[0], osp.join(out, 'src', 'mmaction'),
                        ignore=shutil.ignore_patterns('__pycache__'))


def copy_released(checkout: str, out: str) -> None:
    for name in RELEASED_FILES:
        if not osp.isfile(osp.join(checkout, name)):
            raise SystemExit(f'{checkout} is not a checkout of the released '
                             f'BIKE code: it has no {name}')
    for name in RELEASED_FILES:
        os.makedirs(osp.dirname(osp.join(out, name)), exist_ok=True)
        shutil.copy(osp.join(checkout, name), osp.join(out, name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default=osp.join(GPU_DIR, 'wheels'))
    parser.add_argument(
        '--mmaction-src',
        default=osp.join(osp.dirname(CHECKOUT), 'shared', 'vendor',
                         'mmaction2-1.2.0-src.tar.gz'),
        help='the mmaction2 1.2.0 source release (default: '
        '../shared/vendor/)')
    parser.add_argument('--released',
                        help='checkout of github.com/whwu95/BIKE')
    parser.add_argument('--released-out',
                        default=osp.join(GPU_DIR, 'released'))
    args = parser.parse_args()
    if not osp.isfile(args.mmaction_src):
        raise SystemExit(f'{args.mmaction_src}: mmaction2 source not found')
    for folder in (args.out, args.released_out):
        shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(args.out)
    download_wheels(args.out)
    extract_mmaction(args.mmaction_src, args.out)
    carried = [args.out]
    if args.released:
        copy_released(args.released, args.released_out)
        carried.append(args.released_out)
    sizes = {folder: folder_bytes(folder) for folder in carried}
    sizes['working tree (tracked files)'] = tracked_bytes(CHECKOUT)
    for name, size in sizes.items():
        print(f'{size / MIB:8.2f} MiB  {name}')
    total = sum(sizes.values()) / MIB
    print(f'{total:8.2f} MiB  in all (limit {LIMIT_MIB} MiB)')
    if total > LIMIT_MIB:
        raise SystemExit(f'prepare_carry.py: error: {total:.2f} MiB to '
                         f'carry, over the {LIMIT_MIB} MiB limit')


if __name__ == '__main__':
    main()
