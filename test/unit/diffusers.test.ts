// diffusers' convolutional models and SD3's MMDiT: exact parameter counts from their config.json, and how the image size and guidance move memory.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import { fixesFor } from '../../src/core/fixes';
import { gpuMemoryBytes } from '../../src/core/gpus';
import { parseConfig } from '../../src/parse';
import { onlyConfig, ROOT } from './helpers';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'diffusers');
const read = (file: string) => fs.readFileSync(path.join(FIXTURES, file), 'utf8');

describe('diffusers components: exact parameters from config.json', () => {
  const cases: [string, string, number][] = [
    ['stable-diffusion-v1-5.unet.config.json', 'Stable Diffusion UNet (UNet2DConditionModel)', 859_520_964],
    ['stable-diffusion-2-1.unet.config.json', 'Stable Diffusion UNet (UNet2DConditionModel)', 865_910_724],
    ['stable-diffusion-xl-base-1.0.unet.config.json', 'Stable Diffusion UNet (UNet2DConditionModel)', 2_567_463_684],
    ['stable-diffusion-v1-5.vae.config.json', 'VAE (AutoencoderKL)', 83_653_863],
    ['flux.1-dev.vae.config.json', 'VAE (AutoencoderKL)', 83_819_683],
    ['stable-diffusion-3-medium.transformer.config.json', 'SD3 (MMDiT)', 2_028_328_000],
    ['stable-diffusion-3.5-large.transformer.config.json', 'SD3 (MMDiT)', 8_056_627_520],
    ['stable-diffusion-3.5-medium.transformer.config.json', 'SD3 (MMDiT)', 2_243_171_520],
  ];
  for (const [file, family, total] of cases) {
    it(`${file}: ${family}, ${total.toLocaleString('en-US')} parameters`, () => {
      const a = onlyConfig(read(file));
      assert.deepStrictEqual(a.problems.map(p => p.message), []);
      assert.strictEqual(a.spec!.family, family);
      assert.strictEqual(a.estimate!.parameters.total, total);
      assert.strictEqual(a.estimate!.inference.components.kvCache, 0);
    });
  }

  it("SD3's persistent position grid is in the weights, not in the parameters", () => {
    const a = onlyConfig(read('stable-diffusion-3.5-medium.transformer.config.json'), { precision: 'bf16-true' });
    assert.strictEqual(a.estimate!.inference.components.weights, 2 * (2_243_171_520 + 384 * 384 * 1536));
  });

  it('a UNet defaults to its sample_size × 8 with guidance; a VAE to its sample_size without', () => {
    const sd = onlyConfig(read('stable-diffusion-v1-5.unet.config.json')).estimate!.settings;
    assert.deepStrictEqual([sd.imageSide, sd.guidance, sd.sequenceLength], [512, true, 64 * 64]);
    const xl = onlyConfig(read('stable-diffusion-xl-base-1.0.unet.config.json')).estimate!.settings;
    assert.deepStrictEqual([xl.imageSide, xl.guidance], [1024, true]);
    const vae = onlyConfig(read('flux.1-dev.vae.config.json')).estimate!.settings;
    assert.deepStrictEqual([vae.imageSide, vae.guidance], [1024, false]);
    const sd3 = onlyConfig(read('stable-diffusion-3-medium.transformer.config.json')).estimate!.settings;
    assert.deepStrictEqual([sd3.imageSide, sd3.guidance, sd3.sequenceLength], [1024, true, 64 * 64 + 77 + 256]);
  });

  it("the image size moves a UNet's activations with its area; guidance doubles them; the weights stay", () => {
    const text = read('stable-diffusion-v1-5.unet.config.json');
    // Activations less cuBLAS's workspace, which does not grow with the image.
    const at = (options: object) => {
      const e = onlyConfig(text, options).estimate!;
      return { weights: e.inference.components.weights, activations: e.inference.components.activations - e.settings.blasWorkspaceBytes! };
    };
    const base = at({ guidance: false });
    const twice = at({ guidance: false, imageSide: 1024 });
    const guided = at({ guidance: true });
    assert.strictEqual(twice.weights, base.weights);
    assert.ok(Math.abs(twice.activations / base.activations - 4) < 0.05, `${twice.activations / base.activations}`);
    assert.strictEqual(guided.activations, 2 * base.activations);
  });

  it('guidance doubles a denoising step in inference, never a training step', () => {
    const text = read('stable-diffusion-v1-5.unet.config.json');
    const training = (guidance: boolean) => onlyConfig(text, { guidance }).estimate!.training.components.activations;
    assert.strictEqual(training(true), training(false));
    assert.match(onlyConfig(text).estimate!.assumptions.join('\n'), /classifier-free guidance runs each denoising step over the batch twice \(inference\)/);
  });

  it('gradient checkpointing keeps less of a UNet for backward', () => {
    const text = read('stable-diffusion-v1-5.unet.config.json');
    // In pure bf16: no autocast copies of the weights among the activations.
    const full = onlyConfig(text, { precision: 'bf16-true' }).estimate!.training.components.activations;
    const checkpointed = onlyConfig(text, { precision: 'bf16-true', checkpointing: 'full' }).estimate!.training.components.activations;
    assert.ok(checkpointed < full / 2, `${checkpointed} vs ${full}`);
  });

  it('eager attention adds the largest level\'s scores to a UNet step', () => {
    const text = read('stable-diffusion-v1-5.unet.config.json');
    const sdpa = onlyConfig(text, { guidance: false }).estimate!.inference.components.activations;
    const eager = onlyConfig(text, { guidance: false, attention: 'eager' }).estimate!.inference.components.activations;
    // 8 heads over the 64 × 64 latent's 4,096 positions: 8 × 4,096² bf16 scores.
    assert.strictEqual(eager - sdpa, 8 * 4096 * 4096 * 2);
  });

  it('the report names the image, not a sequence; the report says the activations are approximate', () => {
    const a = onlyConfig(read('stable-diffusion-xl-base-1.0.unet.config.json'));
    assert.ok(a.estimate!.assumptions[0].startsWith('UNet (approximate activations): 3 resolution levels of 320 / 640 / 1,280 channels'), a.estimate!.assumptions[0]);
    assert.ok(a.estimate!.assumptions.some(x => /images of 1,024 × 1,024 pixels .*classifier-free guidance runs each denoising step over the batch twice/.test(x)));
  });
});

describe("a diffusion model that does not fit is offered the largest image that does", () => {
  it("SDXL's UNet at 8,192 × 8,192 on an RTX 3060: the image-size setting, at the largest side that fits", () => {
    const text = read('stable-diffusion-xl-base-1.0.unet.config.json');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 3060 12GB', imageSide: 8192 };
    const doc = analyzeDocument(parseConfig(text, 'json'), options);
    const fix = fixesFor(doc.configs[0], options, doc.gpu!, 'inference', text).find(f => f.setting?.setting === 'imageSize');
    assert.ok(fix, 'an image-size fix');
    const side = fix.setting!.value as number;
    assert.ok(side >= 256 && side < 8192 && side % 64 === 0, `${side}`);
    assert.ok(fix.peakBytes <= gpuMemoryBytes(doc.gpu!));
    assert.match(fix.title, /^Set the image size to [\d,]+ × [\d,]+ \(the largest that fits the RTX 3060 12GB\)/);
  });
});

describe('diffusers configs VRAM Lens cannot count exactly are refused on the key', () => {
  const unet = JSON.parse(read('stable-diffusion-v1-5.unet.config.json')) as Record<string, unknown>;
  const problems = (config: object) => onlyConfig(JSON.stringify(config)).problems.map(p => p.message);

  it('class conditioning, an unknown block, a mismatched list', () => {
    assert.match(problems({ ...unet, num_class_embeds: 1000 }).join(), /`num_class_embeds` adds conditioning VRAM Lens does not count/);
    assert.match(problems({ ...unet, down_block_types: ['CrossAttnDownBlock2D', 'SimpleCrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'] }).join(), /`down_block_types` lists "SimpleCrossAttnDownBlock2D", a block VRAM Lens does not count/);
    assert.match(problems({ ...unet, attention_head_dim: [5, 10] }).join(), /`attention_head_dim` must be one whole number from 1 to 1,000,000, or a list of 4/);
    assert.match(problems({ ...unet, block_out_channels: [320, 'x'] }).join(), /`block_out_channels` must list 1 to 8 whole numbers/);
  });

  it('a block count no model has is refused quickly, not built', () => {
    const t0 = performance.now();
    const a = onlyConfig(JSON.stringify({ ...unet, transformer_layers_per_block: 99999999999 }));
    assert.match(a.problems.map(p => p.message).join(), /`transformer_layers_per_block` must be a whole number between 1 and 1,000 \(it is 99999999999\)/);
    // A thousand transformer blocks per level is counted, as tensors held many times, not built one by one.
    assert.ok(onlyConfig(JSON.stringify({ ...unet, transformer_layers_per_block: 1000 })).estimate!.parameters.total > 10 * 859_520_964);
    assert.ok(performance.now() - t0 < 500);
  });

  it('no estimate comes with a refusal', () => {
    assert.strictEqual(onlyConfig(JSON.stringify({ ...unet, addition_embed_type: 'image' })).estimate, undefined);
  });
});

describe('a diffusers pipeline folder: model_index.json sums its components', () => {
  async function report(file: string, ...args: string[]) {
    let out = '';
    const code = await main([file, '--json', ...args], s => (out += s + '\n'), () => undefined);
    return { code, config: JSON.parse(out).files[0].configs[0] };
  }
  const SDXL = path.join(FIXTURES, 'stable-diffusion-xl-base-1.0', 'model_index.json');
  const SD15 = path.join(FIXTURES, 'stable-diffusion-v1-5', 'model_index.json');
  const GIB = 2 ** 30;

  it('SDXL: the UNet, both CLIP text encoders (the second with its projection) and the VAE; the UNet is what trains', async () => {
    const { code, config } = await report(SDXL);
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(config.problems, []);
    assert.strictEqual(config.architecture, 'StableDiffusionXLPipeline (diffusers pipeline)');
    assert.strictEqual(config.parameters.total, 2_567_463_684 + 123_060_480 + 694_659_840 + 83_653_863);
    assert.strictEqual(config.parameters.trainable, 2_567_463_684);
    assert.match(config.assumptions[0], /^Pipeline StableDiffusionXLPipeline: text_encoder \(CLIPTextModel\) 123,060,480, text_encoder_2 \(CLIPTextModelWithProjection\) 694,659,840, unet \(UNet2DConditionModel\) 2,567,463,684, vae \(AutoencoderKL\) 83,653,863 parameters/);
    // Inference holds every component in bf16; training adds the frozen ones to the UNet's own run.
    assert.strictEqual(config.inference.components.weights, 2 * config.parameters.total);
    const unet = (await report(path.join(FIXTURES, 'stable-diffusion-xl-base-1.0', 'unet', 'config.json'))).config;
    assert.strictEqual(config.training.components.weights - unet.training.components.weights, 2 * (config.parameters.total - 2_567_463_684));
  });

  it("SDXL in fp16 decodes with its VAE upcast to fp32 (force_upcast), in bf16 it does not", async () => {
    const fp16 = (await report(SDXL, '--precision', '16-true')).config;
    const bf16 = (await report(SDXL, '--precision', 'bf16-true')).config;
    assert.strictEqual(fp16.inference.components.weights - bf16.inference.components.weights, 2 * 83_653_863);
    assert.match(fp16.assumptions[0], /the VAE is upcast to fp32 for its decode/);
    assert.doesNotMatch(bf16.assumptions[0], /upcast/);
  });

  it("the VAE's decode at 1024 × 1024 is the inference peak over a UNet step, and grows with the batch", async () => {
    const one = (await report(SDXL, '--mode', 'inference')).config.inference.components.activations;
    const four = (await report(SDXL, '--mode', 'inference', '--batch', '4')).config.inference.components.activations;
    assert.ok(one > 0.5 * GIB && one < 2 * GIB, `${one / GIB} GiB`);
    assert.ok(four > 3.5 * one, `${four / one}`);
  });

  it("SD 1.5 with its safety checker: a CLIP ViT-L/14 vision tower, its projection and concept embeddings", async () => {
    const { config } = await report(SD15);
    assert.deepStrictEqual(config.problems, []);
    assert.strictEqual(config.parameters.total, 859_520_964 + 83_653_863 + 123_060_480 + 303_179_776 + 1024 * 768 + 20 * 768 + 20);
    assert.match(config.assumptions[0], /safety_checker \(StableDiffusionSafetyChecker\) 303,981,588/);
  });

  it('a component whose config.json is missing, or one VRAM Lens does not count, stops the sum on its key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-pipeline-'));
    fs.writeFileSync(path.join(dir, 'model_index.json'), JSON.stringify({ _class_name: 'StableDiffusionPipeline', unet: ['diffusers', 'UNet2DConditionModel'], vae: ['diffusers', 'AutoencoderKL'], prior: ['diffusers', 'PriorTransformer'], scheduler: ['diffusers', 'PNDMScheduler'] }, null, 1));
    fs.mkdirSync(path.join(dir, 'unet'));
    fs.copyFileSync(path.join(FIXTURES, 'stable-diffusion-v1-5.unet.config.json'), path.join(dir, 'unet', 'config.json'));
    const { config } = await report(path.join(dir, 'model_index.json'));
    const messages = config.problems.map((p: { message: string }) => p.message);
    assert.ok(messages.includes('`vae/config.json` is not beside this model_index.json: the pipeline is summed from its components\' configs.'), messages.join('\n'));
    assert.ok(messages.includes('`prior` is a PriorTransformer, a component VRAM Lens does not count, so the pipeline cannot be summed.'), messages.join('\n'));
    assert.strictEqual(config.parameters, null);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('diffusion models by name: catalog pipelines and their parts', () => {
  const yaml = (text: string) => analyzeDocument(parseConfig(text, 'yaml'), DEFAULT_OPTIONS).configs[0];

  it("torchtune's flux_1_autoencoder builds FLUX.1's VAE: 83,819,683 parameters", () => {
    const a = yaml('model:\n  _component_: torchtune.models.flux.flux_1_autoencoder\n');
    assert.deepStrictEqual([a.config.catalog?.model.id, a.estimate!.parameters.total], ['black-forest-labs/FLUX.1-dev-vae', 83_819_683]);
  });

  it('a script loading a pipeline by its Hub id gets the whole pipeline, in the dtype it asks for', () => {
    const script = 'import torch\nfrom diffusers import FluxPipeline\npipe = FluxPipeline.from_pretrained("black-forest-labs/FLUX.1-dev", torch_dtype=torch.bfloat16)\npipe.to("cuda")\n';
    const a = analyzeDocument(parseConfig(script, 'python'), DEFAULT_OPTIONS).configs[0];
    assert.strictEqual(a.estimate!.parameters.total, 11_901_408_320 + 83_819_683 + 123_060_480 + 4_762_310_656);
    assert.strictEqual(a.estimate!.inference.components.weights, 2 * a.estimate!.parameters.total);
    // FLUX.1-dev is guidance-distilled: one pass per step.
    assert.strictEqual(a.estimate!.settings.guidance, false);
  });

  it("a script's enable_model_cpu_offload() keeps one component on the GPU at a time: FLUX.1-dev's peak is its transformer's", () => {
    const script = (offload: string) => `import torch\nfrom diffusers import FluxPipeline\npipe = FluxPipeline.from_pretrained("black-forest-labs/FLUX.1-dev", torch_dtype=torch.bfloat16)\n${offload}\n`;
    const resident = analyzeDocument(parseConfig(script('pipe.to("cuda")'), 'python'), DEFAULT_OPTIONS).configs[0].estimate!;
    const offloaded = analyzeDocument(parseConfig(script('pipe.enable_model_cpu_offload()'), 'python'), DEFAULT_OPTIONS).configs[0].estimate!;
    assert.strictEqual(offloaded.settings.pipelineOffload, 'model');
    assert.strictEqual(offloaded.inference.components.weights, 2 * 11_901_408_320);
    assert.strictEqual(resident.inference.components.weights, 2 * (11_901_408_320 + 83_819_683 + 123_060_480 + 4_762_310_656));
    assert.ok(offloaded.assumptions.some(a => /enable_model_cpu_offload\): inference holds one component at a time/.test(a)));
  });

  it("a script's pipe(...) call sets the image (a side of the same area), the images per prompt and guidance", () => {
    const script = (call: string) => `import torch\nfrom diffusers import StableDiffusionXLPipeline\npipe = StableDiffusionXLPipeline.from_pretrained("stabilityai/stable-diffusion-xl-base-1.0", torch_dtype=torch.float16)\npipe.to("cuda")\nimages = pipe(prompt="a horse", ${call}).images\n`;
    const settingsOf = (call: string) => analyzeDocument(parseConfig(script(call), 'python'), DEFAULT_OPTIONS).configs[0].estimate!.settings;
    const s = settingsOf('height=768, width=1344, num_images_per_prompt=4, guidance_scale=7.0');
    assert.deepStrictEqual([s.imageSide, s.batchSize, s.guidance, s.precision], [Math.round(Math.sqrt(768 * 1344)), 4, true, '16-true']);
    assert.strictEqual(settingsOf('height=1024, width=1024, guidance_scale=1.0').guidance, false);
  });

  it("SD 1.5's old and new Hub ids name the same pipeline; SDXL-Turbo SDXL's", () => {
    assert.strictEqual(yaml('base_model: runwayml/stable-diffusion-v1-5\n').estimate!.parameters.total, 1_370_216_895);
    assert.strictEqual(yaml('base_model: stable-diffusion-v1-5/stable-diffusion-v1-5\n').estimate!.parameters.total, 1_370_216_895);
    assert.strictEqual(yaml('base_model: stabilityai/sdxl-turbo\n').estimate!.parameters.total, 3_468_837_867);
  });
});
