#!/usr/bin/python3
"""Writes tests/fixtures/optimizer_fixtures.json: torch.optim.AdamW steps and CosineAnnealingLR rates.

Run with Debian's python3-torch (1.13):  /usr/bin/python3 tests/reference/make_optimizer_fixtures.py
"""
import json
import os
import struct

import torch


def bits(t):
    return [struct.unpack("<I", struct.pack("<f", v))[0] for v in t.flatten().tolist()]


def adamw_case():
    torch.manual_seed(3)
    param = torch.nn.Parameter(torch.randn(10))
    grads = [torch.randn(10) * scale for scale in (1.0, 0.1, 10.0, 1e-3, 1.0)]
    out = {"initial": bits(param.detach()), "grads": [bits(g) for g in grads], "after": [], "lr": []}
    opt = torch.optim.AdamW([param], lr=1e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5)
    for g in grads:
        out["lr"].append(sched.get_last_lr()[0])
        param.grad = g.clone()
        opt.step()
        sched.step()
        out["after"].append(bits(param.detach()))
    return out


def schedule_case():
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([p], lr=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10000)
    rates = []
    for _ in range(10000):
        rates.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return {"every_1000th": rates[::1000], "last": rates[-1]}


def main():
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "optimizer_fixtures.json")
    with open(path, "w") as f:
        json.dump({"torch_version": torch.__version__, "adamw": adamw_case(), "cosine": schedule_case()}, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
