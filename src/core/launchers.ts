// What a launcher's own settings mean to the run it starts, for the engine reading a launch script: accelerate's config
// file and flags (processes, mixed precision, FSDP, DeepSpeed) as the keys a training script's run is read from.
import { entryOf, type ConfigEntry, type ConfigObject, type ConfigValue } from './configTree';
import type { Span } from './types';

/** accelerate's flags, by the config file key each stands for (`--zero_stage` is `deepspeed_config.zero_stage`). */
const FLAG_PATHS: Readonly<Record<string, readonly string[]>> = {
  num_processes: ['num_processes'],
  num_machines: ['num_machines'],
  mixed_precision: ['mixed_precision'],
  gradient_accumulation_steps: ['gradient_accumulation_steps'],
  zero_stage: ['deepspeed_config', 'zero_stage'],
  offload_optimizer_device: ['deepspeed_config', 'offload_optimizer_device'],
  offload_param_device: ['deepspeed_config', 'offload_param_device'],
  deepspeed_config_file: ['deepspeed_config', 'deepspeed_config_file'],
  zero3_init_flag: ['deepspeed_config', 'zero3_init_flag'],
  fsdp_sharding_strategy: ['fsdp_config', 'fsdp_sharding_strategy'],
  fsdp_offload_params: ['fsdp_config', 'fsdp_offload_params'],
  fsdp_version: ['fsdp_config', 'fsdp_version'],
  fsdp_activation_checkpointing: ['fsdp_config', 'fsdp_activation_checkpointing'],
};

/** accelerate's own flags that say something about the run, as the launch script's reader keeps them. */
export const ACCELERATE_FLAGS: ReadonlySet<string> = new Set([...Object.keys(FLAG_PATHS), 'use_fsdp', 'use_deepspeed']);

/** FSDP's sharding strategies, by name or by accelerate's number, as HF's Trainer writes its `fsdp` option. */
/** FSDP's sharding strategies as accelerate writes them (by name or number), in HF Trainer's `fsdp` words. */
export const FSDP_SHARDING: Readonly<Record<string, string>> = {
  FULL_SHARD: 'full_shard', '1': 'full_shard', SHARD_GRAD_OP: 'shard_grad_op', '2': 'shard_grad_op',
  NO_SHARD: 'no_shard', '3': 'no_shard', HYBRID_SHARD: 'hybrid_shard', '4': 'hybrid_shard', HYBRID_SHARD_ZERO2: 'hybrid_shard_zero2', '5': 'hybrid_shard_zero2',
};

/** One accelerate setting: the command line's flag over the config file's key, and where it is written. */
function setting(file: ConfigObject | undefined, flags: ConfigObject | undefined, flag: string): ConfigValue | undefined {
  const fromFlag = flags ? entryOf(flags, flag)?.value : undefined;
  if (fromFlag) {
    return fromFlag;
  }
  let v: ConfigValue | undefined = file;
  for (const key of FLAG_PATHS[flag]) {
    v = v?.kind === 'object' ? entryOf(v, key)?.value : undefined;
  }
  return v;
}

const text = (v: ConfigValue | undefined): string | undefined => (v?.kind === 'string' ? v.value : v?.kind === 'number' ? String(v.value) : v?.kind === 'boolean' ? String(v.value) : undefined);

/** The processes accelerate starts in all: `num_processes` is already the total over `num_machines`. */
function processes(file: ConfigObject | undefined, flags: ConfigObject | undefined): ConfigValue | undefined {
  const n = setting(file, flags, 'num_processes');
  return n?.kind === 'number' && Number.isInteger(n.value) && n.value >= 1 ? n : undefined;
}

/** Which sharding accelerate runs: DeepSpeed, FSDP, or plain data parallelism (or none said). */
function distributedType(file: ConfigObject | undefined, flags: ConfigObject | undefined): 'deepspeed' | 'fsdp' | undefined {
  const flagged = (name: string) => (flags ? entryOf(flags, name)?.value : undefined);
  if (text(flagged('use_deepspeed')) === 'true') {
    return 'deepspeed';
  }
  if (text(flagged('use_fsdp')) === 'true') {
    return 'fsdp';
  }
  const declared = text(file ? entryOf(file, 'distributed_type')?.value : undefined)?.toUpperCase();
  return declared === 'DEEPSPEED' ? 'deepspeed' : declared === 'FSDP' ? 'fsdp' : undefined;
}

/** A string value at `span`. */
const str = (value: string, span: Span): ConfigValue => ({ kind: 'string', value, span });

/**
 * accelerate's settings as the keys a training script's run is read from: `num_gpus` from `num_processes`, `bf16` /
 * `fp16` from `mixed_precision`, HF Trainer's `fsdp` string (and `fsdp_version`) from `fsdp_config`, a DeepSpeed `zero_optimization` (or
 * the DeepSpeed config file it names, as `deepspeed`) and `zero3_init_flag` from `deepspeed_config`, and
 * `gradient_accumulation_steps`.
 * `at` is where the file's values are shown (the launch's `--config_file`); a flag's value keeps its own place.
 */
export function accelerateRun(file: ConfigObject | undefined, flags: ConfigObject | undefined, at: Span): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const put = (key: string, value: ConfigValue) => entries.push({ key, keySpan: value.span.end > value.span.start ? value.span : at, value });
  const gpus = processes(file, flags);
  if (gpus) {
    put('num_gpus', gpus);
    const machines = setting(file, flags, 'num_machines');
    if (machines?.kind === 'number' && Number.isInteger(machines.value) && machines.value >= 1 && gpus.kind === 'number') {
      const perNode = Math.max(1, Math.floor(gpus.value / machines.value));
      put('gpus_per_node', { kind: 'number', value: perNode, raw: String(perNode), span: machines.span });
    }
  }
  const precision = text(setting(file, flags, 'mixed_precision'));
  if (precision === 'bf16' || precision === 'fp16') {
    put(precision, { kind: 'boolean', value: true, span: setting(file, flags, 'mixed_precision')!.span });
  }
  const accumulation = setting(file, flags, 'gradient_accumulation_steps');
  if (accumulation?.kind === 'number') {
    put('gradient_accumulation_steps', accumulation);
  }
  const kind = distributedType(file, flags);
  if (kind === 'fsdp') {
    const strategy = setting(file, flags, 'fsdp_sharding_strategy');
    const sharding = FSDP_SHARDING[text(strategy)?.toUpperCase() ?? 'FULL_SHARD'] ?? 'full_shard';
    const offload = text(setting(file, flags, 'fsdp_offload_params')) === 'true';
    put('fsdp', str(`${sharding}${offload ? ' offload' : ''}`, strategy?.span ?? at));
    const version = setting(file, flags, 'fsdp_version');
    if (version?.kind === 'number') {
      put('fsdp_version', version);
    }
    // FSDP's own activation checkpointing, under the key a recipe's fsdp_config gives it.
    const checkpointing = setting(file, flags, 'fsdp_activation_checkpointing');
    if (text(checkpointing) === 'true') {
      put('fsdp_config', { kind: 'object', entries: [{ key: 'fsdp_activation_checkpointing', keySpan: checkpointing!.span, value: { kind: 'boolean', value: true, span: checkpointing!.span } }], span: checkpointing!.span });
    }
  } else if (kind === 'deepspeed') {
    // Whether ZeRO-3 shards the model as it is built (zero.Init) or after each process has loaded it whole.
    const init = setting(file, flags, 'zero3_init_flag');
    const initText = text(init);
    if (init && (initText === 'true' || initText === 'false')) {
      put('zero3_init_flag', { kind: 'boolean', value: initText === 'true', span: init.span });
    }
    const named = setting(file, flags, 'deepspeed_config_file');
    if (named?.kind === 'string' && named.value !== '' && named.value !== 'none') {
      put('deepspeed', named);
    } else {
      const stage = setting(file, flags, 'zero_stage');
      const device = (flag: string) => {
        const d = text(setting(file, flags, flag));
        return d === 'cpu' || d === 'nvme' ? d : undefined;
      };
      const zero: ConfigEntry[] = [];
      if (stage?.kind === 'number') {
        zero.push({ key: 'stage', keySpan: stage.span, value: stage });
      }
      for (const [flag, key] of [['offload_optimizer_device', 'offload_optimizer'], ['offload_param_device', 'offload_param']] as const) {
        const d = device(flag);
        if (d) {
          const span = setting(file, flags, flag)!.span;
          zero.push({ key, keySpan: span, value: { kind: 'object', entries: [{ key: 'device', keySpan: span, value: str(d, span) }], span } });
        }
      }
      put('zero_optimization', { kind: 'object', entries: zero, span: stage?.span ?? at });
    }
  }
  return entries;
}
