from .sharded_optimizer import ShardedOptimizer

__all__ = ['ShardedOptimizer']
