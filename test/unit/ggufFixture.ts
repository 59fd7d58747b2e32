// Builds GGUF files for tests: a header (version 3) with metadata and tensor infos, then zero-filled tensor data.

type Value = { type: 'u32'; value: number } | { type: 'str'; value: string } | { type: 'f32'; value: number } | { type: 'strs'; value: string[] };

const TYPE_IDS: Record<string, number> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, Q4_K: 12, Q6_K: 14 };

class Writer {
  private readonly parts: number[] = [];
  u8(n: number): void {
    this.parts.push(n & 0xff);
  }
  u32(n: number): void {
    for (let i = 0; i < 4; i++) {this.u8(n >>> (8 * i));}
  }
  u64(n: number | bigint): void {
    let v = BigInt(n);
    for (let i = 0; i < 8; i++) {
      this.u8(Number(v & 0xffn));
      v >>= 8n;
    }
  }
  str(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u64(bytes.length);
    bytes.forEach(b => this.u8(b));
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A GGUF file's bytes: `metadata` entries, then `tensors` (name, shape, type); `declaredTensors` overrides the count. */
export function ggufBytes(metadata: Record<string, Value>, tensors: { name: string; shape: number[]; type: string }[], declaredTensors?: bigint): Uint8Array {
  const w = new Writer();
  [0x47, 0x47, 0x55, 0x46].forEach(b => w.u8(b));
  w.u32(3);
  w.u64(declaredTensors ?? BigInt(tensors.length));
  w.u64(Object.keys(metadata).length);
  for (const [key, v] of Object.entries(metadata)) {
    w.str(key);
    if (v.type === 'u32') {
      w.u32(4);
      w.u32(v.value);
    } else if (v.type === 'f32') {
      w.u32(6);
      w.u32(new Uint32Array(new Float32Array([v.value]).buffer)[0]);
    } else if (v.type === 'str') {
      w.u32(8);
      w.str(v.value);
    } else {
      w.u32(9);
      w.u32(8);
      w.u64(v.value.length);
      v.value.forEach(s => w.str(s));
    }
  }
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.shape.length);
    t.shape.forEach(d => w.u64(d));
    w.u32(TYPE_IDS[t.type]);
    w.u64(0);
  }
  return w.bytes();
}

/** A small Llama in GGUF (2 layers, width 256, 4 heads, 2 KV heads, vocabulary 512) in `fileType`'s types. */
export function tinyLlamaGguf(): Uint8Array {
  const h = 256;
  const tensors: { name: string; shape: number[]; type: string }[] = [{ name: 'token_embd.weight', shape: [h, 512], type: 'Q4_K' }];
  for (let i = 0; i < 2; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, shape: [h], type: 'F32' },
      { name: `blk.${i}.attn_q.weight`, shape: [h, h], type: 'Q4_K' },
      { name: `blk.${i}.attn_k.weight`, shape: [h, 128], type: 'Q4_K' },
      { name: `blk.${i}.attn_v.weight`, shape: [h, 128], type: 'Q6_K' },
      { name: `blk.${i}.attn_output.weight`, shape: [h, h], type: 'Q4_K' },
      { name: `blk.${i}.ffn_norm.weight`, shape: [h], type: 'F32' },
      { name: `blk.${i}.ffn_gate.weight`, shape: [h, 512], type: 'Q4_K' },
      { name: `blk.${i}.ffn_up.weight`, shape: [h, 512], type: 'Q4_K' },
      { name: `blk.${i}.ffn_down.weight`, shape: [512, h], type: 'Q6_K' },
    );
  }
  tensors.push({ name: 'output_norm.weight', shape: [h], type: 'F32' }, { name: 'output.weight', shape: [h, 512], type: 'Q6_K' });
  const header = ggufBytes(
    {
      'general.architecture': { type: 'str', value: 'llama' }, 'general.file_type': { type: 'u32', value: 15 },
      'llama.block_count': { type: 'u32', value: 2 }, 'llama.embedding_length': { type: 'u32', value: h }, 'llama.feed_forward_length': { type: 'u32', value: 512 },
      'llama.attention.head_count': { type: 'u32', value: 4 }, 'llama.attention.head_count_kv': { type: 'u32', value: 2 }, 'llama.context_length': { type: 'u32', value: 4096 },
      'tokenizer.ggml.tokens': { type: 'strs', value: Array.from({ length: 512 }, (_, i) => `t${i}`) },
    },
    tensors,
  );
  // The weights follow the header; their bytes are never read.
  const file = new Uint8Array(header.byteLength + 64 * 1024);
  file.set(header);
  return file;
}

/**
 * A small DeepSeek-V3 in GGUF (llama.cpp's deepseek2: 2 layers 256 wide, 4 heads, a 64-wide latent, rope 16, nope 32,
 * values 32; a dense first layer, then 4 experts of 64, 2 a token, one shared), in F16. `latentCache`: converted as
 * llama.cpp has since it caches MLA's latent (key_length_mla, the key_b / value_b split); otherwise as before.
 */
export function tinyDeepseekGguf(latentCache: boolean): Uint8Array {
  const [h, heads, lora, rope, nope, v, experts, ew, ff, vocab] = [256, 4, 64, 16, 32, 32, 4, 64, 512, 512];
  const tensors: { name: string; shape: number[]; type: string }[] = [{ name: 'token_embd.weight', shape: [h, vocab], type: 'F16' }];
  for (let i = 0; i < 2; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, shape: [h], type: 'F32' },
      { name: `blk.${i}.attn_q.weight`, shape: [h, heads * (nope + rope)], type: 'F16' },
      { name: `blk.${i}.attn_kv_a_mqa.weight`, shape: [h, lora + rope], type: 'F16' },
      { name: `blk.${i}.attn_kv_a_norm.weight`, shape: [lora], type: 'F32' },
      ...(latentCache
        ? [{ name: `blk.${i}.attn_k_b.weight`, shape: [nope, lora, heads], type: 'F16' }, { name: `blk.${i}.attn_v_b.weight`, shape: [lora, v, heads], type: 'F16' }]
        : [{ name: `blk.${i}.attn_kv_b.weight`, shape: [lora, heads * (nope + v)], type: 'F16' }]),
      { name: `blk.${i}.attn_output.weight`, shape: [heads * v, h], type: 'F16' },
      { name: `blk.${i}.ffn_norm.weight`, shape: [h], type: 'F32' },
    );
    if (i === 0) {
      tensors.push(
        { name: 'blk.0.ffn_gate.weight', shape: [h, ff], type: 'F16' }, { name: 'blk.0.ffn_up.weight', shape: [h, ff], type: 'F16' },
        { name: 'blk.0.ffn_down.weight', shape: [ff, h], type: 'F16' },
      );
    } else {
      tensors.push(
        { name: 'blk.1.ffn_gate_inp.weight', shape: [h, experts], type: 'F32' },
        { name: 'blk.1.ffn_gate_exps.weight', shape: [h, ew, experts], type: 'F16' }, { name: 'blk.1.ffn_up_exps.weight', shape: [h, ew, experts], type: 'F16' },
        { name: 'blk.1.ffn_down_exps.weight', shape: [ew, h, experts], type: 'F16' },
        { name: 'blk.1.ffn_gate_shexp.weight', shape: [h, ew], type: 'F16' }, { name: 'blk.1.ffn_up_shexp.weight', shape: [h, ew], type: 'F16' },
        { name: 'blk.1.ffn_down_shexp.weight', shape: [ew, h], type: 'F16' },
      );
    }
  }
  tensors.push({ name: 'output_norm.weight', shape: [h], type: 'F32' }, { name: 'output.weight', shape: [h, vocab], type: 'F16' });
  const u32 = (value: number): Value => ({ type: 'u32', value });
  const header = ggufBytes(
    {
      'general.architecture': { type: 'str', value: 'deepseek2' }, 'general.file_type': u32(1),
      'deepseek2.block_count': u32(2), 'deepseek2.context_length': u32(4096), 'deepseek2.embedding_length': u32(h),
      'deepseek2.feed_forward_length': u32(ff), 'deepseek2.attention.head_count': u32(heads),
      'deepseek2.attention.head_count_kv': u32(latentCache ? 1 : heads),
      'deepseek2.attention.key_length': u32(latentCache ? lora + rope : nope + rope), 'deepseek2.attention.value_length': u32(latentCache ? lora : v),
      ...(latentCache ? { 'deepseek2.attention.key_length_mla': u32(nope + rope), 'deepseek2.attention.value_length_mla': u32(v) } : {}),
      'deepseek2.attention.kv_lora_rank': u32(lora), 'deepseek2.rope.dimension_count': u32(rope),
      'deepseek2.expert_count': u32(experts), 'deepseek2.expert_used_count': u32(2), 'deepseek2.expert_shared_count': u32(1),
      'deepseek2.expert_feed_forward_length': u32(ew), 'deepseek2.leading_dense_block_count': u32(1), 'deepseek2.expert_gating_func': u32(2),
      'tokenizer.ggml.tokens': { type: 'strs', value: Array.from({ length: vocab }, (_, i) => `t${i}`) },
    },
    tensors,
  );
  const file = new Uint8Array(header.byteLength + 64 * 1024);
  file.set(header);
  return file;
}
