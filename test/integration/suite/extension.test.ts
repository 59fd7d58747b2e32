import * as assert from 'assert';
import * as vscode from 'vscode';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../../src/core/analyze';
import { lensTitle } from '../../../src/core/explain';
import { findGpu } from '../../../src/core/gpus';
import { parseConfig } from '../../../src/parse';
import { EXTENSION_ID, sleep, SOURCE, waitFor } from './workbench';


function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixture(name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

async function lenses(doc: vscode.TextDocument, atLeast = 1): Promise<vscode.CodeLens[]> {
  return waitFor(
    async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [],
    l => l.length >= atLeast,
  );
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
    .join('\n');
}

/** Hover Markdown without its escapes (`per\\_device` → `per_device`), for matching what a reader sees. */
function plain(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

function positionOf(doc: vscode.TextDocument, text: string): vscode.Position {
  const offset = doc.getText().indexOf(text);
  assert.ok(offset >= 0, `${text} in ${doc.fileName}`);
  return doc.positionAt(offset + 2);
}

async function setTarget(gpu: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('vramLens').update('targetGpu', gpu, vscode.ConfigurationTarget.Global);
}

/** The quick fixes on a document's exceeds-gpu-inference diagnostic: all code actions there, and VRAM Lens's computed ones. */
async function inferenceFixes(doc: vscode.TextDocument): Promise<{ actions: vscode.CodeAction[]; ours: vscode.CodeAction[] }> {
  await vscode.window.showTextDocument(doc);
  const diag = (await waitFor(
    () => vscode.languages.getDiagnostics(doc.uri).filter(d => d.source === SOURCE),
    d => d.some(x => x.code === 'exceeds-gpu-inference'),
  )).find(d => d.code === 'exceeds-gpu-inference')!;
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range);
  return { actions, ours: actions.filter(a => a.title.includes('GiB of')) };
}

interface VramLensApi {
  statusBarText(): string;
}

describe('VRAM Lens in a real VS Code', () => {
  let config: vscode.TextDocument;
  let api: VramLensApi;

  before(async () => {
    config = await open('config.json');
    assert.strictEqual(config.languageId, 'json');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = (await ext.activate()) as VramLensApi;
    assert.ok(ext.isActive);
  });

  after(async () => {
    await setTarget(undefined);
  });

  it('shows a CodeLens above the model config with both estimates and the verdict for the target GPU', async () => {
    const found = await lenses(config);
    assert.strictEqual(found.length, 1);
    const lens = found[0];
    assert.strictEqual(lens.range.start.line, 0);
    // The same engine, run here on the same text with the default settings, must give the same title.
    const analysis = analyzeDocument(parseConfig(config.getText(), 'json'), DEFAULT_OPTIONS);
    const expected = lensTitle(analysis.configs[0], DEFAULT_OPTIONS, findGpu('RTX 4090'));
    assert.strictEqual(lens.command?.title, expected);
    assert.match(expected, /^VRAM ≈ 16\.\d GiB inference · \d+ GiB training \(b1 · 4k\) — ✓ fits RTX 4090 \(inference\) · ✗ training$/);
    assert.strictEqual(lens.command?.command, 'vramLens.estimate');
  });

  it('explains a hyperparameter on hover: share of parameters, doubling, the breakdown, ending with the peak and verdict', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider', config.uri, positionOf(config, '"num_hidden_layers"'));
    const text = hoverText(hovers);
    assert.match(text, /\*\*num\\_hidden\\_layers\*\* = `32` — Number of layers/);
    assert.match(text, /- Sizes \*\*6\.48B\*\* of the 6\.74B parameters \(96 %\)/);
    assert.match(text, /- Doubling it: inference ×1\.\d\d/);
    assert.match(text, /- Inference: weights 12\.6 GiB · KV cache /);
    assert.match(text, /- Training: weights 25\.1 GiB · gradients \+ optimizer /);
    const ours = hoverText(hovers.filter(h => hoverText([h]).includes('Number of layers')));
    assert.match(ours.trimEnd().split('\n').at(-1) ?? '', /^\*\*Peak 16\.\d GiB inference ✓ · \d+ GiB training ✗\*\* on the RTX 4090/);
  });

  it('gives no hover on keys VRAM Lens does not use', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider', config.uri, positionOf(config, '"bos_token_id"'));
    assert.ok(!hoverText(hovers).includes('VRAM'), 'no VRAM Lens hover on bos_token_id');
  });

  it('warns when the config does not fit a small target GPU, with the numbers, and clears when it fits', async () => {
    await setTarget('RTX 3060');
    const diags = await waitFor(
      () => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE),
      d => d.some(x => x.code === 'exceeds-gpu-inference'),
    );
    // A bare model config is judged in both modes: inference a warning, training information beside it.
    assert.deepStrictEqual(diags.map(x => x.code), ['exceeds-gpu-inference', 'exceeds-gpu-training']);
    const d = diags[0];
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(diags[1].severity, vscode.DiagnosticSeverity.Information);
    assert.match(d.message, /^Inference needs ≈ 16\.\d GiB, more than the RTX 3060 12GB's 12\.0 GiB: weights 12\.6 GiB, KV cache 2\.00 GiB/);
    assert.strictEqual(config.getText(d.range).startsWith('"hidden_size"'), true);

    const title = await waitFor(async () => (await lenses(config))[0].command?.title ?? '', t => t.includes('3060'));
    assert.match(title, /✗ does not fit RTX 3060 12GB$/);

    await setTarget('H100');
    const afterFix = await waitFor(
      () => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE),
      d => d.length === 0 || d[0].code === 'exceeds-gpu-training',
    );
    assert.ok(afterFix.every(x => x.code === 'exceeds-gpu-training'), 'inference fits an H100');
  });

  it('reports an invalid value as an error on its key, and shows no number for it', async () => {
    const broken = await open('broken.json');
    const diags = await waitFor(
      () => vscode.languages.getDiagnostics(broken.uri).filter(d => d.source === SOURCE),
      d => d.length > 0,
    );
    assert.strictEqual(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(diags[0].code, 'invalid-value');
    assert.match(diags[0].message, /hidden_size must be a whole number/);
    const found = await lenses(broken);
    assert.match(found[0].command?.title ?? '', /^VRAM Lens: no estimate — hidden_size must be/);
  });

  it('leaves JSON that is not a model config alone', async () => {
    const pkg = await open('package.json');
    await sleep(500);
    // Other extensions may add their own lenses (the npm extension's "Debug" above scripts): count ours only.
    const found = ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', pkg.uri)) ?? [])
      .filter(l => l.command?.command === 'vramLens.estimate');
    assert.deepStrictEqual(found.map(l => l.command?.title), []);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(pkg.uri).filter(d => d.source === SOURCE), []);
  });

  it('"Estimate VRAM" opens a report view with the parameter count and assumptions', async () => {
    await vscode.window.showTextDocument(config);
    const md = await vscode.commands.executeCommand<string>('vramLens.estimate');
    assert.ok(md, 'the command returned the report');
    assert.match(md, /Parameters: \*\*6,738,415,616\*\*/);
    assert.match(md, /### Assumptions/);
    const tabs = await waitFor(
      () => vscode.window.tabGroups.all.flatMap(g => g.tabs).filter(t => t.input instanceof vscode.TabInputWebview),
      t => t.length > 0,
    );
    assert.ok(tabs.some(t => t.label === 'VRAM: config.json'), `tabs: ${tabs.map(t => t.label).join(', ')}`);
  });

  it('recomputes as the user types', async () => {
    const seed = await open('seed-production.json');
    const before = (await lenses(seed))[0].command?.title ?? '';
    const editor = await vscode.window.showTextDocument(seed);
    const range = seed.getWordRangeAtPosition(positionOf(seed, '"n_layers": 6').translate(0, 11))!;
    await editor.edit(e => e.replace(range, '60'));
    const after = await waitFor(async () => (await lenses(seed))[0].command?.title ?? '', t => t !== before);
    assert.notStrictEqual(after, before);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('training that does not fit is information in "both" mode, a warning in "training" mode', async () => {
    await setTarget(undefined);
    const info = await waitFor(
      () => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE),
      d => d.length === 1 && d[0].code === 'exceeds-gpu-training' && d[0].message.includes('RTX 4090'),
    );
    assert.strictEqual(info[0].severity, vscode.DiagnosticSeverity.Information);
    assert.match(info[0].message, /^Training needs ≈ \d+ GiB, more than the RTX 4090's 24\.0 GiB: weights 25\.1 GiB, gradients 25\.1 GiB, optimizer states 50\.2 GiB/);
    await vscode.workspace.getConfiguration('vramLens').update('mode', 'training', vscode.ConfigurationTarget.Global);
    try {
      const warning = await waitFor(
        () => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE),
        d => d.length === 1 && d[0].severity === vscode.DiagnosticSeverity.Warning,
      );
      assert.strictEqual(warning[0].code, 'exceeds-gpu-training');
      const lens = await waitFor(async () => (await lenses(config))[0].command?.title ?? '', t => !t.includes('inference'));
      assert.match(lens, /^VRAM ≈ \d+ GiB training \(b\d+ · [\d,k²]+\) — ✗ does not fit RTX 4090$/);
    } finally {
      await vscode.workspace.getConfiguration('vramLens').update('mode', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('reads a LitGPT YAML: the model named by checkpoint_dir, the run from the file', async () => {
    const yaml = await open('lora.yaml');
    assert.strictEqual(yaml.languageId, 'yaml');
    const found = await lenses(yaml);
    assert.strictEqual(found.length, 1);
    assert.match(found[0].command?.title ?? '', /^VRAM ≈ [\d.]+ GiB training \(b\d+ · [\d,k²]+\) — /);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', yaml.uri, positionOf(yaml, 'checkpoint_dir:'));
    assert.match(hoverText(hovers), /names \*\*meta\\-llama\/Llama\\-2\\-7b\\-hf\*\*: its architecture comes from VRAM Lens' built-in catalog/);
    const setting = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', yaml.uri, positionOf(yaml, 'micro_batch_size:'));
    assert.match(hoverText(setting), /sets the micro\\-batch size/);
  });

  it('reads a nanoGPT Python config without running it', async () => {
    const py = await open('train_char.py');
    assert.strictEqual(py.languageId, 'python');
    const found = await lenses(py);
    assert.strictEqual(found.length, 1);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', py.uri, positionOf(py, 'n_layer = 6'));
    assert.match(hoverText(hovers), /Number of layers/);
  });

  it('reads a torchtitan TOML: [model] name and flavor name the model', async () => {
    const toml = await open('llama3_8b.toml');
    const found = await lenses(toml);
    assert.strictEqual(found.length, 1);
    assert.match(found[0].command?.title ?? '', /^VRAM ≈ [\d.]+ GiB training \(b\d+ · [\d,k²]+\) — /);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', toml.uri, positionOf(toml, 'flavor'));
    assert.match(hoverText(hovers), /names \*\*meta\\-llama\/Meta\\-Llama\\-3\\-8B\*\*/);
  });

  it("reads a torchtitan job's context parallelism and per-op checkpointing: a lens, and hovers that say what each key set", async () => {
    const toml = await open('llama3_8b_cp.toml');
    const found = await lenses(toml);
    assert.strictEqual(found.length, 1);
    const cp = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', toml.uri, positionOf(toml, 'context_parallel_degree'));
    assert.match(hoverText(cp), /context parallel/);
    const sac = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', toml.uri, positionOf(toml, 'selective_ac_option'));
    assert.match(hoverText(sac), /selective checkpointing per op/);
  });

  it("reads a NeMo training config: the lens on its model section, hovers on the run's keys, the tokenizer's vocabulary said on its key", async () => {
    const yaml = await open('nemo_llama3_8b.yaml');
    const found = await lenses(yaml);
    assert.strictEqual(found.length, 1);
    assert.strictEqual(yaml.lineAt(found[0].range.start.line).text, 'model:');
    assert.match(found[0].command?.title ?? '', /^VRAM ≈ [\d.]+ GiB training \(b\d+ · [\d,k²]+\) — /);
    const cp = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', yaml.uri, positionOf(yaml, 'context_parallel_size'));
    assert.match(hoverText(cp), /context parallel/);
    const diagnostics = await waitFor(() => vscode.languages.getDiagnostics(yaml.uri).filter(d => d.source === SOURCE), d => d.some(x => /NeMo takes the vocabulary from the tokenizer/.test(x.message)));
    const vocab = diagnostics.find(x => /NeMo takes the vocabulary from the tokenizer/.test(x.message))!;
    assert.match(yaml.lineAt(vocab.range.start.line).text, /type: meta-llama\/Meta-Llama-3-8B/);
  });

  it("reads a launch script: the lens on torchrun's line, from the job file it names, with its command-line overrides", async () => {
    const sh = await open('run_train.sh');
    assert.strictEqual(sh.languageId, 'shellscript');
    const found = await lenses(sh);
    assert.strictEqual(found.length, 1);
    assert.strictEqual(found[0].range.start.line, 4);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', sh.uri, positionOf(sh, 'training.batch_size'));
    assert.match(hoverText(hovers), /\*\*training\\.batch\\_size\*\* sets the micro\\-batch size/);
  });

  it('reads accelerate launching a training script: the lens on the launch, from the script, the accelerate config and the arguments', async () => {
    const sh = await open('launch_sft.sh');
    const found = await lenses(sh);
    assert.strictEqual(found.length, 1);
    assert.strictEqual(found[0].range.start.line, 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', sh.uri, positionOf(sh, 'per_device_train_batch_size'));
    assert.match(hoverText(hovers), /per\\_device\\_train\\_batch\\_size\*\* sets the micro\\-batch size/);
    // FSDP over 8 GPUs with 4 accumulation steps keeps the whole model's gradients on each (no_sync): it does not fit an
    // RTX 4090 until accelerate's sync_each_batch, written beside the launch's own flag, reduces them every micro-batch.
    // The accelerate config and the script are read in the background: until they are, the launch is one GPU's run.
    await setTarget('RTX 4090');
    const actions = await waitFor(async () => {
      const diag = vscode.languages.getDiagnostics(sh.uri).find(d => d.source === SOURCE && d.code === 'exceeds-gpu-training');
      return diag ? await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', sh.uri, diag.range) : [];
    }, found => found.some(a => a.title.startsWith('Reduce gradients after every micro-batch')));
    const sync = actions.find(a => a.title.startsWith('Reduce gradients after every micro-batch'));
    assert.ok(sync?.edit && sync.isPreferred, actions.map(a => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(sync.edit));
    assert.match(sh.getText(), / --accelerator_config '\{"gradient_accumulation_kwargs":\{"sync_each_batch":true\}\}' --gradient_accumulation_steps 4 /);
    await waitFor(() => vscode.languages.getDiagnostics(sh.uri).filter(d => d.source === SOURCE && d.code === 'exceeds-gpu-training'), d => d.length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await setTarget(undefined);
  });

  it('a vLLM command line: the KV pool on its lens, a hover on its flag, a refusal with fixes that start', async () => {
    await setTarget('L4');
    const sh = await open('serve_vllm.sh');
    const found = await waitFor(() => lenses(sh), l => /does not start on L4/.test(l[0]?.command?.title ?? ''));
    assert.match(found[0].command!.title, /^vLLM: KV pool [\d,]+ tokens · [\d.]+× at 131,072 · ✗ does not start on L4$/);
    assert.strictEqual(found[0].range.start.line, 2);
    // The status bar gives the engine's verdict, not a transformers estimate of the same model.
    assert.strictEqual(await waitFor(() => api.statusBarText(), t => t.includes('L4 · vLLM')), '$(chip) L4 · vLLM ✗ does not start');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', sh.uri, positionOf(sh, '--max-model-len'));
    assert.match(plain(hoverText(hovers)), /The longest request/);
    const diag = (await waitFor(
      () => vscode.languages.getDiagnostics(sh.uri).filter(d => d.source === SOURCE && d.code === 'serving-does-not-start'),
      d => d.length > 0,
    ))[0];
    assert.match(diag.message, /To serve at least one request with the models's max seq len \(131072\)/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', sh.uri, diag.range);
    const shorter = actions.find(a => a.title.startsWith('Set max_model_len to'));
    assert.ok(shorter?.edit, actions.map(a => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(shorter.edit));
    const after = await waitFor(
      () => vscode.languages.getDiagnostics(sh.uri).filter(d => d.source === SOURCE && d.code === 'serving-does-not-start'),
      d => d.length === 0,
    );
    assert.deepStrictEqual(after, []);
    assert.match(await waitFor(() => api.statusBarText(), t => t.includes('✓')), /^\$\(chip\) L4 · vLLM ✓ [\d.]+× at [\d,]+$/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await setTarget(undefined);
  });

  it('an Ollama Modelfile: the lens on FROM with what the GPU holds', async () => {
    const modelfile = await open('ollama/Modelfile');
    const found = await lenses(modelfile);
    assert.strictEqual(found[0].range.start.line, 0);
    assert.match(found[0].command!.title, /^Ollama Q4_K_M: [\d.]+ GiB on GPU \(all layers, 32,768 context\) \+ [\d.]+ MiB host · ✓ loads on RTX 4090$/);
  });

  it('offers quick fixes computed to fit, and applying one removes the diagnostic', async () => {
    await setTarget('RTX 3060');
    const { actions, ours } = await inferenceFixes(config);
    assert.ok(ours.length >= 1, actions.map(a => a.title).join(' | '));
    const target = ours.find(a => a.title.startsWith('Inference: Switch the target GPU to the RTX 3090'));
    assert.ok(target, ours.map(a => a.title).join(' | '));
    await vscode.commands.executeCommand(target.command!.command, ...(target.command!.arguments ?? []));
    assert.strictEqual(vscode.workspace.getConfiguration('vramLens').get('targetGpu'), 'RTX 3090');
    const after = await waitFor(
      () => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE && d.code === 'exceeds-gpu-inference'),
      d => d.length === 0,
    );
    assert.deepStrictEqual(after, []);
    await setTarget(undefined);
  });

  it('inference that does not fit is offered quantized weights first, and 4-bit weights clear the diagnostic', async () => {
    await setTarget('RTX 3060');
    const { ours } = await inferenceFixes(config);
    // A model config is judged in both modes: each fix names the mode it is for.
    assert.match(ours[0].title, /^Inference: Load the weights in 8-bit/, ours.map(a => a.title).join(' | '));
    const fourBit = ours.find(a => a.title.startsWith('Inference: Load the weights in 4-bit'));
    assert.ok(fourBit?.command, ours.map(a => a.title).join(' | '));
    await vscode.commands.executeCommand(fourBit.command.command, ...(fourBit.command.arguments ?? []));
    // Written in the workspace folder's settings (nothing set it before), not in the user's.
    const written = vscode.workspace.getConfiguration('vramLens', config.uri).inspect('quantization');
    assert.deepStrictEqual([written?.workspaceFolderValue ?? written?.workspaceValue, written?.globalValue], ['nf4', undefined]);
    const after = await waitFor(
      () => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE && d.code === 'exceeds-gpu-inference'),
      d => d.length === 0,
    );
    assert.deepStrictEqual(after, []);
    // The status bar marks the changed assumption; one revert puts it back, and the diagnostic returns.
    assert.match(await waitFor(() => api.statusBarText(), t => t.includes('quantization')), / · \$\(settings-edit\) quantization: nf4$/);
    await vscode.commands.executeCommand('vramLens.revertAssumption');
    const reverted = vscode.workspace.getConfiguration('vramLens', config.uri).inspect('quantization');
    assert.deepStrictEqual([reverted?.workspaceFolderValue, reverted?.workspaceValue, reverted?.globalValue], [undefined, undefined, undefined]);
    assert.doesNotMatch(await waitFor(() => api.statusBarText(), t => !t.includes('quantization')), /settings-edit/);
    await waitFor(
      () => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE && d.code === 'exceeds-gpu-inference'),
      d => d.length === 1,
    );
    await setTarget(undefined);
  });

  it('a YAML quick fix edits the file in YAML, as one edit', async () => {
    const yaml = await open('lora.yaml');
    await setTarget('T4');
    const diag = (await waitFor(
      () => vscode.languages.getDiagnostics(yaml.uri).filter(d => d.source === SOURCE),
      d => d.some(x => x.code === 'exceeds-gpu-inference' || x.code === 'exceeds-gpu-training'),
    ))[0];
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', yaml.uri, diag.range);
    const edit = actions.find(a => a.edit && a.title.includes('GiB of'));
    if (edit) {
      assert.ok(await vscode.workspace.applyEdit(edit.edit!));
      assert.match(yaml.getText(), /micro_batch_size: \d+|precision: bf16-true|max_seq_length: \d+/);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } else {
      // The T4 is too small for any change the file can make: only setting fixes are offered.
      assert.ok(actions.some(a => a.title.startsWith('Switch the target GPU')), actions.map(a => a.title).join(' | '));
    }
    await setTarget(undefined);
  });

  it('the status bar shows the target GPU and the active config\'s peak', async () => {
    await vscode.window.showTextDocument(config);
    const text = await waitFor(() => api.statusBarText(), t => t.includes('RTX 4090'));
    assert.match(text, /^\$\(chip\) RTX 4090 · inference 16\.\d\/24\.0 GiB · training \d+ GiB ✗$/);
  });

  it('a GPU listed in the workspace\'s vram-lens.gpus.json can be the target', async () => {
    await vscode.window.showTextDocument(config);
    await setTarget('Lab A6000');
    const text = await waitFor(() => api.statusBarText(), t => t.includes('Lab A6000'));
    assert.match(text, /^\$\(chip\) Lab A6000 · inference 16\.\d\/4[78]\.\d GiB/);
    await setTarget(undefined);
  });

  it('a GPU list file is validated against the bundled schema (contributes.jsonValidation)', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const bad = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'broken.vram-lens.gpus.json'));
    await vscode.window.showTextDocument(bad);
    const problems = await waitFor(
      () => vscode.languages.getDiagnostics(bad.uri),
      d => d.length > 0,
      20000,
    );
    const text = bad.getText();
    assert.ok(problems.some(d => text.slice(bad.offsetAt(d.range.start), bad.offsetAt(d.range.end)).includes('lots')), problems.map(d => d.message).join('; '));
  });

  it('"Select Target GPU" lists the GPUs with the current target preselected; accepting one sets the target', async () => {
    await vscode.window.showTextDocument(config);
    const picked = vscode.commands.executeCommand<string | undefined>('vramLens.selectTargetGpu');
    await sleep(800);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const name = await picked;
    assert.strictEqual(name, 'RTX 4090', 'the current target is preselected');
    assert.strictEqual(vscode.workspace.getConfiguration('vramLens').get('targetGpu'), name);
    await setTarget(undefined);
  });

  it('"Compare GPUs" and "What Fits on My GPU?" open reports; the report copies as Markdown', async () => {
    await vscode.window.showTextDocument(config);
    const compare = await vscode.commands.executeCommand<string>('vramLens.compareGpus');
    assert.match(compare, /\| H100 80GB \| 79\.6 GiB \|/);
    await vscode.window.showTextDocument(config);
    const fits = await vscode.commands.executeCommand<string>('vramLens.whatFits');
    assert.match(fits, /^# What fits on the RTX 4090/);
    assert.match(fits, /up to \*\*\d+\*\* layers for inference/);
    const copied = await vscode.commands.executeCommand<string>('vramLens.copyReport');
    assert.strictEqual(copied, fits);
    assert.strictEqual(await vscode.env.clipboard.readText(), fits);
  });

  it('the fine-tuning setting (QLoRA) changes the training estimate of a config that does not say', async () => {
    const before = (await lenses(config))[0].command?.title ?? '';
    await vscode.workspace.getConfiguration('vramLens').update('fineTuning', 'qlora', vscode.ConfigurationTarget.Global);
    try {
      const after = await waitFor(async () => (await lenses(config))[0].command?.title ?? '', t => t !== before);
      const training = (t: string) => Number(/· ([\d.]+) GiB training/.exec(t)?.[1]);
      assert.ok(training(after) < training(before) / 3, `${before} → ${after}`);
    } finally {
      await vscode.workspace.getConfiguration('vramLens').update('fineTuning', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('CodeLens and diagnostics can each be turned off', async () => {
    const c = vscode.workspace.getConfiguration('vramLens');
    await c.update('codeLens.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const none = await waitFor(
        async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', config.uri)) ?? [],
        l => l.length === 0,
      );
      assert.deepStrictEqual(none, []);
    } finally {
      await c.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await c.update('diagnostics.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const none = await waitFor(() => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE), d => d.length === 0);
      assert.deepStrictEqual(none, []);
    } finally {
      await c.update('diagnostics.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a file of 250 configs gets 100 lenses and one that says how many more there are', async () => {
    const many = await open('many-configs.py');
    const ours = (await lenses(many, 101)).filter(l => /^VRAM/.test(l.command?.title ?? ''));
    assert.strictEqual(ours.length, 101);
    assert.match(ours[100].command?.title ?? '', /^VRAM Lens: 150 more model configs in this file are not estimated: VRAM Lens estimates the first 100 of a file\.$/);
  });

  it('a key set twice: the last value is estimated, and the earlier one gets a warning on its line', async () => {
    const dup = await open('duplicate.json');
    const diags = await waitFor(
      () => vscode.languages.getDiagnostics(dup.uri).filter(d => d.source === SOURCE && d.code === 'duplicate-key'),
      d => d.length > 0,
    );
    assert.strictEqual(diags[0].severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(diags[0].range.start.line, 3);
    assert.match(diags[0].message, /the last value \(80\) is the one Python, json\.loads, PyYAML and transformers read/);
    // The 80-layer model: 30.6 GiB of bf16 weights, not the 12.6 GiB of the 32-layer one.
    assert.match((await lenses(dup))[0].command?.title ?? '', /^VRAM ≈ 3\d\.\d GiB inference/);
  });

  it('an HF Trainer QLoRA script: the lens sits on from_pretrained and estimates QLoRA, not full fine-tuning', async () => {
    const py = await open('train_qlora.py');
    const [lens] = await lenses(py);
    assert.strictEqual(lens.range.start.line, positionOf(py, 'AutoModelForCausalLM.from_pretrained').line);
    const training = /^VRAM ≈ ([\d.]+) GiB training/.exec(lens.command?.title ?? '');
    assert.ok(training && Number(training[1]) < 16, lens.command?.title);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', py.uri, positionOf(py, 'per_device_train_batch_size'));
    assert.match(plain(hoverText(hovers)), /\*\*TrainingArguments\(per_device_train_batch_size\)\*\* sets the micro-batch size/);
  });

  it('a recipe whose base model is a folder beside it: that folder\'s config.json is read, ahead of any catalog', async () => {
    const yaml = await open('recipes/local-base.yml');
    const text = await waitFor(
      async () => plain(hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', yaml.uri, positionOf(yaml, 'base_model:')))),
      t => /read from \.\.\/models\/tiny-local\/config\.json/.test(t),
    );
    assert.match(text, /read from \.\.\/models\/tiny-local\/config\.json/);
    assert.match(text, /124,439,808/);
  });

  it("a diffusers pipeline's model_index.json: its components' configs beside it are read and summed into one lens", async () => {
    const index = await open('models/sd15-pipeline/model_index.json');
    const [lens] = await waitFor(() => lenses(index), l => /^VRAM ≈/.test(l[0]?.command?.title ?? ''));
    assert.match(lens.command?.title ?? '', /^VRAM ≈ [\d.]+ GiB inference/);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(index.uri).filter(d => d.severity === vscode.DiagnosticSeverity.Error).map(d => d.message), []);
  });

  it('a model name nothing resolves: an Information diagnostic and a lens with the ways out; vramLens.models resolves it', async () => {
    const yaml = await open('unknown-model.yml');
    const [diag] = await waitFor(() => vscode.languages.getDiagnostics(yaml.uri).filter(d => d.source === SOURCE && d.code === 'unknown-model'), d => d.length > 0);
    assert.strictEqual(diag.severity, vscode.DiagnosticSeverity.Information);
    assert.match(diag.message, /Unknown model "acme\/secret-support-13b": point to its config\.json, enable Hub lookup, or add it to vramLens\.models\./);
    const [lens] = await lenses(yaml);
    assert.match(lens.command?.title ?? '', /unknown model acme\/secret-support-13b — point to its config\.json, enable Hub lookup, or add it to vramLens\.models/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', yaml.uri, diag.range);
    const ways = ['Point to its config.json…', 'Enable Hub lookup', 'Add it to vramLens.models…'];
    assert.deepStrictEqual(actions.filter(a => ways.includes(a.title)).map(a => a.title), ways);
    await vscode.commands.executeCommand('vramLens.mapModel', yaml.uri, 'acme/secret-support-13b', 'meta-llama/Llama-2-13b-hf');
    try {
      const resolved = await waitFor(() => lenses(yaml), l => /^VRAM ≈/.test(l[0]?.command?.title ?? ''));
      assert.match(resolved[0].command?.title ?? '', /^VRAM ≈ [\d.]+ GiB training \(b\d+ · [\d,k²]+\) — /);
      assert.deepStrictEqual(vscode.languages.getDiagnostics(yaml.uri).filter(d => d.code === 'unknown-model'), []);
    } finally {
      const c = vscode.workspace.getConfiguration('vramLens', yaml.uri);
      await c.update('models', undefined, vscode.workspace.getWorkspaceFolder(yaml.uri) ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global);
    }
  });

  it('a notebook: its code cells are read together, the lens sits in the cell that loads the model, run keys in other cells have hovers', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(fixture('finetune.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const [idCell, loadCell, argsCell] = notebook.getCells().filter(c => c.kind === vscode.NotebookCellKind.Code).map(c => c.document);
    const found = await lenses(loadCell);
    assert.strictEqual(found.length, 1);
    assert.strictEqual(found[0].range.start.line, positionOf(loadCell, 'FastLanguageModel.from_pretrained').line);
    assert.match(found[0].command?.title ?? '', /^VRAM ≈ [\d.]+ GiB training \(b\d+ · [\d,k²]+\) — /);
    const none = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', idCell.uri)) ?? [];
    assert.deepStrictEqual(none.filter(l => /VRAM/.test(l.command?.title ?? '')), []);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', argsCell.uri, positionOf(argsCell, 'per_device_train_batch_size'));
    assert.match(plain(hoverText(hovers)), /SFTConfig\(per_device_train_batch_size\)\*\* sets the micro-batch size of the VRAM estimate for Qwen\/Qwen2\.5-7B/);
  });

  it('a notebook quick fix edits the cell that holds its key: the trainer arguments for the batch, unsloth\'s switch for checkpointing', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(fixture('qlora_cells.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const [loadCell, peftCell, argsCell] = notebook.getCells().filter(c => c.kind === vscode.NotebookCellKind.Code).map(c => c.document);
    const peftText = peftCell.getText();
    await setTarget('GTX 1080');
    try {
      const diag = (await waitFor(
        () => vscode.languages.getDiagnostics(loadCell.uri).filter(d => d.source === SOURCE && d.code === 'exceeds-gpu-training'),
        d => d.length === 1,
      ))[0];
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', loadCell.uri, diag.range);
      const editsIn = (a: vscode.CodeAction) => a.edit?.entries()[0]?.[0].toString();
      const batch = actions.find(a => a.title.startsWith('Set the micro-batch to 1'));
      const checkpointing = actions.find(a => a.title.startsWith('Enable gradient checkpointing'));
      assert.ok(batch && checkpointing, actions.map(a => a.title).join(' | '));
      assert.strictEqual(editsIn(batch), argsCell.uri.toString());
      assert.strictEqual(editsIn(checkpointing), peftCell.uri.toString());
      // Applied as the editor applies a code action: its edit, then its command (the edited cell scrolled into view).
      assert.ok(await vscode.workspace.applyEdit(checkpointing.edit!));
      await vscode.commands.executeCommand(checkpointing.command!.command, ...(checkpointing.command!.arguments ?? []));
      assert.match(peftCell.getText(), /use_gradient_checkpointing = True, # set to True on out-of-memory/);
      assert.strictEqual(peftCell.getText().length, peftText.length - 1);
      await waitFor(() => vscode.languages.getDiagnostics(loadCell.uri).filter(d => d.source === SOURCE && d.code === 'exceeds-gpu-training'), d => d.length === 0);
      const after = await lenses(loadCell);
      assert.match(after[0].command?.title ?? '', /^VRAM ≈ 4\.38 GiB training \(b2 · 4k\) — ✓ fits GTX 1080/);
    } finally {
      const restore = new vscode.WorkspaceEdit();
      restore.replace(peftCell.uri, new vscode.Range(peftCell.positionAt(0), peftCell.positionAt(peftCell.getText().length)), peftText);
      await vscode.workspace.applyEdit(restore);
      await setTarget(undefined);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('Hub lookup when allowed: an unknown name is read from the Hub (a local stand-in in its URL layout); a gated one says so', async () => {
    const endpoint = new TextDecoder().decode(await vscode.workspace.fs.readFile(fixture('.hub-endpoint'))).trim();
    const yaml = await open('hub-model.yml');
    await waitFor(() => vscode.languages.getDiagnostics(yaml.uri).filter(d => d.code === 'unknown-model'), d => d.length > 0);
    const c = vscode.workspace.getConfiguration('vramLens');
    await c.update('hub.endpoint', endpoint, vscode.ConfigurationTarget.Global);
    await c.update('hub.enabled', true, vscode.ConfigurationTarget.Global);
    try {
      const resolved = await waitFor(() => lenses(yaml), l => /^VRAM ≈/.test(l[0]?.command?.title ?? ''));
      assert.match(resolved[0].command?.title ?? '', /^VRAM ≈ [\d.]+ GiB training \(b\d+ · [\d,k²]+\) — /);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', yaml.uri, positionOf(yaml, 'base_model:'));
      assert.match(plain(hoverText(hovers)), /read from the Hub: 127\.0\.0\.1:\d+\/acme\/llama-3\.2-3b-support-ft\/config\.json/);
      const gated = await open('hub-gated.yml');
      const [diag] = await waitFor(() => vscode.languages.getDiagnostics(gated.uri).filter(d => d.code === 'unknown-model' && /Hub lookup: /.test(d.message)), d => d.length > 0);
      assert.match(diag.message, /Hub lookup: acme\/gated-70b is gated on the Hub: accept its terms on its page, then set HF_TOKEN/);
    } finally {
      await c.update('hub.enabled', undefined, vscode.ConfigurationTarget.Global);
      await c.update('hub.endpoint', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('workbench screenshots: CodeLens, a hover with its breakdown, a quick fix, a YAML recipe, the report', async function () {
    this.timeout(90000);
    await setTarget(undefined);
    await vscode.workspace.getConfiguration('editor').update('hover.above', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    const editor = await vscode.window.showTextDocument(config);
    await lenses(config);
    console.log('__VRAM_LENS_SCREENSHOT__:codelens');
    await sleep(2500);
    const at = positionOf(config, '"num_hidden_layers"');
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1000);
    console.log('__VRAM_LENS_SCREENSHOT__:hover');
    await sleep(2500);
    await vscode.commands.executeCommand('editor.action.hideHover');
    await setTarget('RTX 3060');
    const diag = (await waitFor(
      () => vscode.languages.getDiagnostics(config.uri).filter(d => d.source === SOURCE && d.code === 'exceeds-gpu-inference'),
      d => d.length > 0,
    ))[0];
    editor.selection = new vscode.Selection(diag.range.start, diag.range.start);
    await sleep(500);
    await vscode.commands.executeCommand('editor.action.quickFix');
    await sleep(1500);
    console.log('__VRAM_LENS_SCREENSHOT__:quickfix');
    await sleep(2500);
    await vscode.commands.executeCommand('hideCodeActionWidget');
    await setTarget(undefined);
    const yaml = await open('lora.yaml');
    await lenses(yaml);
    const ref = positionOf(yaml, 'checkpoint_dir:');
    const yamlEditor = await vscode.window.showTextDocument(yaml);
    yamlEditor.selection = new vscode.Selection(ref, ref);
    yamlEditor.revealRange(new vscode.Range(ref, ref), vscode.TextEditorRevealType.AtTop);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1000);
    console.log('__VRAM_LENS_SCREENSHOT__:yaml');
    await sleep(2500);
    await vscode.commands.executeCommand('editor.action.hideHover');
    // Two more hovers the runners check for fit (no screenshot): a serving flag's and a run setting's, each on a GPU it
    // fits (a diagnostic on the line would share the hover box and bring its own message).
    for (const [file, text, name, gpu] of [['serve_vllm.sh', '--max-model-len', 'check-serving-hover', 'H100 80GB'], ['lora.yaml', 'micro_batch_size:', 'check-setting-hover', undefined], ['config.json', '"hidden_size"', 'check-diagnosed-key-hover', 'RTX 3060']] as const) {
      await setTarget(gpu);
      const doc = await open(file);
      await lenses(doc);
      const at = positionOf(doc, text);
      const shown = await vscode.window.showTextDocument(doc);
      shown.selection = new vscode.Selection(at, at);
      shown.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.AtTop);
      await vscode.commands.executeCommand('editor.action.showHover');
      await sleep(1000);
      console.log(`__VRAM_LENS_SCREENSHOT__:${name}`);
      await sleep(2500);
      await vscode.commands.executeCommand('editor.action.hideHover');
    }
    await setTarget(undefined);
    await vscode.workspace.getConfiguration('editor').update('hover.above', undefined, vscode.ConfigurationTarget.Global);
    // The report, left open: the runner checks that the webview renders its chart and tables, and shoots it.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vramLens.estimate', config.uri);
    await sleep(1500);
    console.log('__VRAM_LENS_SCREENSHOT__:report');
    await sleep(4000);
  });
});
