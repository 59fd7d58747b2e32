// The tensors of the vision encoders multimodal checkpoints hold beside their language model (SigLIP in Gemma 3, Pixtral, CLIP in LLaVA, InternViT in InternVL, MoonViT in Kimi-VL, Qwen2-VL's, Llama 4's and Llama 3.2 Vision's own), with their projectors, as transformers allocates them.
import { weightTensor, type WeightTensor } from './weightTensor';
import type { AudioTower, VisionTower } from './types';

/** A weight of the tower, filed under `vision`: a matrix (`linear`) or a vector or table. */
function weight(name: string, inFeatures: number, outFeatures: number, count: number, linear: boolean): WeightTensor {
  return weightTensor(`vision.${name}`, inFeatures, outFeatures, count, linear, 'vision');
}

/** nn.Linear(in, out) and its bias when it has one. */
function dense(name: string, inFeatures: number, outFeatures: number, count: number, bias: boolean): WeightTensor[] {
  return [weight(name, inFeatures, outFeatures, count, true), ...(bias ? [weight(`${name} bias`, 1, outFeatures, count, false)] : [])];
}

/**
 * `n` pre-norm ViT blocks: two LayerNorms (weight and bias), the q/k/v/o projections (biased unless `attentionBias` is
 * false) and a biased two-layer MLP.
 */
function encoderLayers(v: VisionTower, n = v.numLayers, attentionBias = true, name = 'layers'): WeightTensor[] {
  const h = v.hiddenSize;
  return [
    weight(`${name}.layer norms`, 1, 2 * 2 * h, n, false),
    ...dense(`${name}.q/k/v/o projections`, h, h, 4 * n, attentionBias),
    ...dense(`${name}.mlp.fc1`, h, v.intermediateSize, n, true),
    ...dense(`${name}.mlp.fc2`, v.intermediateSize, h, n, true),
  ];
}

/** Patches per image side, squared. */
function patches(v: VisionTower): number {
  return Math.floor(v.imageSize / v.patchSize) ** 2;
}

/**
 * Gemma 4's tower (Gemma4VisionModel): an unbiased patch projection, a learned position table per image axis, Gemma
 * 3's layer without biases (q, k, v, o of num_attention_heads × head_dim; per-head q and k norms, the v norm
 * weightless; four norms; a gated MLP), the standardizing bias and scale where `standardize`, and the model's
 * projection of its features into the language model (embed_vision, its norm weightless).
 */
function gemma4Vision(v: VisionTower, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  const g = v.gemma4!;
  const n = v.numLayers;
  const width = g.heads * g.headDim;
  return [
    weight('patch_embedder.input_proj', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('patch_embedder.position_embedding_table', h, 2 * g.positions, 1, false),
    weight('layers.q/k/v projections', h, width, 3 * n, true),
    weight('layers.o_proj', width, h, n, true),
    weight('layers.q/k norms and layer norms', 1, 2 * g.headDim + 4 * h, n, false),
    weight('layers.mlp.gate/up', h, v.intermediateSize, 2 * n, true),
    weight('layers.mlp.down', v.intermediateSize, h, n, true),
    ...(g.standardize ? [weight('std_bias and std_scale', 1, 2 * h, 1, false)] : []),
    weight('embed_vision.embedding_projection', h, textHidden, 1, true),
  ];
}

/**
 * Gemma 4's audio encoder: two 3 × 3 subsampling convolutions (unbiased, each with a bias-free LayerNorm) and the
 * projection of their flattened channels; per conformer layer two feed-forward modules (4 × wide, with norms before
 * and after), attention (q, k, v, post and a relative-position key projection, a per-dimension scale), a light
 * convolution (a GLU projection, a depthwise kernel, an output projection, two norms) and three more norms; the
 * biased output projection; the model's projection of it into the language model (embed_audio, its norm weightless).
 * Filed with the towers.
 */
export function audioTensors(a: AudioTower, textHidden: number): WeightTensor[] {
  const h = a.hiddenSize;
  const n = a.numLayers;
  const [c0, c1] = a.convChannels;
  return [
    weight('audio.subsample convolutions', 1, 9 * c0 + c0 * c1 * 9, 1, false),
    weight('audio.subsample norms', 1, c0 + c1, 1, false),
    weight('audio.subsample input_proj', Math.floor(c0 / 4) * c1, h, 1, true),
    weight('audio.feed_forward ffw_layer_1', h, 4 * h, 2 * n, true),
    weight('audio.feed_forward ffw_layer_2', 4 * h, h, 2 * n, true),
    weight('audio.q/k/v/post and relative_k projections', h, h, 5 * n, true),
    weight('audio.per_dim_scale', 1, Math.floor(h / a.heads), n, false),
    weight('audio.lconv1d linear_start', h, 2 * h, n, true),
    weight('audio.lconv1d linear_end', h, h, n, true),
    weight('audio.lconv1d depthwise kernel', 1, h * a.convKernel, n, false),
    weight('audio.norms', 1, (4 + 2 + 3) * h, n, false),
    ...dense('audio.output_proj', h, a.outputDim, 1, true),
    weight('embed_audio.embedding_projection', a.outputDim, textHidden, 1, true),
  ];
}

/**
 * SiglipVisionModel: a biased patch convolution, learned positions for every patch, the encoder, a final LayerNorm
 * and, unless `vision_use_head` is false, the attention-pooling head (a probe, nn.MultiheadAttention, a LayerNorm and
 * an MLP). Gemma 3's projector: an RMSNorm of the tower's width and a matrix into the language model's; PaliGemma's
 * one biased linear.
 */
function siglip(v: VisionTower, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  const projector = v.resampler
    ? resampler(v, textHidden)
    : v.projector?.style === 'llava'
      ? llavaProjector(v, textHidden)
      : v.projector?.style === 'paligemma'
      ? dense('multi_modal_projector.linear', h, textHidden, 1, true)
      : v.projector?.style === 'idefics3'
        ? [weight('connector.modality_projection.proj', h * v.projector.spatialMergeSize ** 2, textHidden, 1, true)]
        : v.projector?.style === 'siglip'
          ? [weight('logit_scale and logit_bias', 1, 2, 1, false)]
          : [weight('projector norm', 1, h, 1, false), weight('projector', h, textHidden, 1, true)];
  const head = v.poolingHead
    ? [weight('head.probe', 1, h, 1, false), ...dense('head.attention in_proj', h, 3 * h, 1, true), ...dense('head.attention out_proj', h, h, 1, true),
      weight('head.layernorm', 1, 2 * h, 1, false), ...dense('head.mlp.fc1', h, v.intermediateSize, 1, true), ...dense('head.mlp.fc2', v.intermediateSize, h, 1, true)]
    : [];
  return [
    ...dense('patch_embedding', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('position_embedding', h, patches(v), 1, false),
    ...encoderLayers(v),
    weight('post_layernorm', 1, 2 * h, 1, false),
    ...head,
    ...projector,
  ];
}

/**
 * MiniCPM-V's resampler: `queries` learned queries of the language model's width, an unbiased projection of the
 * tower's features to that width, one nn.MultiheadAttention (biased in and out projections), LayerNorms on the queries,
 * the features and the output, and a final square matrix (MiniCPM-V 2.0: and its queries' positions).
 */
function resampler(v: VisionTower, textHidden: number): WeightTensor[] {
  const d = textHidden;
  return [
    weight('resampler.query', d, v.resampler!.queries, 1, false),
    ...(v.resampler!.learnedPositions ? [weight('resampler.pos_embed', d, v.resampler!.queries, 1, false)] : []),
    ...(v.hiddenSize !== d ? [weight('resampler.kv_proj', v.hiddenSize, d, 1, true)] : []),
    ...dense('resampler.attn.in_proj', d, 3 * d, 1, true),
    ...dense('resampler.attn.out_proj', d, d, 1, true),
    weight('resampler.ln_q, ln_kv and ln_post', 1, 3 * 2 * d, 1, false),
    weight('resampler.proj', d, d, 1, true),
  ];
}

/**
 * Llama4VisionModel: an unbiased patch projection, a class token and learned positions (patches + 1), LayerNorms
 * before and after the encoder, and the pixel-shuffle adapter's two unbiased matrices; the projector is one unbiased
 * matrix from vision_output_dim into the language model's width.
 */
function llama4(v: VisionTower, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  const a = v.adapter ?? { inputDim: 4096, outputDim: 4096, visionOutputDim: 4096 };
  return [
    weight('patch_embedding', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('class_embedding and positions', h, patches(v) + 2, 1, false),
    weight('layernorm_pre and layernorm_post', 1, 2 * 2 * h, 1, false),
    ...encoderLayers(v),
    weight('vision_adapter.mlp.fc1', v.intermediateSize, a.inputDim, 1, true),
    weight('vision_adapter.mlp.fc2', a.outputDim, a.outputDim, 1, true),
    weight('projector', a.visionOutputDim, textHidden, 1, true),
  ];
}

/**
 * MllamaVisionModel (Llama 3.2 Vision): an unbiased patch convolution and a class token; positions per patch (and
 * the class token) with a gate, and per tile and aspect ratio; gated embeddings per tile before and after the local
 * encoder; LayerNorms before and after; the local encoder (unbiased attention) and a global one whose layers add
 * two gates each. The projector maps the concatenated features (vision_output_dim) into the language model, biased.
 */
function mllama(v: VisionTower, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  const t = v.tiles ?? { globalLayers: 8, maxTiles: 4, aspectRatios: 8, visionOutputDim: 7680 };
  const positions = patches(v) + 1;
  const ratioIds = t.aspectRatios + 1;
  return [
    weight('patch_embedding', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('class_embedding', 1, h, 1, false),
    weight('gated_positional_embedding', h, positions, 1, false),
    weight('gated_positional_embedding.tile_embedding', t.maxTiles * positions * h, ratioIds, 1, false),
    weight('pre/post tile positional embeddings', t.maxTiles * h, ratioIds, 2, false),
    weight('embedding gates', 1, 3, 1, false),
    weight('layernorm_pre and layernorm_post', 1, 2 * 2 * h, 1, false),
    ...encoderLayers(v, v.numLayers, false, 'transformer'),
    ...encoderLayers(v, t.globalLayers, false, 'global_transformer'),
    weight('global_transformer gates', 1, 2, t.globalLayers, false),
    ...dense('projector', t.visionOutputDim, textHidden, 1, true),
  ];
}

/**
 * PixtralVisionModel: an unbiased patch convolution, an RMSNorm before the encoder, and unbiased blocks of RMSNorms,
 * attention and a gated MLP (rotary positions hold no parameters). Mistral 3's projector: an RMSNorm, the patch
 * merger's matrix from spatial_merge_size² patches, and two linears into the language model; LLaVA's: two linears.
 */
function pixtral(v: VisionTower, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  const n = v.numLayers;
  const p = v.projector ?? { style: 'mistral3', spatialMergeSize: 2, bias: false };
  const projector = p.style === 'mistral3'
    ? [
        weight('projector norm', 1, h, 1, false),
        weight('patch_merger', h * p.spatialMergeSize * p.spatialMergeSize, h, 1, true),
        ...dense('projector.linear_1', h, textHidden, 1, p.bias),
        ...dense('projector.linear_2', textHidden, textHidden, 1, p.bias),
      ]
    : llavaProjector(v, textHidden);
  return [
    weight('patch_conv', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('ln_pre and block norms', 1, h, 1 + 2 * n, false),
    weight('q/k/v/o projections', h, h, 4 * n, true),
    weight('feed_forward gate/up/down', h, v.intermediateSize, 3 * n, true),
    ...projector,
  ];
}

/** CLIPConfig's projection_dim when the config leaves it out. */
const CLIP_PROJECTION = 512;

/**
 * LLaVA's projector: two linears into the language model's width (biased by default), and LLaVA-NeXT's image_newline.
 * Phi-3-vision's: its HD transform concatenates four patch features, so the first linear reads four times the
 * tower's width, and two learned separators (glb_GN, sub_GN) of that width.
 */
function llavaProjector(v: VisionTower, textHidden: number): WeightTensor[] {
  const p = v.projector ?? { style: 'llava', spatialMergeSize: 1, bias: true };
  if (p.style === 'clip') {
    // CLIPModel: both towers projected, unbiased, into the shared embedding space, and the learned logit scale.
    const dim = p.dim ?? CLIP_PROJECTION;
    return [weight('visual_projection', v.hiddenSize, dim, 1, true), weight('text_projection', textHidden, dim, 1, true), weight('logit_scale', 1, 1, 1, false)];
  }
  if (p.style === 'molmo') {
    // Molmo: attention pooling over 2 × 2 patches of two layers' features (2 × width in), the pad embeddings, and a
    // SwiGLU projector (w1 and w3 into `dim`, w2 back to the language model's width).
    const both = 2 * v.hiddenSize;
    const hidden = p.dim ?? textHidden;
    return [
      ...dense('image_pooling_2d.wq, wk and wv', both, v.hiddenSize, 3, true),
      ...dense('image_pooling_2d.wo', v.hiddenSize, v.hiddenSize, 1, true),
      weight('pad_embed', 2, both, 1, false),
      weight('image_projector.w1 and w3', v.hiddenSize, hidden, 2, true),
      weight('image_projector.w2', hidden, textHidden, 1, true),
    ];
  }
  if (p.style === 'phi3v') {
    const features = 4 * v.hiddenSize;
    return [...dense('img_projection.0', features, textHidden, 1, true), ...dense('img_projection.2', textHidden, textHidden, 1, true), weight('glb_GN and sub_GN', 1, features, 2, false)];
  }
  return [
    ...dense('projector.linear_1', v.hiddenSize * (p.featureLayers ?? 1), textHidden, 1, p.bias),
    ...dense('projector.linear_2', textHidden, textHidden, 1, p.bias),
    ...(p.imageNewline ? [weight('image_newline', 1, textHidden, 1, false)] : []),
  ];
}

/**
 * CLIPVisionModel (LLaVA's tower): an unbiased patch convolution, a class token and learned positions for every patch
 * and the class token, LayerNorms before and after the encoder of pre-norm ViT blocks; LLaVA's projector after it
 * (Molmo's: its pooling and SwiGLU projector, and no LayerNorm after the encoder).
 */
function clip(v: VisionTower, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  return [
    weight('patch_embedding', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('class_embedding and positions', h, patches(v) + 2, 1, false),
    // Molmo's ViT has no LayerNorm after its encoder.
    weight(v.projector?.style === 'molmo' ? 'pre_ln' : 'pre_layrnorm and post_layernorm', 1, (v.projector?.style === 'molmo' ? 2 : 4) * h, 1, false),
    ...encoderLayers(v),
    ...llavaProjector(v, textHidden),
  ];
}

/**
 * Qwen2-VL's, Qwen2.5-VL's and Qwen3-VL's vision transformer: a 3-D patch convolution over temporal_patch_size frames
 * (biased in Qwen3-VL), blocks with a biased fused qkv and projection, and a biased MLP (Qwen2-VL and Qwen3-VL:
 * LayerNorms and fc1/fc2; Qwen2.5-VL: RMSNorms and a gated gate/up/down); the merger's norm and two biased linears from
 * spatial_merge_size² patches into the language model's width. Qwen3-VL adds learned positions and a DeepStack merger
 * per listed layer, each normed after the shuffle (over spatial_merge_size² patches' width).
 */
function qwenVision(v: VisionTower): WeightTensor[] {
  const h = v.hiddenSize;
  const n = v.numLayers;
  const m = v.merger ?? { spatialMergeSize: 2, temporalPatchSize: 2, outputDim: h };
  const merged = h * m.spatialMergeSize * m.spatialMergeSize;
  const v25 = v.kind === 'qwen25vl';
  const v3 = v.kind === 'qwen3vl';
  const norm = v25 ? h : 2 * h;
  const mlp = v25
    ? [...dense('mlp.gate_proj and up_proj', h, v.intermediateSize, 2 * n, true), ...dense('mlp.down_proj', v.intermediateSize, h, n, true)]
    : [...dense('mlp.fc1', h, v.intermediateSize, n, true), ...dense('mlp.fc2', v.intermediateSize, h, n, true)];
  const deepstack = m.deepstackMergers ?? 0;
  return [
    weight('patch_embed', v.channels * m.temporalPatchSize * v.patchSize * v.patchSize, h, 1, true),
    ...(v3 ? [weight('patch_embed bias', 1, h, 1, false)] : []),
    ...(m.positions ? [weight('pos_embed', h, m.positions, 1, false)] : []),
    weight('block norms', 1, 2 * norm, n, false),
    ...dense('attn.qkv', h, 3 * h, n, true),
    ...dense('attn.proj', h, h, n, true),
    ...mlp,
    weight('merger.ln_q', 1, norm, 1, false),
    ...dense('merger.mlp.0', merged, merged, 1, true),
    ...dense('merger.mlp.2', merged, m.outputDim, 1, true),
    ...(deepstack > 0
      ? [
          weight('deepstack_merger_list norms', 1, 2 * merged, deepstack, false),
          ...dense('deepstack_merger_list linear_fc1', merged, merged, deepstack, true),
          ...dense('deepstack_merger_list linear_fc2', merged, m.outputDim, deepstack, true),
        ]
      : []),
  ];
}

/**
 * GLM-4.1V's / GLM-4.5V's vision transformer (transformers' Glm4vVisionModel): a biased 3-D patch convolution over
 * temporal_patch_size frames and its RMSNorm, learned positions (interpolated to each image), blocks of two RMSNorms,
 * a fused qkv (biased with attention_bias) and an unbiased projection, an unbiased gated MLP out_hidden_size wide; a
 * final RMSNorm, a biased convolution merging spatial_merge_size² patches into out_hidden_size, and the merger: an
 * unbiased square projection, a LayerNorm and a gated MLP intermediate_size wide.
 */
function glm4vVision(v: VisionTower): WeightTensor[] {
  const h = v.hiddenSize;
  const n = v.numLayers;
  const m = v.merger ?? { spatialMergeSize: 2, temporalPatchSize: 2, outputDim: h };
  const out = m.outputDim;
  return [
    ...dense('patch_embed', v.channels * m.temporalPatchSize * v.patchSize * v.patchSize, h, 1, true),
    weight('post_conv_layernorm', 1, h, 1, false),
    ...(m.positions ? [weight('embeddings.position_embedding', h, m.positions, 1, false)] : []),
    weight('block norms', 1, 2 * h, n, false),
    ...dense('attn.qkv', h, 3 * h, n, m.qkvBias === true),
    ...dense('attn.proj', h, h, n, false),
    ...dense('mlp.gate_proj and up_proj', h, out, 2 * n, false),
    ...dense('mlp.down_proj', out, h, n, false),
    weight('post_layernorm', 1, h, 1, false),
    ...dense('downsample', h * m.spatialMergeSize * m.spatialMergeSize, out, 1, true),
    ...dense('merger.proj', out, out, 1, false),
    weight('merger.post_projection_norm', 1, 2 * out, 1, false),
    ...dense('merger.gate_proj and up_proj', out, v.intermediateSize, 2, false),
    ...dense('merger.down_proj', v.intermediateSize, out, 1, false),
  ];
}

/**
 * InternViT (InternVL's tower): a class token, a biased patch convolution and learned positions for every patch and
 * the class token; blocks of a fused qkv (biased or not, with q/k norms or not), a biased projection and MLP, two
 * norms (LayerNorm or RMSNorm) and two layer-scale vectors. InternVL's mlp1 projector: a LayerNorm over the pixel
 * shuffle's concatenated features and two biased linears into the language model.
 */
function internVit(v: VisionTower, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  const n = v.numLayers;
  const s = v.internVit ?? { qkvBias: true, qkNorm: false, rmsNorm: false, pixelShuffle: 2 };
  const norm = s.rmsNorm ? h : 2 * h;
  const shuffled = h * s.pixelShuffle * s.pixelShuffle;
  return [
    weight('class_embedding', 1, h, 1, false),
    ...dense('patch_embedding', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('position_embedding', h, patches(v) + 1, 1, false),
    ...dense('attn.qkv', h, 3 * h, n, s.qkvBias),
    ...(s.qkNorm ? [weight('attn.q_norm and k_norm', 1, 2 * h, n, false)] : []),
    ...dense('attn.proj', h, h, n, true),
    ...dense('mlp.fc1', h, v.intermediateSize, n, true),
    ...dense('mlp.fc2', v.intermediateSize, h, n, true),
    weight('norm1, norm2, ls1 and ls2', 1, 2 * norm + 2 * h, n, false),
    weight('mlp1.0 (LayerNorm)', 1, 2 * shuffled, 1, false),
    ...dense('mlp1.1', shuffled, textHidden, 1, true),
    ...dense('mlp1.3', textHidden, textHidden, 1, true),
  ];
}

/**
 * Kimi-VL's MoonViT (remote code): a biased patch convolution, learned positions on its position grid, pre-norm ViT
 * blocks (LayerNorms, a fused biased qkv, a biased output and a biased two-layer MLP) and a final LayerNorm; its
 * projector: a LayerNorm of the tower's width, then two biased linears over merge_kernel_size patches' features side by
 * side, the first square, the second into the language model's width.
 */
function moonVit(v: VisionTower, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  const grid = v.moonVit ?? { positionRows: 64, positionCols: 64, mergeRows: 2, mergeCols: 2 };
  if (grid.k3) {
    return kimiK3MoonVit(v, grid, grid.k3, textHidden);
  }
  const merged = h * grid.mergeRows * grid.mergeCols;
  return [
    ...dense('patch_embed', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('pos_emb', h, grid.positionRows * grid.positionCols, 1, false),
    ...encoderLayers(v, v.numLayers, true, 'blocks'),
    weight('final_layernorm', 1, 2 * h, 1, false),
    weight('projector.pre_norm', 1, 2 * h, 1, false),
    ...dense('projector.linear_1', merged, merged, 1, true),
    ...dense('projector.linear_2', merged, textHidden, 1, true),
  ];
}

/**
 * Kimi K3's MoonViT (its checkpoint's tensors): an unbiased patch convolution, learned positions on its position grid,
 * blocks of two norms, a fused qkv (wqkv) and its output (wo) at qkv_hidden_size, a two-linear MLP (fc0, fc1), all
 * unbiased, and a final norm; its patchmergerv2 projector: two unbiased linears over merge_kernel_size patches'
 * features side by side, the first square, the second into the language model's width, then an RMSNorm there.
 */
function kimiK3MoonVit(v: VisionTower, grid: NonNullable<VisionTower['moonVit']>, k3: NonNullable<NonNullable<VisionTower['moonVit']>['k3']>, textHidden: number): WeightTensor[] {
  const h = v.hiddenSize;
  const n = v.numLayers;
  const norm = k3.rmsNorm ? h : 2 * h;
  const merged = k3.projectorInput * grid.mergeRows * grid.mergeCols;
  return [
    weight('patch_embed.proj', v.channels * v.patchSize * v.patchSize, h, 1, true),
    weight('patch_embed.pos_emb', h, grid.positionRows * grid.positionCols, 1, false),
    weight('blocks.norm0, norm1', 1, 2 * norm, n, false),
    weight('blocks.wqkv', h, 3 * k3.qkvWidth, n, true),
    weight('blocks.wo', k3.qkvWidth, h, n, true),
    weight('blocks.mlp.fc0', h, v.intermediateSize, n, true),
    weight('blocks.mlp.fc1', v.intermediateSize, h, n, true),
    weight('final_layernorm', 1, norm, 1, false),
    weight('mm_projector.proj.0', merged, merged, 1, true),
    weight('mm_projector.proj.2', merged, textHidden, 1, true),
    weight('mm_projector.post_norm', 1, textHidden, 1, false),
  ];
}

const TOWERS: Readonly<Record<VisionTower['kind'], (v: VisionTower, textHidden: number) => WeightTensor[]>> = {
  siglip, llama4, mllama, pixtral, clip, qwen2vl: qwenVision, qwen25vl: qwenVision, qwen3vl: qwenVision, glm4v: glm4vVision, internvit: internVit, moonvit: moonVit, gemma4: gemma4Vision,
};

/** Every tensor of the tower and its projector into a language model of width `textHidden`. */
export function visionTensors(v: VisionTower, textHidden: number): WeightTensor[] {
  return TOWERS[v.kind](v, textHidden);
}

// ---------------------------------------------------------------------------------------------------------------
// Images in a run

/** Gemma 3's tokens per image (mm_tokens_per_image): SigLIP's 64 × 64 patches average-pooled to 16 × 16. */
const GEMMA3_IMAGE_TOKENS = 256;
/** The side a dynamic-resolution tower (Qwen2-VL's) sees when the run names none. */
const DYNAMIC_DEFAULT_SIDE = 448;

/** What images cost a run: tokens each adds to the language model's sequence, and the patches the tower encodes. */
/** Each tower kind as the report names it. */
export const TOWER_NAMES: Readonly<Record<VisionTower['kind'], string>> = {
  siglip: 'SigLIP', llama4: 'Llama 4', mllama: 'Llama 3.2 Vision', pixtral: 'Pixtral', clip: 'CLIP', qwen2vl: 'Qwen2-VL', qwen25vl: 'Qwen2.5-VL',
  qwen3vl: 'Qwen3-VL', glm4v: 'GLM-4V', internvit: 'InternViT', moonvit: 'MoonViT', gemma4: 'Gemma 4',
};

export interface ImageCost {
  readonly tokens: number;
  readonly patches: number;
  /** How the tokens follow from the tower, for the report. */
  readonly how: string;
  /** Positions the language model's cross-attention layers read instead (Llama 3.2 Vision's tiles), not in the sequence. */
  readonly crossTokens?: number;
}

/**
 * Tokens one image adds to the sequence and the patches the tower runs over, at the tower's own image size (one tile
 * for tiling towers) or, for Qwen2-VL's and Pixtral's dynamic resolution and LLaVA-NeXT's and OneVision's anyres
 * tiling, at `side`; Phi-3-vision's HD crops at its processor's num_crops. Undefined where images never enter the
 * sequence (Llama 3.2 Vision cross-attends to them).
 */
export function imageCost(v: VisionTower, side: number | undefined): ImageCost | undefined {
  const grid = (s: number) => Math.floor(s / v.patchSize);
  const own = patches(v);
  switch (v.kind) {
    case 'siglip':
      if (v.resampler) {
        return { tokens: v.resampler.queries, patches: own, how: `MiniCPM-V's resampler: ${v.resampler.queries} queries per image (one slice)` };
      }
      if (v.projector?.style === 'idefics3') {
        const scale = v.projector.spatialMergeSize;
        return { tokens: Math.floor(own / (scale * scale)), patches: own, how: `one ${v.imageSize}-pixel tile, its patches pixel-shuffled ${scale} × ${scale}` };
      }
      if (v.anyres) {
        return anyres(v, v.anyres, side);
      }
      return v.projector?.style === 'paligemma'
        ? { tokens: own, patches: own, how: `one token per ${v.patchSize}-pixel patch of its ${v.imageSize}-pixel image` }
        : { tokens: GEMMA3_IMAGE_TOKENS, patches: own, how: `Gemma 3's ${GEMMA3_IMAGE_TOKENS} pooled tokens per ${v.imageSize}-pixel image` };
    case 'clip':
      if (v.anyres) {
        return anyres(v, v.anyres, side);
      }
      if (v.projector?.style === 'phi3v') {
        return hdCrops(v);
      }
      return v.projector?.style === 'llava'
        ? { tokens: own, patches: own + 1, how: `LLaVA: one token per ${v.patchSize}-pixel patch of its ${v.imageSize}-pixel image` }
        : undefined;
    case 'mllama': {
      // Every image is max_num_tiles tiles of its size, each the class token and its patches (padded to a multiple
      // of 8 in the encoder); the sequence holds one <|image|> token, the cross-attention layers read all the tiles.
      const tiles = v.tiles?.maxTiles ?? 4;
      const perTile = own + 1;
      return {
        tokens: 1, patches: tiles * Math.ceil(perTile / 8) * 8, crossTokens: tiles * perTile,
        how: `Llama 3.2 Vision: ${tiles} tiles of ${v.imageSize} pixels, ${perTile.toLocaleString('en-US')} positions each, read by its cross-attention layers; one <|image|> token in the sequence`,
      };
    }
    case 'internvit': {
      const shuffle = v.internVit?.pixelShuffle ?? 2;
      const perTile = Math.floor(own / (shuffle * shuffle));
      const dynamic = v.internVit?.dynamicTiles;
      if (!dynamic || side === undefined) {
        return { tokens: perTile, patches: own, how: `InternVL: one ${v.imageSize}-pixel tile, its patches pixel-shuffled ${shuffle} × ${shuffle}` };
      }
      const grid = internVlGrid(side, v.imageSize, dynamic.min, dynamic.max);
      const tiles = grid * grid + (dynamic.thumbnail && grid > 1 ? 1 : 0);
      return {
        tokens: tiles * perTile, patches: tiles * own,
        how: `InternVL: a ${side}-pixel image as ${grid} × ${grid} tiles of ${v.imageSize} pixels${tiles > grid * grid ? ' and a thumbnail' : ''}, ${perTile} tokens each`,
      };
    }
    case 'llama4':
      return { tokens: Math.floor(own / 4), patches: own, how: `Llama 4: one ${v.imageSize}-pixel tile, its patches pixel-shuffled 2 × 2` };
    case 'qwen2vl':
    case 'qwen25vl':
    case 'qwen3vl':
    case 'glm4v': {
      const s = side ?? DYNAMIC_DEFAULT_SIDE;
      const merge = v.merger?.spatialMergeSize ?? 2;
      const n = grid(s) ** 2;
      return { tokens: Math.floor(n / (merge * merge)), patches: n, how: `${TOWER_NAMES[v.kind]}: a ${s}-pixel image, ${v.patchSize}-pixel patches merged ${merge} × ${merge}` };
    }
    case 'moonvit': {
      // Kimi-VL's processor pads an image to whole merge kernels of patches (28 pixels at 14-pixel patches).
      const s = side ?? DYNAMIC_DEFAULT_SIDE;
      const merge = v.moonVit ?? { mergeRows: 2, mergeCols: 2 };
      const rows = Math.ceil(s / (v.patchSize * merge.mergeRows));
      const cols = Math.ceil(s / (v.patchSize * merge.mergeCols));
      return {
        tokens: rows * cols, patches: rows * merge.mergeRows * cols * merge.mergeCols,
        how: `MoonViT: a ${s}-pixel image at its own resolution, ${v.patchSize}-pixel patches merged ${merge.mergeRows} × ${merge.mergeCols}`,
      };
    }
    case 'gemma4': {
      // Gemma 4's processor resizes an image to the patches its soft tokens pool from, whatever its own size.
      const g = v.gemma4!;
      return { tokens: g.softTokens, patches: g.softTokens * g.pooling * g.pooling, how: `Gemma 4: ${g.softTokens} soft tokens per image, each pooled from ${g.pooling} × ${g.pooling} patches of ${v.patchSize} pixels` };
    }
    case 'pixtral': {
      const s = side ?? v.imageSize;
      const merge = v.projector?.style === 'mistral3' ? v.projector.spatialMergeSize : 1;
      const rows = Math.floor(grid(s) / merge);
      return { tokens: rows * (rows + 1), patches: grid(s) ** 2, how: `Pixtral: a ${s}-pixel image, ${rows} rows of ${rows} tokens, each row closed by a break token` };
    }
    default:
      return undefined;
  }
}

/**
 * The square grid InternVL's dynamic_preprocess cuts a square image of `side` pixels into: among the grids of min to
 * max tiles with the image's aspect ratio, the first (fewest tiles), moved to a larger one while the image covers more
 * than half of that grid's pixels.
 */
function internVlGrid(side: number, tile: number, min: number, max: number): number {
  let best = 0;
  for (let n = 1; n * n <= max; n++) {
    if (n * n < min) {
      continue;
    }
    if (best === 0 || side * side > 0.5 * tile * tile * n * n) {
      best = n;
    }
  }
  return Math.max(1, best);
}

/**
 * LLaVA-NeXT's and OneVision's anyres tokens for a square image of `side` pixels, as transformers computes them (the
 * square a run reads when the settings name no size is two tiles wide): the pinpoint that keeps the most of the image
 * (then wastes the least) is cut into tiles of the tower's size; their features, unpadded to the image's shape and, for
 * OneVision, downscaled when they exceed `anyres_max_N` tiles' worth by more than 1.1 times, end each row with
 * image_newline; the whole image at the tower's size comes first.
 */
function anyres(v: VisionTower, tiling: NonNullable<VisionTower['anyres']>, imageSide: number | undefined): ImageCost {
  const side = imageSide ?? 2 * v.imageSize;
  let best: readonly [number, number] = tiling.pinpoints[0];
  let mostKept = 0;
  let leastWasted = Infinity;
  for (const [h, w] of tiling.pinpoints) {
    const scale = Math.min(w / side, h / side);
    const kept = Math.min(Math.floor(side * scale) ** 2, side * side);
    const wasted = w * h - kept;
    if (kept > mostKept || (kept === mostKept && wasted < leastWasted)) {
      [best, mostKept, leastWasted] = [[h, w], kept, wasted];
    }
  }
  const grid = Math.floor(v.imageSize / v.patchSize);
  const tiles = [Math.floor(best[0] / v.imageSize), Math.floor(best[1] / v.imageSize)];
  // Unpadding to the square image: the longer side of the grid is cut back to the shorter.
  let rows = Math.min(tiles[0], tiles[1]) * grid;
  let cols = rows;
  const ratio = tiling.maxTiles ? Math.sqrt((rows * cols) / (tiling.maxTiles * grid * grid)) : 0;
  if (ratio > 1.1) {
    [rows, cols] = [Math.floor(rows / ratio), Math.floor(cols / ratio)];
  }
  const base = grid * grid;
  const name = tiling.maxTiles ? 'LLaVA-OneVision' : 'LLaVA-NeXT';
  return {
    tokens: base + rows * (cols + 1),
    patches: (1 + tiles[0] * tiles[1]) * (base + (tiling.classToken ? 1 : 0)),
    how: `${name}: a ${side}-pixel image as ${tiles[0]} × ${tiles[1]} tiles of ${v.imageSize} pixels beside the whole, each row closed by image_newline${ratio > 1.1 ? `, downscaled to ${tiling.maxTiles} tiles' worth` : ''}`,
  };
}

/** Phi-3.5-vision's processor's num_crops (Phi-3-vision's ships 16). */
const PHI3V_CROPS = 4;

/**
 * Phi-3-vision's HD transform for a square image, as its processor and model count it: the image is scaled to the
 * largest square grid of 336-pixel crops within num_crops (its side whatever the image's), each crop's 24 × 24 patches
 * merged 2 × 2 into 144 tokens with a separator per row, a separator, then the whole image's 144 tokens and its rows'
 * separators; the tower runs over all num_crops + 1 crop slots, padding included.
 */
function hdCrops(v: VisionTower): ImageCost {
  const scale = Math.floor(Math.sqrt(PHI3V_CROPS));
  const grid = Math.floor(v.imageSize / v.patchSize) / 2;
  return {
    tokens: (scale * scale + 1) * grid * grid + 1 + (scale + 1) * grid,
    patches: (PHI3V_CROPS + 1) * (patches(v) + 1),
    how: `Phi-3.5-vision's HD transform: a square image as ${scale} × ${scale} crops of ${v.imageSize} pixels beside the whole, ${grid * grid} tokens each, at its processor's num_crops of ${PHI3V_CROPS} (Phi-3-vision's processor uses 16)`,
  };
}

/**
 * Bytes the tower's activations take over `patches` patches (every image of the batch): in training, what each of
 * its layers keeps for backward when it is trained (16-bit blocks keep about 34 values per patch and width, attention
 * scores left to SDPA); in inference, or frozen, one layer's working tensors at a time.
 */
export function towerActivationBytes(v: VisionTower, patchCount: number, c: number, kept: boolean): number {
  const perLayer = patchCount * (4 * v.hiddenSize + 2 * v.intermediateSize) * c;
  return kept ? (34 / 2) * patchCount * v.hiddenSize * c * v.numLayers : perLayer;
}
