from .load_attribute_sentence import LoadAttributeSentence

__all__ = ['LoadAttributeSentence']
