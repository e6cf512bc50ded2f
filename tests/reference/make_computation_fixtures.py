#!/usr/bin/env python3
"""Writes tests/fixtures/computation_fixtures.json: the initial W1^T, W2 and the first batch of the
computation-in-superposition model (computation_reference.py) from torch.manual_seed(3), for
test_computation_trainer.cpp to match bit for bit.

Run with Debian's python3-torch: /usr/bin/python3 tests/reference/make_computation_fixtures.py
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SETTINGS = {"seed": 3, "features": 20, "neurons": 10, "batch": 16, "probabilities": "1,0.1,0.01"}
out = json.loads(subprocess.run(
    [sys.executable, os.path.join(HERE, "computation_reference.py"), "--steps", "0"] +
    [arg for key, value in SETTINGS.items() for arg in (f"--{key}", str(value))],
    check=True, capture_output=True, text=True).stdout)
fixture = dict(SETTINGS, input_weights_bits=out["input_weights_bits"], output_weights_bits=out["output_weights_bits"],
               batch_bits=out["batch_bits"])
with open(os.path.join(HERE, "..", "fixtures", "computation_fixtures.json"), "w") as f:
    json.dump(fixture, f)
    f.write("\n")
