import * as assert from 'assert';
import { analyzeDocument, DEFAULT_OPTIONS, type ConfigAnalysis } from '../../src/core/analyze';
import type { AnalysisOptions } from '../../src/core/options';
import { findGpu } from '../../src/core/gpus';
import { localFixes } from '../../src/core/servingFixes';
import { formatFor, parseConfig } from '../../src/parse';
import type { ConfigFormat } from '../../src/parse/limits';

function configs(text: string, format: ConfigFormat, options: Partial<AnalysisOptions> = {}): ConfigAnalysis[] {
  return [...analyzeDocument(parseConfig(text, format), { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB', ...options }).configs];
}

describe('serving from deployment files', () => {
  it('knows Dockerfiles, Containerfiles and Modelfiles by name', () => {
    assert.strictEqual(formatFor('/repo/Dockerfile'), 'dockerfile');
    assert.strictEqual(formatFor('dockerfile'), 'dockerfile');
    assert.strictEqual(formatFor('/repo/serve.dockerfile'), 'dockerfile');
    assert.strictEqual(formatFor('/repo/Containerfile'), 'dockerfile');
    assert.strictEqual(formatFor('/repo/Modelfile'), 'modelfile');
    assert.strictEqual(formatFor('/repo/README.md'), undefined);
  });

  it("a Dockerfile on the vLLM image: its CMD's flags, continued lines, and the image tag's release", () => {
    const text = 'FROM vllm/vllm-openai:v0.6.3\nENV X=1\nCMD ["--model", "meta-llama/Llama-3.1-8B-Instruct", \\\n     "--max-model-len", "32768"]\n';
    const [a] = configs(text, 'dockerfile');
    assert.strictEqual(a.serving!.version, '0.6.3');
    assert.strictEqual(a.serving!.maxModelLen, 32_768);
    const source = a.config.serving!.sources.find(s => s.option === 'maxModelLen')!;
    assert.strictEqual(text.slice(source.valueSpan.start, source.valueSpan.end), '"32768"');
  });

  it('a Dockerfile whose ENTRYPOINT and CMD start vLLM in shell and exec forms', () => {
    const text = 'FROM python:3.11\nRUN pip install vllm\nENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]\nCMD ["--model", "Qwen/Qwen2.5-7B-Instruct", "-tp", "2"]\n';
    const [a] = configs(text, 'dockerfile');
    assert.strictEqual(a.serving!.gpus, 2);
    assert.strictEqual(a.config.name, 'Qwen/Qwen2.5-7B');
  });

  it('docker-compose services and a Kubernetes container, each a serving plan', () => {
    const compose = 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: --model Qwen/Qwen2.5-7B-Instruct --max-model-len 16384\n  llama:\n    image: ghcr.io/ggml-org/llama.cpp:server-cuda\n    command: ["-m", "/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "-c", "65536"]\n';
    const found = configs(compose, 'yaml');
    assert.deepStrictEqual(found.map(c => (c.serving ? 'vllm' : c.local ? c.local.engine : '')), ['vllm', 'llama.cpp']);
    assert.strictEqual(found[1].local!.contextSize, 65_536);
    const k8s = 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.8.5\n          args:\n            - --model\n            - meta-llama/Llama-3.1-70B-Instruct\n            - --tensor-parallel-size\n            - "4"\n';
    const [deployment] = configs(k8s, 'yaml');
    assert.strictEqual(deployment.serving!.gpus, 4);
    assert.strictEqual(deployment.serving!.version, '0.8.5');
  });

  it('a YAML file without a serving image is read as before', () => {
    assert.strictEqual(configs('services:\n  web:\n    image: nginx:latest\n    command: nginx -g daemon off\n', 'yaml').length, 0);
  });

  it("an Ollama Modelfile: FROM and PARAMETER num_ctx, with a fix that edits the parameter", () => {
    const text = 'FROM llama3.1:70b\nPARAMETER num_ctx 131072\nPARAMETER temperature 0.2\n';
    const [a] = configs(text, 'modelfile', { targetGpu: 'H100 80GB' });
    assert.strictEqual(a.local!.engine, 'ollama');
    assert.strictEqual(a.local!.contextSize, 131_072);
    // The 128K KV cache does not fit beside the 40 GiB of weights: Ollama leaves layers on the CPU, and says so.
    assert.match(a.local!.note ?? '', /^Ollama offloads \d+ of 80 layers to the H100 80GB; the rest run on the CPU/);
    const fix = localFixes(a, findGpu('H100 80GB')!, text).find(f => /context/.test(f.title))!;
    const fixed = text.slice(0, fix.edit!.span.start) + fix.edit!.newText + text.slice(fix.edit!.span.end);
    assert.match(fixed, /^FROM llama3\.1:70b\nPARAMETER num_ctx \d+\n/);
    const after = configs(fixed, 'modelfile')[0].local!;
    assert.strictEqual(after.fits, true);
    assert.strictEqual(after.note, undefined, 'every layer on the GPU');
  });

  it('llama.cpp fixes: the longest context, and a q8_0 KV cache appended as two flags', () => {
    const text = 'llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 131072 -ngl 99\n';
    const [a] = configs(text, 'shell', { targetGpu: 'RTX 4080' });
    assert.strictEqual(a.local!.fits, false);
    const fixes = localFixes(a, findGpu('RTX 4080')!, text);
    const apply = (title: RegExp) => {
      const f = fixes.find(x => title.test(x.title))!;
      return text.slice(0, f.edit!.span.start) + f.edit!.newText + text.slice(f.edit!.span.end);
    };
    assert.match(apply(/context/), /-c \d+ -ngl 99/);
    const q8 = apply(/q8_0/);
    assert.strictEqual(q8, 'llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 131072 -ngl 99 -ctk q8_0 -ctv q8_0\n');
    assert.strictEqual(configs(q8, 'shell', { targetGpu: 'RTX 4080' })[0].local!.fits, true);
  });
});
