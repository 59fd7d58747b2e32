"""Megatron-LM's own theoretical memory for the jobs bench/data/megatron-theoretical.json lists (CPU only, no GPU).

Prints the rows as that file holds them, less the `note` each row may carry (written by hand: where the formula
itself leaves something out).

Loads megatron/training/theoretical_memory_usage.py from a Megatron-LM checkout, without importing the rest of
Megatron-LM, and runs report_theoretical_memory on each job's arguments, with Megatron-LM's own defaults for what a
job leaves unsaid (validate_args: kv_channels = hidden / heads, expert tensor parallelism = tensor parallelism,
moe_ffn_hidden_size = ffn_hidden_size, data-parallel size = GPUs / (TP x PP x CP)) and pretrain_gpt.py's number of
micro-batches (global batch / (micro-batch x data-parallel GPUs)).

usage: python bench/gpu/megatron_theoretical.py /path/to/Megatron-LM [job-id ...]
"""

import contextlib
import importlib.util
import json
import math
import sys
import types
from pathlib import Path

# Each job: its id, the file that poses it, and the arguments Megatron-LM parses from it (NeMo's YAML keys are
# Megatron-Core's own: NeMo passes them through).
JOBS = {
    "mixtral-8x7b-ep8": {
        "file": "bench/data/megatron/mixtral-8x7b-ep8.sh",
        "args": dict(num_layers=32, hidden_size=4096, ffn_hidden_size=14336, num_attention_heads=32, group_query_attention=True,
                     num_query_groups=8, swiglu=True, normalization="RMSNorm", untie_embeddings_and_output_weights=True,
                     add_bias_linear=False, vocab_size=32000, num_experts=8, moe_router_topk=2, seq_length=4096,
                     micro_batch_size=1, global_batch_size=256, world_size=32, tensor_model_parallel_size=1,
                     pipeline_model_parallel_size=4, expert_model_parallel_size=8, use_distributed_optimizer=True,
                     sequence_parallel=True),
    },
    "nemo2-llama3-70b": {
        "file": "test/fixtures/scripts/nemo2_pretrain_llama3_70b.py",
        "args": dict(num_layers=80, hidden_size=8192, ffn_hidden_size=28672, num_attention_heads=64, group_query_attention=True,
                     num_query_groups=8, swiglu=True, normalization="RMSNorm", untie_embeddings_and_output_weights=True,
                     add_bias_linear=False, vocab_size=128256, seq_length=4096, micro_batch_size=1, global_batch_size=128,
                     world_size=32, tensor_model_parallel_size=8, pipeline_model_parallel_size=4,
                     virtual_pipeline_model_parallel_size=5, use_distributed_optimizer=True, sequence_parallel=True),
    },
    "nemo-gpt3-5b": {
        "file": "test/fixtures/public/configs-public/yaml/NVIDIA__NeMo-Framework-Launcher__training_gpt3_5b.yaml",
        "args": dict(num_layers=24, hidden_size=4096, ffn_hidden_size=16384, num_attention_heads=32, vocab_size=50257,
                     normalization="LayerNorm", seq_length=2048, micro_batch_size=4, global_batch_size=2048, world_size=128,
                     tensor_model_parallel_size=1, pipeline_model_parallel_size=1, use_distributed_optimizer=True),
    },
    "nemo-gpt3-175b": {
        "file": "test/fixtures/public/configs-public/yaml/NVIDIA__NeMo-Framework-Launcher__training_gpt3_175b.yaml",
        "args": dict(num_layers=96, hidden_size=12288, ffn_hidden_size=49152, num_attention_heads=96, vocab_size=50257,
                     normalization="LayerNorm", seq_length=2048, micro_batch_size=1, global_batch_size=2048, world_size=1024,
                     tensor_model_parallel_size=4, pipeline_model_parallel_size=8, virtual_pipeline_model_parallel_size=6,
                     use_distributed_optimizer=True, sequence_parallel=True),
    },
}

DEFAULTS = dict(kv_channels=None, group_query_attention=False, num_query_groups=None, num_experts=None, swiglu=False,
                moe_shared_expert_intermediate_size=None, moe_layer_freq=1, moe_ffn_hidden_size=None, mtp_num_layers=None,
                normalization="LayerNorm", multi_latent_attention=False, untie_embeddings_and_output_weights=False,
                moe_latent_size=None, moe_router_topk=2, add_bias_linear=True, expert_tensor_parallel_size=None,
                expert_model_parallel_size=1, pipeline_model_parallel_size=1, context_parallel_size=1,
                use_distributed_optimizer=False, sequence_parallel=False, recompute_granularity=None,
                virtual_pipeline_model_parallel_size=None, make_vocab_size_divisible_by=128, is_hybrid_model=False)


def load(megatron: Path):
    """theoretical_memory_usage as a module, its two helpers from megatron.training.utils given in place."""
    utils = types.ModuleType("megatron.training.utils")
    utils.is_hybrid_model = lambda args: False
    utils.print_rank_0 = lambda *a, **k: None
    for name in ("megatron", "megatron.training"):
        package = types.ModuleType(name)
        package.__path__ = []
        sys.modules[name] = package
    sys.modules["megatron.training.utils"] = utils
    spec = importlib.util.spec_from_file_location(
        "megatron.training.theoretical_memory_usage", megatron / "megatron" / "training" / "theoretical_memory_usage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def arguments(job):
    a = types.SimpleNamespace(**{**DEFAULTS, **job})
    a.kv_channels = a.kv_channels or a.hidden_size // a.num_attention_heads
    a.expert_tensor_parallel_size = a.expert_tensor_parallel_size or a.tensor_model_parallel_size
    a.moe_ffn_hidden_size = a.moe_ffn_hidden_size or a.ffn_hidden_size
    multiple = a.make_vocab_size_divisible_by * a.tensor_model_parallel_size
    a.padded_vocab_size = math.ceil(a.vocab_size / multiple) * multiple
    model = a.tensor_model_parallel_size * a.pipeline_model_parallel_size * a.context_parallel_size
    a.data_parallel_size = a.world_size // model
    return a


def main():
    megatron = Path(sys.argv[1])
    wanted = sys.argv[2:] or list(JOBS)
    module = load(megatron)
    rows = []
    for job_id in wanted:
        a = arguments(JOBS[job_id]["args"])
        microbatches = a.global_batch_size // (a.micro_batch_size * a.data_parallel_size)
        with contextlib.redirect_stdout(sys.stderr):  # it prints its own line; stdout is the JSON
            weights, activations, total = module.report_theoretical_memory(a, num_microbatches=microbatches)
        with_sp = a.sequence_parallel and a.recompute_granularity == "selective"
        rows.append({"id": job_id, "file": JOBS[job_id]["file"], "weightAndOptimizerMiB": round(weights, 1), "activationMiB": round(activations, 1),
                     "totalMiB": round(total, 1), "numMicrobatches": microbatches,
                     "formula": "with sequence parallelism and selective recompute" if with_sp else "without sequence parallelism"})
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
