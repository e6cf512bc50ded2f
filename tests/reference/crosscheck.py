#!/usr/bin/python3
"""make crosscheck: trains each configuration of report/configs with superpos and with the PyTorch
reference (torch_reference.py) for several seeds, and prints the largest difference in W and in
the bias. Then the larger shapes of the Anthropic paper (20 x 5 and 100 x 20, relu_09's settings,
1,000 steps), where superpos takes its blocked kernel and sums in another order than PyTorch: W
must agree within 1e-3 there, and within 1e-4 at the article's shape, where the arithmetic matches
PyTorch's operation for operation. Last, the notebook's own setting (notebook_5x2.ini: 10 instances
from one stream, 1,000 steps) against notebook_reference.py: every instance's W within 1e-3.
Then the computation-in-superposition model (report/paper/computation_20x10.ini at three feature
probabilities, 100 steps) against computation_reference.py: W1 and W2 within 1e-5 (seeds 0-5 agree
to 1e-7). Its stream and initialisation match bit for bit (make test); it is compared over fewer
steps because Adam turns a gradient that is 0 in exact arithmetic and 1e-9 in float into a real
step, and once a ReLU flips on such a step the two trajectories part (by 1e-3 within a few hundred
steps, on some seeds). Adam moves a weight by about lr = 1e-3 a step, so a draw or a gradient
wrong in sign or support puts W far outside 1e-5 within 100 steps.

Usage: /usr/bin/python3 tests/reference/crosscheck.py SUPERPOS_BINARY [--seeds 0-5] [--steps N]
Exits 1 when any max |dW| exceeds its tolerance.
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


def superpos_run(binary, config, seed, steps, shape):
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "train", "--config", config, "--seed", str(seed), "--stream_offset", "0",
                        "--steps", str(steps), "--features", str(shape[0]), "--hidden", str(shape[1]),
                        "--out", out, "--quiet"], check=True)
        results = json.load(open(os.path.join(out, "results.json")))
    return results["weights"], results["bias"]


def torch_run(values, seed, steps, shape):
    for key, default in (("lr", "0.001"), ("batch", "1024"), ("importance_decay", "0.9"), ("weight_decay", "0.01")):
        if float(values.get(key, default)) != float(default):
            sys.exit(f"crosscheck: {values['name']}: {key} = {values[key]}; torch_reference.py has only the default")
    out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "torch_reference.py"),
                          "--activation", values.get("activation", "linear"),
                          "--sparsity", values.get("sparsity", "0"), "--seed", str(seed), "--steps", str(steps),
                          "--features", str(shape[0]), "--hidden", str(shape[1]),
                          "--input", values.get("input", "normal")],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["weights"], result["bias"]


def notebook_one(binary, config, seed, steps, tolerance):
    values = read_config(config)
    instances = 10
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "train", "--config", config, "--seed", str(seed), "--steps", str(steps),
                        "--out", out, "--quiet"], check=True)
        ours = [json.load(open(os.path.join(out, f"i{k}", "results.json"))) for k in range(instances)]
    reference = json.loads(subprocess.run(
        ["/usr/bin/python3", os.path.join(HERE, "notebook_reference.py"), "--features", values["features"],
         "--hidden", values["hidden"], "--instances", str(instances), "--importance-base", values["importance_decay"],
         "--steps", str(steps), "--seed", str(seed)], check=True, capture_output=True, text=True).stdout)
    dw = max(max_diff(ours[k]["weights"], reference["weights"][k]) for k in range(instances))
    db = max(max_diff(ours[k]["bias"], reference["bias"][k]) for k in range(instances))
    return f"{values['name']} x{instances}", seed, dw, db, tolerance


def computation_one(binary, config, seed, steps, tolerance):
    values = read_config(config)
    probabilities = ("1", "0.1", "0.01")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "train", "--config", config, "--seed", str(seed), "--steps", str(steps),
                        "--instances", ", ".join(str(1 - float(p)) for p in probabilities), "--out", out, "--quiet"],
                       check=True)
        ours = [json.load(open(os.path.join(out, f"i{k}", "results.json"))) for k in range(len(probabilities))]
    reference = json.loads(subprocess.run(
        ["/usr/bin/python3", os.path.join(HERE, "computation_reference.py"), "--features", values["features"],
         "--neurons", values["hidden"], "--probabilities", ",".join(probabilities),
         "--importance-base", values["importance_decay"], "--weight-decay", values.get("weight_decay", "0.01"),
         "--steps", str(steps), "--seed", str(seed)], check=True, capture_output=True, text=True).stdout)
    dw = max(max(max_diff(ours[k]["weights"], reference["input_weights"][k]),
                 max_diff(ours[k]["output_weights"], reference["output_weights"][k])) for k in range(len(ours)))
    db = max(max_diff(ours[k]["bias"], reference["bias"][k]) for k in range(len(ours)))
    return f"{values['name']} x{len(ours)}", seed, dw, db, tolerance


def max_diff(a, b):
    flat = lambda x: [v for row in x for v in (row if isinstance(row, list) else [row])]
    return max(abs(p - q) for p, q in zip(flat(a), flat(b)))


def one(binary, config, seed, steps, shape, tolerance):
    values = read_config(config)
    shape = shape or (int(values.get("features", 5)), int(values.get("hidden", 2)))
    w_ours, b_ours = superpos_run(binary, config, seed, steps, shape)
    w_torch, b_torch = torch_run(values, seed, steps, shape)
    return f"{values['name']} {shape[0]}x{shape[1]}", seed, max_diff(w_ours, w_torch), max_diff(b_ours, b_torch), tolerance


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--seeds", default="0-5")
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--large-steps", type=int, default=1000)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = p.parse_args()
    first, last = (int(x) for x in a.seeds.split("-"))
    seeds = range(first, last + 1)
    configs = sorted(glob.glob(os.path.join(ROOT, "report", "configs", "*.ini")))
    jobs = [(a.binary, c, s, a.steps, None, 1e-4) for c in configs for s in seeds]
    relu_09 = os.path.join(ROOT, "report", "configs", "relu_09.ini")
    jobs += [(a.binary, relu_09, s, a.large_steps, shape, 1e-3) for shape in ((20, 5), (100, 20)) for s in seeds]
    notebook = os.path.join(HERE, "notebook_5x2.ini")
    jobs += [("notebook", notebook, s, a.large_steps, 1e-3) for s in seeds]
    computation = os.path.join(ROOT, "report", "paper", "computation_20x10.ini")
    jobs += [("computation", computation, s, 100, 1e-5) for s in seeds]
    outside = []
    worst = {}
    print(f"{'config':<22} {'seed':>4} {'max|dW|':>10} {'max|db|':>10} {'tolerance':>9}")
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        run = lambda j: (notebook_one(a.binary, *j[1:]) if j[0] == "notebook" else
                         computation_one(a.binary, *j[1:]) if j[0] == "computation" else one(*j))
        for name, seed, dw, db, tolerance in pool.map(run, jobs):
            worst[tolerance] = max(worst.get(tolerance, 0.0), dw)
            if dw > tolerance:
                outside.append(f"{name} seed {seed}")
            print(f"{name:<22} {seed:>4} {dw:>10.2e} {db:>10.2e} {tolerance:>9.0e}", flush=True)
    for tolerance, value in sorted(worst.items()):
        print(f"largest max|dW| where the tolerance is {tolerance:.0e}: {value:.2e}")
    if outside:
        print("OUTSIDE the tolerance: " + ", ".join(outside))
    sys.exit(1 if outside else 0)


if __name__ == "__main__":
    main()
