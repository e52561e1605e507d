"""How staged quotes and settled firms are kept small: compressed JSON, which
gives back floats, strings, booleans and nulls exactly."""
import json
import zlib


def pack(value):
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode("utf-8"), 6)


def unpack(blob):
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def compress_chunk(data):
    """A raw chunk of a settled dataset, at zlib's fastest level (a 4 MB chunk in tens of milliseconds)."""
    return zlib.compress(data, 1)


def chunk_bytes(chunk):
    """A stored chunk's bytes as uploaded (settled datasets' chunks are compressed)."""
    return zlib.decompress(chunk["data"]) if chunk.get("encoding") == "zlib" else chunk["data"]
