// Quick fixes for a serving command its engine would refuse: each recomputed with the planner to start, written as the flag the command already uses or added to its command line.
import type { ConfigAnalysis } from './analyze';
import type { FileEdit, Fix } from './fixes';
import { formatInteger } from './format';
import type { Gpu } from './gpus';
import { neededUtilization, planServing, type ServingOptions } from './serving';

/** The command-line flag for an option, as `vllm serve` spells it. */
const FLAG_NAMES: Partial<Record<keyof ServingOptions, string>> = {
  maxModelLen: '--max-model-len', gpuMemoryUtilization: '--gpu-memory-utilization', kvCacheType: '--kv-cache-dtype', tensorParallel: '--tensor-parallel-size',
  memFractionStatic: '--mem-fraction-static',
};

/**
 * The edit that sets an option: its value where the file states it, else (on a command line) the flag added at the
 * command's end. Undefined where neither is possible (a YAML file that leaves the option out).
 */
function editFor(a: ConfigAnalysis, option: keyof ServingOptions, text: string, value: string): FileEdit | undefined {
  const source = a.config.serving?.sources.find(s => s.option === option);
  if (source) {
    const original = text.slice(source.valueSpan.start, source.valueSpan.end);
    const q = original.trim()[0];
    return { span: source.valueSpan, newText: q === '"' || q === "'" ? `${q}${value}${q}` : value };
  }
  const flag = FLAG_NAMES[option];
  return a.config.serving?.commandLine && flag ? { span: { start: a.config.span.end, end: a.config.span.end }, newText: ` ${flag} ${value}` } : undefined;
}

/**
 * Fixes for a serving command that would not start on `gpu`, each checked with the planner: the longest
 * `max_model_len` that starts, the `gpu_memory_utilization` it needs, fp8 KV cache, twice the tensor parallelism.
 */
export function servingFixes(a: ConfigAnalysis, gpu: Gpu, text: string): Fix[] {
  const plan = a.serving;
  const options = a.servingOptions;
  if (!plan || plan.starts || !a.spec || !options) {
    return [];
  }
  const spec = a.spec;
  const tries: { option: keyof ServingOptions; value: ServingOptions[keyof ServingOptions]; written: string; title: string }[] = [];
  if (plan.longestStartingLen > 0 && plan.longestStartingLen < plan.maxModelLen) {
    const len = plan.longestStartingLen;
    tries.push({ option: 'maxModelLen', value: len, written: String(len), title: `Set max_model_len to ${formatInteger(len)} (the longest one request the KV pool holds)` });
  }
  if (options.engine === 'vllm') {
    const needed = neededUtilization(spec, options, gpu);
    if (needed !== undefined && needed > (options.gpuMemoryUtilization ?? 0.9)) {
      tries.push({ option: 'gpuMemoryUtilization', value: needed, written: String(needed), title: `Set gpu_memory_utilization to ${needed} (the least at which vLLM starts)` });
    }
  }
  if (options.kvCacheType === 'auto') {
    tries.push({ option: 'kvCacheType', value: 'fp8', written: 'fp8', title: 'Store the KV cache in fp8 (kv_cache_dtype fp8: twice the tokens per GiB)' });
  }
  const tp = options.tensorParallel * 2;
  if (spec.numHeads % tp === 0) {
    tries.push({ option: 'tensorParallel', value: tp, written: String(tp), title: `Split the model over ${tp} GPUs (tensor_parallel_size ${tp})` });
  }
  const fixes: Fix[] = [];
  for (const t of tries) {
    const after = planServing(spec, { ...options, [t.option]: t.value }, gpu);
    const edit = editFor(a, t.option, text, t.written);
    if (after.starts && edit) {
      fixes.push({ title: t.title, edit, peakBytes: after.budgetBytes, preferred: fixes.length === 0 });
    }
  }
  return fixes;
}
