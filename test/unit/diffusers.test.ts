// diffusers' convolutional models and SD3's MMDiT: exact parameter counts from their config.json, and how the image size and guidance move memory.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
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

describe('diffusers configs VRAM Lens cannot count exactly are refused on the key', () => {
  const unet = JSON.parse(read('stable-diffusion-v1-5.unet.config.json')) as Record<string, unknown>;
  const problems = (config: object) => onlyConfig(JSON.stringify(config)).problems.map(p => p.message);

  it('class conditioning, an unknown block, a mismatched list', () => {
    assert.match(problems({ ...unet, num_class_embeds: 1000 }).join(), /`num_class_embeds` adds conditioning VRAM Lens does not count/);
    assert.match(problems({ ...unet, down_block_types: ['CrossAttnDownBlock2D', 'SimpleCrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'] }).join(), /`down_block_types` lists "SimpleCrossAttnDownBlock2D", a block VRAM Lens does not count/);
    assert.match(problems({ ...unet, attention_head_dim: [5, 10] }).join(), /`attention_head_dim` must be one whole number, or a list of 4/);
    assert.match(problems({ ...unet, block_out_channels: [320, 'x'] }).join(), /`block_out_channels` must list 1 to 8 whole numbers/);
  });

  it('no estimate comes with a refusal', () => {
    assert.strictEqual(onlyConfig(JSON.stringify({ ...unet, addition_embed_type: 'image' })).estimate, undefined);
  });
});
