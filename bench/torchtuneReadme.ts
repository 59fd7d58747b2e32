// torchtune's published "Optimization flags" table (README, Llama 3.2 3B on an A100), each row posed as the torchtune
// recipe that ran it; read by npm run bench:torchtune (row by row) and npm run bench:accuracy (with the other frameworks).
import * as fs from 'fs';
import * as path from 'path';

export interface TorchtuneRow {
  readonly id: string;
  /** The same recipe measured by VRAM Lens with today's torchtune (bench/data/torchtune-h200.json). */
  readonly measuredToday?: string;
  readonly technique: string;
  readonly recipe: 'full' | 'lora' | 'qlora';
  readonly measuredGiB: number;
  readonly switches: {
    readonly optimizer: string;
    readonly loss: string;
    readonly compile: boolean;
    readonly enable_activation_checkpointing: boolean;
    readonly optimizer_in_bwd: boolean;
    readonly enable_activation_offloading: boolean;
  };
}

/** The GPU the table ran on. */
export const TORCHTUNE_README_GPU = 'A100 80GB';

/** The model section of each recipe, as torchtune's llama3_2 3B configs write it. */
const MODEL: Readonly<Record<TorchtuneRow['recipe'], readonly string[]>> = {
  full: ['  _component_: torchtune.models.llama3_2.llama3_2_3b'],
  lora: ['  _component_: torchtune.models.llama3_2.lora_llama3_2_3b', "  lora_attn_modules: ['q_proj', 'v_proj', 'output_proj']", '  apply_lora_to_mlp: True', '  lora_rank: 64', '  lora_alpha: 128', '  lora_dropout: 0.0'],
  qlora: ['  _component_: torchtune.models.llama3_2.qlora_llama3_2_3b', "  lora_attn_modules: ['q_proj', 'v_proj', 'output_proj']", '  apply_lora_to_mlp: True', '  lora_rank: 64', '  lora_alpha: 128', '  lora_dropout: 0.0'],
};

/** The table's rows (bench/data/torchtune-readme.json). */
export function torchtuneReadmeRows(root: string): readonly TorchtuneRow[] {
  return (JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'torchtune-readme.json'), 'utf8')) as { rows: TorchtuneRow[] }).rows;
}

/** The recipe a row ran: its config with the table's switches and the common batch, packing and length. */
export function torchtuneRecipe(r: TorchtuneRow): string {
  const s = r.switches;
  const adamw = s.optimizer === 'torch.optim.AdamW';
  return [
    'model:', ...MODEL[r.recipe],
    'tokenizer:', '  _component_: torchtune.models.llama3.llama3_tokenizer', '  max_seq_len: 4096',
    'dataset:', '  _component_: torchtune.datasets.alpaca_cleaned_dataset', '  packed: True',
    'batch_size: 2', 'gradient_accumulation_steps: 1', 'dtype: bf16',
    'optimizer:', `  _component_: ${s.optimizer}`, ...(adamw ? ['  fused: True'] : []),
    'loss:', `  _component_: ${s.loss}`,
    `compile: ${s.compile}`, `optimizer_in_bwd: ${s.optimizer_in_bwd}`,
    `enable_activation_checkpointing: ${s.enable_activation_checkpointing}`, `enable_activation_offloading: ${s.enable_activation_offloading}`, '',
  ].join('\n');
}
