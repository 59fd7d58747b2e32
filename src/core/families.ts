import type { ModelSpec } from './types';

/**
 * The structure of each architecture family, as its HuggingFace transformers modeling code allocates it.
 * Only what the config file does not say lives here; shapes come from the file.
 */
export type Family = Pick<
  ModelSpec,
  | 'generic' | 'encoderDecoder' | 'encoderOnly' | 'norm' | 'normsPerLayer' | 'positions' | 'attentionBias' | 'mlp'
  | 'mlpBias' | 'embeddingNorm' | 'pooler' | 'lmHeadBias' | 'finalNorm' | 'dropout' | 'head'
> & {
  readonly name: string;
  /** `tie_word_embeddings` when the config leaves it out (the family's config class default). */
  readonly tiedByDefault: boolean;
  /** FFN width when the config leaves it out, as a multiple of the hidden size. */
  readonly defaultIntermediateMultiple: number | undefined;
};

const GPT_STYLE: Family = {
  name: 'GPT-2',
  generic: false,
  encoderDecoder: false,
  encoderOnly: false,
  norm: 'layernorm',
  normsPerLayer: 2,
  positions: 'learned',
  attentionBias: 'all',
  mlp: 'plain',
  mlpBias: true,
  embeddingNorm: false,
  pooler: false,
  lmHeadBias: false,
  finalNorm: true,
  dropout: true,
  head: 'lm',
  tiedByDefault: true,
  defaultIntermediateMultiple: 4,
};

const LLAMA_STYLE: Family = {
  name: 'Llama',
  generic: false,
  encoderDecoder: false,
  encoderOnly: false,
  norm: 'rmsnorm',
  normsPerLayer: 2,
  positions: 'rotary',
  attentionBias: 'none',
  mlp: 'gated',
  mlpBias: false,
  embeddingNorm: false,
  pooler: false,
  lmHeadBias: false,
  finalNorm: true,
  dropout: false,
  head: 'lm',
  tiedByDefault: false,
  defaultIntermediateMultiple: undefined,
};

/** Keyed by `model_type`. */
export const FAMILIES: Readonly<Record<string, Family>> = {
  gpt2: GPT_STYLE,
  bert: {
    ...GPT_STYLE,
    name: 'BERT',
    encoderOnly: true,
    embeddingNorm: true,
    pooler: true,
    finalNorm: false,
    head: 'none',
  },
  roberta: {
    ...GPT_STYLE,
    name: 'RoBERTa',
    encoderOnly: true,
    embeddingNorm: true,
    pooler: true,
    finalNorm: false,
    head: 'none',
  },
  bloom: { ...GPT_STYLE, name: 'BLOOM', positions: 'alibi', embeddingNorm: true, dropout: false },
  // Phi-1/1.5/2: one LayerNorm feeding attention and MLP in parallel, partial rotary, biased lm_head.
  phi: { ...GPT_STYLE, name: 'Phi', normsPerLayer: 1, positions: 'rotary', lmHeadBias: true, tiedByDefault: false },
  'phi-msft': {
    ...GPT_STYLE,
    name: 'Phi',
    normsPerLayer: 1,
    positions: 'rotary',
    lmHeadBias: true,
    tiedByDefault: false,
  },
  t5: {
    ...GPT_STYLE,
    name: 'T5',
    encoderDecoder: true,
    norm: 'rmsnorm',
    positions: 'relative',
    attentionBias: 'none',
    mlpBias: false,
    head: 'lm',
  },
  llama: LLAMA_STYLE,
  mistral: { ...LLAMA_STYLE, name: 'Mistral' },
  mixtral: { ...LLAMA_STYLE, name: 'Mixtral (mixture of experts)' },
  qwen2: { ...LLAMA_STYLE, name: 'Qwen2', attentionBias: 'qkv' },
  gemma: { ...LLAMA_STYLE, name: 'Gemma', tiedByDefault: true },
};

/** A decoder whose family is not known, written with HF-style keys: the common modern block is assumed. */
export const GENERIC_MODERN_DECODER: Family = {
  ...LLAMA_STYLE,
  name: 'Generic decoder (Llama-style block assumed)',
  generic: true,
};

/** A config written with the plain textbook names (`d_model`, `n_heads`, `n_layers`): the classic block. */
export const GENERIC_CLASSIC_DECODER: Family = {
  ...GPT_STYLE,
  name: 'Generic decoder (GPT-style block assumed)',
  generic: true,
  // No position table unless the config gives a context length (then learned, as in nanoGPT).
  positions: 'none',
};

export function familyFor(modelType: string | undefined, classicNames: boolean): Family {
  if (modelType !== undefined) {
    const known = FAMILIES[modelType.toLowerCase()];
    if (known) {
      return known;
    }
  }
  return classicNames ? GENERIC_CLASSIC_DECODER : GENERIC_MODERN_DECODER;
}
