// Sharded checkpoint indexes (model.safetensors.index.json): the size of their weights, and whether that size is sane.
import { entryOf, shownValue, type ConfigValue } from './configTree';
import type { Span } from './types';
import { CHECKPOINT_INDEX_KEYS } from './vocabulary';

/** A sharded checkpoint's index (model.safetensors.index.json, pytorch_model.bin.index.json). */
export interface CheckpointIndex {
  /** `metadata.total_size`: bytes of all weights in the checkpoint. */
  readonly totalSizeBytes: number;
  readonly tensors: number;
  readonly shards: number;
  readonly span: Span;
  readonly totalSizeSpan: Span;
}

/** The largest total a checkpoint can plausibly have: a petabyte (the largest published ones are a few TB). */
const MAX_TOTAL_BYTES = 1e15;

/**
 * The index a checkpoint's index file describes, if the text is one; `invalid` when its `total_size` cannot be a
 * checkpoint's (not a positive number, less than a byte a tensor, or more than a petabyte).
 */
export function findCheckpointIndex(root: ConfigValue | undefined): CheckpointIndex | { readonly invalid: string; readonly span: Span } | undefined {
  if (!root || root.kind !== 'object') {
    return undefined;
  }
  const metadata = entryOf(root, CHECKPOINT_INDEX_KEYS.metadata)?.value;
  const weightMap = entryOf(root, CHECKPOINT_INDEX_KEYS.weightMap)?.value;
  if (metadata?.kind !== 'object' || weightMap?.kind !== 'object') {
    return undefined;
  }
  const total = entryOf(metadata, CHECKPOINT_INDEX_KEYS.totalSize);
  if (!total) {
    return undefined;
  }
  const bytes = total.value.kind === 'number' ? total.value.value : NaN;
  if (!Number.isFinite(bytes) || bytes < Math.max(1, weightMap.entries.length) || bytes > MAX_TOTAL_BYTES) {
    return {
      invalid: `\`total_size\` (${shownValue(total.value)}) cannot be the size of ${weightMap.entries.length.toLocaleString('en-US')} tensors' weights, so VRAM Lens gives no size for this checkpoint.`,
      span: { start: total.keySpan.start, end: total.value.span.end },
    };
  }
  const shards = new Set(weightMap.entries.map(e => (e.value.kind === 'string' ? e.value.value : '')));
  return {
    totalSizeBytes: bytes,
    tensors: weightMap.entries.length,
    shards: shards.size,
    span: root.span,
    totalSizeSpan: { start: total.keySpan.start, end: total.value.span.end },
  };
}
