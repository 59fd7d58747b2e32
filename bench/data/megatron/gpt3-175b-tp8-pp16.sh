#!/bin/bash
# A Megatron-LM pretraining job in the layout of its examples/ launch scripts; bench/data/megatron-theoretical.json holds
# what Megatron-LM's own theoretical_memory_usage gives for these arguments.
GPUS_PER_NODE=8
NUM_NODES=128

DISTRIBUTED_ARGS=(
    --nproc_per_node $GPUS_PER_NODE
    --nnodes $NUM_NODES
)

MODEL_ARGS=(
    --num-layers 96
    --hidden-size 12288
    --num-attention-heads 96
    --max-position-embeddings 2048
    --tokenizer-type GPT2BPETokenizer
)

TRAINING_ARGS=(
    --seq-length 2048
    --micro-batch-size 1
    --global-batch-size 1536
    --fp16
    --tensor-model-parallel-size 8
    --pipeline-model-parallel-size 16
    --sequence-parallel
    --recompute-granularity selective
)

torchrun ${DISTRIBUTED_ARGS[@]} pretrain_gpt.py \
    ${MODEL_ARGS[@]} \
    ${TRAINING_ARGS[@]}
