from .vcs_head import VCSHead

__all__ = ['VCSHead']
