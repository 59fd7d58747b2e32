"""Measures GPU memory of quantized inference, LoRA / QLoRA fine-tuning and memory-saving optimizers.

    python bench/gpu/measure_adapters.py CONFIG_DIR OUT.jsonl [CASE_ID...]

Models are built from config.json with random weights. Quantized models are saved once to a local folder and
reloaded with a BitsAndBytesConfig (bitsandbytes quantizes on load). LoRA uses PEFT with the adapters kept in
the base dtype (autocast_adapter_dtype=False), as LitGPT does. Cases whose packages are missing are recorded
as skipped. Case ids after OUT.jsonl measure those cases alone. One JSON line per case is appended to OUT.jsonl as soon as it is measured.
"""
import gc
import importlib.util
import json
import os
import sys
import tempfile
import time

import torch
import transformers
from transformers import AutoModelForCausalLM

from common import load_config, train_steps

MIB = 1024 * 1024
HAS_BNB = importlib.util.find_spec("bitsandbytes") is not None
HAS_PEFT = importlib.util.find_spec("peft") is not None


def saved_model(config_dir, file, cache):
    if file not in cache:
        folder = tempfile.mkdtemp()
        with torch.device("cuda"):
            model = AutoModelForCausalLM.from_config(load_config(os.path.join(config_dir, file)), dtype=torch.bfloat16)
        model.save_pretrained(folder)
        del model
        gc.collect()
        torch.cuda.empty_cache()
        cache[file] = folder
    return cache[file]


def quantization_config(kind):
    from transformers import BitsAndBytesConfig
    if kind == "int8":
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=kind == "nf4-dq",
                              bnb_4bit_compute_dtype=torch.bfloat16)


def run(config_dir, case, cache):
    kind = case["kind"]
    file = case["config"]
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    if case.get("quantization"):
        folder = saved_model(config_dir, file, cache)
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        model = AutoModelForCausalLM.from_pretrained(folder, quantization_config=quantization_config(case["quantization"]),
                                                     dtype=torch.bfloat16, device_map={"": 0})
    else:
        dtype = torch.float32 if case.get("precision") == "bf16-mixed" else torch.bfloat16
        with torch.device("cuda"):
            model = AutoModelForCausalLM.from_config(load_config(os.path.join(config_dir, file)), dtype=dtype)
    config = model.config
    weights_after_load = torch.cuda.memory_allocated() - base
    torch.cuda.reset_peak_memory_stats()
    b, s = case["batch"], case["seq"]
    if kind == "inference":
        model.eval()
        ids = torch.randint(0, config.vocab_size, (b, s), device="cuda")
        with torch.no_grad():
            model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=1, min_new_tokens=1, do_sample=False, pad_token_id=0)
    else:
        if case.get("lora"):
            from peft import LoraConfig, get_peft_model
            lc = LoraConfig(r=case["lora"]["r"], lora_alpha=16, lora_dropout=0.05, target_modules=case["lora"]["targets"])
            model = get_peft_model(model, lc, autocast_adapter_dtype=False)
        model.train()
        model.config.use_cache = False
        params = [p for p in model.parameters() if p.requires_grad]
        opt_name = case.get("optimizer", "adamw")
        if opt_name == "adamw-8bit":
            import bitsandbytes as bnb
            optimizer = bnb.optim.AdamW8bit(params, lr=1e-5)
        elif opt_name == "adafactor":
            from transformers.optimization import Adafactor
            optimizer = Adafactor(params, lr=1e-5, scale_parameter=False, relative_step=False, warmup_init=False)
        else:
            optimizer = torch.optim.AdamW(params, lr=1e-5)
        def make_batch():
            ids = torch.randint(0, config.vocab_size, (b, s), device="cuda")
            return ids, ids

        train_steps(model, optimizer, make_batch, case.get("precision") == "bf16-mixed")
        del optimizer, params
    torch.cuda.synchronize()
    result = dict(case)
    result.update({
        "weightsAfterLoadMiB": round(weights_after_load / MIB, 1),
        "maxAllocatedMiB": round((torch.cuda.max_memory_allocated() - base) / MIB, 1),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad) if kind == "training" else None,
    })
    del model
    return result


CASES = [
    {"id": "llama-3.2-3b-infer-nf4-dq-b1-s2048", "kind": "inference", "config": "llama-3.2-3b.config.json", "quantization": "nf4-dq", "batch": 1, "seq": 2048},
    {"id": "llama-3.2-3b-infer-nf4-b1-s2048", "kind": "inference", "config": "llama-3.2-3b.config.json", "quantization": "nf4", "batch": 1, "seq": 2048},
    {"id": "llama-3.2-3b-infer-int8-b1-s2048", "kind": "inference", "config": "llama-3.2-3b.config.json", "quantization": "int8", "batch": 1, "seq": 2048},
    {"id": "llama-3.2-3b-lora-qv-r16-bf16true-b4-s512", "kind": "training", "config": "llama-3.2-3b.config.json", "precision": "bf16-true", "batch": 4, "seq": 512, "lora": {"r": 16, "targets": ["q_proj", "v_proj"]}},
    {"id": "llama-3.2-3b-lora-all-r16-bf16true-b4-s512", "kind": "training", "config": "llama-3.2-3b.config.json", "precision": "bf16-true", "batch": 4, "seq": 512, "lora": {"r": 16, "targets": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]}},
    {"id": "llama-3.2-3b-qlora-all-r16-nf4dq-b4-s512", "kind": "training", "config": "llama-3.2-3b.config.json", "quantization": "nf4-dq", "precision": "bf16-true", "batch": 4, "seq": 512, "lora": {"r": 16, "targets": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]}},
    {"id": "gpt2-medium-train-mixed-adafactor-b4-s1024", "kind": "training", "config": "gpt2-medium.config.json", "precision": "bf16-mixed", "optimizer": "adafactor", "batch": 4, "seq": 1024},
    {"id": "gpt2-medium-train-mixed-adamw8bit-b4-s1024", "kind": "training", "config": "gpt2-medium.config.json", "precision": "bf16-mixed", "optimizer": "adamw-8bit", "batch": 4, "seq": 1024},
]


def main():
    config_dir, out_path, only = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    import importlib.metadata as md
    versions = {"torch": torch.__version__, "transformers": transformers.__version__}
    for pkg in ("bitsandbytes", "peft"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    cache = {}
    with open(out_path, "a") as out:
        out.write(json.dumps({"id": "versions", **versions}) + "\n")
        print(json.dumps(versions), flush=True)
        for case in [c for c in CASES if not only or c["id"] in only]:
            needs_bnb = case.get("quantization") or case.get("optimizer") == "adamw-8bit"
            missing = [name for name, needed, have in (("bitsandbytes", needs_bnb, HAS_BNB), ("peft", case.get("lora"), HAS_PEFT)) if needed and not have]
            if missing:
                result = {"id": case["id"], "skipped": f"{' and '.join(missing)} not installed on the measuring machine"}
            else:
                t0 = time.time()
                try:
                    result = run(config_dir, case, cache)
                except Exception as e:  # record and go on
                    result = {"id": case["id"], "error": f"{type(e).__name__}: {str(e)[:300]}"}
                result["seconds"] = round(time.time() - t0, 1)
            gc.collect()
            torch.cuda.empty_cache()
            out.write(json.dumps(result) + "\n")
            out.flush()
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
