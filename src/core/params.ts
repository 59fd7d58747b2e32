// Exact parameter counts, summed from the weight-tensor inventory.
import { weightTensors } from './tensors';
import { numel } from './weightTensor';
import type { ModelSpec, ParameterBreakdown } from './types';

/**
 * Exact parameter count, split by component: the sum of the model's weight tensors (weightTensors), as HF
 * transformers' modeling code allocates them. Task heads other than the LM head are not counted. Per token, a
 * mixture of experts runs only its top-k routed experts.
 */
export function countParameters(spec: ModelSpec): ParameterBreakdown {
  let embeddings = 0;
  let attention = 0;
  let mlp = 0;
  let experts = 0;
  let norms = 0;
  let head = 0;
  let other = 0;
  let vision = 0;
  let inactive = 0;
  const m = spec.moe;
  for (const t of weightTensors(spec)) {
    const n = numel(t);
    switch (t.component) {
      case 'embeddings': embeddings += n; break;
      case 'attention': attention += n; break;
      case 'mlp': mlp += n; break;
      case 'experts': experts += n; break;
      case 'norms': norms += n; break;
      case 'head': head += n; break;
      case 'other': other += n; break;
      case 'vision': vision += n; break;
    }
    if (t.expert && m) {
      inactive += (n / m.numExperts) * (m.numExperts - m.expertsPerToken);
    }
  }
  const total = embeddings + attention + mlp + experts + norms + head + other + vision;
  // A text token never passes through the vision tower.
  return { embeddings, attention, mlp, experts, norms, head, other, vision, total, activePerToken: total - inactive - vision };
}
