"""Extract the frames of the videos of an mmaction annotation file into
mmaction's RawframeDataset layout (decord): ``OUT_ROOT/<video path without
extension>/img_00001.jpg, ...`` and an annotation file of
``frame_dir total_frames label [label ...]`` lines.

    python tools/data/extract_frames.py ANN_FILE VIDEO_ROOT OUT_ROOT OUT_ANN
        [--fps 24] [--workers 2]
    python tools/data/extract_frames.py --check RAWFRAME_ANN FRAMES_ROOT

``--check`` verifies an existing rawframe annotation against its folders
(missing or empty folders, fewer frames than announced).
"""
import argparse

from bike_mm.datasets.preparation import check_rawframes, videos_to_rawframes
from bike_mm.engine.cli import run_tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('ann_file', help='"path label" video annotation '
                        '(with --check: "frame_dir total_frames label")')
    parser.add_argument('video_root', help='video folder (with --check: '
                        'frame folder root)')
    parser.add_argument('out_root', nargs='?', help='frame folder root')
    parser.add_argument('out_ann', nargs='?', help='rawframe annotation')
    parser.add_argument('--fps', type=float,
                        help='keep this many frames a second (default: all)')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--check', action='store_true',
                        help='only check an existing rawframe annotation')
    args = parser.parse_args()
    if args.check:
        count = check_rawframes(args.ann_file, args.video_root)
        print(f'{count} frame folders of {args.ann_file} are complete')
        return
    if not args.out_root or not args.out_ann:
        parser.error('OUT_ROOT and OUT_ANN are needed to extract')
    count = videos_to_rawframes(args.ann_file, args.video_root,
                                args.out_root, args.out_ann, args.fps,
                                args.workers)
    print(f'Extracted {count} videos to {args.out_root}, annotation '
          f'{args.out_ann}')


if __name__ == '__main__':
    run_tool(main)
