"""Shared by the measurement scripts: a transformers config built from a config.json file (never downloaded), the
measured training steps, and the loop that measures each case and records it as one JSON line."""
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


def record_each(out, items, label, measure):
    """Measures each item with `measure`, one at a time: its result, or its error (out of memory, or any other),
    written to `out` as one JSON line as soon as it is known, so that a run cut short keeps what it measured. The
    GPU's cache is emptied between items."""
    import gc
    import time

    import torch

    for item in items:
        t0 = time.time()
        try:
            result = measure(item)
        except torch.cuda.OutOfMemoryError as e:
            result = {**label(item), "error": "out of memory", "detail": str(e)[:300]}
        except Exception as e:  # record and go on: one case must not stop the others
            result = {**label(item), "error": f"{type(e).__name__}: {str(e)[:400]}"}
        gc.collect()
        torch.cuda.empty_cache()
        result["seconds"] = round(time.time() - t0, 1)
        out.write(json.dumps(result) + "\n")
        out.flush()
        print(json.dumps(result), flush=True)
