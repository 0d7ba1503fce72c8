from .gather import gather_batch
from .multi_label import sample_positive_classes
from .text_embeddings import TextEmbeddings

__all__ = ['gather_batch', 'sample_positive_classes', 'TextEmbeddings']
