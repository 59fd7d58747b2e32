// The largest value each run setting may take, for CLI flags, settings and the values a training file states: beyond them a number is a typo, not a run.

export const RUN_LIMITS = {
  /** Sequences per micro-batch per GPU. */
  batchSize: 1_000_000,
  /** Tokens per sequence (the longest contexts published are 10M). */
  sequenceLength: 100_000_000,
  /** Tokens generated after the prompt. */
  newTokens: 100_000_000,
  gradientAccumulationSteps: 1_000_000,
  /** GPUs in one run (the largest published runs use tens of thousands). */
  gpus: 100_000,
  /** Tensor- and pipeline-parallel groups. */
  parallelDegree: 4_096,
  loraRank: 65_536,
  /** Transformer blocks trained from the end (mlx-lm's num_layers; -1 there means all of them). */
  trainedLayers: 100_000,
  quantGroupSize: 1_048_576,
  /** An image's side in pixels (a diffusion model's output, a multimodal model's input). */
  imageSide: 16_384,
  /** Images in one sample of a multimodal model. */
  imagesPerSample: 1_024,
  /** CUDA context and libraries, in MiB (1 TiB). */
  cudaOverheadMiB: 1_048_576,
  /** The share of the card, in percent, quick fixes leave free. */
  fixMarginPct: 50,
} as const;
