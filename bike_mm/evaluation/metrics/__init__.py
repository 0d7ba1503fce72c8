from .acc_map_metric import AccMAPMetric
from .branch_acc_metric import BranchAccMetric
from .zero_shot_metric import ZeroShotMetric

__all__ = ['AccMAPMetric', 'BranchAccMetric', 'ZeroShotMetric']
