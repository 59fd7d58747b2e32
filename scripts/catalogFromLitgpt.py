# Adds catalog entries (src/core/data/catalog.json) for the models LitGPT's config.py describes: its own maintainer script, run by hand, never by tests.
"""
Usage: python3 scripts/catalogFromLitgpt.py PATH/TO/litgpt/config.py COMMIT

LitGPT loads each model's HF checkpoint into the shapes its config.py gives, so those shapes are the checkpoint's.
For every LitGPT config this writes the HF config.json keys VRAM Lens reads, and `parameters`: the count of the
tensors LitGPT's model.py builds from that config (the output head counted once where the HF checkpoint ties it),
computed here independently of VRAM Lens, so the unit tests check the engine's count against it. Entries already in
the catalog (written from the HF config.json itself) are kept; their LitGPT names are added as aliases.
"""
import json
import re
import sys
import types
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / 'src' / 'core' / 'data' / 'catalog.json'

# HF checkpoints whose output head is the token embedding (tie_word_embeddings: true in their config.json).
TIED = [r'^Llama-3\.2-[13]B', r'^Qwen2\.5-(Coder-)?(0\.5|1\.5|3)B', r'^Qwen2\.5-Math-1\.5B', r'^Qwen3-(0\.6|1\.7|4)B',
        r'^gemma', r'^codegemma', r'^SmolLM2', r'^Phi-4-mini', r'^falcon-', r'^OLMo-1B']


def litgpt_configs(path):
    """The fully resolved configs (defaults and derived sizes filled in) of LitGPT's config.py."""
    sys.modules.setdefault('yaml', types.ModuleType('yaml'))
    te = types.ModuleType('typing_extensions')
    te.Self = object
    sys.modules.setdefault('typing_extensions', te)
    ns = {}
    exec(compile(Path(path).read_text(), str(path), 'exec'), ns)  # a trusted maintainer input, run by hand
    return [dict(ns['Config'](**c).__dict__) for c in ns['configs']]


def model_type(c):
    n = c['hf_config']['name']
    rules = [
        (r'^pythia|alpha', 'gpt_neox'), (r'^falcon-(7b|40b|180B)', 'falcon'), (r'^(phi-1_5|phi-2)', 'phi'),
        (r'(?i)^phi-[34]', 'phi3'), (r'^Mixtral', 'mixtral'), (r'(?i)^(mistral|mathstral)', 'mistral'),
        (r'^Qwen2\.5|^QwQ', 'qwen2'), (r'^gemma-3-', 'gemma3_text'), (r'^gemma-2-', 'gemma2'),
        (r'^(gemma|codegemma)', 'gemma'), (r'^OLMo-2', 'olmo2'), (r'^OLMo', 'olmo'),
        (r'^(stablelm-3b|stablelm-zephyr|stable-code-3b)', 'stablelm'),
    ]
    if n.startswith('Qwen3'):
        return 'qwen3_moe' if c['n_expert'] else 'qwen3'
    return next((t for pattern, t in rules if re.search(pattern, n)), 'llama')


def tied(c):
    return any(re.match(p, c['hf_config']['name']) for p in TIED)


def hf_config(c):
    t = model_type(c)
    n = c['hf_config']['name']
    d = {'model_type': t, 'hidden_size': c['n_embd'], 'num_hidden_layers': c['n_layer'], 'num_attention_heads': c['n_head']}
    if t == 'falcon':
        d.update({'multi_query': True, 'parallel_attn': True} if n.startswith('falcon-7b') else {'num_kv_heads': c['n_query_groups'], 'new_decoder_architecture': True})
        d['bias'] = False
    elif t in ('gpt_neox', 'phi'):
        d['intermediate_size'] = c['intermediate_size']
        d['partial_rotary_factor' if t == 'phi' else 'rotary_pct'] = c['rotary_percentage']
        if t == 'gpt_neox':
            d['use_parallel_residual'] = c['parallel_residual']
    else:
        d['num_key_value_heads'] = c['n_query_groups']
        d['intermediate_size'] = c['intermediate_size']
        if c['n_expert'] and t == 'mixtral':
            d.update(num_local_experts=c['n_expert'], num_experts_per_tok=c['n_expert_per_token'])
        elif c['n_expert']:
            d.update(moe_intermediate_size=c['moe_intermediate_size'], num_experts=c['n_expert'], num_experts_per_tok=c['n_expert_per_token'], decoder_sparse_step=1)
    if c['head_size'] != c['n_embd'] // c['n_head'] or t in ('gemma', 'gemma2', 'gemma3_text', 'qwen3', 'qwen3_moe'):
        d['head_dim'] = c['head_size']
    if t == 'phi3' and c['rotary_percentage'] != 1.0:
        d['partial_rotary_factor'] = c['rotary_percentage']
    if t == 'stablelm' and c['attn_bias']:
        d['use_qkv_bias'] = True
    d['vocab_size'] = c['padded_vocab_size']
    d['max_position_embeddings'] = c['block_size']
    if t in ('mistral', 'gemma2', 'gemma3_text') and c['sliding_window_size'] and c['sliding_window_size'] < c['block_size']:
        d['sliding_window'] = c['sliding_window_size']
    if t == 'gemma3_text':
        d['sliding_window_pattern'] = 6
    d['tie_word_embeddings'] = tied(c)
    return d


def parameters(c):
    """The tensors of LitGPT's model.py (GPT, Block, CausalSelfAttention, the MLP classes) for this config."""
    e, hs, nh, ng = c['n_embd'], c['head_size'], c['n_head'], c['n_query_groups']
    olmo_ln = c['norm_class_name'] == 'LayerNorm' and 'OLMo' in c['name']
    def norm(width):
        return 0 if olmo_ln else width if c['norm_class_name'] == 'RMSNorm' else 2 * width
    def linear(i, o, bias):
        return i * o + (o if bias else 0)
    def mlp(inter):
        if c['mlp_class_name'] == 'GptNeoxMLP':
            return linear(e, inter, c['bias']) + linear(inter, e, c['bias'])
        return 2 * linear(e, inter, c['bias']) + linear(inter, e, c['bias'])
    block = linear(e, (nh + 2 * ng) * hs, c['bias'] or c['attn_bias']) + linear(hs * nh, e, c['bias'])
    if c['norm_qk']:
        olmo2 = c['norm_qk_type'] == 'olmo2'
        block += norm(nh * hs if olmo2 else hs) + norm(ng * hs if olmo2 else hs)
    block += norm(e) if c['norm_1'] else 0
    block += norm(e) if c['post_attention_norm'] else 0
    block += 0 if (c['parallel_residual'] and c['shared_attention_norm']) or not c['norm_2'] else norm(e)
    block += norm(e) if c['post_mlp_norm'] else 0
    if c['mlp_class_name'] == 'LLaMAMoE':
        block += e * c['n_expert'] + c['n_expert'] * mlp(c['moe_intermediate_size'] or c['intermediate_size'])
    else:
        block += mlp(c['intermediate_size'])
    embedding = c['padded_vocab_size'] * e
    head = 0 if tied(c) else linear(e, c['padded_vocab_size'], c['lm_head_bias'])
    if tied(c) and c['lm_head_bias']:
        head = c['padded_vocab_size']
    return embedding + c['n_layer'] * block + norm(e) + head


def base_name(name):
    """The name without the suffix of a tuned variant (-Instruct, -chat, -it…), which keeps the architecture."""
    return re.sub(r'-(Instruct|instruct|chat|it|Base|SFT|DPO)(-hf)?$', lambda m: '-hf' if m.group(2) else '', name)


def normalize(name):
    return name.lower().split('/')[-1]


def main(path, commit):
    catalog = json.loads(CATALOG.read_text())
    models = catalog['models']
    index = {normalize(n): m for m in models for n in [m['id'], *m['aliases']]}
    groups = {}
    for c in litgpt_configs(path):
        org, name = c['hf_config']['org'], c['hf_config']['name']
        key = (org, base_name(name), json.dumps(hf_config(c), sort_keys=True))
        groups.setdefault(key, []).append(c)
    added = 0
    for (org, _, config), members in groups.items():
        names = sorted({m['hf_config']['name'] for m in members}, key=lambda x: (len(x), x))
        existing = next((index[normalize(n)] for n in names if normalize(n) in index), None)
        if existing:
            for n in names:
                if normalize(n) not in index and normalize(n) != normalize(existing['id']):
                    existing['aliases'].append(n)
                    index[normalize(n)] = existing
            existing.setdefault('parameters', parameters(members[0]))
            continue
        entry = {
            'id': f'{org}/{names[0]}',
            'aliases': names[1:],
            'source': f'LitGPT litgpt/config.py ({commit[:7]}), the shapes LitGPT loads the HF checkpoint {org}/{names[0]} into; tie_word_embeddings from its HF config.json',
            'parameters': parameters(members[0]),
            'config': json.loads(config),
        }
        models.append(entry)
        for n in names:
            index[normalize(n)] = entry
        added += 1
    CATALOG.write_text(json.dumps(catalog, indent=1) + '\n')
    print(f'{added} entries added; {len(models)} in the catalog')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
