// What a weight tensor is (its shape, count, component and LoRA target), shared by the inventory and every family's tensors.
import type { ParameterBreakdown } from './types';

/** Where a tensor's parameters are reported in the breakdown. */
export type ParameterComponent = keyof Omit<ParameterBreakdown, 'total' | 'activePerToken'>;

/** Projections LoRA can adapt, named as PEFT / LitGPT users name them. */
export type LoraTarget = 'q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down' | 'head';
export const LORA_TARGETS: readonly LoraTarget[] = ['q', 'k', 'v', 'o', 'gate', 'up', 'down', 'head'];
/** Every linear layer of a block (PEFT's "all-linear", LLaMA-Factory's `all`): the head stays out. */
export const ALL_LINEAR_TARGETS: readonly LoraTarget[] = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];
/** The MLP's projections (LitGPT's `lora_mlp`, torchtune's `apply_lora_to_mlp`). */
export const MLP_TARGETS: readonly LoraTarget[] = ALL_LINEAR_TARGETS.slice(4);

/** A group of identical weight tensors of the model. */
export interface WeightTensor {
  readonly name: string;
  /** Input features (columns of nn.Linear's weight); for vectors, 1. */
  readonly inFeatures: number;
  /** Output features (rows); for vectors, their length. */
  readonly outFeatures: number;
  /** How many such tensors the model holds. */
  readonly count: number;
  /** An nn.Linear weight (quantizable, LoRA-adaptable); false for embeddings, norms and biases. */
  readonly linear: boolean;
  readonly target?: LoraTarget;
  /** Part of a routed expert (only top-k of them run per token). */
  readonly expert?: boolean;
  /** Embedding tables and the output head (kept in 16 bits by bitsandbytes quantization). */
  readonly embeddingOrHead?: boolean;
  readonly component: ParameterComponent;
}

/** A weight tensor of `count` copies of an out × in matrix (1 × length for a vector), filed under its component. */
export function weightTensor(name: string, inFeatures: number, outFeatures: number, count: number, linear: boolean, component: ParameterComponent, target?: LoraTarget): WeightTensor {
  return { name, inFeatures, outFeatures, count, linear, target, expert: false, embeddingOrHead: false, component };
}

export function numel(t: WeightTensor): number {
  return t.inFeatures * t.outFeatures * t.count;
}
