// Serving engines started from the files people deploy with — Dockerfiles, docker-compose and Kubernetes manifests (a vLLM, SGLang, llama.cpp or Ollama image with its command) and Ollama Modelfiles — read as the command lines they run. Read, never run.
import type { ConfigDocument, ConfigEntry, ConfigObject, ConfigValue } from '../core/configTree';
import type { Span } from '../core/types';
import { SERVING_ENGINE_KEY } from '../core/vocabulary';
import { parseShell } from './shell';

/**
 * A text the shell reader reads as commands: each group of spans (an image and its command's words) kept where it is
 * written, everything else blank, a group on one line. Offsets stay those of the original file, so every word's
 * span (the lens, hovers, fixes) points into it.
 */
export function commandText(text: string, groups: readonly (readonly Span[])[]): string {
  const chars = new Array<string>(text.length).fill(' ');
  for (const group of groups) {
    for (const span of group) {
      for (let i = span.start; i < span.end && i < text.length; i++) {
        const c = text[i];
        chars[i] = c === '\n' || c === '\r' ? ' ' : c;
      }
    }
    // A newline after the group's last word ends its command.
    const end = group.length > 0 ? group[group.length - 1].end : -1;
    if (end >= 0 && end < text.length) {
      chars[end] = '\n';
    }
  }
  return chars.join('');
}

/** Images whose entrypoint starts a serving engine, with the words their entrypoint runs. */
const SERVING_IMAGES = /^(?:docker\.io\/)?(vllm\/vllm-openai|lmsysorg\/sglang|ollama\/ollama|ghcr\.io\/ggml-org\/llama\.cpp)(?::[\w.-]+)?$/;

/** A Dockerfile instruction's arguments: the exec form's JSON strings, or the shell form's rest of the line. */
function instructionWords(text: string, start: number, end: number): Span[] {
  const body = text.slice(start, end);
  const exec = /^\s*\[/.test(body);
  if (!exec) {
    return [{ start, end }];
  }
  const spans: Span[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    spans.push({ start: start + m.index, end: start + m.index + m[0].length });
  }
  return spans;
}

/**
 * A Dockerfile's serving command: its last ENTRYPOINT and CMD (exec or shell form, joined as Docker joins them), after
 * the FROM image when that image's own entrypoint starts the engine (`FROM vllm/vllm-openai` + `CMD ["--model", …]`).
 * A RUN line's commands are read too. Continuation lines (`\`) belong to their instruction.
 */
export function parseDockerfile(text: string): ConfigDocument {
  const instructions: { name: string; start: number; end: number; args: number }[] = [];
  const re = /^[ \t]*(FROM|ENTRYPOINT|CMD|RUN)[ \t]+((?:[^\n]*\\\r?\n)*[^\n]*)/gim;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const args = m.index + m[0].length - m[2].length;
    instructions.push({ name: m[1].toUpperCase(), start: m.index, end: m.index + m[0].length, args });
  }
  const last = (name: string) => [...instructions].reverse().find(i => i.name === name);
  const from = last('FROM');
  const image = from ? /^\S+/.exec(text.slice(from.args, from.end)) : null;
  const groups: Span[][] = [];
  for (const run of instructions.filter(i => i.name === 'RUN')) {
    groups.push(instructionWords(text, run.args, run.end));
  }
  const entrypoint = last('ENTRYPOINT');
  const cmd = last('CMD');
  const command: Span[] = [];
  if (!entrypoint && image && SERVING_IMAGES.test(image[0]) && from) {
    command.push({ start: from.args, end: from.args + image[0].length });
  }
  if (entrypoint) {
    command.push(...instructionWords(text, entrypoint.args, entrypoint.end));
  }
  if (cmd) {
    command.push(...instructionWords(text, cmd.args, cmd.end));
  }
  if (command.length > 0) {
    groups.push(command);
  }
  return parseShell(commandText(text, groups.map(g => [...g].sort((a, b) => a.start - b.start))));
}

/** The scalar spans of a list or string value (a compose `command:` or a Kubernetes `args:`), in order. */
function valueSpans(value: ConfigValue | undefined): Span[] {
  if (!value) {
    return [];
  }
  if (value.kind === 'array') {
    return value.items.flatMap(v => (v.kind === 'string' || v.kind === 'number' || v.kind === 'boolean' ? [v.span] : []));
  }
  return value.kind === 'string' ? [value.span] : [];
}

/** Every object of a tree that runs a container: a compose service or a Kubernetes container (`image` beside its command). */
function containers(value: ConfigValue, out: ConfigObject[], depth = 0): void {
  if (depth > 40) {
    return;
  }
  if (value.kind === 'object') {
    if (value.entries.some(e => e.key === 'image' && e.value.kind === 'string')) {
      out.push(value);
    }
    value.entries.forEach(e => containers(e.value, out, depth + 1));
  } else if (value.kind === 'array') {
    value.items.forEach(v => containers(v, out, depth + 1));
  }
}

/** True when a YAML file may start a serving image: one scan before the manifest is searched. */
export function mayHoldServingImage(text: string): boolean {
  return /vllm|sglang|ollama|llama\.cpp|llama-server/i.test(text);
}

/**
 * The serving commands of a docker-compose file or Kubernetes manifest: each container's image (when its entrypoint
 * starts an engine) with its `entrypoint` / `command` and `command` / `args`, read as the shell reader reads a command
 * line. Their entries, to lay beside the YAML's own.
 */
export function containerLaunches(text: string, root: ConfigValue | undefined): ConfigEntry[] {
  if (!root) {
    return [];
  }
  const found: ConfigObject[] = [];
  containers(root, found);
  const groups: Span[][] = [];
  for (const c of found) {
    const value = (key: string) => c.entries.find(e => e.key === key)?.value;
    const image = value('image');
    const words = [...valueSpans(value('entrypoint')), ...valueSpans(value('command')), ...valueSpans(value('args'))];
    const own = image?.kind === 'string' && SERVING_IMAGES.test(image.value) && !value('entrypoint') && !(value('command') && value('args'));
    const group = [...(own && image ? [image.span] : []), ...words];
    if (group.length > 0) {
      groups.push(group);
    }
  }
  const read = parseShell(commandText(text, groups));
  return read.root?.kind === 'object' ? [...read.root.entries] : [];
}

/** An Ollama Modelfile's `FROM` and the `PARAMETER`s that change memory, as an Ollama start's entries. */
export function parseModelfile(text: string): ConfigDocument {
  const entries: ConfigEntry[] = [];
  let engineSpan: Span | undefined;
  const re = /^[ \t]*(FROM|PARAMETER)[ \t]+(\S+)(?:[ \t]+(\S+))?/gim;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const first = m.index + m[0].indexOf(m[2]);
    const firstSpan = { start: first, end: first + m[2].length };
    if (m[1].toUpperCase() === 'FROM') {
      engineSpan = { start: m.index, end: m.index + m[0].length };
      entries.push({ key: 'model', keySpan: firstSpan, value: { kind: 'string', value: m[2], span: firstSpan } });
    } else if (m[3] !== undefined && /^(num_ctx|num_gpu|num_batch)$/.test(m[2])) {
      const at = m.index + m[0].lastIndexOf(m[3]);
      const span = { start: at, end: at + m[3].length };
      const value: ConfigValue = /^-?\d+$/.test(m[3]) ? { kind: 'number', value: Number(m[3]), raw: m[3], span } : { kind: 'string', value: m[3], span };
      entries.push({ key: m[2], keySpan: firstSpan, value });
    }
  }
  if (!engineSpan) {
    return { root: undefined, problems: [] };
  }
  const launch: ConfigObject = { kind: 'object', entries: [{ key: SERVING_ENGINE_KEY, keySpan: engineSpan, value: { kind: 'string', value: 'ollama', span: engineSpan } }, ...entries], span: engineSpan };
  return { root: { kind: 'object', entries: [{ key: 'ollama', keySpan: engineSpan, value: launch }], span: { start: 0, end: text.length } }, problems: [] };
}
