from .temporal_saliency import SaliencyFigure, plot_temporal_saliency
from .timeline import TimelineFigure, plot_timeline, top_class_bands

__all__ = [
    'SaliencyFigure', 'TimelineFigure', 'plot_temporal_saliency',
    'plot_timeline', 'top_class_bands'
]
