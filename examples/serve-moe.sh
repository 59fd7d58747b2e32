#!/bin/bash
# Mixture-of-experts models as people serve them: Qwen3-30B-A3B on one 16 GB card with llama.cpp keeping the routed
# experts of the first 16 layers in host memory, and DeepSeek-R1 on eight H200s with vLLM's data-parallel attention.
llama-server -hf unsloth/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M -c 32768 -ngl 99 --n-cpu-moe 16
vllm serve deepseek-ai/DeepSeek-R1 -dp 8 --enable-expert-parallel --max-model-len 32768
