#!/bin/bash
# Speculative decoding as each engine runs it, on one 24 GB card: SGLang drafting Llama 3.1 8B with an EAGLE-3 head
# (its KV cache as large as the pool, in the share mem_fraction_static leaves), and vLLM drafting Qwen3-8B with
# Qwen3-0.6B, whose layers' KV cache shares the pool.
python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct --speculative-algorithm EAGLE3 --speculative-draft-model-path jamesliu1/sglang-EAGLE3-Llama-3.1-Instruct-8B --context-length 8192
vllm serve Qwen/Qwen3-8B --max-model-len 8192 --speculative-config '{"model": "Qwen/Qwen3-0.6B", "num_speculative_tokens": 4}'
