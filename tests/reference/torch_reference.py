#!/usr/bin/python3
"""The article's training code, as the reference superpos is checked against (make crosscheck) and
timed against (make bench). It follows the article's DummyModel and train() line for line; the only
additions are the command-line options and skipping `stream_offset` 32-bit draws after seeding, to
start where the notebook's stream was.

Usage: /usr/bin/python3 tests/reference/torch_reference.py --activation relu --sparsity 0.9 \
           --seed 42 --stream-offset 307200085 [--steps 10000] [--batch 1024]
Prints one JSON object: weights, bias and the wall time of the training loop.
"""
import argparse
import json
import time

import torch
from torch import nn
import torch.optim as optim



class DummyModel(nn.Module):
    def __init__(self, feature_imp, num_features=5, hidden_dim=2, use_relu=False):
        super().__init__()
        self.W = nn.Parameter(torch.empty(num_features, hidden_dim))
        nn.init.xavier_normal_(self.W)
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.use_relu = use_relu
        self.feature_imp = feature_imp

    def forward(self, x):
        hidden = torch.matmul(x, self.W)
        reconstructed_x = torch.matmul(hidden, self.W.T) + self.bias
        if self.use_relu:
            reconstructed_x = nn.functional.relu(reconstructed_x)
        return reconstructed_x


def skip_draws(count):
    # Each float torch.rand value takes one 32-bit draw; draw in chunks to bound memory.
    while count > 0:
        chunk = min(count, 1 << 24)
        torch.rand(chunk)
        count -= chunk


def train(model, optimizer, scheduler, num_steps, batch_size, num_features, feature_sparsity, uniform=False):
    for step in range(num_steps):
        # superpos's `input = uniform` (Elhage et al.'s inputs) draws torch.rand where the article has randn.
        inputs = torch.rand(batch_size, num_features) if uniform else torch.randn(batch_size, num_features)
        mask = torch.rand((batch_size, num_features)) > feature_sparsity
        inputs = inputs * mask
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = (model.feature_imp * ((outputs - inputs) ** 2)).sum(dim=1)
        loss = loss.mean()
        loss.backward()
        optimizer.step()
        scheduler.step()
    return loss.item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--activation", choices=["linear", "relu"], required=True)
    p.add_argument("--sparsity", type=float, required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--stream-offset", type=int, default=0)
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--features", type=int, default=5)
    p.add_argument("--hidden", type=int, default=2)
    p.add_argument("--input", choices=["normal", "uniform"], default="normal")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (make bench: 1, and all cores)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    torch.manual_seed(a.seed)
    skip_draws(a.stream_offset)
    feature_imps = 0.9 ** torch.arange(a.features)
    model = DummyModel(feature_imps, a.features, a.hidden, a.activation == "relu")
    optimizer = optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=a.steps)
    started = time.perf_counter()
    loss = train(model, optimizer, scheduler, a.steps, a.batch, a.features, a.sparsity, a.input == "uniform")
    seconds = time.perf_counter() - started
    print(json.dumps({"weights": model.W.detach().tolist(), "bias": model.bias.detach().tolist(),
                      "final_loss": loss, "train_seconds": seconds}))


if __name__ == "__main__":
    main()
