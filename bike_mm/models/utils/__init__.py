from .gather import gather_batch
from .multi_label import sample_positive_classes
from .text_embeddings import TextEmbeddings
from .weight_interpolation import interpolate_weights

__all__ = [
    'gather_batch', 'sample_positive_classes', 'TextEmbeddings',
    'interpolate_weights'
]
