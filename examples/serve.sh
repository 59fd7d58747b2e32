#!/bin/bash
# Serving Llama 3.1 8B on one 24 GB card: with vLLM at 16K context, or with llama.cpp from a Q4_K_M GGUF at 64K.
vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 16384 --gpu-memory-utilization 0.92
llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 65536 -ngl 99 -fa on
