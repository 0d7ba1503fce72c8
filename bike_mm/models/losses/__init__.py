from .dist_infonce_loss import DistInfoNCELoss

__all__ = ['DistInfoNCELoss']
