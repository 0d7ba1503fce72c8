"""Importing bike_mm without mmcv names what to install."""
import subprocess
import sys


def test_import_without_mmcv_says_what_to_install():
    # sys.modules[name] = None makes the module unimportable
    hidden = "import sys; sys.modules['mmcv'] = None; import bike_mm"
    result = subprocess.run([sys.executable, '-c', hidden],
                            capture_output=True,
                            text=True)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith('ImportError: bike_mm needs mmcv')
    assert "pip install 'mmcv-lite>=2.0.1,<2.1'" in last_line
