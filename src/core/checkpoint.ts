import type { ConfigValue } from './configTree';
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

/** The index a checkpoint's index file describes, if the text is one. */
export function findCheckpointIndex(root: ConfigValue | undefined): CheckpointIndex | undefined {
  if (!root || root.kind !== 'object') {
    return undefined;
  }
  const metadata = root.entries.find(e => e.key === CHECKPOINT_INDEX_KEYS.metadata)?.value;
  const weightMap = root.entries.find(e => e.key === CHECKPOINT_INDEX_KEYS.weightMap)?.value;
  if (metadata?.kind !== 'object' || weightMap?.kind !== 'object') {
    return undefined;
  }
  const total = metadata.entries.find(e => e.key === CHECKPOINT_INDEX_KEYS.totalSize);
  if (!total || total.value.kind !== 'number' || !Number.isFinite(total.value.value) || total.value.value <= 0) {
    return undefined;
  }
  const shards = new Set(weightMap.entries.map(e => (e.value.kind === 'string' ? e.value.value : '')));
  return {
    totalSizeBytes: total.value.value,
    tensors: weightMap.entries.length,
    shards: shards.size,
    span: root.span,
    totalSizeSpan: { start: total.keySpan.start, end: total.value.span.end },
  };
}
