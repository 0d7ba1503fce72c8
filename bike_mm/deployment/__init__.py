"""Deployment: ONNX export of recognizers and an onnxruntime recognizer.

Nothing here is imported by ``import bike_mm``; onnx and onnxruntime are
imported only when used (the optional ``bike_mm[deploy]`` extra).
"""
from .clip_scorer import ClipScorer
from .onnx_export import export_onnx, quantize_onnx
from .onnx_inference import category_inputs, inference_onnx
from .onnx_recognizer import OnnxRecognizer, average_views

__all__ = [
    'ClipScorer', 'export_onnx', 'quantize_onnx', 'category_inputs',
    'inference_onnx', 'OnnxRecognizer', 'average_views'
]
