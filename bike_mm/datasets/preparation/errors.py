"""The error of data preparation steps."""


class PreparationError(ValueError):
    """Bad input of a data preparation step; the message names the file,
    line, field or folder. Tools print it as one line and exit non-zero."""
