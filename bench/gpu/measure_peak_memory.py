"""Measures the real GPU memory of model configs, to check VRAM Lens' estimates against.

Runs on a machine with one CUDA GPU, PyTorch and transformers. Models are built from their config.json with
random weights (no download), directly on the GPU. For each case it records torch.cuda.max_memory_allocated,
max_memory_reserved, and the device-level "used" memory (what nvidia-smi shows) at the start and the end.

    python bench/gpu/measure_peak_memory.py CONFIG_DIR OUT.jsonl

CONFIG_DIR holds the config files named in CASES. One JSON line per case is appended to OUT.jsonl as soon as it
is measured, so a run that is cut short still leaves its results.
"""
import json
import os
import sys

import torch
import transformers
from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification

from common import load_config, record_each, train_steps

MIB = 1024 * 1024

# (id, config file, mode, precision, batch, sequence, attention, gradient checkpointing)
CASES = [
    ("gpt2-infer-b8-s1024", "gpt2.config.json", "inference", "bf16", 8, 1024, "sdpa", False),
    ("gpt2-train-mixed-b8-s1024", "gpt2.config.json", "training", "bf16-mixed", 8, 1024, "sdpa", False),
    ("gpt2-train-mixed-b8-s1024-eager", "gpt2.config.json", "training", "bf16-mixed", 8, 1024, "eager", False),
    ("gpt2-train-fp32-b8-s1024", "gpt2.config.json", "training", "32-true", 8, 1024, "sdpa", False),
    ("gpt2-train-mixed-b8-s1024-gc", "gpt2.config.json", "training", "bf16-mixed", 8, 1024, "sdpa", True),
    ("bert-large-seqcls-train-fp32-b4-s512-eager", "bert-large-uncased.config.json", "training", "32-true", 4, 512, "eager", False),
    ("bert-large-seqcls-train-mixed-b4-s512-eager", "bert-large-uncased.config.json", "training", "bf16-mixed", 4, 512, "eager", False),
    ("gpt2-medium-train-mixed-b4-s1024", "gpt2-medium.config.json", "training", "bf16-mixed", 4, 1024, "sdpa", False),
    ("gemma-2b-infer-b1-s4096", "gemma-2b-it.config.json", "inference", "bf16", 1, 4096, "sdpa", False),
    ("llama-2-7b-infer-b1-s4096", "llama-2-7b-chat-hf.config.json", "inference", "bf16", 1, 4096, "sdpa", False),
    ("llama-3.1-8b-infer-b4-s4096", "llama-3.1-8b.config.json", "inference", "bf16", 4, 4096, "sdpa", False),
    ("qwen2.5-7b-infer-b2-s4096", "qwen2.5-7b.config.json", "inference", "bf16", 2, 4096, "sdpa", False),
    ("gemma-2b-train-mixed-b1-s1024", "gemma-2b-it.config.json", "training", "bf16-mixed", 1, 1024, "sdpa", False),
    ("llama-3.2-3b-train-mixed-b1-s1024", "llama-3.2-3b.config.json", "training", "bf16-mixed", 1, 1024, "sdpa", False),
    ("llama-2-7b-train-bf16true-b1-s1024", "llama-2-7b-chat-hf.config.json", "training", "bf16-true", 1, 1024, "sdpa", False),
]


def device_used():
    free, total = torch.cuda.mem_get_info()
    return total - free


def build(config_path, mode, precision, attention):
    config = load_config(config_path)
    model_type = config.model_type
    config.use_cache = mode == "inference"
    dtype = torch.float32 if precision in ("32-true", "bf16-mixed") else torch.bfloat16
    cls = AutoModelForSequenceClassification if model_type == "bert" else AutoModelForCausalLM
    with torch.device("cuda"):
        try:
            model = cls.from_config(config, dtype=dtype, attn_implementation=attention)
        except TypeError:
            model = cls.from_config(config, torch_dtype=dtype, attn_implementation=attention)
    return model, config


def run_case(config_dir, case):
    cid, file, mode, precision, batch, seq, attention, checkpointing = case
    model, config = build(os.path.join(config_dir, file), mode, precision, attention)
    params = sum(p.numel() for p in model.parameters())
    vocab = config.vocab_size
    torch.cuda.synchronize()
    after_load = device_used()
    torch.cuda.reset_peak_memory_stats()
    if mode == "inference":
        model.eval()
        ids = torch.randint(0, vocab, (batch, seq), device="cuda")
        with torch.no_grad():
            model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=1, min_new_tokens=1,
                           do_sample=False, pad_token_id=0)
    else:
        model.train()
        if checkpointing:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
        def make_batch():
            ids = torch.randint(0, vocab, (batch, seq), device="cuda")
            labels = torch.randint(0, 2, (batch,), device="cuda") if config.model_type == "bert" else ids
            return ids, labels

        train_steps(model, optimizer, make_batch, precision == "bf16-mixed")
        del optimizer
    torch.cuda.synchronize()
    result = {
        "id": cid, "config": file, "mode": mode, "precision": precision, "batch": batch, "seq": seq,
        "attention": attention, "gradientCheckpointing": checkpointing, "parameters": params,
        "maxAllocatedMiB": round(torch.cuda.max_memory_allocated() / MIB, 1),
        "maxReservedMiB": round(torch.cuda.max_memory_reserved() / MIB, 1),
        "deviceUsedAfterLoadMiB": round(after_load / MIB, 1),
        "deviceUsedAtEndMiB": round(device_used() / MIB, 1),
    }
    del model
    return result


def main():
    config_dir, out_path = sys.argv[1], sys.argv[2]
    torch.cuda.init()
    props = torch.cuda.get_device_properties(0)
    base = device_used()
    a = torch.randn(1024, 1024, device="cuda")
    (a @ a).sum().item()
    del a
    torch.cuda.empty_cache()
    with_cublas = device_used()
    header = {
        "id": "context", "gpu": props.name, "totalMiB": round(props.total_memory / MIB, 1),
        "torch": torch.__version__, "cuda": torch.version.cuda, "transformers": transformers.__version__,
        "contextMiB": round(base / MIB, 1), "contextWithCublasMiB": round(with_cublas / MIB, 1),
    }
    with open(out_path, "a") as out:
        out.write(json.dumps(header) + "\n")
        out.flush()
        print(json.dumps(header), flush=True)
        record_each(out, CASES, lambda case: {"id": case[0]}, lambda case: run_case(config_dir, case))

if __name__ == "__main__":
    main()
