#!/usr/bin/env python3
"""Writes src/test/resources/reference.safetensors, a safetensors file made independently of the
Java code (Python standard library only), to test that the Java reader follows the format spec:
8-byte little-endian header length, UTF-8 JSON header padded with spaces to a multiple of 8,
then the tensors' raw little-endian bytes back to back."""

import json
import pathlib
import struct

OUT = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/reference.safetensors"

# name -> (dtype, shape, raw little-endian bytes)
TENSORS = {
    "f32": ("F32", [2, 3], struct.pack("<6f", 0, 1, 2, 3, 4, 5)),
    "i64": ("I64", [4], struct.pack("<4q", -1, 0, 7, 2**40 + 3)),
    "i32": ("I32", [2], struct.pack("<2i", -7, 2**31 - 1)),
    "u8": ("U8", [2, 2], bytes([0, 1, 127, 255])),
    # float16 bit patterns of 1.0, -2.0, 0.5, +inf
    "f16": ("F16", [4], struct.pack("<4H", 0x3C00, 0xC000, 0x3800, 0x7C00)),
    # bfloat16 bit patterns of 1.0, -2.0, 3.140625
    "bf16": ("BF16", [3], struct.pack("<3H", 0x3F80, 0xC000, 0x4049)),
    "scalar": ("F32", [], struct.pack("<f", -1.5)),
}


def main():
    header = {"__metadata__": {"format": "pt", "source": "make_reference_safetensors.py"}}
    data = b""
    for name, (dtype, shape, raw) in TENSORS.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(struct.pack("<Q", len(text)) + text + data)
    print(f"wrote {OUT} ({8 + len(text) + len(data)} bytes)")


if __name__ == "__main__":
    main()
