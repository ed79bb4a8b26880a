"""Reads and writes safetensors files with torch alone (Debian has no `safetensors` package).

The format (https://github.com/huggingface/safetensors): an unsigned 64-bit little-endian header length
N, N bytes of JSON header mapping each tensor name to {dtype, shape, data_offsets: [begin, end]} (byte
offsets into the data that follows; "__metadata__" holds string notes), then the raw little-endian data.
With the `safetensors` package installed, `safetensors.torch.load_file` / `save_file` do the same.
"""

import json
import struct

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "F16": torch.float16}
NAMES = {dtype: name for name, dtype in DTYPES.items()}


def load_file(path):
    """The tensors of a safetensors file by name (in file order), and its metadata."""
    with open(path, "rb") as file:
        data = file.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        raw = bytearray(data[start + begin : start + end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, metadata


def save_file(tensors, path, metadata=None):
    """Writes tensors (a dict, e.g. a state_dict) as safetensors, names sorted as save_file sorts them."""
    header = {"__metadata__": metadata or {"format": "pt"}}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        raw = tensor.numpy().tobytes() if tensor.numel() else b""
        header[name] = {
            "dtype": NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
