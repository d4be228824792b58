#!/usr/bin/env python3
"""Writes the 1,000-row request bodies for the serving bench, the same 1,000 × 30 float32 rows in each encoding:

    rows1000-infer.json   OIP JSON: one FP32 [1000, 30] input, flat data
    rows1000-infer.bin    OIP REST with binary tensor data: JSON header, then 120,000 raw little-endian bytes;
                          the header's length is in rows1000-infer.bin.len (for the Inference-Header-Content-Length
                          header); the output `probabilities` is asked for as binary data too
    rows1000-grpc.bin     one gRPC message (5-byte frame prefix + ModelInferRequest with raw_input_contents)

Plain Python; the protobuf message is encoded by hand (field numbers from the protocol's proto file).

    make_bodies.py <folder> [rows]
"""
import json
import os
import random
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, wire, payload):
    key = varint((number << 3) | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def grpc_request(raw, rows, features):
    shape = b"".join(varint(d) for d in (rows, features))
    tensor = field(1, 2, b"float_input") + field(2, 2, b"FP32") + field(3, 2, shape)
    message = field(1, 2, b"lr") + field(5, 2, tensor) + field(7, 2, raw)
    return b"\x00" + struct.pack(">I", len(message)) + message


def main(folder, rows):
    rng = random.Random(7)
    x = [round(rng.random() * 2 - 1, 4) for _ in range(rows * 30)]
    os.makedirs(folder, exist_ok=True)
    values = ",".join(f"{v:.4f}" for v in x)
    with open(os.path.join(folder, "rows1000-infer.json"), "w") as f:
        f.write('{"inputs": [{"name": "float_input", "shape": [%d, 30], "datatype": "FP32", "data": [%s]}]}' % (rows, values))
    raw = struct.pack("<%df" % len(x), *x)
    header = json.dumps({
        "inputs": [{"name": "float_input", "shape": [rows, 30], "datatype": "FP32", "parameters": {"binary_data_size": len(raw)}}],
        "outputs": [{"name": "label"}, {"name": "probabilities", "parameters": {"binary_data": True}}],
    }).encode()
    with open(os.path.join(folder, "rows1000-infer.bin"), "wb") as f:
        f.write(header + raw)
    with open(os.path.join(folder, "rows1000-infer.bin.len"), "w") as f:
        f.write(str(len(header)))
    with open(os.path.join(folder, "rows1000-grpc.bin"), "wb") as f:
        f.write(grpc_request(raw, rows, 30))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
