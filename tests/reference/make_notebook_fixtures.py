#!/usr/bin/env python3
"""Writes tests/fixtures/notebook_fixtures.json: the notebook's training (notebook_reference.py)
at 5 -> 2 with 10 instances, 200 steps of batch 256 from seed 0, for test_notebook_trainer.cpp.
Short, so that the unit test runs in a fraction of a second; `make crosscheck` runs 1,000 steps of
batch 1024. Usage: /usr/bin/python3 tests/reference/make_notebook_fixtures.py
"""
import json
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent
case = {"features": 5, "hidden": 2, "instances": 10, "importance_base": 0.9, "steps": 200, "batch": 256, "seed": 0}
out = subprocess.run(
    [sys.executable, str(here / "notebook_reference.py"), "--features", "5", "--hidden", "2", "--instances", "10",
     "--importance-base", "0.9", "--steps", "200", "--batch", "256", "--seed", "0"],
    check=True, capture_output=True, text=True).stdout
result = json.loads(out)
result.pop("train_seconds")
case.update(result)
(here.parent / "fixtures" / "notebook_fixtures.json").write_text(json.dumps(case, indent=1) + "\n")
