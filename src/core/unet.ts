// Convolutional diffusers models (UNet2DConditionModel of Stable Diffusion 1.x / 2.x / XL, AutoencoderKL): their exact tensors and approximate activations, for the engine.
import { weightTensor as weight, type WeightTensor } from './weightTensor';
import type { ConvNetShape, ModelSpec, RunSettings } from './types';

/** diffusers' class names of the convolutional models read here. */
export const UNET_CLASS = 'UNet2DConditionModel';
export const VAE_CLASS = 'AutoencoderKL';

/** The block types a UNet config may list that are counted here; any other is refused by name. */
const UNET_DOWN_BLOCKS: Readonly<Record<string, boolean>> = { CrossAttnDownBlock2D: true, DownBlock2D: false };
const UNET_UP_BLOCKS: Readonly<Record<string, boolean>> = { CrossAttnUpBlock2D: true, UpBlock2D: false };
const VAE_DOWN_BLOCK = 'DownEncoderBlock2D';
const VAE_UP_BLOCK = 'UpDecoderBlock2D';

/** The VAE's downsampling between pixels and latents (three stride-2 levels in every Stable Diffusion VAE). */
export const LATENT_SCALE = 8;
/** CLIP's 77 tokens: what Stable Diffusion's UNet cross-attends to. */
const CLIP_TOKENS = 77;

type Component = WeightTensor['component'];

/** nn.Conv2d(in, out, k) with its bias: filed as a 2-D (out, in·k²) weight. */
function conv(name: string, inChannels: number, outChannels: number, kernel: number, component: Component = 'other'): WeightTensor[] {
  return [weight(name, inChannels * kernel * kernel, outChannels, 1, false, component), weight(`${name} bias`, 1, outChannels, 1, false, component)];
}

/** nn.Linear(in, out), with its bias unless `bias` is false. */
function linear(name: string, inFeatures: number, outFeatures: number, component: Component, target?: WeightTensor['target'], bias = true): WeightTensor[] {
  return [weight(name, inFeatures, outFeatures, 1, true, component, target), ...(bias ? [weight(`${name} bias`, 1, outFeatures, 1, false, component)] : [])];
}

/** GroupNorm or LayerNorm with affine weight and bias. */
function norm(name: string, channels: number): WeightTensor {
  return weight(name, 1, 2 * channels, 1, false, 'norms');
}

/** ResnetBlock2D: two GroupNorm + 3 × 3 conv pairs, the time embedding's projection (UNet), a 1 × 1 shortcut when the width changes. */
function resnet(name: string, inChannels: number, outChannels: number, timeEmbedding: number | undefined): WeightTensor[] {
  return [
    norm(`${name}.norm1`, inChannels),
    ...conv(`${name}.conv1`, inChannels, outChannels, 3, 'mlp'),
    ...(timeEmbedding ? linear(`${name}.time_emb_proj`, timeEmbedding, outChannels, 'other') : []),
    norm(`${name}.norm2`, outChannels),
    ...conv(`${name}.conv2`, outChannels, outChannels, 3, 'mlp'),
    ...(inChannels !== outChannels ? conv(`${name}.conv_shortcut`, inChannels, outChannels, 1, 'mlp') : []),
  ];
}

/**
 * Transformer2DModel: a GroupNorm and projections in and out around BasicTransformerBlocks, each with self-attention,
 * cross-attention to the text (bias-free q/k/v, biased outputs), three LayerNorms and a GEGLU feed-forward of 4 × width.
 */
function spatialTransformer(name: string, channels: number, layers: number, crossDim: number): WeightTensor[] {
  const c = channels;
  // The blocks are identical: each tensor once, held `layers` times.
  const blocks = (tensors: WeightTensor[]) => tensors.map(t => ({ ...t, name: `${name}.transformer_blocks.${t.name}`, count: t.count * layers }));
  return [
    norm(`${name}.norm`, c),
    ...linear(`${name}.proj_in`, c, c, 'attention'),
    ...blocks([
      norm('norm1/2/3', 3 * c),
      ...linear('attn1.to_q', c, c, 'attention', 'q', false),
      ...linear('attn1.to_k', c, c, 'attention', 'k', false),
      ...linear('attn1.to_v', c, c, 'attention', 'v', false),
      ...linear('attn1.to_out.0', c, c, 'attention', 'o'),
      ...linear('attn2.to_q', c, c, 'attention', 'q', false),
      ...linear('attn2.to_k', crossDim, c, 'attention', 'k', false),
      ...linear('attn2.to_v', crossDim, c, 'attention', 'v', false),
      ...linear('attn2.to_out.0', c, c, 'attention', 'o'),
      ...linear('ff.net.0.proj', c, 8 * c, 'mlp', 'up'),
      ...linear('ff.net.2', 4 * c, c, 'mlp', 'down'),
    ]),
    ...linear(`${name}.proj_out`, c, c, 'attention'),
  ];
}

/** The VAE's single-head attention (the mid block's): a GroupNorm and biased q/k/v/out projections. */
function vaeAttention(name: string, c: number): WeightTensor[] {
  return [
    norm(`${name}.group_norm`, c),
    ...linear(`${name}.to_q`, c, c, 'attention', 'q'),
    ...linear(`${name}.to_k`, c, c, 'attention', 'k'),
    ...linear(`${name}.to_v`, c, c, 'attention', 'v'),
    ...linear(`${name}.to_out.0`, c, c, 'attention', 'o'),
  ];
}

/** One level of the down path: its ResNets (and transformers), then a stride-2 convolution unless it is the last. */
interface Level {
  readonly index: number;
  readonly inChannels: number;
  readonly channels: number;
  readonly last: boolean;
}

function downLevels(n: ConvNetShape): Level[] {
  return n.blockOutChannels.map((channels, index) => ({ index, inChannels: index === 0 ? n.blockOutChannels[0] : n.blockOutChannels[index - 1], channels, last: index === n.blockOutChannels.length - 1 }));
}

/** Every tensor of UNet2DConditionModel, as diffusers builds it from the config. */
function unetTensors(n: ConvNetShape): WeightTensor[] {
  const boc = n.blockOutChannels;
  const levels = boc.length;
  const temb = 4 * boc[0];
  const out: WeightTensor[] = [
    ...conv('conv_in', n.inChannels, boc[0], n.convInKernel, 'embeddings'),
    ...linear('time_embedding.linear_1', boc[0], temb, 'embeddings'),
    ...linear('time_embedding.linear_2', temb, temb, 'embeddings'),
    ...(n.addEmbeddingInput ? [...linear('add_embedding.linear_1', n.addEmbeddingInput, temb, 'embeddings'), ...linear('add_embedding.linear_2', temb, temb, 'embeddings')] : []),
  ];
  for (const l of downLevels(n)) {
    for (let j = 0; j < n.layersPerBlock[l.index]; j++) {
      out.push(...resnet(`down_blocks.${l.index}.resnets.${j}`, j === 0 ? l.inChannels : l.channels, l.channels, temb));
      if (n.downAttention[l.index]) {
        out.push(...spatialTransformer(`down_blocks.${l.index}.attentions.${j}`, l.channels, n.transformerLayers[l.index], n.crossAttentionDim[l.index]));
      }
    }
    if (!l.last) {
      out.push(...conv(`down_blocks.${l.index}.downsamplers.0`, l.channels, l.channels, 3));
    }
  }
  const top = boc[levels - 1];
  if (n.midBlock) {
    out.push(...resnet('mid_block.resnets.0', top, top, temb), ...spatialTransformer('mid_block.attentions.0', top, n.transformerLayers[levels - 1], n.crossAttentionDim[levels - 1]), ...resnet('mid_block.resnets.1', top, top, temb));
  }
  const reversed = [...boc].reverse();
  let channels = reversed[0];
  for (let i = 0; i < levels; i++) {
    const previous = channels;
    channels = reversed[i];
    const skipIn = reversed[Math.min(i + 1, levels - 1)];
    const layers = n.layersPerBlock[levels - 1 - i] + 1;
    for (let j = 0; j < layers; j++) {
      const skip = j === layers - 1 ? skipIn : channels;
      out.push(...resnet(`up_blocks.${i}.resnets.${j}`, (j === 0 ? previous : channels) + skip, channels, temb));
      if (n.upAttention[i]) {
        out.push(...spatialTransformer(`up_blocks.${i}.attentions.${j}`, channels, n.transformerLayers[levels - 1 - i], n.crossAttentionDim[levels - 1 - i]));
      }
    }
    if (i < levels - 1) {
      out.push(...conv(`up_blocks.${i}.upsamplers.0`, channels, channels, 3));
    }
  }
  out.push(norm('conv_norm_out', boc[0]), ...conv('conv_out', boc[0], n.outChannels, n.convOutKernel));
  return out;
}

/** Every tensor of AutoencoderKL: its encoder (to twice the latent channels), decoder and 1 × 1 quant convolutions. */
function vaeTensors(n: ConvNetShape): WeightTensor[] {
  const boc = n.blockOutChannels;
  const layers = n.layersPerBlock[0];
  const top = boc[boc.length - 1];
  const mid = (name: string) => [...resnet(`${name}.resnets.0`, top, top, undefined), ...(n.midAttention ? vaeAttention(`${name}.attentions.0`, top) : []), ...resnet(`${name}.resnets.1`, top, top, undefined)];
  const out: WeightTensor[] = [...conv('encoder.conv_in', n.inChannels, boc[0], 3, 'embeddings')];
  for (const l of downLevels(n)) {
    for (let j = 0; j < layers; j++) {
      out.push(...resnet(`encoder.down_blocks.${l.index}.resnets.${j}`, j === 0 ? l.inChannels : l.channels, l.channels, undefined));
    }
    if (!l.last) {
      out.push(...conv(`encoder.down_blocks.${l.index}.downsamplers.0`, l.channels, l.channels, 3));
    }
  }
  out.push(...mid('encoder.mid_block'), norm('encoder.conv_norm_out', top), ...conv('encoder.conv_out', top, 2 * n.latentChannels, 3));
  out.push(...conv('decoder.conv_in', n.latentChannels, top, 3), ...mid('decoder.mid_block'));
  const reversed = [...boc].reverse();
  let channels = reversed[0];
  for (let i = 0; i < reversed.length; i++) {
    const previous = channels;
    channels = reversed[i];
    for (let j = 0; j < layers + 1; j++) {
      out.push(...resnet(`decoder.up_blocks.${i}.resnets.${j}`, j === 0 ? previous : channels, channels, undefined));
    }
    if (i < reversed.length - 1) {
      out.push(...conv(`decoder.up_blocks.${i}.upsamplers.0`, channels, channels, 3));
    }
  }
  out.push(norm('decoder.conv_norm_out', boc[0]), ...conv('decoder.conv_out', boc[0], n.outChannels, 3, 'other'));
  if (n.quantConv) {
    out.push(...conv('quant_conv', 2 * n.latentChannels, 2 * n.latentChannels, 1));
  }
  if (n.postQuantConv) {
    out.push(...conv('post_quant_conv', n.latentChannels, n.latentChannels, 1));
  }
  return out;
}

export function convNetTensors(spec: ModelSpec): WeightTensor[] {
  const n = spec.convnet!;
  return n.kind === 'unet' ? unetTensors(n) : vaeTensors(n);
}

// ---------------------------------------------------------------------------------------------------------------
// Activations (approximate: feature maps counted per block, not measured)

/** Elements a UNet keeps and works with at each level, per sample, at a latent side. */
interface FeatureMaps {
  /** Down-path outputs held for the up path's skip connections. */
  readonly skips: number;
  /** The largest transient of one block (a ResNet's or a transformer block's) at any level. */
  readonly transient: number;
  /** What backward keeps of every block (no checkpointing); of the block inputs alone and one block's recomputed maps (checkpointing). */
  readonly saved: number;
  readonly blockInputs: number;
  readonly largestBlock: number;
  /** Self-attention scores of the largest level when the kernel materialises them (eager attention). */
  readonly scores: number;
}

/** Saved elements of a ResNet (its norms', activations' and convolutions' inputs) and of a transformer block. */
const RESNET_SAVED = (cin: number, cout: number) => 2 * cin + 3 * cout;
const RESNET_TRANSIENT = (cin: number, cout: number) => cin + 2 * cout;
/** A BasicTransformerBlock: norms, q/k/v/out inputs and outputs, the GEGLU's 8c projection, its gated 4c output. */
const TRANSFORMER_SAVED = 26;
const TRANSFORMER_TRANSIENT = 14;

function unetFeatureMaps(n: ConvNetShape, latentSide: number, heads: number): FeatureMaps {
  const boc = n.blockOutChannels;
  const levels = boc.length;
  const area = (i: number) => Math.ceil(latentSide / 2 ** i) ** 2;
  let skips = boc[0] * area(0);
  let transient = 0;
  let saved = 0;
  let blockInputs = 0;
  let largestBlock = 0;
  let scores = 0;
  const block = (cin: number, cout: number, i: number, attention: boolean, layers: number) => {
    const a = area(i);
    transient = Math.max(transient, RESNET_TRANSIENT(cin, cout) * a, attention ? TRANSFORMER_TRANSIENT * cout * a : 0);
    saved += RESNET_SAVED(cin, cout) * a + (attention ? TRANSFORMER_SAVED * cout * a * layers : 0);
    largestBlock = Math.max(largestBlock, RESNET_SAVED(cin, cout) * a, attention ? TRANSFORMER_SAVED * cout * a * layers : 0);
    blockInputs += cin * a + (attention ? cout * a : 0);
    if (attention) {
      scores = Math.max(scores, heads * a * a);
    }
  };
  for (const l of downLevels(n)) {
    for (let j = 0; j < n.layersPerBlock[l.index]; j++) {
      block(j === 0 ? l.inChannels : l.channels, l.channels, l.index, n.downAttention[l.index], n.transformerLayers[l.index]);
      skips += l.channels * area(l.index);
    }
    if (!l.last) {
      skips += l.channels * area(l.index + 1);
    }
  }
  if (n.midBlock) {
    block(boc[levels - 1], boc[levels - 1], levels - 1, true, n.transformerLayers[levels - 1]);
  }
  const reversed = [...boc].reverse();
  for (let i = 0; i < levels; i++) {
    const level = levels - 1 - i;
    const layers = n.layersPerBlock[level] + 1;
    for (let j = 0; j < layers; j++) {
      block(2 * reversed[i], reversed[i], level, n.upAttention[i], n.transformerLayers[level]);
    }
  }
  return { skips, transient, saved, blockInputs, largestBlock, scores };
}

function vaeFeatureMaps(n: ConvNetShape, side: number): FeatureMaps {
  const boc = n.blockOutChannels;
  const levels = boc.length;
  const area = (i: number) => Math.ceil(side / 2 ** i) ** 2;
  let transient = 0;
  let saved = 0;
  let blockInputs = 0;
  let largestBlock = 0;
  const block = (cin: number, cout: number, i: number) => {
    transient = Math.max(transient, RESNET_TRANSIENT(cin, cout) * area(i));
    saved += RESNET_SAVED(cin, cout) * area(i);
    largestBlock = Math.max(largestBlock, RESNET_SAVED(cin, cout) * area(i));
    blockInputs += cin * area(i);
  };
  // Encoder down the levels, decoder up them: at full resolution the decoder's widest maps are the peak.
  for (const l of downLevels(n)) {
    for (let j = 0; j < n.layersPerBlock[0]; j++) {
      block(j === 0 ? l.inChannels : l.channels, l.channels, l.index);
    }
  }
  const reversed = [...boc].reverse();
  for (let i = 0; i < levels; i++) {
    const level = levels - 1 - i;
    for (let j = 0; j < n.layersPerBlock[0] + 1; j++) {
      block(j === 0 && i > 0 ? reversed[i - 1] : reversed[i], reversed[i], level);
    }
    if (level > 0) {
      // The upsampler: nearest-neighbour interpolation to the next level's size, then a 3 × 3 convolution.
      transient = Math.max(transient, 2 * reversed[i] * area(level - 1));
    }
  }
  const latentArea = area(levels - 1);
  return { skips: 0, transient, saved, blockInputs, largestBlock, scores: n.midAttention ? latentArea * latentArea : 0 };
}

/** The image side a run uses: the settings', or the one the config is built for. */
function imageSide(spec: ModelSpec, settings: RunSettings): number {
  return settings.imageSide ?? spec.convnet!.imageSide;
}

/** Samples per pass: classifier-free guidance runs each sample twice through the UNet (conditional and not). */
function samplesPerPass(spec: ModelSpec, settings: RunSettings): number {
  return settings.batchSize * (spec.convnet?.kind === 'unet' && settings.guidance === true ? 2 : 1);
}

function featureMaps(spec: ModelSpec, settings: RunSettings): FeatureMaps {
  const n = spec.convnet!;
  const side = imageSide(spec, settings);
  return n.kind === 'unet' ? unetFeatureMaps(n, Math.ceil(side / LATENT_SCALE), spec.numHeads) : vaeFeatureMaps(n, side);
}

/** One forward pass without gradients (a denoising step; a VAE's encode and decode): held skips and the largest transient. */
export function convNetInferenceActivationBytes(spec: ModelSpec, settings: RunSettings, computeBytes: number): number {
  const m = featureMaps(spec, settings);
  const scores = settings.attention === 'eager' ? m.scores : 0;
  return computeBytes * samplesPerPass(spec, settings) * (m.skips + m.transient + scores);
}

/**
 * What training keeps for backward: every block's saved maps and the largest transient; or, under checkpointing
 * (diffusers checkpoints each block), each block's input (the skips among them) and one block's maps recomputed.
 */
export function convNetTrainingActivationBytes(spec: ModelSpec, settings: RunSettings, computeBytes: number): number {
  const m = featureMaps(spec, settings);
  const scores = settings.attention === 'eager' ? m.scores : 0;
  const kept = settings.checkpointing === 'none' ? m.saved + m.transient : m.blockInputs + m.largestBlock;
  // Training runs each sample once: guidance is an inference-time doubling.
  return computeBytes * settings.batchSize * (kept + scores);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a config

/** A config's values as written (undefined when absent), its lists, and where to say what is wrong. */
export interface DiffusersConfigReader {
  value(key: string): number | string | boolean | null | undefined;
  list(key: string): readonly (number | string | boolean | null)[] | undefined;
  problem(key: string, message: string): void;
}

/** UNet2DConditionModel's defaults for what its config.json leaves out. */
const UNET_DEFAULTS = {
  in_channels: 4, out_channels: 4, layers_per_block: 2, cross_attention_dim: 1280, transformer_layers_per_block: 1, attention_head_dim: 8,
  conv_in_kernel: 3, conv_out_kernel: 3, sample_size: 64,
  block_out_channels: [320, 640, 1280, 1280],
  down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
  up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
} as const;

/** AutoencoderKL's defaults. */
const VAE_DEFAULTS = { in_channels: 3, out_channels: 3, layers_per_block: 1, latent_channels: 4, sample_size: 32, block_out_channels: [64] } as const;

/**
 * Options of UNet2DConditionModel that add tensors VRAM Lens does not count (class and image conditioning, LCM's
 * condition projection, GLIGEN…): a config that sets one is refused on that key, not counted wrong.
 */
const UNET_UNCOUNTED_OPTIONS: readonly string[] = [
  'class_embed_type', 'num_class_embeds', 'encoder_hid_dim', 'encoder_hid_dim_type', 'time_embedding_dim', 'time_cond_proj_dim',
  'reverse_transformer_layers_per_block',
];
const UNET_REQUIRED_DEFAULTS: Readonly<Record<string, unknown>> = {
  time_embedding_type: 'positional', attention_type: 'default', dual_cross_attention: false, only_cross_attention: false,
};

const MAX_CHANNELS = 1_000_000;
/** Blocks per level (ResNets, transformer blocks): real models have a handful; beyond this a value is a typo. */
const MAX_BLOCKS = 1_000;

function positive(r: DiffusersConfigReader, key: string, fallback: number, limit = MAX_CHANNELS): number | undefined {
  const v = r.value(key) ?? fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= limit) {
    return v;
  }
  r.problem(key, `\`${key}\` must be a whole number between 1 and ${limit.toLocaleString('en-US')} (it is ${JSON.stringify(v)}).`);
  return undefined;
}

/** A per-level setting: one number for every level, or a list with one per level, each at most `limit`. */
function perLevel(r: DiffusersConfigReader, key: string, fallback: number, levels: number, limit = MAX_CHANNELS): number[] | undefined {
  const list = r.list(key);
  if (list === undefined) {
    const v = positive(r, key, fallback, limit);
    return v === undefined ? undefined : Array<number>(levels).fill(v);
  }
  if (list.length !== levels || !list.every(v => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= limit)) {
    r.problem(key, `\`${key}\` must be one whole number from 1 to ${limit.toLocaleString('en-US')}, or a list of ${levels} (one per block of block_out_channels).`);
    return undefined;
  }
  return list as number[];
}

function channelList(r: DiffusersConfigReader, fallback: readonly number[]): number[] | undefined {
  const list = r.list('block_out_channels') ?? fallback;
  if (list.length === 0 || list.length > 8 || !list.every(v => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_CHANNELS)) {
    r.problem('block_out_channels', '`block_out_channels` must list 1 to 8 whole numbers of channels, one per resolution level.');
    return undefined;
  }
  return list as number[];
}

/** Block types as written, each looked up; undefined (with the reason) when the count or a type is not one counted here. */
function blockTypes(r: DiffusersConfigReader, key: string, fallback: readonly string[], known: Readonly<Record<string, boolean>>, levels: number): boolean[] | undefined {
  const list = r.list(key) ?? fallback;
  const unknown = list.find(v => typeof v !== 'string' || !(v in known));
  if (list.length !== levels || unknown !== undefined) {
    r.problem(key, unknown !== undefined
      ? `\`${key}\` lists ${JSON.stringify(unknown)}, a block VRAM Lens does not count (it counts ${Object.keys(known).join(' and ')}).`
      : `\`${key}\` must list ${levels} blocks, one per entry of block_out_channels.`);
    return undefined;
  }
  return list.map(v => known[v as string]);
}

function unetShape(r: DiffusersConfigReader): ConvNetShape | undefined {
  for (const key of UNET_UNCOUNTED_OPTIONS) {
    const v = r.value(key) ?? (r.list(key) ? 'a list' : null);
    if (v !== null && v !== undefined) {
      r.problem(key, `\`${key}\` adds conditioning VRAM Lens does not count; this UNet cannot be counted exactly.`);
    }
  }
  for (const [key, expected] of Object.entries(UNET_REQUIRED_DEFAULTS)) {
    const v = r.value(key);
    if (v !== undefined && v !== null && v !== expected) {
      r.problem(key, `\`${key}\` = ${JSON.stringify(v)} builds blocks VRAM Lens does not count (it counts ${JSON.stringify(expected)}).`);
    }
  }
  const added = r.value('addition_embed_type');
  if (added !== undefined && added !== null && added !== 'text_time') {
    r.problem('addition_embed_type', `\`addition_embed_type\` = ${JSON.stringify(added)} is not counted (VRAM Lens counts SDXL's "text_time").`);
  }
  const mid = r.value('mid_block_type');
  if (mid !== undefined && mid !== null && mid !== 'UNetMidBlock2DCrossAttn') {
    r.problem('mid_block_type', `\`mid_block_type\` = ${JSON.stringify(mid)} is not counted (VRAM Lens counts UNetMidBlock2DCrossAttn).`);
  }
  const boc = channelList(r, UNET_DEFAULTS.block_out_channels);
  const levels = boc?.length ?? 0;
  const down = boc && blockTypes(r, 'down_block_types', UNET_DEFAULTS.down_block_types, UNET_DOWN_BLOCKS, levels);
  const up = boc && blockTypes(r, 'up_block_types', UNET_DEFAULTS.up_block_types, UNET_UP_BLOCKS, levels);
  const layers = boc && perLevel(r, 'layers_per_block', UNET_DEFAULTS.layers_per_block, levels, MAX_BLOCKS);
  const transformers = boc && perLevel(r, 'transformer_layers_per_block', UNET_DEFAULTS.transformer_layers_per_block, levels, MAX_BLOCKS);
  const cross = boc && perLevel(r, 'cross_attention_dim', UNET_DEFAULTS.cross_attention_dim, levels);
  const heads = boc && perLevel(r, 'attention_head_dim', UNET_DEFAULTS.attention_head_dim, levels);
  const addInput = added === 'text_time' ? positive(r, 'projection_class_embeddings_input_dim', 0) : undefined;
  const sizes = ['in_channels', 'out_channels', 'conv_in_kernel', 'conv_out_kernel', 'sample_size'].map(k => positive(r, k, UNET_DEFAULTS[k as keyof typeof UNET_DEFAULTS] as number));
  if (!boc || !down || !up || !layers || !transformers || !cross || !heads || sizes.some(v => v === undefined) || (added === 'text_time' && addInput === undefined)) {
    return undefined;
  }
  const [inChannels, outChannels, convInKernel, convOutKernel, sample] = sizes as number[];
  return {
    kind: 'unet', inChannels, outChannels, blockOutChannels: boc, layersPerBlock: layers, downAttention: down, upAttention: up,
    transformerLayers: transformers, crossAttentionDim: cross, midBlock: mid !== null, addEmbeddingInput: addInput, convInKernel, convOutKernel,
    latentChannels: inChannels, quantConv: false, postQuantConv: false, midAttention: true, forceUpcast: false, imageSide: sample * LATENT_SCALE, textTokens: CLIP_TOKENS,
    attentionHeads: heads,
  };
}

function vaeShape(r: DiffusersConfigReader): ConvNetShape | undefined {
  const boc = channelList(r, VAE_DEFAULTS.block_out_channels);
  const levels = boc?.length ?? 0;
  const down = boc && blockTypes(r, 'down_block_types', Array<string>(levels).fill(VAE_DOWN_BLOCK), { [VAE_DOWN_BLOCK]: false }, levels);
  const up = boc && blockTypes(r, 'up_block_types', Array<string>(levels).fill(VAE_UP_BLOCK), { [VAE_UP_BLOCK]: false }, levels);
  const sizes = ['in_channels', 'out_channels', 'layers_per_block', 'latent_channels', 'sample_size'].map(k =>
    positive(r, k, VAE_DEFAULTS[k as keyof typeof VAE_DEFAULTS] as number, k === 'layers_per_block' ? MAX_BLOCKS : MAX_CHANNELS));
  if (!boc || !down || !up || sizes.some(v => v === undefined)) {
    return undefined;
  }
  const [inChannels, outChannels, layers, latentChannels, sample] = sizes as number[];
  return {
    kind: 'vae', inChannels, outChannels, blockOutChannels: boc, layersPerBlock: Array<number>(levels).fill(layers), downAttention: down, upAttention: up,
    transformerLayers: [], attentionHeads: [], crossAttentionDim: [], midBlock: true, convInKernel: 3, convOutKernel: 3, latentChannels,
    quantConv: r.value('use_quant_conv') !== false, postQuantConv: r.value('use_post_quant_conv') !== false, midAttention: r.value('mid_block_add_attention') !== false,
    forceUpcast: r.value('force_upcast') !== false,
    imageSide: sample, textTokens: 0,
  };
}

/** The spec of a UNet or a VAE from its config; undefined when something it needs is wrong (each said by key). */
export function convNetSpec(className: string, r: DiffusersConfigReader, dtype: string | undefined): ModelSpec | undefined {
  const shape = className === UNET_CLASS ? unetShape(r) : vaeShape(r);
  if (!shape) {
    return undefined;
  }
  const boc = shape.blockOutChannels;
  const width = Math.max(...boc);
  // The first level with attention has the most tokens; its heads are what eager attention's scores scale with
  // (diffusers reads attention_head_dim as the number of heads).
  const firstAttention = shape.downAttention.indexOf(true);
  const heads = firstAttention < 0 ? 1 : shape.attentionHeads[firstAttention];
  const latentSide = shape.kind === 'unet' ? shape.imageSide / LATENT_SCALE : shape.imageSide / 2 ** (boc.length - 1);
  const resnets = shape.layersPerBlock.reduce((a, b) => a + b, 0) * 2 + boc.length + 2;
  const unet = shape.kind === 'unet';
  return {
    family: unet ? 'Stable Diffusion UNet (UNet2DConditionModel)' : 'VAE (AutoencoderKL)', generic: false, encoderDecoder: false, encoderOnly: true,
    hiddenSize: width, numLayers: resnets, numDecoderLayers: 0, numHeads: heads, numKvHeads: heads, headDim: Math.max(1, Math.floor(width / heads)),
    vocabSize: 0, intermediateSize: 4 * width, maxPositions: undefined, typeVocabSize: 0, moe: undefined, mla: undefined, qkNorm: false,
    relativeAttentionBuckets: 0, positionOffset: 0, wordEmbedProjDim: undefined, pythonGelu: false, tieWordEmbeddings: false, norm: 'layernorm',
    normsPerLayer: 2, positions: 'none', attentionBias: unet ? 'none' : 'all', mlp: 'plain', mlpBias: true, embeddingNorm: false, pooler: false,
    lmHeadBias: false, finalNorm: false, dropout: false, head: 'none', slidingWindow: undefined, slidingLayers: 0, storedDtype: dtype,
    patchEmbeddingParams: 0, convnet: shape, defaultSequence: Math.round(latentSide) ** 2,
    approximate: unet
      ? 'a UNet\'s activations counted per block from its feature maps at the image size, not measured'
      : 'a VAE\'s activations counted per block from its feature maps at the image size, not measured',
  };
}

/** What a denoiser's note says when its config is read alone, not as part of its pipeline. */
export const ALONE = '; the text encoders and the VAE are not counted';

/** What the estimate of a UNet or a VAE counts, in one line of the report. */
export function convNetNote(spec: ModelSpec): string {
  const n = spec.convnet!;
  const levels = n.blockOutChannels.map(c => c.toLocaleString('en-US')).join(' / ');
  return n.kind === 'unet'
    ? `UNet (approximate activations): ${n.blockOutChannels.length} resolution levels of ${levels} channels over 8×-downsampled latents; one denoising step keeps the down path's outputs for the skip connections plus the largest block's working tensors (training: every block's saved maps, or each block's input under checkpointing)${ALONE}.`
    : `VAE (approximate activations): ${n.blockOutChannels.length} levels of ${levels} channels, ${n.latentChannels} latent channels; the peak is the decoder's widest maps at full resolution (training: every block's saved maps).`;
}
