// First-order serving speed and rent-versus-buy cost on a GPU, for the report.
import type { Estimate } from './types';
import type { Gpu } from './gpus';

/**
 * First-order serving speed, labelled as such: decoding reads every active weight and the KV cache once per
 * generated token, so it is bounded by memory bandwidth; prefill is bounded by compute (2 FLOPs per active
 * parameter per token) at an assumed model-FLOPs utilisation.
 */
export const ASSUMED_MFU = 0.5;

export interface Throughput {
  /** Decode tokens per second for the whole batch (bandwidth bound). */
  readonly decodeTokensPerSecond: number;
  /** Prefill tokens per second (compute bound, at ASSUMED_MFU). */
  readonly prefillTokensPerSecond: number;
  /** Requests a day, one batch after another, for the given prompt and answer lengths. */
  readonly requestsPerDay: number;
  readonly promptTokens: number;
  readonly answerTokens: number;
}

export function throughputOn(est: Estimate, gpu: Gpu, promptTokens: number, answerTokens: number): Throughput | undefined {
  if (!gpu.bandwidthGBs || !gpu.bf16Tflops) {
    return undefined;
  }
  const b = est.settings.batchSize;
  const activeShare = est.parameters.activePerToken / est.parameters.total;
  const bytesPerStep = est.inference.components.weights * activeShare + est.inference.components.kvCache;
  const decodeStepsPerSecond = (gpu.bandwidthGBs * 1e9) / bytesPerStep;
  const decodeTokensPerSecond = decodeStepsPerSecond * b;
  const prefillTokensPerSecond = (gpu.bf16Tflops * 1e12 * ASSUMED_MFU) / (2 * est.parameters.activePerToken);
  const secondsPerBatch = (promptTokens * b) / prefillTokensPerSecond + answerTokens / decodeStepsPerSecond;
  return {
    decodeTokensPerSecond,
    prefillTokensPerSecond,
    requestsPerDay: (86_400 / secondsPerBatch) * b,
    promptTokens,
    answerTokens,
  };
}

export interface CloudVsBuy {
  readonly priceUsd: number;
  readonly cloudUsdPerHour: number;
  /** GPU-hours of cloud rental that cost as much as buying the card. */
  readonly breakEvenHours: number;
}

/** The seed's "cloud vs on-premise": how many rented hours buy the card. Power and hosting are not counted. */
export function cloudVsBuy(gpu: Gpu): CloudVsBuy | undefined {
  if (gpu.priceUsd === null || !gpu.cloudUsdPerHour) {
    return undefined;
  }
  return { priceUsd: gpu.priceUsd, cloudUsdPerHour: gpu.cloudUsdPerHour, breakEvenHours: gpu.priceUsd / gpu.cloudUsdPerHour };
}
