"""Published figures the GPU benchmarks are read against (plain data, no
torch: ``benchmarks/gpu/run.py`` prints them before it installs anything).

By (arch, frames): Text4Vis Table 12 (inference on one A100 at batch 16,
videos/s) and the BIKE README's "Training GPU Memory" table (GB per GPU at
batch 32, released code).
"""
from typing import Dict, Tuple

REFERENCES: Dict[Tuple[str, int], Dict[str, float]] = {
    ('ViT-B-32', 8): dict(text4vis_infer_vps=322.5, bike_train_gb=6),
    ('ViT-B-16', 8): dict(text4vis_infer_vps=126.5, bike_train_gb=9),
    ('ViT-L-14', 8): dict(text4vis_infer_vps=35.5, bike_train_gb=18),
    ('ViT-L-14', 16): dict(bike_train_gb=29),
}
