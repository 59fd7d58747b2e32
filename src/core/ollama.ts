// Ollama's model library names (`llama3.1:8b`, `qwen2.5:7b-instruct-q8_0`) for users who serve with Ollama: the model each is and the GGUF file type its tag pulls.
import { GGUF_FILE_TYPES } from './gguf';

/**
 * Ollama library models, by name and size tag, to the catalog model with that architecture; the first size is what
 * the bare name (`latest`) pulls (ollama.com/library, each page's tags).
 */
const LIBRARY: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  'llama3.1': [['8b', 'meta-llama/Llama-3.1-8B'], ['70b', 'meta-llama/Llama-3.1-70B'], ['405b', 'meta-llama/Llama-3.1-405B']],
  llama3: [['8b', 'meta-llama/Meta-Llama-3-8B'], ['70b', 'meta-llama/Meta-Llama-3-70B']],
  'llama3.2': [['3b', 'meta-llama/Llama-3.2-3B'], ['1b', 'meta-llama/Llama-3.2-1B']],
  'llama3.3': [['70b', 'meta-llama/Llama-3.3-70B-Instruct']],
  llama2: [['7b', 'meta-llama/Llama-2-7b-hf'], ['13b', 'meta-llama/Llama-2-13b-hf'], ['70b', 'meta-llama/Llama-2-70b-hf']],
  codellama: [['7b', 'codellama/CodeLlama-7b-hf'], ['13b', 'codellama/CodeLlama-13b-hf'], ['34b', 'codellama/CodeLlama-34b-hf'], ['70b', 'codellama/CodeLlama-70b-hf']],
  mistral: [['7b', 'mistralai/Mistral-7B-Instruct-v0.3']],
  'mistral-nemo': [['12b', 'mistralai/Mistral-Nemo-Base-2407']],
  'mistral-small': [['24b', 'mistralai/Mistral-Small-24B-Base-2501']],
  mixtral: [['8x7b', 'mistralai/Mixtral-8x7B-Instruct-v0.1'], ['8x22b', 'mistralai/Mixtral-8x22B-Instruct-v0.1']],
  'qwen2.5': [['7b', 'Qwen/Qwen2.5-7B'], ['0.5b', 'Qwen/Qwen2.5-0.5B'], ['1.5b', 'Qwen/Qwen2.5-1.5B'], ['3b', 'Qwen/Qwen2.5-3B'], ['14b', 'Qwen/Qwen2.5-14B'], ['32b', 'Qwen/Qwen2.5-32B'], ['72b', 'Qwen/Qwen2.5-72B']],
  'qwen2.5-coder': [['7b', 'Qwen/Qwen2.5-Coder-7B'], ['0.5b', 'Qwen/Qwen2.5-Coder-0.5B'], ['1.5b', 'Qwen/Qwen2.5-Coder-1.5B'], ['3b', 'Qwen/Qwen2.5-Coder-3B'], ['14b', 'Qwen/Qwen2.5-Coder-14B'], ['32b', 'Qwen/Qwen2.5-Coder-32B']],
  qwen3: [['8b', 'Qwen/Qwen3-8B'], ['0.6b', 'Qwen/Qwen3-0.6B'], ['1.7b', 'Qwen/Qwen3-1.7B'], ['4b', 'Qwen/Qwen3-4B'], ['14b', 'Qwen/Qwen3-14B'], ['32b', 'Qwen/Qwen3-32B'], ['30b', 'Qwen/Qwen3-30B-A3B'], ['235b', 'Qwen/Qwen3-235B-A22B']],
  qwq: [['32b', 'Qwen/QwQ-32B']],
  gemma2: [['9b', 'google/gemma-2-9b'], ['2b', 'google/gemma-2-2b'], ['27b', 'google/gemma-2-27b']],
  gemma3: [['4b', 'google/gemma-3-4b-it'], ['1b', 'google/gemma-3-1b-it'], ['12b', 'google/gemma-3-12b-it'], ['27b', 'google/gemma-3-27b-it']],
  gemma: [['7b', 'google/gemma-7b'], ['2b', 'google/gemma-2b']],
  phi3: [['3.8b', 'microsoft/Phi-3-mini-4k-instruct'], ['14b', 'microsoft/Phi-3-medium-4k-instruct']],
  'phi3.5': [['3.8b', 'microsoft/Phi-3.5-mini-instruct']],
  phi4: [['14b', 'microsoft/phi-4']],
  'phi4-mini': [['3.8b', 'microsoft/Phi-4-mini-instruct']],
  'deepseek-r1': [['8b', 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B'], ['1.5b', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B'], ['70b', 'deepseek-ai/DeepSeek-R1-Distill-Llama-70B'], ['671b', 'deepseek-ai/DeepSeek-V3']],
  'deepseek-v3': [['671b', 'deepseek-ai/DeepSeek-V3']],
  'deepseek-coder': [['6.7b', 'deepseek-ai/deepseek-coder-6.7b-base'], ['1.3b', 'deepseek-ai/deepseek-coder-1.3b-base'], ['33b', 'deepseek-ai/deepseek-coder-33b-base']],
  'gpt-oss': [['20b', 'openai/gpt-oss-20b'], ['120b', 'openai/gpt-oss-120b']],
  tinyllama: [['1.1b', 'TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T']],
  smollm2: [['1.7b', 'HuggingFaceTB/SmolLM2-1.7B'], ['135m', 'HuggingFaceTB/SmolLM2-135M'], ['360m', 'HuggingFaceTB/SmolLM2-360M']],
  starcoder2: [['3b', 'bigcode/starcoder2-3b'], ['7b', 'bigcode/starcoder2-7b'], ['15b', 'bigcode/starcoder2-15b']],
  'command-r': [['35b', 'CohereForAI/c4ai-command-r-v01']],
  olmo2: [['7b', 'allenai/OLMo-2-1124-7B'], ['13b', 'allenai/OLMo-2-1124-13B']],
  falcon3: [['7b', 'tiiuae/Falcon3-7B-Base'], ['1b', 'tiiuae/Falcon3-1B-Base'], ['3b', 'tiiuae/Falcon3-3B-Base'], ['10b', 'tiiuae/Falcon3-10B-Base']],
};

/** The file type Ollama's library tags pull when the tag names none. */
export const OLLAMA_DEFAULT_FILE_TYPE = 'Q4_K_M';

/** An Ollama name as the catalog id of its architecture and the GGUF file type its tag pulls; undefined if not one. */
export function ollamaModel(name: string): { readonly id: string; readonly fileType: string } | undefined {
  const m = /^(?:registry\.ollama\.ai\/)?(?:library\/)?([a-z0-9.-]+)(?::([\w.-]+))?$/i.exec(name.trim());
  const sizes = m ? LIBRARY[m[1].toLowerCase()] : undefined;
  if (!m || !sizes) {
    return undefined;
  }
  const tag = (m[2] ?? 'latest').toLowerCase();
  const size = tag === 'latest' ? sizes[0] : sizes.find(([s]) => tag === s || tag.startsWith(`${s}-`));
  if (!size) {
    return undefined;
  }
  const named = /(?:^|-)((?:i?q|tq)\d(?:_[a-z0-9]+)*|fp16|f16|bf16)$/.exec(tag)?.[1].toUpperCase().replace(/^FP16$/, 'F16');
  return { id: size[1], fileType: named !== undefined && named in GGUF_FILE_TYPES ? named : OLLAMA_DEFAULT_FILE_TYPE };
}
