"""The one rule every patch of mmengine follows: an environment variable
turns it off, and it is installed only on the mmengine versions it was
written for (else a warning says so and mmengine is left alone)."""
import os
import warnings
from typing import Sequence

#: The mmengine versions (``major.minor``) bike_mm's patches were written for.
SUPPORTED_MMENGINE = ('0.10', )


def patch_allowed(name: str, env_var: str, version: str,
                  consequence: str,
                  supported: Sequence[str] = SUPPORTED_MMENGINE) -> bool:
    """Whether a patch of mmengine may be installed.

    Args:
        name (str): The patch, as the warning names it.
        env_var (str): Its switch: ``<env_var>=0`` turns it off.
        version (str): The installed mmengine version.
        consequence (str): What not patching means, for the warning.
        supported (Sequence[str]): ``major.minor`` versions it was written
            for.
    """
    if os.environ.get(env_var, '1') == '0':
        return False
    if '.'.join(version.split('.')[:2]) in supported:
        return True
    warnings.warn(
        f'bike_mm: the {name} patch was written for mmengine '
        f'{"/".join(v + ".x" for v in supported)}, found {version}; not '
        f'installed ({consequence}). Set {env_var}=0 to silence this.',
        stacklevel=3)
    return False
