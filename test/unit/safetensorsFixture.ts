// Safetensors checkpoints for tests: the shards' headers (8-byte length and JSON) from a config's tensor shapes, no weights.
import * as fs from 'fs';
import * as path from 'path';

/** A safetensors file of the given tensors: the 8-byte header length and the JSON header, without the weights. */
export function writeSafetensorsHeader(file: string, tensors: Record<string, number[]>, dtype = 'BF16'): void {
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const [name, shape] of Object.entries(tensors)) {
    const bytes = shape.reduce((a, b) => a * b, 2);
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([length, json]));
}

/** Two shards and their model.safetensors.index.json in `folder`, as transformers saves a sharded checkpoint. */
export function writeShardedHeaders(folder: string, tensors: Record<string, number[]>): void {
  const all = Object.entries(tensors);
  const half = Math.floor(all.length / 2);
  const shards = { 'model-00001-of-00002.safetensors': all.slice(0, half), 'model-00002-of-00002.safetensors': all.slice(half) };
  const weightMap: Record<string, string> = {};
  for (const [file, part] of Object.entries(shards)) {
    writeSafetensorsHeader(path.join(folder, file), Object.fromEntries(part));
    for (const [name] of part) {
      weightMap[name] = file;
    }
  }
  fs.writeFileSync(path.join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
}

/** A Llama config's tensors (HF names and shapes): embeddings, attention and MLP projections, norms, untied or tied head. */
export function llamaTensors(c: { hidden_size: number; num_attention_heads: number; num_key_value_heads: number; intermediate_size: number; num_hidden_layers: number; vocab_size: number; tie_word_embeddings?: boolean }): Record<string, number[]> {
  const h = c.hidden_size;
  const kv = (c.num_key_value_heads * h) / c.num_attention_heads;
  const i = c.intermediate_size;
  const t: Record<string, number[]> = { 'model.embed_tokens.weight': [c.vocab_size, h], 'model.norm.weight': [h] };
  if (c.tie_word_embeddings === false) {
    t['lm_head.weight'] = [c.vocab_size, h];
  }
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}.`;
    Object.assign(t, {
      [`${p}self_attn.q_proj.weight`]: [h, h], [`${p}self_attn.k_proj.weight`]: [kv, h], [`${p}self_attn.v_proj.weight`]: [kv, h],
      [`${p}self_attn.o_proj.weight`]: [h, h], [`${p}mlp.gate_proj.weight`]: [i, h], [`${p}mlp.up_proj.weight`]: [i, h],
      [`${p}mlp.down_proj.weight`]: [h, i], [`${p}input_layernorm.weight`]: [h], [`${p}post_attention_layernorm.weight`]: [h],
    });
  }
  return t;
}
