#!/usr/bin/python3
"""make crosscheck: trains each article configuration with superpos and with the PyTorch reference
(torch_reference.py) for several seeds, and prints the largest difference in W and in the bias.

Usage: /usr/bin/python3 tests/reference/crosscheck.py SUPERPOS_BINARY [--seeds 0-5] [--steps N]
Exits 1 when any max |dW| exceeds 1e-4.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def read_config(path):
    values = {}
    for line in open(path):
        line = line.split("#")[0].strip()
        if "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            values[key] = value
    return values


def superpos_run(binary, config, seed, steps):
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "train", "--config", config, "--seed", str(seed), "--stream_offset", "0",
                        "--steps", str(steps), "--out", out, "--quiet"], check=True)
        results = json.load(open(os.path.join(out, "results.json")))
    return results["weights"], results["bias"]


def torch_run(values, seed, steps):
    out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "torch_reference.py"),
                          "--activation", values.get("activation", "linear"),
                          "--sparsity", values.get("sparsity", "0"), "--seed", str(seed), "--steps", str(steps)],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["weights"], result["bias"]


def max_diff(a, b):
    flat = lambda x: [v for row in x for v in (row if isinstance(row, list) else [row])]
    return max(abs(p - q) for p, q in zip(flat(a), flat(b)))


def one(binary, config, seed, steps):
    values = read_config(config)
    w_ours, b_ours = superpos_run(binary, config, seed, steps)
    w_torch, b_torch = torch_run(values, seed, steps)
    return values["name"], seed, max_diff(w_ours, w_torch), max_diff(b_ours, b_torch)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--seeds", default="0-5")
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = p.parse_args()
    first, last = (int(x) for x in a.seeds.split("-"))
    configs = sorted(glob.glob(os.path.join(ROOT, "report", "configs", "*.ini")))
    jobs = [(a.binary, c, s, a.steps) for c in configs for s in range(first, last + 1)]
    worst = 0.0
    print(f"{'config':<12} {'seed':>4} {'max|dW|':>10} {'max|db|':>10}")
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for name, seed, dw, db in pool.map(lambda j: one(*j), jobs):
            worst = max(worst, dw)
            print(f"{name:<12} {seed:>4} {dw:>10.2e} {db:>10.2e}", flush=True)
    print(f"largest max|dW| = {worst:.2e} ({'within' if worst <= 1e-4 else 'OUTSIDE'} 1e-4)")
    sys.exit(0 if worst <= 1e-4 else 1)


if __name__ == "__main__":
    main()
