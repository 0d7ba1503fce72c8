from .temporal_saliency import SaliencyFigure, plot_temporal_saliency

__all__ = ['SaliencyFigure', 'plot_temporal_saliency']
