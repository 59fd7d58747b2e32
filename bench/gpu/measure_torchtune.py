"""Measures torchtune's single-device recipes on a GPU, as torchtune's own code runs them, from their recipe files.

    python bench/gpu/measure_torchtune.py OUT.jsonl RECIPE.yaml

One recipe per process: optimizer-in-backward hooks tie each parameter to its optimizer through autograd, which
Python's garbage collector cannot see, so a second recipe in the same process would start with the first one's
model and states still on the GPU.

For each recipe file (a torchtune YAML, as users keep them) it builds the model with torchtune's builder in the
recipe's dtype on the GPU with random weights (no checkpoint, no download), then does what
recipes/full_finetune_single_device.py and lora_finetune_single_device.py do in `_setup_model`, `_setup_optimizer`
and `train`: LoRA's trainable adapters, activation checkpointing per TransformerSelfAttentionLayer, activation
offloading, the optimizer (or OptimizerInBackward for `optimizer_in_bwd`), the loss (an SFTLoss sees the model's
output), `compile`, and 3 optimizer steps of `batch_size` × `max_seq_len` random tokens (the tokenizer's or the dataset's;
every sample full, as `packed: True` makes them) with gradient accumulation as written. It records the peaks that
the recipe's `log_peak_memory_stats` logs (torchtune's get_memory_stats): active bytes, max_memory_allocated and
max_memory_reserved, over the whole run. With PYTORCH_CUDA_ALLOC_CONF as torchtune sets it.

The recipe's tokenizer, dataset, checkpointer and logger are not used; the packages only they import (omegaconf,
datasets, kagglehub, torchdata, torchvision) may be absent and are then stood in for by empty modules.
"""
import os

os.environ.setdefault("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True")

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import re
import sys
import types

import torch
import yaml

from common import record_each

MIB = 1024 * 1024
STOOD_IN = ("omegaconf", "datasets", "kagglehub", "torchdata", "blobfile", "tiktoken", "sentencepiece", "jinja2", "torchvision")


class _Anything(type):
    """A class whose attributes are classes: what `from X import Y` of a stood-in package gets."""

    def __getattr__(cls, name):
        return _Anything(name, (), {})

    def __getitem__(cls, item):
        return cls


def _stand_in_attribute(name):
    if name.startswith("__"):
        raise AttributeError(name)  # a module's own attributes (__file__, __spec__...) stay absent, as inspect expects
    return _Anything(name, (), {})


class _StandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Empty modules for the recipe-only packages that are not installed."""

    def find_spec(self, name, path, target=None):
        top = name.split(".")[0]
        if top in STOOD_IN and importlib.machinery.PathFinder.find_spec(top) is None:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = _stand_in_attribute
        return module

    def exec_module(self, module):
        pass


sys.meta_path.append(_StandIn())


class _RecipeLoader(yaml.SafeLoader):
    """YAML as OmegaConf reads a recipe: `2e-5` is a number, not a string."""


_RecipeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."),
)


def component(path):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def instantiate(node, **extra):
    kwargs = {k: v for k, v in node.items() if k != "_component_"}
    return component(node["_component_"])(**kwargs, **extra)


def setup_model(recipe, dtype, device):
    from torchtune import modules, training
    from torchtune.modules.peft import get_adapter_params, set_trainable_params

    with training.set_default_dtype(dtype), device:
        model = instantiate(recipe["model"])
    adapters = None
    if "lora" in recipe["model"]["_component_"]:
        adapters = get_adapter_params(model)
        set_trainable_params(model, adapters)
    if recipe.get("compile"):
        training.compile_model(model)
    if recipe.get("enable_activation_checkpointing"):
        training.set_activation_checkpointing(model, auto_wrap_policy={modules.TransformerSelfAttentionLayer})
    offloading = training.get_act_offloading_ctx_manager(model, bool(recipe.get("enable_activation_offloading")))
    return model, adapters, offloading


def setup_optimizer(recipe, model, adapters):
    params = adapters.values() if adapters is not None else model.parameters()
    node = recipe["optimizer"]
    if recipe.get("optimizer_in_bwd"):
        from torchtune.modules.optim import OptimizerInBackward

        kwargs = {k: v for k, v in node.items() if k != "_component_"}
        return OptimizerInBackward(params=params, optimizer_cls=component(node["_component_"]), **kwargs)
    return instantiate(node, params=params)


def setup_loss(recipe, model):
    from torchtune import training
    from torchtune.modules.loss import SFTLoss

    loss_fn = instantiate(recipe["loss"])
    if isinstance(loss_fn, SFTLoss):
        loss_fn.set_model_output(model)
    if recipe.get("compile"):
        compiled = training.compile_loss(loss_fn)
        if "lora" in recipe["model"]["_component_"]:
            loss_fn = compiled  # the LoRA recipe uses what compile_loss returns; the full recipe compiles in place only
    return loss_fn


def loss_step(model, loss_fn, offloading, tokens, labels):
    from torchtune.modules.loss import SFTLoss

    with offloading:
        outputs = model(tokens)
    if not isinstance(loss_fn, SFTLoss):
        labels = labels.reshape(-1)
        outputs = outputs.reshape(-1, outputs.size(-1))
    loss = loss_fn(outputs, labels)
    del outputs
    return loss


def sequence_length(recipe):
    for section in ("tokenizer", "dataset"):
        length = (recipe.get(section) or {}).get("max_seq_len")
        if length:
            return int(length)
    raise ValueError("the recipe sets no max_seq_len (tokenizer or dataset): its sequences have no fixed length")


def run(recipe_path):
    from torchtune import training

    with open(recipe_path) as f:
        recipe = yaml.load(f, Loader=_RecipeLoader)
    seq = sequence_length(recipe)
    device = torch.device(os.environ.get("MEASURE_DEVICE", "cuda"))  # "cpu" for a dry run of the code path
    dtype = training.get_dtype(recipe.get("dtype", "bf16"), device)
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    model, adapters, offloading = setup_model(recipe, dtype, device)
    optimizer = setup_optimizer(recipe, model, adapters)
    loss_fn = setup_loss(recipe, model)
    in_bwd = bool(recipe.get("optimizer_in_bwd"))
    batch, accumulation = int(recipe["batch_size"]), int(recipe.get("gradient_accumulation_steps", 1))
    vocab = model.tok_embeddings.num_embeddings
    optimizer.zero_grad()
    for step in range(3 * accumulation):
        tokens = torch.randint(0, vocab, (batch, seq), device=device)
        labels = torch.cat([tokens[:, 1:], torch.full((batch, 1), -100, device=device)], dim=1)
        loss = loss_step(model, loss_fn, offloading, tokens, labels) * (1.0 if in_bwd else float((labels != -100).sum()))
        loss.backward()
        del loss
        if (step + 1) % accumulation == 0:
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
    if cuda:
        torch.cuda.synchronize()
    result = {
        "recipe": recipe_path, "seq": seq, "batch": batch, "gradientAccumulation": accumulation,
        "parameters": sum(p.numel() for p in model.parameters()),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "peakActiveMiB": round(torch.cuda.memory_stats()["active_bytes.all.peak"] / MIB, 1) if cuda else None,
        "maxAllocatedMiB": round(torch.cuda.max_memory_allocated() / MIB, 1) if cuda else None,
        "maxReservedMiB": round(torch.cuda.max_memory_reserved() / MIB, 1) if cuda else None,
        # What the device holds in all (nvidia-smi's "used"), the allocator's cache and unified memory included.
        "deviceUsedAtEndMiB": round((lambda f, t: t - f)(*torch.cuda.mem_get_info()) / MIB, 1) if cuda else None,
    }
    del model, optimizer, loss_fn, offloading
    return result


def main():
    out_path, args = sys.argv[1], sys.argv[2:]
    import torchao
    import torchtune  # noqa: F401

    versions = {"id": "versions", "torch": torch.__version__, "torchao": getattr(torchao, "__version__", None),
                "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None, "allocatorConf": os.environ["PYTORCH_CUDA_ALLOC_CONF"]}
    with open(out_path, "a") as out:
        out.write(json.dumps(versions) + "\n")
        print(json.dumps(versions), flush=True)
        record_each(out, args, lambda recipe_path: {"recipe": recipe_path}, run)

if __name__ == "__main__":
    main()
