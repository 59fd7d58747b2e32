"""Shared by the measurement scripts: a transformers config built from a config.json file, never downloaded."""
import json

from transformers import AutoConfig


def load_config(path):
    with open(path) as f:
        cfg = json.load(f)
    for key in ("_name_or_path", "transformers_version", "auto_map"):
        cfg.pop(key, None)
    return AutoConfig.for_model(cfg.pop("model_type"), **cfg)


def train_steps(model, optimizer, make_batch, mixed_bf16, steps=3):
    """The measured training protocol: forward with labels (under bf16 autocast for bf16-mixed), backward,
    optimizer step, zero_grad(set_to_none=True), repeated so the optimizer states exist at the peak."""
    import torch

    for _ in range(steps):
        ids, labels = make_batch()
        if mixed_bf16:
            with torch.autocast("cuda", dtype=torch.bfloat16):
                loss = model(input_ids=ids, labels=labels).loss
        else:
            loss = model(input_ids=ids, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        del loss
