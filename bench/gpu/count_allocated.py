"""Counts the parameters transformers or diffusers allocates for each model config, on the meta device (no memory, no download).

    python bench/gpu/count_allocated.py OUT.jsonl CONFIG.json|FOLDER...

Each config is built with the class it names: `architectures[0]` from transformers, or `_class_name` from diffusers,
with the config as written (remote-code classes are not in either library and are reported as such). A folder is
walked for its JSON files; those that are neither kind of config are passed over. One JSON line per file: the class, its parameter count (each tied tensor once),
or why none could be made.
"""
import json
import os
import sys

import torch
import transformers

from common import load_config


def files_in(paths):
    for path in paths:
        if os.path.isdir(path):
            for folder, _, names in sorted(os.walk(path)):
                for name in sorted(names):
                    if name.endswith(".json"):
                        yield os.path.join(folder, name)
        else:
            yield path


def build_transformers(path, raw):
    name = (raw.get("architectures") or [None])[0]
    cls = getattr(transformers, name, None) if name else None
    if cls is None:
        return name, None, f"{name} is not a transformers class"
    config = load_config(path)
    with torch.device("meta"):
        model = cls._from_config(config)
    return name, model, None


def build_diffusers(raw):
    import diffusers

    name = raw["_class_name"]
    cls = getattr(diffusers, name, None)
    if cls is None or not issubclass(cls, diffusers.ModelMixin):
        return name, None, f"{name} is not a diffusers model class"
    config = {k: v for k, v in raw.items() if not k.startswith("_")}
    with torch.device("meta"):
        model = cls.from_config(config)
    return name, model, None


def count(path):
    with open(path) as f:
        try:
            raw = json.load(f)
        except ValueError:
            return None
    if not isinstance(raw, dict):
        return None
    if "_class_name" in raw:
        name, model, why = build_diffusers(raw)
        library = "diffusers"
    elif "model_type" in raw:
        name, model, why = build_transformers(path, raw)
        library = "transformers"
    else:
        return None
    if model is None:
        return {"library": library, "class": name, "error": why}
    return {"library": library, "class": name, "parameters": sum(p.numel() for p in model.parameters())}


def main():
    out_path, inputs = sys.argv[1], sys.argv[2:]
    versions = {"transformers": transformers.__version__, "torch": torch.__version__}
    try:
        import diffusers
        versions["diffusers"] = diffusers.__version__
    except ImportError:
        versions["diffusers"] = None
    with open(out_path, "a") as out:
        out.write(json.dumps({"id": "versions", **versions}) + "\n")
        for path in files_in(inputs):
            try:
                result = count(path)
            except Exception as e:  # one config the library cannot build must not stop the others
                result = {"error": f"{type(e).__name__}: {str(e)[:300]}"}
            if result is None:
                continue
            line = json.dumps({"file": path, **result})
            out.write(line + "\n")
            out.flush()
            print(line, flush=True)


if __name__ == "__main__":
    main()
