#!/usr/bin/env python3
"""Elhage et al.'s computation-in-superposition model as the public reimplementation of their
experiment trains it (ARENA's NeuronComputationModel: kaiming_uniform_ W1 then W2, zero b_final;
mask torch.rand <= p drawn before the values torch.rand * 2 - 1; loss importance * (out - |x|)^2
averaged over batch and features, summed over instances), on the CPU from torch.manual_seed(SEED),
for superpos's computation trainer (src/train/computation_trainer.hpp) to be checked against.

Two differences from that code, both stated in the companion's sources table: the optimizer is
AdamW with --weight-decay (0, the default here, is its Adam exactly) and the importance is
base ** arange(n) (theirs starts at base ** 1, the same loss times a constant).

Usage: /usr/bin/python3 tests/reference/computation_reference.py --features 20 --neurons 10 \
           --probabilities 1,0.1,0.01 [--importance-base 0.8] [--steps 0] [--batch 1024] [--seed 0]
Prints JSON: each instance's W1^T, W2 and b (values and float bits) after training, and the loss of
the last step per instance. With --steps 0, the initial parameters and, under "batch_bits", the
first batch it would draw.
"""
import argparse
import json
import struct

import torch
from torch import nn


def bits(t):
    return [struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.flatten().tolist()]


class NeuronComputationModel(nn.Module):
    def __init__(self, features, neurons, probability, importance):
        super().__init__()
        instances = probability.shape[0]
        self.W1 = nn.Parameter(nn.init.kaiming_uniform_(torch.empty((instances, neurons, features))))
        self.W2 = nn.Parameter(nn.init.kaiming_uniform_(torch.empty((instances, features, neurons))))
        self.b_final = nn.Parameter(torch.zeros((instances, features)))
        self.probability = probability  # (instances, 1)
        self.importance = importance    # (1, features)
        self.shape = (instances, features)

    def forward(self, x):
        h = torch.relu(torch.einsum("ihf,bif->bih", self.W1, x))
        return torch.relu(torch.einsum("ifh,bih->bif", self.W2, h) + self.b_final)

    def generate_batch(self, batch):
        present = torch.rand((batch, *self.shape))
        values = torch.rand((batch, *self.shape)) * 2 - 1
        return (present <= self.probability) * values


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--features", type=int, default=20)
    p.add_argument("--neurons", type=int, default=10)
    p.add_argument("--probabilities", default="1,0.1,0.01")
    p.add_argument("--importance-base", type=float, default=0.8)
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    probability = torch.tensor([float(v) for v in a.probabilities.split(",")], dtype=torch.float32)[:, None]
    importance = (a.importance_base ** torch.arange(a.features))[None, :]
    model = NeuronComputationModel(a.features, a.neurons, probability, importance)
    out = {}
    if a.steps == 0:
        out["batch_bits"] = [b & 0xFFFFFFFF for b in bits(model.generate_batch(a.batch))]
    opt = torch.optim.AdamW(list(model.parameters()), lr=a.lr, weight_decay=a.weight_decay)
    per_instance = torch.zeros(probability.shape[0])
    for _ in range(a.steps):
        opt.zero_grad(set_to_none=True)
        batch = model.generate_batch(a.batch)
        error = model.importance * (model(batch) - batch.abs()) ** 2
        per_instance = error.mean(dim=(0, 2))
        per_instance.sum().backward()
        opt.step()
    instances = probability.shape[0]
    input_weights = [model.W1[k].detach().T.contiguous() for k in range(instances)]  # features x neurons
    output_weights = [model.W2[k].detach() for k in range(instances)]
    out.update({
        "input_weights": [w.tolist() for w in input_weights],
        "input_weights_bits": [bits(w) for w in input_weights],
        "output_weights": [w.tolist() for w in output_weights],
        "output_weights_bits": [bits(w) for w in output_weights],
        "bias": [model.b_final[k].detach().tolist() for k in range(instances)],
        "final_loss": per_instance.detach().tolist(),
    })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
