"""benchmarks/compare_released.py: input checks and the report (the
released code itself is not part of the repository)."""
from bike_bench.released_comparison import format_comparison


def test_table_has_ratios():
    results = dict(
        bike_mm=dict(setup_s=2.0, step_s=3.0, held_mib=800.0,
                     peak_mib=500.0, params_mib=100.0,
                     optimizer_state_mib=50.0),
        released=dict(setup_s=1.0, step_s=4.0, held_mib=1600.0,
                      peak_mib=400.0, params_mib=100.0,
                      optimizer_state_mib=200.0))
    lines = format_comparison(results).splitlines()
    assert lines[2] == '| setup (s) | 2.00 | 1.00 | 2.00x |'
    assert lines[3] == '| step (s) | 3.00 | 4.00 | 0.75x |'
    assert lines[4] == ('| held between steps (MiB) | 800.00 | 1600.00 | '
                        '0.50x |')
    assert lines[7] == '| optimizer state (MiB) | 50.00 | 200.00 | 0.25x |'
    assert lines[8] == '| held + step peak | | | 0.65x |'


def test_a_folder_without_the_released_code_is_one_clear_error(
        run_benchmark, tmp_path):
    result = run_benchmark('compare_released.py', '--released',
                           tmp_path, '--work-dir', tmp_path / 'work',
                           check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f'compare_released.py: error: {tmp_path} is not a checkout of the '
        'released BIKE code: it has no clip/model.py')
    assert not (tmp_path / 'work').exists()
