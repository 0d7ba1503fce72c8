from .attribute_files import AttributeFile
from .load_attribute_sentence import LoadAttributeSentence

__all__ = ['AttributeFile', 'LoadAttributeSentence']
