"""Counts the parameters transformers allocates for each config.json, on the meta device (no memory, no download).

    python bench/gpu/count_parameters.py CONFIG.json... > counts.jsonl

Base encoders (BERT, RoBERTa) are built as AutoModel (with pooler), T5 as AutoModelForSeq2SeqLM, the rest as
AutoModelForCausalLM. Prints one JSON line per file: its parameter count, or the error.
"""
import json
import sys

import torch
import transformers
from transformers import AutoModel, AutoModelForCausalLM, AutoModelForSeq2SeqLM

from common import load_config


def count(path):
    config = load_config(path)
    model_type = config.model_type
    if model_type in ("bert", "roberta", "clip_vision_model"):
        cls = AutoModel
    elif model_type == "t5":
        cls = AutoModelForSeq2SeqLM
    else:
        cls = AutoModelForCausalLM
    with torch.device("meta"):
        model = cls.from_config(config)
    return sum(p.numel() for p in model.parameters())


print(json.dumps({"transformers": transformers.__version__, "torch": torch.__version__}), flush=True)
for path in sys.argv[1:]:
    try:
        print(json.dumps({"file": path.split("/")[-1], "parameters": count(path)}), flush=True)
    except Exception as e:  # one unloadable config must not stop the others
        print(json.dumps({"file": path.split("/")[-1], "error": f"{type(e).__name__}: {str(e)[:200]}"}), flush=True)
