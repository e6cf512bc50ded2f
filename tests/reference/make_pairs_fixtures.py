#!/usr/bin/env python3
"""Writes tests/fixtures/pairs_fixtures.json: one batch of correlated and one of anticorrelated
feature pairs, drawn by PyTorch as the public reimplementation of Elhage et al.'s experiment draws
them (the shared (batch, instances, features) stream), for test_notebook_trainer.cpp.

Run with Debian's python3-torch: /usr/bin/python3 tests/reference/make_pairs_fixtures.py
"""
import json
import os

import torch

SEED, BATCH, FEATURES = 3, 16, 6
PROBABILITY = torch.tensor([1.0, 0.3, 0.05], dtype=torch.float32)[:, None]  # (instances, 1)
INSTANCES, PAIRS = PROBABILITY.shape[0], FEATURES // 2


def correlated():
    feat = torch.rand((BATCH, INSTANCES, 2 * PAIRS))
    feat_set_seeds = torch.rand((BATCH, INSTANCES, PAIRS))
    feat_set_is_present = feat_set_seeds <= PROBABILITY[:, [0]]
    feat_is_present = feat_set_is_present.repeat_interleave(2, dim=-1)  # (features pair)
    return torch.where(feat_is_present, feat, 0.0)


def anticorrelated():
    feat = torch.rand((BATCH, INSTANCES, 2 * PAIRS))
    feat_set_seeds = torch.rand((BATCH, INSTANCES, PAIRS))
    first_feat_seeds = torch.rand((BATCH, INSTANCES, PAIRS))
    feat_set_is_present = feat_set_seeds <= 2 * PROBABILITY[:, [0]]
    first_feat_is_present = first_feat_seeds <= 0.5
    first = torch.where(feat_set_is_present & first_feat_is_present, feat[:, :, :PAIRS], 0.0)
    second = torch.where(feat_set_is_present & ~first_feat_is_present, feat[:, :, PAIRS:], 0.0)
    # "batch instances (pair features) -> batch instances (features pair)"
    return torch.stack([first, second], dim=-1).reshape(BATCH, INSTANCES, 2 * PAIRS)


def bits(tensor):
    return tensor.contiguous().view(torch.int32).flatten().tolist()


out = {"seed": SEED, "batch": BATCH, "features": FEATURES, "probability_bits": bits(PROBABILITY.flatten())}
for name, draw in (("correlated", correlated), ("anticorrelated", anticorrelated)):
    torch.manual_seed(SEED)
    out[name + "_bits"] = [b & 0xFFFFFFFF for b in bits(draw())]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "pairs_fixtures.json")
with open(path, "w") as f:
    json.dump(out, f)
    f.write("\n")
