#!/bin/bash
# A Megatron-LM pretraining job in the layout of its examples/ launch scripts; bench/data/megatron-theoretical.json holds
# what Megatron-LM's own theoretical_memory_usage gives for these arguments.
GPUS_PER_NODE=8
NUM_NODES=8

DISTRIBUTED_ARGS=(
    --nproc_per_node $GPUS_PER_NODE
    --nnodes $NUM_NODES
)

MODEL_ARGS=(
    --num-layers 80
    --hidden-size 8192
    --ffn-hidden-size 28672
    --num-attention-heads 64
    --group-query-attention
    --num-query-groups 8
    --kv-channels 128
    --position-embedding-type rope
    --swiglu
    --normalization RMSNorm
    --untie-embeddings-and-output-weights
    --disable-bias-linear
    --tokenizer-type NullTokenizer
    --vocab-size 128256
)

TRAINING_ARGS=(
    --seq-length 4096
    --max-position-embeddings 8192
    --micro-batch-size 1
    --global-batch-size 128
    --bf16
    --use-distributed-optimizer
    --tensor-model-parallel-size 8
    --pipeline-model-parallel-size 4
    --num-layers-per-virtual-pipeline-stage 5
    --sequence-parallel
    --recompute-granularity selective
)

torchrun ${DISTRIBUTED_ARGS[@]} pretrain_gpt.py \
    ${MODEL_ARGS[@]} \
    ${TRAINING_ARGS[@]}
