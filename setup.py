from setuptools import find_packages, setup

# ONNX export and onnxruntime inference (bike_mm.deployment)
DEPLOY = ['onnx>=1.14', 'onnxruntime>=1.16']

setup(
    name='bike_mm',
    version='0.1.0',
    description='BIKE, Text4Vis and X-CLIP as MMAction2 components',
    packages=find_packages(include=['bike_mm', 'bike_mm.*']),
    package_data={'bike_mm': ['models/backbones/model_configs/*.json']},
    # What the code needs (`vermin --eval-annotations bike_mm tools`: 3.9,
    # as open_clip_torch 3.3); only Python 3.11 is tested (README, Tests).
    python_requires='>=3.9',
    # Ranges, so that bike_mm installs into an existing MMAction2
    # environment without replacing its torch, mmcv or mmaction2. The exact
    # versions we test are in requirements/constraints.txt. mmcv (full or
    # lite) is left to the user: bike_mm/__init__.py says what to install.
    install_requires=[
        # the oldest torch of the CI's legacy stack (README, versions)
        'torch>=2.1',
        'mmengine>=0.10,<0.11',
        'mmaction2>=1.1,<1.3',
        'open_clip_torch>=3.3,<3.4',
        'decord>=0.6',
        # Text4Vis LDA classifier (tools/text4vis_lda.py)
        'scikit-learn>=1.3',
    ],
    extras_require=dict(
        deploy=DEPLOY,
        # filelock: the e2e tests' once-per-run trained demo (conftest.py)
        tests=['pytest', 'pytest-xdist', 'pytest-timeout', 'filelock',
               *DEPLOY],
        lint=['ruff'],
    ),
)
