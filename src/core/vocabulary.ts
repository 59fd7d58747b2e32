// The keys VRAM Lens reads a model by, in one place: the engine's aliases, the keys that name a model, the keys of a checkpoint index, and the one pre-filter every reader uses.
import type { SpecField } from './types';

/** Key names each hyperparameter goes by, across HF transformers, GPT-2, nanoGPT, Megatron and plain configs. */
export const KEY_ALIASES: Readonly<Record<SpecField, readonly string[]>> = {
  hiddenSize: ['hidden_size', 'd_model', 'n_embd', 'n_embed', 'model_dim', 'emb_dim', 'dim', 'hidden-size'],
  numLayers: ['num_hidden_layers', 'n_layer', 'n_layers', 'num_layers', 'num-layers', 'encoder_layers'],
  numHeads: ['num_attention_heads', 'n_head', 'n_heads', 'num_heads', 'num-attention-heads', 'encoder_attention_heads'],
  numKvHeads: ['num_key_value_heads', 'n_head_kv', 'num_kv_heads', 'n_kv_heads', 'num_query_groups', 'n_query_groups', 'multi_query'],
  headDim: ['head_dim', 'd_kv', 'kv_channels', 'head_size'],
  vocabSize: ['vocab_size', 'n_vocab', 'padded_vocab_size'],
  intermediateSize: ['intermediate_size', 'n_inner', 'ffn_dim', 'd_ff', 'ffn_hidden_size', 'intermediate_dim', 'ffn-hidden-size', 'encoder_ffn_dim'],
  maxPositions: ['max_position_embeddings', 'n_positions', 'n_ctx', 'max_seq_len', 'block_size', 'max-position-embeddings'],
  typeVocabSize: ['type_vocab_size'],
  numExperts: ['num_local_experts', 'num_experts', 'n_routed_experts'],
  expertsPerToken: ['num_experts_per_tok', 'moe_top_k', 'n_activated_experts'],
  expertIntermediateSize: ['moe_intermediate_size', 'moe_inter_dim'],
  numDecoderLayers: ['num_decoder_layers', 'decoder_layers'],
  relativeAttentionBuckets: ['relative_attention_num_buckets'],
  tieWordEmbeddings: ['tie_word_embeddings'],
  dtype: ['torch_dtype', 'dtype'],
  modelType: ['model_type'],
  // Llama 4: its chunked layers cache (and attend over) at most one chunk, as a sliding window does.
  slidingWindow: ['sliding_window', 'sliding_window_size', 'attention_chunk_size'],
};

/** Keys that name a model instead of writing it out, as LitGPT, axolotl, HF scripts, nanoGPT and torchtune do. */
export const MODEL_NAME_KEYS: readonly string[] = [
  'checkpoint_dir', 'base_model', 'model_name_or_path', 'pretrained_model_name_or_path', 'base_model_name_or_path', 'init_from', 'model_name',
  'model_id', 'model',
];

/** Keys inside a `model:` section that name a model: torchtune's builder, torchtitan's flavor (with `name`). */
export const MODEL_SECTION_KEYS = { torchtuneBuilder: '_component_', torchtitanName: 'name', torchtitanFlavor: 'flavor' } as const;

/** LitGPT's config entries leave the width to the Config class defaults; `hf_config` marks them. */
export const LITGPT_ENTRY_KEY = 'hf_config';

/** The keys of a sharded checkpoint's index (model.safetensors.index.json, pytorch_model.bin.index.json). */
export const CHECKPOINT_INDEX_KEYS = { weightMap: 'weight_map', metadata: 'metadata', totalSize: 'total_size' } as const;

/** diffusers' config key naming the class a config builds (`FluxTransformer2DModel`). */
export const DIFFUSERS_CLASS_KEY = '_class_name';

/**
 * Keys whose presence may make an object a model config: a hidden size, a LitGPT entry, a checkpoint's weight map,
 * a diffusers class name.
 */
const STRUCTURE_KEYS: readonly string[] = [...KEY_ALIASES.hiddenSize, LITGPT_ENTRY_KEY, CHECKPOINT_INDEX_KEYS.weightMap, DIFFUSERS_CLASS_KEY];
/** Keys that name a model with a string value. */
const NAMING_KEYS: readonly string[] = [...MODEL_NAME_KEYS, MODEL_SECTION_KEYS.torchtuneBuilder, MODEL_SECTION_KEYS.torchtitanFlavor];

/**
 * Every key without which no object can be a model config VRAM Lens reads: a hidden size (every written-out config
 * has one, or is a LitGPT entry), a key that names a model, or a checkpoint index's weight map.
 */
export const INDICATOR_KEYS: readonly string[] = [...STRUCTURE_KEYS, ...NAMING_KEYS];

/**
 * A script that loads a model by a call (`AutoModelForCausalLM.from_pretrained(`, vLLM's `LLM(`, llama-cpp-python's
 * `Llama(`, NeMo 2's `llm.llama3_8b.pretrain_recipe(`), not by a key.
 */
const SCRIPT_LOADER = /\.from_pretrained[ \t]*\(|(?<![\w.])(?:LLM|Llama)[ \t]*\(|\.(?:pretrain|finetune)_recipe[ \t]*\(/;

const alternatives = (keys: readonly string[]) => keys.map(k => k.replace(/-/g, '\\-')).join('|');

/**
 * An indicator key written as a key in any of the formats read: `"key":` (JSON, Python dicts), `key:` (YAML),
 * `key =` (TOML, Python), `key=` (keyword arguments), optionally quoted and not part of a longer key; a naming key
 * only with a string value (`"model": {` or `"model": 2746` in a tokenizer is not a model's name; `8B` is). No
 * nested quantifiers: the scan is linear in the text, whatever the text.
 */
const INDICATOR = new RegExp(
  `${SCRIPT_LOADER.source}|` +
  `(?<![\\w-])(?:(?:${alternatives(STRUCTURE_KEYS)})(?![\\w-])["']?[ \\t]*[:=]` +
    `|(?:${alternatives(NAMING_KEYS)})(?![\\w-])["']?[ \\t]*[:=][ \\t]*(?:["'][\\w.~/-]|[A-Za-z_.~/]|\\d+[A-Za-z_~/-]))`,
);

/**
 * True when the text may hold a model config, in any format. One regular-expression scan, far cheaper than building
 * a tree, so package.json, CI YAML, a tokenizer or an ordinary script cost almost nothing.
 */
export function mayHoldModelConfig(text: string): boolean {
  return INDICATOR.test(text);
}

/** The key a launch script's reader gives a Megatron-LM pretrain script's launch: its arguments are the model and run. */
export const MEGATRON_SCRIPT_KEY = 'megatron_script';

/**
 * The keys a launch script's reader gives each launch (`tune run`, `torchrun … torchtitan`, `accelerate launch`,
 * `deepspeed`, `torchrun train.py`): the recipe file or training script it names, which the host reads and the engine
 * lays the launch's overrides over; its GPU count and GPUs per node (keys the run readers read); accelerate's config file, and the
 * accelerate settings its command line writes (`--mixed_precision`, `--use_fsdp`, …), which the engine reads as
 * accelerate does.
 */
export const LAUNCH_KEYS = {
  recipe: 'launch_config_file', gpus: 'num_gpus', gpusPerNode: 'gpus_per_node', accelerateConfig: 'launch_accelerate_config', accelerate: 'launch_accelerate',
} as const;

/** The key a serving command's entries carry naming its engine (`vllm`, `sglang`): set by the readers, never written by users. */
export const SERVING_ENGINE_KEY = 'serving_engine';

/** The key a llama.cpp start's entries carry when its model is a Hub repository (`-hf REPO[:QUANT]`), not a file. */
export const LLAMA_HUB_KEY = 'llama_hub_repo';

/** The key a serving command's entries carry when its image's tag states the engine's release (`vllm/vllm-openai:v0.6.3`). */
export const SERVING_VERSION_KEY = 'serving_version';

/** The key a script's run carries when its calls say what it is for: 'training' (a trainer, a backward pass) or 'inference' (it only generates). */
export const RUN_PURPOSE_KEY = 'run_purpose';

/**
 * The key a script's run carries when it trains on preference pairs (TRL's DPOTrainer): where the reference model's
 * log-probabilities come from: 'copy', 'adapters' or 'none' (PreferenceRun's reference), or 'given' (a `ref_model=`).
 */
export const PREFERENCE_REFERENCE_KEY = 'preference_reference';

/** Where HF's Trainer takes accelerate's options (`sync_each_batch` among them): a mapping, or its JSON text on a command line. */
export const ACCELERATOR_CONFIG_KEY = 'accelerator_config';

/** The key a script's run carries when unsloth loads the model (FastLanguageModel, FastModel): its fused, chunked cross-entropy. */
export const UNSLOTH_RUN_KEY = 'unsloth_run';

/** The key a script's run carries when an online RL trainer (TRL's GRPOTrainer, PPOTrainer…) trains it: the trainer's name. */
export const ONLINE_RL_KEY = 'online_rl_trainer';

/** The key an `LLM(...)` call's entries carry: vLLM started from Python, whose defaults differ from the API server's. */
export const SERVING_OFFLINE_KEY = 'serving_offline';

/** The engines' other names for the flags VRAM Lens reads, by the name it reads them under (SGLang's, vLLM's older ones). */
export const SERVING_FLAG_ALIASES: Readonly<Record<string, string>> = {
  model_path: 'model', tp_size: 'tensor_parallel_size', tp: 'tensor_parallel_size', pp_size: 'pipeline_parallel_size',
  context_length: 'max_model_len', max_seq_len: 'max_model_len', kv_cache_memory: 'kv_cache_memory_bytes',
  dp: 'data_parallel_size', dp_size: 'data_parallel_size', disable_cuda_graph: 'enforce_eager', mamba_ssm_dtype: 'mamba_ssm_cache_dtype',
};

/** PEFT's config classes for adapters other than LoRA, by the `peft_type` each writes into adapter_config.json: a script that builds one is read for it. */
export const PEFT_METHOD_CONFIGS: Readonly<Record<string, string>> = {
  IA3Config: 'IA3', LoHaConfig: 'LOHA', LoKrConfig: 'LOKR', AdaLoraConfig: 'ADALORA', PromptTuningConfig: 'PROMPT_TUNING',
  PrefixTuningConfig: 'PREFIX_TUNING', PromptEncoderConfig: 'P_TUNING', AdaptionPromptConfig: 'ADAPTION_PROMPT', BOFTConfig: 'BOFT',
  OFTConfig: 'OFT', VeraConfig: 'VERA', FourierFTConfig: 'FOURIERFT', LNTuningConfig: 'LN_TUNING', HRAConfig: 'HRA',
  VBLoRAConfig: 'VBLORA', BoneConfig: 'BONE', MissConfig: 'MISS', RandLoraConfig: 'RANDLORA', ShiraConfig: 'SHIRA', C3AConfig: 'C3A',
  RoadConfig: 'ROAD', TrainableTokensConfig: 'TRAINABLE_TOKENS', CPTConfig: 'CPT', XLoraConfig: 'XLORA', PolyConfig: 'POLY',
};

/** NeMo 2's recipe factory (`llm.llama3_8b.pretrain_recipe(…)`): the call a NeMo training script builds its run with. */
export const NEMO_RECIPE_CALL = 'pretrain_recipe';

/** NeMo 2's fine-tuning recipe factory (`llm.llama3_8b.finetune_recipe(…, peft_scheme='lora')`). */
export const NEMO_FINETUNE_CALL = 'finetune_recipe';

/** The key a NeMo 2 recipe's run carries: the engine reads it as Megatron-Core's (its optimizer, precision and blocks). */
export const NEMO_RECIPE_KEY = 'nemo_recipe';
