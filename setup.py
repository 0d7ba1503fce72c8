from setuptools import find_packages, setup

setup(
    name='bike_mm',
    version='0.1.0',
    description='BIKE, Text4Vis and X-CLIP as MMAction2 components',
    packages=find_packages(include=['bike_mm', 'bike_mm.*']),
    package_data={'bike_mm': ['models/backbones/model_configs/*.json']},
    python_requires='>=3.9',
    install_requires=[
        'torch==2.14.1',
        'torchvision==0.29.1',
        'mmengine==0.10.7',
        # mmaction2 1.2.0 on PyPI lacks mmaction/models/localizers/drn and
        # cannot import its models; 1.1.0 imports with mmcv-lite 2.0.1.
        'mmaction2==1.1.0',
        'mmcv-lite==2.0.1',
        'open_clip_torch==3.3.0',
        'decord==0.6.0',
        # Text4Vis LDA classifier (tools/text4vis_lda.py)
        'scikit-learn==1.9.1',
    ],
    extras_require=dict(tests=['pytest']),
)
