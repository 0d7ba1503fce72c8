from .gather import gather_batch
from .text_embeddings import TextEmbeddings

__all__ = ['gather_batch', 'TextEmbeddings']
