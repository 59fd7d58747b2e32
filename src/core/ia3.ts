// PEFT's (IA)³ adapters for the training estimate: the layers PEFT scales by default per architecture, and their wording.
import type { LoraTarget } from './weightTensor';
import type { Ia3Layout, LoraSettings } from './types';

/**
 * PEFT's TRANSFORMERS_MODELS_TO_IA3_TARGET_MODULES_MAPPING, by the family VRAM Lens resolves the model_type to: the
 * layers (IA)³ scales when target_modules is unset. Each family's feedforward module is its MLP's down projection
 * (down_proj, fc2, w2, dense_4h_to_h, mlp.c_proj, fc_out); a fused query_key_value / c_attn is q, k and v.
 */
const IA3_DEFAULT_TARGETS: Readonly<Record<string, readonly LoraTarget[]>> = {
  Llama: ['k', 'v', 'down'],
  Mistral: ['k', 'v', 'down'],
  'Mixtral (mixture of experts)': ['k', 'v', 'down'],
  'Llama 4 (mixture of experts)': ['q', 'v', 'down'],
  Gemma: ['q', 'v', 'down'],
  'Gemma 2': ['q', 'v', 'down'],
  'Gemma 3': ['q', 'v', 'down'],
  Qwen2: ['q', 'v', 'down'],
  Qwen3: ['q', 'v', 'down'],
  Phi: ['q', 'v', 'down'],
  'GPT-J': ['q', 'v', 'down'],
  OPT: ['q', 'k', 'down'],
  'GPT-2': ['q', 'k', 'v', 'down'],
  'GPT-NeoX': ['q', 'k', 'v', 'down'],
  BLOOM: ['q', 'k', 'v', 'down'],
  Falcon: ['q', 'k', 'v', 'down'],
  'Falcon (RefinedWeb)': ['q', 'k', 'v', 'down'],
};

/** PEFT's default feedforward module for every family above: the MLP's down projection, scaled on its input. */
export const IA3_DEFAULT_FEEDFORWARD: readonly LoraTarget[] = ['down'];

/**
 * The run's (IA)³ layers filled in from the model's family where the file leaves target_modules to PEFT, or the message
 * PEFT's own refusal amounts to when the family has no default. Anything else passes through unchanged.
 */
export function resolveIa3Targets(lora: LoraSettings | undefined, family: string): { lora: LoraSettings | undefined } | { problem: string } {
  if (!lora?.ia3?.byArchitecture) {
    return { lora };
  }
  const targets = IA3_DEFAULT_TARGETS[family];
  if (!targets) {
    return { problem: `PEFT has no default (IA)³ layers for ${family} models and stops with "Please specify \`target_modules\` in \`peft_config\`": name them in target_modules (and the MLP's in feedforward_modules).` };
  }
  const ia3: Ia3Layout = { feedforward: lora.ia3.feedforward.length > 0 ? lora.ia3.feedforward : IA3_DEFAULT_FEEDFORWARD };
  return { lora: { ...lora, targets, ia3 } };
}

/** "(IA)³ on the outputs of k, v and the input of down", as the report and the summary line say it. */
export function describeIa3(targets: readonly LoraTarget[], ia3: Ia3Layout): string {
  const outputs = targets.filter(t => !ia3.feedforward.includes(t));
  const inputs = targets.filter(t => ia3.feedforward.includes(t));
  const parts = [outputs.length > 0 ? `the outputs of ${outputs.join(', ')}` : '', inputs.length > 0 ? `the input${inputs.length > 1 ? 's' : ''} of ${inputs.join(', ')}` : ''].filter(Boolean);
  return `(IA)³ scaling vectors on ${parts.join(' and ')}`;
}
