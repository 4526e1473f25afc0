"""Kept for backwards compatibility: the decoder lives in :mod:`areas_analysis.io`."""

from ..io import DecodedText, decode_bytes, read_text

__all__ = ["DecodedText", "decode_bytes", "read_text"]
