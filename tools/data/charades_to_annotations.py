"""Convert an official Charades CSV (Charades_v1_train.csv /
Charades_v1_test.csv) into an annotation file.

    # video level, multi-label (paper Table 3; CheckedVideoDataset with
    # multi_class=True): "<id>.mp4 label label ..."
    python tools/data/charades_to_annotations.py Charades_v1_test.csv \
        data/charades/charades_test_videos.txt
    # segment level (the released training setting): rawframe lines
    # "<id> offset total_frames label" at 24 frames a second
    python tools/data/charades_to_annotations.py Charades_v1_train.csv \
        data/charades/charades_train_segments.txt --level segment

``--format rawframes`` writes video-level "<id> total_frames labels" lines
for RawframeDataset (frames counted in ``--frames-root``, else length x fps).
"""
import argparse

from bike_mm.datasets.preparation.charades import convert_charades
from bike_mm.engine.cli import run_tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('csv', help='Charades_v1_{train,test}.csv')
    parser.add_argument('out', help='annotation file to write')
    parser.add_argument('--level', choices=('video', 'segment'),
                        default='video')
    parser.add_argument('--format', choices=('videos', 'rawframes'),
                        default='videos', help='video level only')
    parser.add_argument('--fps', type=float, default=24.0,
                        help='frame rate of the frame folders')
    parser.add_argument('--frames-root',
                        help='count the frames of each video here')
    args = parser.parse_args()
    counts = convert_charades(args.csv, args.out, args.level,
                              args.format, args.fps, args.frames_root)
    left_out = 'videos without actions' if args.level == 'video' \
        else 'segments without frames'
    print(f"Wrote {counts['lines']} lines to {args.out} "
          f"({counts['skipped']} {left_out} left out)")


if __name__ == '__main__':
    run_tool(main)
