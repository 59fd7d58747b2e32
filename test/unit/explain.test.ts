import * as assert from 'assert';
import { DEFAULT_OPTIONS } from '../../src/core/analyze';
import { diagnose } from '../../src/core/diagnose';
import { compareGpusMarkdown, escapeMarkdown, gpuSizeLabel, hoverMarkdown, lensTitle, reportMarkdown, reportParts, settingHoverMarkdown } from '../../src/core/explain';
import { findGpu, GPUS } from '../../src/core/gpus';
import { formatBytes, formatUsage } from '../../src/core/format';
import { switchEffects } from '../../src/core/report';
import { analyzeDocument } from '../../src/core/analyze';
import { parseConfig } from '../../src/parse';
import * as fs from 'fs';
import * as path from 'path';
import { onlyConfig, PUBLIC, readReference } from './helpers';

const llama = () => readReference('configs/json/llama-2-7b-chat-hf.config.json');

describe('what the editor shows', () => {
  it('the CodeLens gives both peaks and the verdict for the target GPU', () => {
    const a = onlyConfig(llama());
    assert.strictEqual(lensTitle(a, DEFAULT_OPTIONS, findGpu('RTX 4090')), 'VRAM ≈ 16.5 GiB inference · 136 GiB training (b1 · 4k) — ✓ fits RTX 4090 (inference) · ✗ training');
    assert.match(lensTitle(a, { ...DEFAULT_OPTIONS, mode: 'inference' }, findGpu('RTX 3060')), /^VRAM ≈ 16\.5 GiB inference \(b1 · 4k\) — ✗ does not fit RTX 3060 12GB$/);
    // A family VRAM Lens does not know: the lens says the number rests on an assumed block.
    const [generic] = analyzeDocument(parseConfig('{"model_type": "mystery", "hidden_size": 1024, "num_hidden_layers": 4, "num_attention_heads": 8, "intermediate_size": 4096, "vocab_size": 1000}', 'json'), DEFAULT_OPTIONS).configs;
    assert.match(lensTitle(generic, DEFAULT_OPTIONS, findGpu('RTX 4090')), /^VRAM ≈ [\d.]+ [MG]iB inference · [\d.]+ [MG]iB training \(b1 · [\d,k]+; approximate: a generic decoder \(Llama-style block assumed\)\) — ✓ fits RTX 4090$/);
    assert.match(lensTitle(a, DEFAULT_OPTIONS, undefined), /unknown target GPU/);
  });

  it('a figure against a capacity is in the capacity\'s unit, and a GPU is sized in the unit of the figures beside it', () => {
    const GiB = 1024 ** 3;
    assert.strictEqual(formatUsage(16.5 * GiB, 24 * GiB), '16.5/24.0 GiB');
    assert.strictEqual(formatUsage(0.42 * GiB, 24 * GiB), '0.42/24.0 GiB');
    assert.strictEqual(formatUsage(130 * GiB, 24 * GiB), '130/24.0 GiB');
    const md = reportMarkdown('config.json', analyzeDocument(parseConfig(llama(), 'json'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' }));
    assert.match(md, /Target GPU: \*\*RTX 4090\*\* — 24\.0 GiB, the 24,564 MiB nvidia-smi reports \(sold as 24 GB\); PyTorch sees 23\.52 GiB of it\./);
    // A card's capacity says where it comes from: no nvidia-smi reading for an Apple or a nominal AMD size.
    const on = (targetGpu: string) => reportMarkdown('config.json', analyzeDocument(parseConfig(llama(), 'json'), { ...DEFAULT_OPTIONS, targetGpu }));
    assert.match(on('M4 Pro 24GB'), /Target GPU: \*\*M4 Pro 24GB\*\* — 16\.0 GiB, the share of its 24 GB of unified memory Metal lets the GPU use \(PyTorch's MPS allocator refuses only past 27\.2 GiB, 1\.7× that; in between, macOS may swap\)\./);
    assert.match(on('MI325X'), /Target GPU: \*\*MI325X\*\* — 256 GiB, its nominal capacity; PyTorch sees 255\.98 GiB of it\./);
    assert.match(on('MI250'), /Target GPU: \*\*MI250\*\* — 64\.0 GiB, the 65,520 MiB rocm-smi reports \(sold as 64 GB\); PyTorch sees 63\.98 GiB of it\./);
    assert.match(on('RTX 5070'), /the 12,227 MiB nvidia-smi reports \(sold as 12 GB\); PyTorch sees 11\.50 GiB of it\./);
    assert.match(on('RTX 4070'), /the 12,282 MiB nvidia-smi reports \(sold as 12 GB\); PyTorch sees 11\.70 GiB of it\./);
    // The GPU picker's size: with what PyTorch sees where a log records it (every CUDA and ROCm card; not Apple's).
    assert.strictEqual(gpuSizeLabel(findGpu('RTX 4090')!), '24.0 GiB (PyTorch sees 23.52 GiB)');
    assert.strictEqual(gpuSizeLabel(findGpu('M4 Pro 24GB')!), '16.0 GiB');
    // Memory elsewhere in the report is in binary units with one decimal or more, never MiB beside GiB for one figure.
    assert.doesNotMatch(md.replace(/the [\d,]+ MiB nvidia-smi reports/, ''), /GiB \([\d,]+ MiB\)|MiB \([\d.]+ GiB\)/);
  });

  it("the report says what each memory switch the file states does, the other way (a torchtune recipe)", () => {
    const text = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'torchtune__llama3_2_3B_full_single_device.yaml'), 'utf8');
    const doc = analyzeDocument(parseConfig(text, 'yaml'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' });
    const md = reportMarkdown('3B_full_single_device.yaml', doc);
    const section = md.slice(md.indexOf("### What the file's switches do"));
    assert.ok(section.length > 0 && md.includes("### What the file's switches do"), md);
    const row = (key: string) => section.split('\n').find(l => l.startsWith(`| \`${key}\``)) ?? '';
    // Checkpointing off keeps every layer's activations: far more; compiling fuses the loss and norms: less.
    assert.match(row('enable_activation_checkpointing'), /\| no checkpointing \| [\d.]+ GiB \| \+[\d.]+ GiB \|$/);
    assert.match(row('compile'), /\| with torch\.compile \| [\d.]+ GiB \| −[\d.]+ (GiB|MiB) \|$/);
    assert.match(row('optimizer_in_bwd'), /without the optimizer step in backward/);
    // A model config states no switch: no such section.
    assert.ok(!reportMarkdown('config.json', analyzeDocument(parseConfig(llama(), 'json'), DEFAULT_OPTIONS)).includes("switches do"));
  });

  it("the switches' effects are over the CLI's flags, as the estimate above them is (--batch 4 --seq 8192 on a torchtune recipe)", () => {
    const text = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'torchtune__llama3_2_3B_full_single_device.yaml'), 'utf8');
    const config = parseConfig(text, 'yaml');
    const forced = { batchSize: 4, sequenceLength: 8192 };
    const a = analyzeDocument(config, DEFAULT_OPTIONS, forced).configs[0];
    const effects = switchEffects(a, DEFAULT_OPTIONS, forced);
    const off = effects.find(e => e.key === 'enable_activation_checkpointing');
    assert.ok(off && off.label === 'no checkpointing', JSON.stringify(effects));
    const expected = analyzeDocument(config, DEFAULT_OPTIONS, { ...forced, checkpointing: 'none' }).configs[0].estimate!;
    assert.strictEqual(off.trainingPeakBytes, expected.training.peakBytes);
    // Not the file's own batch and sequence: those give a far smaller run.
    const unforced = switchEffects(analyzeDocument(config, DEFAULT_OPTIONS).configs[0], DEFAULT_OPTIONS).find(e => e.key === 'enable_activation_checkpointing')!;
    assert.ok(off.trainingPeakBytes > 1.5 * unforced.trainingPeakBytes, `${off.trainingPeakBytes} vs ${unforced.trainingPeakBytes}`);
  });

  it('the report names the setting behind a default batch and sequence, and a capped sequence offers the full context', () => {
    const notes = onlyConfig(llama()).estimate!.assumptions;
    assert.ok(notes.includes('Micro-batch 1: the file sets none; setting vramLens.batchSize (CLI --batch), default 1.'), notes.join('\n'));
    assert.ok(notes.some(n => /^Sequence 4,096 tokens, the model's full context: the file sets none and vramLens\.sequenceLength/.test(n)), notes.join('\n'));
    const mixtral = onlyConfig(readReference('configs/json/mixtral-8x7b-v0.1.config.json')).estimate!.assumptions;
    assert.ok(mixtral.some(n => /^Sequence 4,096 tokens: .*its full context is 32,768 tokens \(set vramLens\.sequenceLength to 32768/.test(n)), mixtral.join('\n'));
    const set = analyzeDocument(parseConfig(llama(), 'json'), { ...DEFAULT_OPTIONS, sequenceLength: 2048 }).configs[0].estimate!.assumptions;
    assert.ok(set.includes('Sequence 2,048 tokens: the file sets none; setting vramLens.sequenceLength (CLI --seq).'), set.join('\n'));
    const recipe = analyzeDocument(parseConfig(readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml'), 'yaml'), DEFAULT_OPTIONS).configs[0].estimate!.assumptions;
    assert.ok(!recipe.some(n => /^(Micro-batch|Sequence) \d/.test(n)), 'a recipe that sets both has no such note');
  });

  it('the CodeLens names the batch and sequence its figures are for', () => {
    const shaped = (batchSize: number, sequenceLength: number) =>
      lensTitle(analyzeDocument(parseConfig(llama(), 'json'), { ...DEFAULT_OPTIONS, batchSize, sequenceLength }).configs[0], DEFAULT_OPTIONS, findGpu('H100'));
    assert.match(shaped(4, 2048), /^VRAM ≈ [\d.]+ GiB inference · [\d.]+ GiB training \(b4 · 2k\) — /);
    assert.match(shaped(16, 1561), /\(b16 · 1,561\) — /);
    assert.match(shaped(1, 131_072), /\(b1 · 128k\) — /);
  });

  it('text from the user\'s file cannot become a link, HTML or an image in the hover', () => {
    const evil = '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold**';
    const escaped = escapeMarkdown(evil);
    assert.ok(!escaped.includes('<img'));
    assert.ok(!/\]\(command:/.test(escaped));
    const text = JSON.stringify({ _name_or_path: evil, model_type: 'llama', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100, intermediate_size: 128 });
    const doc = analyzeDocument(parseConfig(text, 'json'), DEFAULT_OPTIONS);
    const report = reportMarkdown('x.json', doc);
    assert.ok(!report.includes('<img'), 'no raw HTML');
    assert.ok(!report.includes('](command:'), 'no command link');
  });

  it('the hover on a key names it, sizes its share, and says what doubling it does', () => {
    const a = onlyConfig(llama());
    const key = a.config.keys.find(k => k.key === 'vocab_size')!;
    const md = hoverMarkdown({ analysis: a, field: key.field, key: key.key, value: key.value, options: DEFAULT_OPTIONS, gpu: findGpu('RTX 4090') });
    assert.match(md, /Vocabulary size/);
    assert.match(md, /Sizes \*\*262M\*\* of the 6\.74B parameters \(3\.9 %\)/);
    assert.match(md, /Doubling it: inference ×1\.\d\d/);
    assert.match(md, /^- Inference: weights 12\.6 GiB · KV cache 2\.00 GiB · /m);
    assert.match(md, /^- Training: weights 25\.1 GiB · gradients \+ optimizer 75\.3 GiB · /m);
    // Short enough for VS Code's hover to show whole, and it ends with the peaks and the verdict on the target GPU.
    assert.ok(md.split('\n').length <= 12, `${md.split('\n').length} lines`);
    assert.match(md.split('\n').at(-1)!, /^\*\*Peak 16\.5 GiB inference ✓ · 136 GiB training ✗\*\* on the RTX 4090 \(24\.0 GiB\)$/);
    // On a key a "does not fit" diagnostic sits on, whose message above gives the run and the breakdown, the hover
    // keeps the key's own lines and the closing peak.
    const short = hoverMarkdown({ analysis: a, field: key.field, key: key.key, value: key.value, options: DEFAULT_OPTIONS, gpu: findGpu('RTX 4090'), diagnosed: true });
    assert.ok(!/^- (Inference|Training):/m.test(short) && !short.includes('*Llama;'), short);
    assert.match(short, /Doubling it/);
    assert.strictEqual(short.split('\n').at(-1), md.split('\n').at(-1));
  });

  it('the hover on a run setting a recipe states says what one step either way would do, for the mode the recipe is for', () => {
    const text = readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A10G' };
    const [a] = analyzeDocument(parseConfig(text, 'yaml'), options).configs;
    assert.strictEqual(a.intent, 'training');
    const stated = a.config.training.sources.find(x => x.option === 'batchSize')!;
    const batch = a.estimate!.settings.batchSize;
    const md = settingHoverMarkdown(a, stated, options, findGpu('A10G'));
    const lines = md.split('\n');
    for (const n of [batch / 2, batch * 2].filter(x => x >= 1)) {
      // Each line is the estimate with that micro-batch, as the engine gives it.
      const peak = analyzeDocument(parseConfig(text, 'yaml'), options, { batchSize: n }).configs[0].estimate!.training.peakBytes;
      const line = lines.find(l => l.startsWith(`- With micro-batch ${n}:`));
      assert.ok(line, md);
      assert.ok(line.includes(`training ${formatBytes(peak)}`), line);
      assert.ok(!line.includes('inference'), 'a training recipe is judged on training');
    }
    // It still ends with the peak the recipe is judged on.
    assert.match(lines.at(-1)!, /^\*\*Peak [\d.]+ GiB training [✓✗]\*\* on the A10G/);
    // A setting with no step (the precision) gets none.
    const precision = a.config.training.sources.find(x => x.option === 'precision')!;
    assert.ok(!settingHoverMarkdown(a, precision, options, findGpu('A10G')).includes('- With '));
  });

  it('diagnoses a bare model config in both modes, each with the numbers: inference a warning, training information beside it', () => {
    const doc = analyzeDocument(parseConfig(llama(), 'json'), { ...DEFAULT_OPTIONS, targetGpu: 'T4' });
    assert.strictEqual(doc.configs[0].intent, 'model');
    const problems = diagnose(doc);
    assert.deepStrictEqual(problems.map(p => [p.code, p.severity]), [['exceeds-gpu-inference', 'warning'], ['exceeds-gpu-training', 'info']]);
    assert.match(problems[0].message, /^Inference needs ≈ 16\.5 GiB, more than the T4's 15\.0 GiB: /);
    assert.match(problems[1].message, /^Training needs ≈ /);
    // The user's mode, when it names one, is the only one judged.
    const inferenceOnly = diagnose(analyzeDocument(parseConfig(llama(), 'json'), { ...DEFAULT_OPTIONS, targetGpu: 'T4', mode: 'inference' }));
    assert.deepStrictEqual(inferenceOnly.map(p => p.code), ['exceeds-gpu-inference']);
    const fits = analyzeDocument(parseConfig(llama(), 'json'), { ...DEFAULT_OPTIONS, targetGpu: 'H200', mode: 'both' });
    assert.deepStrictEqual(diagnose(fits), []);
  });

  it('the report lists the parameter split, the table, the smallest GPU and every assumption', () => {
    const doc = analyzeDocument(parseConfig(llama(), 'json'), DEFAULT_OPTIONS);
    const md = reportMarkdown('config.json', doc);
    assert.match(md, /Parameters: \*\*6,738,415,616\*\*/);
    assert.match(md, /\| MLP \| 4,328,521,728 \| 64 % \|/);
    assert.match(md, /Smallest listed GPU that fits: inference \*\*A10G\*\*/);
    assert.match(md, /- Training precision: bf16-mixed/);
  });

  it('a training recipe\'s report and GPU comparison give their verdicts for training, the mode the recipe is for', () => {
    const text = readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml');
    const doc = analyzeDocument(parseConfig(text, 'yaml'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' });
    assert.strictEqual(doc.configs[0].intent, 'training');
    const md = reportMarkdown('lora.yaml', doc);
    assert.match(md, /^On the RTX 4090: training ✓ \([\d.]+ GiB to spare\)\.$/m);
    assert.match(md, /^Smallest listed GPU that fits: training \*\*[^*]+\*\*\.$/m);
    assert.match(md, /^\| GPU \| Memory \| Price \| Cloud \$\/h \| Training \|$/m);
    // The breakdown still has both columns: what the model needs to serve is worth knowing.
    assert.match(md, /^\| \| Inference \| Training \|$/m);
    const compared = compareGpusMarkdown('lora.yaml', doc, GPUS);
    assert.match(compared, /^Training [\d.]+ GiB \(batch /m);
    assert.match(compared, /^\| GPU \| Memory \| Price \| Cloud \$\/h \| Training \|$/m);
    // The user's mode, when it names one, is the one judged.
    const inference = reportMarkdown('lora.yaml', analyzeDocument(parseConfig(text, 'yaml'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090', mode: 'inference' }));
    assert.match(inference, /^On the RTX 4090: inference ✓ \([\d.]+ GiB to spare\)\.$/m);
  });

  it('the report tables every listed GPU, the user\'s own first by size, with fit, headroom and prices', () => {
    const lab = { name: 'Lab A6000', model: 'lab a6000', memoryGb: 52, memoryMiB: 49140, memorySource: 'nvml' as const, vendor: 'custom', generation: 'custom', priceUsd: 4500 };
    const doc = analyzeDocument(parseConfig(llama(), 'json'), { ...DEFAULT_OPTIONS, customGpus: [lab] });
    const md = reportMarkdown('config.json', doc);
    const table = md.slice(md.indexOf('### Every listed GPU'), md.indexOf('### Assumptions'));
    assert.match(table, /\| RTX 4090 \| 24\.0 GiB \| \$1,[\d,]+ \| \$[\d.]+ \| ✓ [\d.]+ GiB to spare \| ✗ [\d.]+ GiB over \|/);
    assert.match(table, /\| Lab A6000 \| 48\.0 GiB \| \$4,500 \| — \| ✓ [\d.]+ GiB to spare \| ✗ /);
    assert.match(table, /\| H100 80GB \| 79\.6 GiB \|/);
    const sizes = [...table.matchAll(/\| ([\d.]+) GiB \|/g)].map(m => Number(m[1]));
    assert.ok(sizes.length >= 20 && sizes.every((x, i) => i === 0 || sizes[i - 1] <= x), 'sorted by memory');
  });
});

describe('the report of a file', () => {
  const twoConfigs = JSON.stringify({
    small: { model_type: 'llama', hidden_size: 512, num_hidden_layers: 4, num_attention_heads: 8, intermediate_size: 1376, vocab_size: 32000 },
    large: JSON.parse(llama()),
  });

  it('a file of several configs opens with one row per config, then a numbered section for each, with its own chart', () => {
    const doc = analyzeDocument(parseConfig(twoConfigs, 'json'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 3060' });
    const parts = reportParts('configs.json', doc);
    const head = parts.head.join('\n');
    assert.match(head, /\| # \| Config \| Parameters \| For \| Inference \| Training \|/);
    assert.match(head, /\| 1 \| llama \| [\d.]+M \| model config \| [\d.]+ MiB ✓ \| [\d.]+ [MG]iB ✓ \|/);
    assert.match(head, /\| 2 \| meta\\-llama\/Llama\\-2\\-7b\\-chat\\-hf \| 6\.74B \| model config \| 16\.5 GiB ✗ \| 136 GiB ✗ \|/);
    assert.deepStrictEqual(parts.sections.map(s => s.lines[0]), ['## 1. llama', '## 2. meta\\-llama/Llama\\-2\\-7b\\-chat\\-hf']);
    assert.deepStrictEqual(parts.sections.map(s => s.chart), [true, true]);
    // One config alone: no table, no number.
    const one = reportParts('config.json', analyzeDocument(parseConfig(llama(), 'json'), DEFAULT_OPTIONS));
    assert.doesNotMatch(one.head.join('\n'), /\| # \|/);
    assert.strictEqual(one.sections[0].lines[0], '## meta\\-llama/Llama\\-2\\-7b\\-chat\\-hf');
    // The Markdown copied is the same report, in the same order.
    assert.strictEqual(reportMarkdown('configs.json', doc), [...parts.head, ...parts.sections.flatMap(s => s.lines), ...parts.tail].join('\n'));
  });

  it('speed and cost only where the card does the job the file is for', () => {
    const section = (text: string, format: 'json' | 'yaml', gpu: string) => reportMarkdown('f', analyzeDocument(parseConfig(text, format), { ...DEFAULT_OPTIONS, targetGpu: gpu }));
    // Llama 2 7B inference fits a 4090: speed and cost.
    assert.match(section(llama(), 'json', 'RTX 4090'), /### Speed and cost on the RTX 4090/);
    // It fits no mode on a 3060: neither.
    assert.doesNotMatch(section(llama(), 'json', 'RTX 3060'), /### (Speed|Cost)|tokens\/s|Buying/);
    // A full fine-tune recipe that does not fit the 4090 in training: no speed or price, though inference would fit.
    const recipe = section(readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml').replace(/lora_r: \d+/, 'lora_r: 8'), 'yaml', 'RTX 4090');
    assert.match(recipe, /### Speed and cost on the RTX 4090/, 'the LoRA recipe fits the 4090');
    const full = section(fs.readFileSync(path.join(PUBLIC, 'heldout', 'axolotl__examples__llama-3__fft-8b.yaml'), 'utf8'), 'yaml', 'RTX 4090');
    assert.match(full, /A training run: its diagnostics and fixes are for training/);
    assert.doesNotMatch(full, /### (Speed|Cost)|tokens\/s|Buying/);
  });
});

describe('the report chart', () => {
  it('draws both peaks against the GPU line, titled with its config, with every text escaped and nothing remote', async () => {
    const { memoryChartSvg } = await import('../../src/core/chart');
    const est = onlyConfig(llama()).estimate!;
    const svg = memoryChartSvg('Llama <2> 7B', est, { name: 'RTX <4090> & "co"', bytes: 24564 * 1024 * 1024 });
    assert.match(svg, /^<svg role="img" aria-label="Memory of Llama &lt;2&gt; 7B by component against the GPU"/);
    assert.match(svg, />Llama &lt;2&gt; 7B on the RTX &lt;4090&gt; &amp; &quot;co&quot;</);
    assert.match(svg, />16\.5 GiB</);
    assert.match(svg, />136 GiB</);
    assert.match(svg, /RTX &lt;4090&gt; &amp; &quot;co&quot;: 24\.0 GiB/);
    assert.match(svg, /<line [^>]*class="capacity"/);
    // It scales down to the panel and is never drawn wider than its view box.
    assert.match(svg, /viewBox="0 0 680 \d+" width="100%" style="max-width: 680px; height: auto"/);
    assert.ok(!/https?:|<script|href=/.test(svg), 'no remote resources, scripts or links');
  });

  it('keeps every label inside its view box: the title, the legend, a GPU line at either edge', async () => {
    const { memoryChartSvg } = await import('../../src/core/chart');
    const est = onlyConfig(llama()).estimate!;
    const GiB = 1024 ** 3;
    const targets = [
      { name: 'RTX 4090', bytes: 24564 * 1024 * 1024 },
      { name: 'A very long custom GPU name, Lab cluster node 7', bytes: 0.5 * GiB },
      { name: 'A very long custom GPU name, Lab cluster node 7', bytes: 4000 * GiB },
      undefined,
    ];
    for (const gpu of targets) {
      const svg = memoryChartSvg('meta-llama/Llama-2-7b-chat-hf, a name long enough to be cut where it would leave the chart', est, gpu);
      const width = Number(/viewBox="0 0 (\d+) /.exec(svg)![1]);
      const texts = [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)];
      assert.ok(texts.length >= 10, `${texts.length} labels`);
      for (const [, attributes, label] of texts) {
        const x = Number(/x="([\d.]+)"/.exec(attributes)![1]);
        const charPx = attributes.includes('class="label"') ? 7.5 : 6.5;
        const w = label.replace(/&\w+;/g, '_').length * charPx;
        const [l, r] = attributes.includes('text-anchor="middle"') ? [x - w / 2, x + w / 2] : [x, x + w];
        assert.ok(l >= 0 && r <= width, `"${label}" spans ${l.toFixed(0)}–${r.toFixed(0)} of ${width}`);
      }
    }
  });
});
