"""Fail when an install changed or removed a package that was there before.

    python .ci/versions_kept.py BEFORE.json AFTER.json

Both files are ``pip list --format=json``. New packages are fine.
"""
import json
import sys


def versions(path: str) -> dict:
    with open(path) as f:
        return {p['name'].lower(): p['version'] for p in json.load(f)}


def main() -> None:
    before, after = (versions(path) for path in sys.argv[1:3])
    changed = {
        name: (version, after.get(name, 'removed'))
        for name, version in before.items() if after.get(name) != version
    }
    for name, (old, new) in sorted(changed.items()):
        print(f'{name}: {old} -> {new}')
    if changed:
        sys.exit('Installing bike_mm changed the versions above.')
    print(f'All {len(before)} packages kept their versions.')


if __name__ == '__main__':
    main()
