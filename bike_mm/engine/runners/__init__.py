from .sharded_runner import ShardedRunner, check_runner_type

__all__ = ['ShardedRunner', 'check_runner_type']
