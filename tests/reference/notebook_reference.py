#!/usr/bin/env python3
"""The Anthropic notebook's training (Elhage et al. 2022, toy_models.ipynb: Model, generate_batch,
optimize with constant_lr), on the CPU from torch.manual_seed(SEED), for superpos's notebook
trainer (src/train/notebook_trainer.hpp) to be checked against.

Usage: /usr/bin/python3 tests/reference/notebook_reference.py --features 5 --hidden 2 --instances 10 \
           [--importance-base 0.9] [--steps 1000] [--batch 1024] [--seed 0]
Prints JSON: the feature probabilities, and each instance's W and b after training (float bits and
values), and the last step's per-instance loss.
"""
import argparse
import json
import struct
import time

import torch
import torch.nn.functional as F
from torch import nn


def bits(t):
    return [struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.flatten().tolist()]


class Model(nn.Module):
    # The notebook's model, as it is written there (W: instances x features x hidden).
    def __init__(self, features, hidden, instances, feature_probability, importance):
        super().__init__()
        self.instances, self.features = instances, features
        self.W = nn.Parameter(torch.empty((instances, features, hidden)))
        nn.init.xavier_normal_(self.W)
        self.b_final = nn.Parameter(torch.zeros((instances, features)))
        self.feature_probability = feature_probability
        self.importance = importance

    def forward(self, features):
        hidden = torch.einsum("...if,ifh->...ih", features, self.W)
        out = torch.einsum("...ih,ifh->...if", hidden, self.W)
        return F.relu(out + self.b_final)

    def generate_batch(self, n_batch):
        feat = torch.rand((n_batch, self.instances, self.features))
        return torch.where(torch.rand((n_batch, self.instances, self.features)) <= self.feature_probability,
                           feat, torch.zeros(()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--features", type=int, default=5)
    p.add_argument("--hidden", type=int, default=2)
    p.add_argument("--instances", type=int, default=10)
    p.add_argument("--importance-base", type=float, default=0.9, help="importance = base ** arange(features)")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    probability = (20 ** -torch.linspace(0, 1, a.instances))[:, None]
    importance = (a.importance_base ** torch.arange(a.features))[None, :]
    model = Model(a.features, a.hidden, a.instances, probability, importance)
    opt = torch.optim.AdamW(list(model.parameters()), lr=a.lr)
    started = time.perf_counter()
    for _ in range(a.steps):
        opt.zero_grad(set_to_none=True)
        batch = model.generate_batch(a.batch)
        out = model(batch)
        error = model.importance * (batch.abs() - out) ** 2
        per_instance = error.mean(dim=(0, 2))  # einops.reduce(error, "b i f -> i", "mean")
        loss = per_instance.sum()
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - started
    print(json.dumps({
        "probability_bits": bits(probability), "probability": probability.flatten().tolist(),
        "importance_bits": bits(importance),
        "weights_bits": [bits(model.W[k].detach()) for k in range(a.instances)],
        "weights": [model.W[k].detach().tolist() for k in range(a.instances)],
        "bias": [model.b_final[k].detach().tolist() for k in range(a.instances)],
        "final_loss": per_instance.detach().tolist(),
        "train_seconds": seconds,
    }))


if __name__ == "__main__":
    main()
