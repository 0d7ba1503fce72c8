"""Write the class-name files of the paper's datasets into
``configs/_base_/labels/`` (one name per line, index = line number) from the
released BIKE/Text4Vis label lists
(:func:`bike_mm.datasets.released_label_lists.write_label_files`).

Sources (``--src``, default ``../shared/data/labels`` beside the repository):
``kinetics_400_labels.csv``, ``k160_labels_split{1,2,3}.csv``,
``ucf_labels.csv``, ``hmdb51_labels.csv``, ``anet1.3_labels.csv`` and
``Charades_v1_classes.txt``.

Usage: python tools/data/make_label_files.py [--src DIR] [--out DIR]
"""
import argparse
import os.path as osp

from bike_mm.datasets.released_label_lists import write_label_files
from bike_mm.engine.cli import run_tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    repo_root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    parser.add_argument(
        '--src',
        default=osp.join(repo_root, '..', 'shared', 'data', 'labels'),
        help='folder of the source label lists')
    parser.add_argument('--out', default='configs/_base_/labels')
    args = parser.parse_args()
    written = write_label_files(args.src, args.out)
    for name, size in written.items():
        print(f'{name}: {size} classes')


if __name__ == '__main__':
    run_tool(main)
