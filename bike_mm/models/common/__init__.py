from .temporal_transformer import TemporalTransformer

__all__ = ['TemporalTransformer']
