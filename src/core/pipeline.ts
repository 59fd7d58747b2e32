// diffusers pipelines (a model_index.json): which components hold weights, where their configs lie, and the memory of the whole pipeline, for the engine.
import type { ConfigObject } from './configTree';
import type { WeightTensor } from './weightTensor';
import type { ModelSpec, PipelineComponent, Span } from './types';

/** The denoiser, text encoders and VAE of a pipeline, by the class model_index.json names for them. */
export const COMPONENT_ROLES: Readonly<Record<string, PipelineComponent['role']>> = {
  UNet2DConditionModel: 'denoiser',
  SD3Transformer2DModel: 'denoiser',
  FluxTransformer2DModel: 'denoiser',
  PixArtTransformer2DModel: 'denoiser',
  SanaTransformer2DModel: 'denoiser',
  Transformer2DModel: 'denoiser',
  AutoencoderKL: 'vae',
  CLIPTextModel: 'text-encoder',
  CLIPTextModelWithProjection: 'text-encoder',
  T5EncoderModel: 'text-encoder',
  // An image variations pipeline conditions on a CLIP image embedding instead of a prompt's: a frozen encoder alike.
  CLIPVisionModelWithProjection: 'text-encoder',
  Gemma2Model: 'text-encoder',
  StableDiffusionSafetyChecker: 'safety-checker',
};

/** The safety checker's class: a CLIP vision tower read from its config's vision_config, with a projection and concept embeddings. */
export const SAFETY_CHECKER = 'StableDiffusionSafetyChecker';
/** CLIPConfig's projection_dim when the config leaves it out. */
export const CLIP_PROJECTION_DEFAULT = 512;
/** The safety checker's 17 concept and 3 special-care embeddings, each with a weight. */
const SAFETY_CONCEPTS = 17 + 3;

/** Classes that hold no weights: tokenizers, schedulers, image processors. */
const WEIGHTLESS = /(Tokenizer(Fast)?|Scheduler|ImageProcessor|FeatureExtractor)$/;

/** One `"key": ["library", "Class"]` entry of a model_index.json. */
export interface PipelineEntry {
  readonly key: string;
  /** The class, or null for a component the pipeline leaves out (`[null, null]`). */
  readonly className: string | null;
  readonly keySpan: Span;
  readonly valueSpan: Span;
}

/** The component entries of a model_index.json object (its `_class_name` ends in "Pipeline"); undefined for any other object. */
export function pipelineEntries(obj: ConfigObject, className: string | undefined): PipelineEntry[] | undefined {
  if (!className?.endsWith('Pipeline')) {
    return undefined;
  }
  const entries: PipelineEntry[] = [];
  for (const e of obj.entries) {
    const v = e.value;
    if (v.kind === 'array' && v.items.length === 2 && v.items.every(i => i.kind === 'string' || i.kind === 'null')) {
      const cls = v.items[1];
      entries.push({ key: e.key, className: cls.kind === 'string' ? cls.value : null, keySpan: e.keySpan, valueSpan: v.span });
    }
  }
  return entries.length > 0 ? entries : undefined;
}

/** Whether a component holds weights VRAM Lens must count for the pipeline's sum. */
export function holdsWeights(entry: PipelineEntry): boolean {
  return entry.className !== null && !WEIGHTLESS.test(entry.className);
}

/** Where a component's config lies, beside the model_index.json. */
export function componentConfigPath(key: string): string {
  return `${key}/config.json`;
}

/** The spec of a pipeline: its denoiser's, with every component beside it. */
export function pipelineSpec(className: string, components: readonly PipelineComponent[]): ModelSpec | undefined {
  const denoiser = components.find(c => c.role === 'denoiser');
  if (!denoiser) {
    return undefined;
  }
  return {
    ...denoiser.spec,
    family: `${className} (diffusers pipeline)`,
    pipeline: { className, components },
  };
}

/**
 * SDXL's pipeline decodes in fp32 when the VAE says force_upcast and the pipeline runs in fp16 (its VAE overflows
 * there); bf16 is not upcast.
 */
export function vaeUpcast(spec: ModelSpec, fp16: boolean): boolean {
  const vae = spec.pipeline?.components.find(c => c.role === 'vae');
  return fp16 && spec.pipeline!.className.startsWith('StableDiffusionXL') && vae?.spec.convnet?.forceUpcast === true;
}

/** StableDiffusionSafetyChecker's tensors beyond its CLIP vision tower: visual_projection and the concept embeddings. */
export function safetyCheckerTensors(c: PipelineComponent): WeightTensor[] {
  const width = c.projection ?? CLIP_PROJECTION_DEFAULT;
  const tensor = (name: string, inFeatures: number, outFeatures: number, linear: boolean): WeightTensor => ({
    name: `${c.name}.${name}`, inFeatures, outFeatures, count: 1, linear, expert: false, embeddingOrHead: false, component: 'other',
  });
  return [
    tensor('visual_projection', c.spec.hiddenSize, width, true),
    tensor('concept_embeds + special_care_embeds', width, SAFETY_CONCEPTS, false),
    tensor('concept weights', 1, SAFETY_CONCEPTS, false),
  ];
}
