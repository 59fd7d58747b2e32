"""Shared by the measurement scripts: a transformers config built from a config.json file, never downloaded."""
import json

from transformers import AutoConfig


def load_config(path):
    with open(path) as f:
        cfg = json.load(f)
    for key in ("_name_or_path", "transformers_version", "auto_map"):
        cfg.pop(key, None)
    return AutoConfig.for_model(cfg.pop("model_type"), **cfg)
