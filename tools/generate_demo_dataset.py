"""Write the embedded demo dataset: small synthetic mp4 videos in classes
named by descriptive phrases, with annotation files for train/val/test and a
label file (:func:`bike_mm.demo.generate_demo_dataset`).

Usage: python tools/generate_demo_dataset.py [--out data/demo] [--seed 0]
"""
import argparse

from bike_mm.demo import CLASSES, generate_demo_dataset
from bike_mm.engine.cli import run_tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default='data/demo', help='output folder')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    total = generate_demo_dataset(args.out, args.seed)
    print(f'Wrote {total} videos of {len(CLASSES)} classes to {args.out}')


if __name__ == '__main__':
    run_tool(main)
