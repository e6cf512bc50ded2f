#!/usr/bin/python3
"""Writes tests/fixtures/rng_fixtures.json: PyTorch's CPU random stream for the generator tests.

Run with Debian's python3-torch (1.13):  /usr/bin/python3 tests/reference/make_rng_fixtures.py
Floats are stored as their IEEE-754 bit patterns so that the tests can demand exact equality.
"""
import json
import math
import os
import struct
import sys

import torch

torch.set_num_threads(1)


def bits(tensor):
    return [struct.unpack("<I", struct.pack("<f", v))[0] for v in tensor.flatten().tolist()]


def case(seed):
    out = {"seed": seed}
    torch.manual_seed(seed)
    # int64 random_() returns random64() % 2^63: the raw stream, top bit of each pair cleared.
    out["random64_mod_2_63"] = [str(v) for v in torch.empty(4, dtype=torch.int64).random_().tolist()]
    torch.manual_seed(seed)
    out["rand_5"] = bits(torch.rand(5))
    out["rand_16"] = bits(torch.rand(16))
    for n in (5, 16, 17, 5120):
        torch.manual_seed(seed)
        out[f"randn_{n}"] = bits(torch.randn(n))
    torch.manual_seed(seed)
    w = torch.empty(5, 2)
    torch.nn.init.xavier_normal_(w)
    out["xavier_normal_5x2"] = bits(w)
    # Odd count on the double path: the cached second normal must carry into the next call.
    torch.manual_seed(seed)
    out["randn_3_then_3"] = bits(torch.randn(3)) + bits(torch.randn(3))
    # A training batch as the article draws it: randn then rand, masked by sparsity 0.5.
    torch.manual_seed(seed)
    x = torch.randn(1024, 5)
    mask = torch.rand((1024, 5)) > 0.5
    out["batch_1024x5_sparsity_0.5"] = bits(x * mask)
    return out


def main():
    fixtures = {
        "torch_version": torch.__version__,
        "cpu_capability": [l for l in torch.__config__.show().splitlines() if "CPU capability" in l],
        "cases": [case(s) for s in (0, 42, 2024)],
    }
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "rng_fixtures.json")
    with open(path, "w") as f:
        json.dump(fixtures, f, indent=0)
        f.write("\n")
    print("wrote", os.path.normpath(path), file=sys.stderr)


if __name__ == "__main__":
    main()
