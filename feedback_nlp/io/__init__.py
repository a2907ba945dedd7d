"""Reading inputs and writing outputs."""

from .decode import Decoded, decode_bytes, read_bytes

__all__ = ["Decoded", "decode_bytes", "read_bytes"]
