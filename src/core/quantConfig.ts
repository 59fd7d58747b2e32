// What a checkpoint's `quantization_config` says of its weights (FP8 blocks, compressed-tensors, bitsandbytes, GPTQ, AWQ, MXFP4, HQQ): the quantization its weights are counted in, for config.json files and the models files name.
import { entryOf, type ConfigEntry, type ConfigObject, type ConfigValue } from './configTree';
import { RUN_LIMITS } from './runLimits';
import type { Quantization } from './types';

/** A checkpoint's weights as shipped: their quantization, and its group (or block) size where it has one. */
export interface ShippedQuantization {
  readonly quantization: Quantization;
  readonly groupSize?: number;
  /** The modules it leaves unquantized include the vision tower. */
  readonly visionUnquantized?: boolean;
}

/** Where a quantization_config lists the modules it leaves out: bitsandbytes, GPTQ / AWQ, compressed-tensors, HQQ. */
const SKIP_LISTS = ['llm_int8_skip_modules', 'modules_to_not_convert', 'ignore', 'skip_modules'] as const;

/** Module names (or compressed-tensors' `re:` patterns) of a multimodal model's vision tower and projector. */
const VISION_MODULE = /vision|visual|vpm|image_(encoder|projector|newline)|mm_projector|multi_modal_projector/i;

/** Whether the modules a quantization_config leaves out name the vision tower. */
function skipsVision(config: ConfigValue): boolean {
  return SKIP_LISTS.some(key => {
    const list = field(config, key);
    return list?.kind === 'array' && list.items.some(item => item.kind === 'string' && VISION_MODULE.test(item.value));
  });
}

/**
 * Read: the weights as shipped, or a quantization_config VRAM Lens cannot count, with why (a warning on the key); with
 * the `quantization_config` entry to point at.
 */
export type QuantizationReading = ({ readonly shipped: ShippedQuantization } | { readonly unread: string }) & { readonly entry: ConfigEntry };

function field(obj: ConfigValue | undefined, key: string): ConfigValue | undefined {
  return obj?.kind === 'object' ? entryOf(obj, key)?.value : undefined;
}

function text(v: ConfigValue | undefined): string | undefined {
  return v?.kind === 'string' ? v.value.toLowerCase() : undefined;
}

function number(v: ConfigValue | undefined): number | undefined {
  return v?.kind === 'number' ? v.value : undefined;
}

function flag(v: ConfigValue | undefined): boolean {
  return v?.kind === 'boolean' && v.value;
}

/** A group size as written; -1 (one group per output channel) counts as groups too large to matter. */
function groupSize(v: ConfigValue | undefined): number | undefined {
  const g = number(v);
  return g === undefined ? undefined : g <= 0 ? RUN_LIMITS.quantGroupSize : Math.min(g, RUN_LIMITS.quantGroupSize);
}

/** FP8 with `weight_block_size` ([128, 128]): square blocks with a scale each; without it, one scale per tensor. */
function fp8(config: ConfigValue): ShippedQuantization {
  const block = field(config, 'weight_block_size');
  const side = block?.kind === 'array' ? number(block.items[0]) : undefined;
  return side !== undefined && side > 0 ? { quantization: 'fp8-block', groupSize: side } : { quantization: 'fp8-tensor' };
}

/** compressed-tensors: the weights scheme of its first config group (what llm-compressor writes for one scheme). */
function compressedTensors(config: ConfigValue): ShippedQuantization | string {
  const groups = field(config, 'config_groups');
  const first = groups?.kind === 'object' ? groups.entries[0]?.value : undefined;
  const weights = field(first, 'weights');
  const bits = number(field(weights, 'num_bits'));
  const type = text(field(weights, 'type'));
  const strategy = text(field(weights, 'strategy'));
  if (bits === 8 && type === 'float') {
    if (strategy === 'block') {
      const block = field(weights, 'block_structure');
      const side = block?.kind === 'array' ? number(block.items[0]) : undefined;
      return { quantization: 'fp8-block', groupSize: side ?? 128 };
    }
    return { quantization: strategy === 'tensor' ? 'fp8-tensor' : 'fp8-channel' };
  }
  if (bits === 8 && type === 'int') {
    return { quantization: 'int8-channel' };
  }
  if (bits === 4 && type === 'float' && number(field(weights, 'group_size')) === 32) {
    return { quantization: 'mxfp4' }; // MXFP4 (mxfp4-pack-quantized: a one-byte E8M0 scale per 32), as Kimi K3 ships its experts
  }
  if (bits === 4 && type === 'float' && number(field(weights, 'group_size')) === 16) {
    return { quantization: 'nvfp4' }; // NVFP4 (tensor_group: an FP8 scale per 16, a global scale per tensor)
  }
  if (bits === 4 && type === 'int' && strategy === 'group') {
    return { quantization: 'w4a16', groupSize: groupSize(field(weights, 'group_size')) ?? 128 };
  }
  return `compressed-tensors with ${bits ?? '?'}-bit ${type ?? '?'} weights (strategy ${strategy ?? '?'})`;
}

/** HQQ's bit widths and their packed types. */
const HQQ_BITS: Readonly<Record<number, Quantization>> = { 8: 'hqq-8', 4: 'hqq-4', 3: 'hqq-3', 2: 'hqq-2', 1: 'hqq-1' };

/**
 * HQQ (transformers' HqqConfig): nbits and group_size under quant_config.weight_quant_params, or directly under
 * quant_config as older saves write them; HQQ's own default group of 64. Quantized scales or zeros are not read.
 */
function hqq(config: ConfigValue): ShippedQuantization | string {
  const quant = field(config, 'quant_config');
  const params = field(quant, 'weight_quant_params') ?? quant;
  const bits = number(field(params, 'nbits'));
  const quantization = bits === undefined ? undefined : HQQ_BITS[bits];
  if (!quantization) {
    return `HQQ with ${bits ?? '?'}-bit weights`;
  }
  if (field(quant, 'scale_quant_params')?.kind === 'object' || field(quant, 'zero_quant_params')?.kind === 'object') {
    return 'HQQ with quantized scales or zeros';
  }
  return { quantization, groupSize: groupSize(field(params, 'group_size')) ?? 64 };
}

/** The weights a quantization_config describes, by its quant_method. */
function shippedAs(config: ConfigValue, method: string): ShippedQuantization | string {
  switch (method) {
    case 'fp8':
      return fp8(config);
    case 'fbgemm_fp8':
      return { quantization: 'fp8-channel' };
    case 'compressed-tensors':
      return compressedTensors(config);
    case 'bitsandbytes': {
      if (flag(field(config, 'load_in_8bit'))) {
        return { quantization: 'int8' };
      }
      const fp4 = text(field(config, 'bnb_4bit_quant_type')) === 'fp4';
      const double = flag(field(config, 'bnb_4bit_use_double_quant'));
      return { quantization: fp4 ? (double ? 'fp4-dq' : 'fp4') : double ? 'nf4-dq' : 'nf4' };
    }
    case 'gptq':
    case 'awq': {
      const bits = number(field(config, 'bits')) ?? number(field(config, 'w_bit'));
      const size = groupSize(field(config, 'group_size') ?? field(config, 'q_group_size'));
      return bits === 4 ? { quantization: method === 'gptq' ? 'gptq-int4' : 'awq-int4', groupSize: size ?? 128 } : `${method.toUpperCase()} with ${bits ?? '?'}-bit weights`;
    }
    case 'mxfp4':
      return { quantization: 'mxfp4' };
    case 'modelopt': {
      // NVIDIA ModelOpt exports: quant_algo NVFP4 or FP8 (per tensor).
      const algo = text(field(config, 'quant_algo'))?.toUpperCase();
      return algo === 'NVFP4' ? { quantization: 'nvfp4' } : algo === 'FP8' ? { quantization: 'fp8-tensor' } : `ModelOpt ${algo ?? '?'}`;
    }
    case 'hqq':
      return hqq(config);
    default:
      return `quant_method "${method}"`;
  }
}

/**
 * The weights a config's `quantization_config` ships, if it has one: read where VRAM Lens knows the format, or
 * named as what it could not read.
 */
export function readQuantizationConfig(obj: ConfigObject): QuantizationReading | undefined {
  const entry = entryOf(obj, 'quantization_config');
  if (!entry || entry.value.kind !== 'object') {
    return undefined;
  }
  const method = text(field(entry.value, 'quant_method'));
  if (!method) {
    return { unread: 'a quantization_config without quant_method', entry };
  }
  const shipped = shippedAs(entry.value, method);
  if (typeof shipped === 'string') {
    return { unread: shipped, entry };
  }
  return { shipped: skipsVision(entry.value) ? { ...shipped, visionUnquantized: true } : shipped, entry };
}
