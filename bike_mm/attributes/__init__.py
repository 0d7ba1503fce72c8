"""Video attributes of BIKE's Video-Attributes Association (paper Sec. 2.2):
the attribute file format and their generation with a CLIP model."""
from .attribute_file import AttributeFile
from .generation import AttributeGenerationError, generate_attributes

__all__ = ['AttributeFile', 'AttributeGenerationError', 'generate_attributes']
