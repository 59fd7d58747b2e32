import * as assert from 'assert';
import { findGpu, GPUS, isUnifiedMemory } from '../../src/core/gpus';

describe('GPU list', () => {
  it('covers the seed document\'s cards and the common current ones', () => {
    const wanted = ['RTX 3060 12GB', 'RTX 3070', 'RTX 3080', 'RTX 3090', 'RTX 4060', 'RTX 4070', 'RTX 4080', 'RTX 4090',
      'GTX 1080', 'V100', 'A100 40GB', 'A100 80GB', 'H100', 'RTX 5090', 'L4', 'L40S', 'A10G', 'T4', 'H200', 'MI300X'];
    for (const name of wanted) {
      assert.ok(findGpu(name), name);
    }
  });

  it('matches names loosely: "A100 40GB", "a100-40gb" and "NVIDIA A100-SXM4-40GB" are one card', () => {
    const a = findGpu('A100 40GB');
    assert.strictEqual(a?.name, 'A100 40GB');
    assert.strictEqual(findGpu('a100-40gb'), a);
    assert.strictEqual(findGpu('NVIDIA A100-SXM4-40GB'), a);
    assert.strictEqual(findGpu('NVIDIA GeForce RTX 4090')?.memoryMiB, 24564);
    assert.strictEqual(findGpu('H100 80GB HBM3')?.memoryMiB, 81559);
    assert.strictEqual(findGpu('A100')?.memoryGb, 80);
  });

  it('workstation, data-centre, RTX 50 and Apple cards, with the totals nvidia-smi prints; names of several words match whole', () => {
    const totals: Record<string, number> = {
      'RTX A6000': 49140, A40: 46068, L40: 46068, 'RTX 6000 Ada': 49140, 'RTX 4060 Ti 16GB': 16380, H20: 97871, B200: 183359,
      'RTX 5060 Ti 16GB': 16311, 'RTX 5070': 12227, 'RTX 5070 Ti': 16303, 'RTX 5080': 16303,
    };
    for (const [name, mib] of Object.entries(totals)) {
      assert.strictEqual(findGpu(name)?.memoryMiB, mib, name);
    }
    assert.strictEqual(findGpu('NVIDIA GeForce RTX 4060 Ti')?.name, 'RTX 4060 Ti 16GB');
    assert.strictEqual(findGpu('NVIDIA GeForce RTX 4060')?.name, 'RTX 4060');
    assert.strictEqual(findGpu('RTX 5070 Ti')?.name, 'RTX 5070 Ti');
    assert.strictEqual(findGpu('NVIDIA RTX 6000 Ada Generation')?.name, 'RTX 6000 Ada');
    assert.strictEqual(findGpu('L40S')?.name, 'L40S');
    assert.ok(findGpu('MI250') && findGpu('MI325X'));
    // Apple silicon: the share of unified memory Metal lets the GPU use (two thirds to 36 GB, three quarters above).
    assert.strictEqual(findGpu('M4 Pro 24GB')?.memoryMiB, 16_384);
    assert.strictEqual(findGpu('M4 Max')?.memoryMiB, 98_304);
    assert.ok(GPUS.filter(g => g.vendor === 'Apple').every(g => g.priceUsd === null && g.memorySource === 'nominal'));
  });

  it('does not guess: unknown cards and unknown sizes find nothing', () => {
    assert.strictEqual(findGpu('Voodoo 2'), undefined);
    assert.strictEqual(findGpu('A100 13GB'), undefined);
    assert.strictEqual(findGpu(''), undefined);
  });

  it('reports memory below the marketing size, as nvidia-smi does (GiB vs GB kept apart)', () => {
    for (const g of GPUS.filter(x => x.memorySource !== 'nominal')) {
      assert.ok(g.memoryMiB * 1024 * 1024 <= g.memoryGb * 1.08e9 * 1.0, `${g.name}: ${g.memoryMiB} MiB vs ${g.memoryGb} GB`);
      assert.ok(g.memoryMiB >= g.memoryGb * 900, `${g.name} has plausible memory`);
    }
  });

  it('records the total CUDA hands PyTorch just below the driver total, with where it was read', () => {
    const recorded = GPUS.filter(g => g.cudaTotalGiB !== undefined);
    // Every CUDA and ROCm card has its reading; Apple's unified memory is sized by Metal's share instead.
    assert.deepStrictEqual(GPUS.filter(g => !recorded.includes(g) && !isUnifiedMemory(g)).map(g => g.name), []);
    for (const g of recorded) {
      const driverGiB = g.memoryMiB / 1024;
      // CUDA's reservations take up to 1 GiB below nvidia-smi's total (nothing on Pascal); the messages print two decimals.
      const printed = 0.005;
      assert.ok(g.cudaTotalGiB! < driverGiB + printed && g.cudaTotalGiB! > driverGiB - 1, `${g.name}: ${g.cudaTotalGiB} GiB vs ${driverGiB.toFixed(2)}`);
      assert.ok(g.cudaTotalSource && /\d/.test(g.cudaTotalSource), `${g.name} says where its CUDA total was read`);
    }
  });
});
