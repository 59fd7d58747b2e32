// The Python reader: config files read as literals (never executed) into a tree with spans, what it does not follow marked unreadable.
import type { CallSite, ConfigDocument, ConfigEntry, ConfigObject, ConfigValue, ParseProblem } from '../core/configTree';
import type { Span } from '../core/types';
import { MAX_CONFIG_ITEMS } from './limits';
import { NEMO_FINETUNE_CALL, NEMO_RECIPE_CALL, PEFT_METHOD_CONFIGS } from '../core/vocabulary';

/**
 * Reads the part of Python that config files are written in — module-level assignments, dataclass field
 * defaults, dict literals, `dict(...)` and keyword calls (`LlamaConfig(hidden_size=4096, …)`), lists, simple
 * arithmetic and references to earlier names — into a config tree. Nothing is executed or imported: this is a
 * literal reader. Statements it does not understand are skipped, so a half-typed file still yields what parses.
 */

type TokenKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Column of the first token of its logical line (indentation), for statement tokens. */
  readonly indent: number;
  /** True for the first token of a logical line. */
  readonly lineStart: boolean;
}

/** Tokens read per file: past them the file is refused, not read in part. */
const MAX_TOKENS = MAX_CONFIG_ITEMS.python;
const MAX_DEPTH = 100;

const THREE_CHAR_OPS = ['**=', '//=', '...'];
const TWO_CHAR_OPS = ['**', '//', '==', '!=', '<=', '>=', '->', '+=', '-=', '*=', '/=', '%=', ':='];
/** Augmented assignments, by the arithmetic they apply. */
const AUGMENTED: Readonly<Record<string, string>> = { '+=': '+', '-=': '-', '*=': '*', '/=': '/', '//=': '//', '%=': '%', '**=': '**' };
/** Statements whose body runs or not depending on how the script runs. */
const BRANCHING = ['if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0; // bracket nesting: newlines inside brackets do not end a statement
  let lineStart = true;
  let indent = 0;
  const n = text.length;
  while (i < n && tokens.length < MAX_TOKENS) {
    const ch = text[i];
    if (ch === '\n') {
      // An unclosed bracket while typing: a new unindented assignment starts a new statement anyway.
      if (depth > 0 && /^[A-Za-z_]\w*\s*(:[^=\n]*)?=(?!=)/.test(text.slice(i + 1, i + 200))) {
        depth = 0;
      }
      if (depth === 0 && !lineStart) {
        tokens.push({ kind: 'newline', text: '\n', start: i, end: i + 1, indent, lineStart: false });
      }
      if (depth === 0) {
        lineStart = true;
      }
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f') {
      i++;
      continue;
    }
    if (ch === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (ch === '#') {
      while (i < n && text[i] !== '\n') {
        i++;
      }
      continue;
    }
    if (lineStart) {
      let col = i;
      while (col > 0 && text[col - 1] !== '\n') {
        col--;
      }
      indent = i - col;
    }
    const startsLine = lineStart && depth === 0;
    lineStart = false;
    // Strings, with optional prefixes (r, b, u, f and combinations).
    const prefix = /^[rRbBuUfF]{0,2}(?=['"])/.exec(text.slice(i, i + 3));
    if (prefix) {
      const start = i;
      let j = i + prefix[0].length;
      const quote = text[j];
      const triple = text.startsWith(quote.repeat(3), j);
      const close = triple ? quote.repeat(3) : quote;
      j += close.length;
      while (j < n && !text.startsWith(close, j)) {
        if (text[j] === '\\') {
          j++;
        } else if (!triple && text[j] === '\n') {
          break; // unterminated single-line string: stop at the end of the line
        }
        j++;
      }
      j = Math.min(n, j + close.length);
      tokens.push({ kind: 'string', text: text.slice(start, j), start, end: j, indent, lineStart: startsLine });
      i = j;
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)[jJ]?/.exec(text.slice(i, i + 64));
    if (num && num[0] !== '' && /[\d.]/.test(ch)) {
      tokens.push({ kind: 'number', text: num[0], start: i, end: i + num[0].length, indent, lineStart: startsLine });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_\u00c0-\uffff][\w\u00c0-\uffff]*/.exec(text.slice(i, i + 256));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], start: i, end: i + name[0].length, indent, lineStart: startsLine });
      i += name[0].length;
      continue;
    }
    const three = THREE_CHAR_OPS.find(op => text.startsWith(op, i));
    const two = three ? undefined : TWO_CHAR_OPS.find(op => text.startsWith(op, i));
    const op = three ?? two ?? ch;
    if (op === '(' || op === '[' || op === '{') {
      depth++;
    } else if ((op === ')' || op === ']' || op === '}') && depth > 0) {
      depth--;
    }
    tokens.push({ kind: 'op', text: op, start: i, end: i + op.length, indent, lineStart: startsLine });
    i += op.length;
  }
  tokens.push({ kind: 'newline', text: '', start: n, end: n, indent: 0, lineStart: false });
  tokens.push({ kind: 'end', text: '', start: n, end: n, indent: 0, lineStart: true });
  return tokens;
}

class Unsupported extends Error {}

/** HF and nanoGPT config classes, to the model_type their keyword arguments describe. */
const CONFIG_CLASSES: Readonly<Record<string, string>> = {
  GPTConfig: 'nanogpt',
  GPT2Config: 'gpt2',
  LlamaConfig: 'llama',
  MistralConfig: 'mistral',
  MixtralConfig: 'mixtral',
  Qwen2Config: 'qwen2',
  Qwen3Config: 'qwen3',
  GemmaConfig: 'gemma',
  Gemma2Config: 'gemma2',
  PhiConfig: 'phi',
  Phi3Config: 'phi3',
  BertConfig: 'bert',
  RobertaConfig: 'roberta',
  T5Config: 't5',
  OPTConfig: 'opt',
  BloomConfig: 'bloom',
  GPTNeoXConfig: 'gpt_neox',
  GPTJConfig: 'gptj',
  FalconConfig: 'falcon',
  StableLmConfig: 'stablelm',
  Starcoder2Config: 'starcoder2',
  DeepseekV2Config: 'deepseek_v2',
  DeepseekV3Config: 'deepseek_v3',
};

/** The model_type a config class name stands for (LlamaConfig → llama), if it is one. */
export function modelTypeOfClass(name: string): string | undefined {
  const last = name.split('.').pop() ?? name;
  return CONFIG_CLASSES[last];
}

interface Value {
  readonly node: ConfigValue;
  /** The numeric value, when the expression is a number (for arithmetic and references). */
  readonly num?: number;
}

class Parser {
  private pos = 0;
  private depth = 0;
  /** Module-level names bound so far, for references such as `n_embd * 4`. */
  readonly scope = new Map<string, Value>();
  /** Names assigned inside a block that runs or not (`if big: n_layer = 48`): the block's keyword, and where. */
  readonly branchAssigned = new Map<string, { readonly branch: string; readonly offset: number }>();
  /**
   * While scripts are scanned for calls: the names assigned anywhere in the file (function bodies and `if` blocks
   * too), a name assigned twice to different values unreadable; and `args.NAME` / `script_args.NAME` defaults from
   * argparse and dataclass fields. Empty while the module is read as a config.
   */
  private readonly anywhere = new Map<string, Value>();
  private readonly attributeDefaults = new Map<string, Value>();
  /** The calls recorded while scanning a script, by where they start. */
  private recorded: Map<number, CallSite> | undefined;

  constructor(private readonly tokens: Token[], private readonly text: string) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) {
      this.pos++;
    }
    return t;
  }

  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === text;
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) {
      throw new Unsupported(`expected ${text}`);
    }
    return this.next();
  }

  /**
   * Skips the rest of the current statement, and any block indented under it. With `branch`, names the skipped
   * statements assign are recorded: the value they end with depends on how the script runs.
   */
  skipStatement(branch?: string): void {
    const indent = this.peek().indent;
    let previous: Token | undefined;
    const step = () => {
      const t = this.next();
      const assigns = this.isOp('=') || (this.peek().kind === 'op' && this.peek().text in AUGMENTED);
      if (branch && t.kind === 'name' && assigns && (t.lineStart || previous?.text === ':' || previous?.text === ';')) {
        this.branchAssigned.set(t.text, { branch, offset: t.start });
        // Later references to it (`n_embd = width`) cannot know which value they get either.
        const unreadable = `it reads \`${t.text}\`, ${assignedInBranch(branch).replace(/^it is/, 'which is')}`;
        this.scope.set(t.text, { node: { kind: 'null', span: { start: t.start, end: t.end }, unreadable } });
      }
      previous = t;
    };
    while (this.peek().kind !== 'end' && this.peek().kind !== 'newline') {
      step();
    }
    if (this.peek().kind === 'newline') {
      this.next();
    }
    while (this.peek().kind !== 'end' && this.peek().lineStart && this.peek().indent > indent) {
      while (this.peek().kind !== 'end' && this.peek().kind !== 'newline') {
        step();
      }
      if (this.peek().kind === 'newline') {
        this.next();
      }
    }
  }

  /** Parses a block of statements at one indentation into entries. */
  parseBlock(indent: number, entries: ConfigEntry[], problems: ParseProblem[], topLevel: boolean): void {
    let guard = 0;
    while (this.peek().kind !== 'end' && guard++ < MAX_TOKENS) {
      const t = this.peek();
      if (t.kind === 'newline') {
        this.next();
        continue;
      }
      if (t.indent < indent || (!topLevel && t.indent !== indent && t.lineStart)) {
        return;
      }
      if (t.indent > indent) {
        this.skipStatement();
        continue;
      }
      const start = this.pos;
      try {
        this.parseStatement(entries, topLevel, problems);
      } catch (e) {
        if (!(e instanceof Unsupported)) {
          throw e;
        }
        this.pos = start;
        this.skipStatement();
      }
    }
  }

  private parseStatement(entries: ConfigEntry[], topLevel: boolean, problems: ParseProblem[]): void {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '@') {
      this.skipStatement(); // a decorator line (@dataclass)
      return;
    }
    if (t.kind === 'name' && t.text === 'class') {
      this.next();
      const name = this.next();
      if (name.kind !== 'name') {
        throw new Unsupported('class name');
      }
      while (!this.isOp(':') && this.peek().kind !== 'newline' && this.peek().kind !== 'end') {
        this.next(); // bases
      }
      this.expectOp(':');
      if (this.peek().kind !== 'newline') {
        throw new Unsupported('one-line class');
      }
      this.next();
      const bodyIndent = this.peek().indent;
      if (bodyIndent <= t.indent) {
        return;
      }
      const fields: ConfigEntry[] = [];
      const startOffset = t.start;
      this.parseBlock(bodyIndent, fields, problems, false);
      const endOffset = this.tokens[Math.max(0, this.pos - 1)].end;
      const modelType = modelTypeOfClass(name.text);
      if (modelType && !fields.some(f => f.key === 'model_type')) {
        fields.push({ key: 'model_type', keySpan: { start: name.start, end: name.end }, value: { kind: 'string', value: modelType, span: { start: name.start, end: name.end } } });
      }
      entries.push({ key: name.text, keySpan: { start: name.start, end: name.end }, value: { kind: 'object', entries: fields, span: { start: startOffset, end: endOffset } } });
      return;
    }
    if (t.kind === 'name' && BRANCHING.includes(t.text)) {
      this.skipStatement(topLevel ? t.text : undefined);
      return;
    }
    if (t.kind === 'name' && ['def', 'import', 'from', 'return', 'assert', 'raise', 'del', 'pass', 'global', 'async', 'print'].includes(t.text)) {
      this.skipStatement();
      return;
    }
    // NAME (: annotation)? = expression
    if (t.kind !== 'name') {
      throw new Unsupported('statement');
    }
    const targets: Token[] = [this.next()];
    while (this.isOp(',')) {
      this.next();
      targets.push(this.next()); // a, b = ... : only the first simple target is kept below
    }
    if (this.isOp(':')) {
      this.next();
      // The annotation runs up to '=' or the end of the line.
      while (!this.isOp('=') && this.peek().kind !== 'newline' && this.peek().kind !== 'end') {
        this.next();
      }
      if (!this.isOp('=')) {
        this.finishLine();
        return; // annotation without a value
      }
    }
    const augmented = this.peek().kind === 'op' ? AUGMENTED[this.peek().text] : undefined;
    if ((!this.isOp('=') && !augmented) || targets.length > 1 || targets[0].kind !== 'name') {
      throw new Unsupported('not an assignment');
    }
    this.next();
    const value = augmented ? this.augmentedValue(targets[0], augmented) : this.valueOrUnreadable();
    this.finishLine();
    const name = targets[0];
    entries.push({ key: name.text, keySpan: { start: name.start, end: name.end }, value: value.node });
    if (topLevel) {
      this.scope.set(name.text, value);
    } else {
      this.scope.set(`.${name.text}`, value); // class fields are visible to later fields of the class body only
    }
  }

  /** `n_layer += 12`: the earlier value with the operation applied, when both are numbers; unreadable otherwise. */
  private augmentedValue(target: Token, op: string): Value {
    const before = this.scope.get(target.text);
    const right = this.valueOrUnreadable();
    if (before?.num !== undefined && right.num !== undefined) {
      try {
        return this.arithmetic(target, before, op, right);
      } catch {
        // not numbers after all: unreadable below
      }
    }
    const span = { start: target.start, end: this.tokens[Math.max(0, this.pos - 1)].end };
    return { node: { kind: 'null', span, unreadable: `it is changed with \`${op}=\` by a value VRAM Lens cannot follow` } };
  }

  private finishLine(): void {
    if (this.peek().kind === 'newline') {
      this.next();
    } else if (this.peek().kind !== 'end') {
      throw new Unsupported('trailing tokens');
    }
  }

  private span(startToken: Token): Span {
    return { start: startToken.start, end: this.tokens[Math.max(0, this.pos - 1)].end };
  }

  /**
   * An expression where a config value is written (an assignment, a keyword argument, a dict value). What the reader
   * does not follow (a lambda, `:=`, a conditional, a subscript, a name from elsewhere) becomes a value marked
   * unreadable, with the reason, so the key stays and a config that needs it says why it has no number.
   */
  private valueOrUnreadable(): Value {
    const start = this.pos;
    try {
      return this.parseExpression();
    } catch (e) {
      if (!(e instanceof Unsupported)) {
        throw e;
      }
      this.pos = start;
      const why = this.skipExpression();
      const span = { start: this.tokens[start].start, end: this.tokens[Math.max(start, this.pos - 1)].end };
      return { node: { kind: 'null', span, unreadable: `it is Python that VRAM Lens does not evaluate (${why ?? e.message})` } };
    }
  }

  /**
   * Skips one expression: up to a `,` or a closing bracket outside brackets, or the end of the statement. Returns
   * the construct that made it unreadable, when a token names one.
   */
  private skipExpression(): string | undefined {
    let depth = 0;
    let why: string | undefined;
    for (;;) {
      const t = this.peek();
      // The tokenizer ends a statement only outside brackets (or where a new assignment starts an unclosed one).
      if (t.kind === 'end' || t.kind === 'newline') {
        return why;
      }
      if (t.kind === 'op' && depth === 0 && (t.text === ',' || t.text === ')' || t.text === ']' || t.text === '}')) {
        return why;
      }
      if (t.kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) {
        depth++;
      } else if (t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')) {
        depth--;
      }
      why ??= t.kind === 'name' && t.text === 'lambda' ? 'a lambda'
        : t.kind === 'op' && t.text === ':=' ? 'an assignment expression, :='
          : t.kind === 'name' && (t.text === 'if' || t.text === 'else') ? 'a conditional expression'
            : t.kind === 'name' && t.text === 'for' ? 'a comprehension'
              : undefined;
      this.next();
    }
  }

  /**
   * The calls of a script that say how it loads and trains a model (SCRIPT_CALLS), wherever they are written, in
   * document order. Names resolve to what the file assigns them anywhere, and `args.X` to argparse or dataclass
   * defaults; nothing is executed.
   */
  scanCalls(root: ConfigObject): CallSite[] {
    if (!this.tokens.some(t => t.kind === 'name' && SCRIPT_CALLS.has(t.text))) {
      return [];
    }
    this.collectDefaults(root);
    this.collectAssignments();
    this.recorded = new Map();
    let sites = 0;
    for (let i = 0; i < this.tokens.length - 1 && sites < MAX_CALL_SITES; i++) {
      const t = this.tokens[i];
      if (t.kind !== 'name' || !SCRIPT_CALLS.has(t.text) || !(this.tokens[i + 1].kind === 'op' && this.tokens[i + 1].text === '(')) {
        continue;
      }
      let j = i;
      while (j >= 2 && this.tokens[j - 1].text === '.' && this.tokens[j - 2].kind === 'name') {
        j -= 2;
      }
      if ((j > 0 && this.tokens[j - 1].text === 'def') || this.inDeadBranch(j)) {
        continue;
      }
      sites++;
      this.tryAt(j, () => this.parsePostfix());
    }
    this.scanAttributeAssignments();
    return [...this.recorded.values()].sort((a, b) => a.span.start - b.span.start);
  }

  /**
   * Statements that set an attribute of what a script call returned (`recipe.data.seq_length = 8192`, NeMo's way of
   * changing a recipe), wherever they are written: each kept as a call to `recipe.data.seq_length=` with the value as
   * its one argument. Only in scripts that make one of the calls (ATTRIBUTE_ROOT_CALLS) whose result is changed so.
   */
  private scanAttributeAssignments(): void {
    if (!this.tokens.some(t => t.kind === 'name' && ATTRIBUTE_ROOT_CALLS.has(t.text))) {
      return;
    }
    let sites = 0;
    for (let i = 0; i < this.tokens.length - 3 && sites < MAX_CALL_SITES; i++) {
      const t = this.tokens[i];
      if (t.kind !== 'name' || !t.lineStart) {
        continue;
      }
      let j = i;
      const parts = [t.text];
      while (this.tokens[j + 1]?.text === '.' && this.tokens[j + 2]?.kind === 'name') {
        parts.push(this.tokens[j + 2].text);
        j += 2;
      }
      const equals = this.tokens[j + 1];
      if (parts.length < 2 || equals?.kind !== 'op' || equals.text !== '=' || this.inDeadBranch(i)) {
        continue;
      }
      sites++;
      this.tryAt(j + 2, () => {
        const value = this.valueOrUnreadable().node;
        const span = { start: t.start, end: value.span.end };
        this.recorded!.set(t.start, { callee: `${parts.join('.')}=`, args: [value], kwargs: { kind: 'object', entries: [], span: value.span }, span });
      });
    }
  }

  /**
   * The logical lines of the file: each one's first token, the line of the block header it sits under, and the line
   * before it at its own depth under the same header (an `else:`'s `if`). Built once, in one pass with a stack.
   */
  private lineTree: { readonly starts: number[]; readonly parent: number[]; readonly previous: number[] } | undefined;

  private lines(): NonNullable<Parser['lineTree']> {
    if (this.lineTree) {
      return this.lineTree;
    }
    const starts: number[] = [];
    const parent: number[] = [];
    const previous: number[] = [];
    const open: number[] = [];
    this.tokens.forEach((t, i) => {
      if (!t.lineStart || t.kind === 'end') {
        return;
      }
      const line = starts.length;
      starts.push(i);
      while (open.length > 0 && this.tokens[starts[open[open.length - 1]]].indent > t.indent) {
        open.pop();
      }
      const top = open[open.length - 1];
      const sibling = top !== undefined && this.tokens[starts[top]].indent === t.indent ? open.pop()! : -1;
      previous.push(sibling);
      parent.push(open[open.length - 1] ?? -1);
      open.push(line);
    });
    this.lineTree = { starts, parent, previous };
    return this.lineTree;
  }

  /** The logical line token `index` is on. */
  private lineIndexOf(index: number): number {
    const { starts } = this.lines();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * True when the code at token `index` sits in a branch a run without arguments skips: under `if args.quantize:`
   * whose option defaults to False (or in the `else:` of one that defaults to True), at any depth of nesting.
   */
  private inDeadBranch(index: number): boolean {
    const { starts, parent, previous } = this.lines();
    for (let line = parent[this.lineIndexOf(index)] ?? -1; line >= 0; line = parent[line]) {
      const header = this.tokens[starts[line]];
      if ((header.text === 'if' || header.text === 'elif') && this.conditionAt(starts[line] + 1) === false) {
        return true;
      }
      const branch = previous[line] >= 0 ? this.tokens[starts[previous[line]]] : undefined;
      if (header.text === 'else' && branch && (branch.text === 'if' || branch.text === 'elif') && this.conditionAt(starts[previous[line]] + 1) === true) {
        return true;
      }
    }
    return false;
  }

  /** A condition of the forms `X`, `args.X` and `not …`, by the defaults the file gives; undefined for anything else. */
  private conditionAt(index: number): boolean | undefined {
    let i = index;
    let negate = false;
    while (this.tokens[i]?.text === 'not') {
      negate = !negate;
      i++;
    }
    const names: string[] = [];
    while (this.tokens[i]?.kind === 'name') {
      names.push(this.tokens[i].text);
      if (this.tokens[i + 1]?.text !== '.') {
        break;
      }
      i += 2;
    }
    if (names.length === 0 || names.length > 2 || this.tokens[i + 1]?.text !== ':') {
      return undefined;
    }
    const name = names[names.length - 1];
    const v = (names.length === 1 ? this.anywhere.get(name)?.node : undefined) ?? this.attributeDefaults.get(name)?.node;
    return v?.kind === 'boolean' ? v.value !== negate : undefined;
  }

  /** Runs `read` from token `index`, leaving nothing behind when the code there is not what it reads. */
  private tryAt<T>(index: number, read: () => T): T | undefined {
    this.pos = index;
    this.depth = 0;
    try {
      return read();
    } catch (e) {
      if (!(e instanceof Unsupported)) {
        throw e;
      }
      return undefined;
    }
  }

  /** `parser.add_argument("--model_name", default="…")` and dataclass fields (`model_name: str = field(default="…")`). */
  private collectDefaults(root: ConfigObject): void {
    for (let i = 0; i < this.tokens.length - 1; i++) {
      if (this.tokens[i].text !== 'add_argument' || this.tokens[i + 1].text !== '(') {
        continue;
      }
      const call = this.tryAt(i, () => this.parsePostfix());
      if (call?.node.kind !== 'object') {
        continue;
      }
      const flag = this.argumentName(i);
      const dest = call.node.entries.find(e => e.key === 'dest')?.value;
      const name = dest?.kind === 'string' ? dest.value : flag;
      const action = call.node.entries.find(e => e.key === 'action')?.value;
      const switchAction = action?.kind === 'string' && (action.value === 'store_true' || action.value === 'store_false') ? action : undefined;
      // A switch (`action="store_true"`) defaults to the opposite of what it stores.
      const value = call.node.entries.find(e => e.key === 'default')?.value ?? (switchAction && { kind: 'boolean' as const, value: switchAction.value === 'store_false', span: switchAction.span });
      if (name && value && value.kind !== 'null') {
        this.attributeDefaults.set(name, { node: value, ...(value.kind === 'number' ? { num: value.value } : {}) });
      }
    }
    for (const e of root.entries) {
      if (e.value.kind !== 'object' || e.value.call !== undefined) {
        continue; // a class body (a dataclass), not a call's arguments
      }
      for (const field of e.value.entries) {
        const v = field.value.kind === 'object' && field.value.call === 'field' ? field.value.entries.find(x => x.key === 'default')?.value : field.value;
        if (v && (v.kind === 'string' || v.kind === 'number' || v.kind === 'boolean') && !this.attributeDefaults.has(field.key)) {
          this.attributeDefaults.set(field.key, { node: v, ...(v.kind === 'number' ? { num: v.value } : {}) });
        }
      }
    }
  }

  /** The option an `add_argument("--model-name", …)` call defines (`model_name`), from its first string argument. */
  private argumentName(index: number): string | undefined {
    const first = this.tokens[index + 2];
    const literal = first?.kind === 'string' ? stringValue(first.text) : undefined;
    return literal?.startsWith('-') ? literal.replace(/^-+/, '').replace(/-/g, '_') : undefined;
  }

  /** Every `NAME = value` at the start of a line, at any depth: one value per name, or unreadable when it varies. */
  private collectAssignments(): void {
    for (let i = 0; i < this.tokens.length - 2; i++) {
      const t = this.tokens[i];
      if (t.lineStart && t.kind === 'name' && t.text === 'def') {
        this.collectParameterDefaults(i);
        continue;
      }
      if (!t.lineStart || t.kind !== 'name' || this.tokens[i + 1].kind !== 'op' || this.tokens[i + 1].text !== '=') {
        continue;
      }
      this.bindAnywhere(t, this.tryAt(i + 2, () => this.parseExpression()));
    }
  }

  /** A name the script gives a value somewhere; given two different values, or one not read, it reads as unreadable. */
  private bindAnywhere(t: Token, value: Value | undefined): void {
    const before = this.anywhere.get(t.text);
    if (value === undefined || (before && !sameValue(before.node, value.node))) {
      const why = value === undefined ? 'it is Python that VRAM Lens does not evaluate' : 'it is assigned more than once in this script, to different values';
      this.anywhere.set(t.text, { node: { kind: 'null', span: { start: t.start, end: t.end }, unreadable: `it reads \`${t.text}\`; ${why}` } });
    } else if (!before) {
      this.anywhere.set(t.text, value);
    }
  }

  /**
   * A function's parameters with defaults (`def configure_recipe(nodes: int = 2, gpus_per_node=8):`): each name bound
   * to its default, as the function runs when called without it (NeMo's recipe scripts configure runs so).
   */
  private collectParameterDefaults(def: number): void {
    if (this.tokens[def + 1]?.kind !== 'name' || this.tokens[def + 2]?.text !== '(') {
      return;
    }
    let depth = 0;
    for (let i = def + 2; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t.kind === 'op' && '([{'.includes(t.text)) {
        depth++;
      } else if (t.kind === 'op' && ')]}'.includes(t.text)) {
        if (--depth === 0) {
          return;
        }
      } else if (depth === 1 && t.kind === 'name' && (this.tokens[i - 1].text === '(' || this.tokens[i - 1].text === ',')) {
        // NAME (: annotation)? = default
        let j = i + 1;
        if (this.tokens[j]?.text === ':') {
          while (j < this.tokens.length && !['=', ',', ')'].includes(this.tokens[j].text)) {
            j++;
          }
        }
        if (this.tokens[j]?.text === '=') {
          this.bindAnywhere(t, this.tryAt(j + 1, () => this.parseExpression()));
        }
      } else if (t.kind === 'newline' || t.kind === 'end') {
        return;
      }
    }
  }

  parseExpression(): Value {
    if (++this.depth > MAX_DEPTH) {
      throw new Unsupported('too deep');
    }
    try {
      // Conditional expressions and boolean logic are not config literals.
      const v = this.parseSum();
      if (this.peek().kind === 'name' && ['if', 'and', 'or', 'for'].includes(this.peek().text)) {
        throw new Unsupported('expression');
      }
      return v;
    } finally {
      this.depth--;
    }
  }

  private arithmetic(first: Token, left: Value, op: string, right: Value): Value {
    if (left.num === undefined || right.num === undefined) {
      throw new Unsupported('non-numeric arithmetic');
    }
    let r: number;
    switch (op) {
      case '+': r = left.num + right.num; break;
      case '-': r = left.num - right.num; break;
      case '*': r = left.num * right.num; break;
      case '/': r = left.num / right.num; break;
      case '//': r = Math.floor(left.num / right.num); break;
      case '%': r = left.num - right.num * Math.floor(left.num / right.num); break;
      case '**': r = left.num ** right.num; break;
      default: throw new Unsupported(op);
    }
    const span = this.span(first);
    return { node: { kind: 'number', value: r, raw: this.text.slice(span.start, span.end), span }, num: r };
  }

  private parseSum(): Value {
    const first = this.peek();
    let left = this.parseTerm();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text;
      left = this.arithmetic(first, left, op, this.parseTerm());
    }
    return left;
  }

  private parseTerm(): Value {
    const first = this.peek();
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = this.next().text;
      left = this.arithmetic(first, left, op, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): Value {
    const first = this.peek();
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next().text;
      const v = this.parseUnary();
      if (v.num === undefined) {
        throw new Unsupported('unary on non-number');
      }
      const r = op === '-' ? -v.num : v.num;
      const span = this.span(first);
      return { node: { kind: 'number', value: r, raw: this.text.slice(span.start, span.end), span }, num: r };
    }
    const base = this.parsePostfix();
    if (this.isOp('**')) {
      this.next();
      return this.arithmetic(first, base, '**', this.parseUnary());
    }
    return base;
  }

  private parsePostfix(): Value {
    const first = this.peek();
    let v = this.parseAtom();
    let dotted = first.kind === 'name' ? first.text : undefined;
    for (;;) {
      if (this.isOp('.') && this.peek(1).kind === 'name') {
        this.next();
        const attr = this.next();
        dotted = dotted !== undefined ? `${dotted}.${attr.text}` : undefined;
        const span = this.span(first);
        v = { node: { kind: 'null', span } };
      } else if (this.isOp('(')) {
        v = this.parseCall(first, dotted);
        dotted = undefined;
      } else if (this.isOp('[')) {
        throw new Unsupported('a subscript');
      } else if (v.node.kind === 'null' && dotted !== undefined && dotted.includes('.')) {
        const dtype = /^torch\.(float16|bfloat16|float32|float64|half|float|float8_e4m3fn|float8_e5m2)$/.exec(dotted);
        if (dtype) {
          return { node: { kind: 'string', value: dtype[1], span: v.node.span } }; // torch.bfloat16 names a dtype
        }
        // A script argument with a default the file writes (argparse, a dataclass field): that default.
        const parts = dotted.split('.');
        const fallback = parts.length === 2 ? this.attributeDefaults.get(parts[1]) : undefined;
        if (fallback) {
          return { node: { ...fallback.node, span: v.node.span } as ConfigValue, ...(fallback.num !== undefined ? { num: fallback.num } : {}) };
        }
        // An attribute of something else (`args.n_embd`, `config.hidden_size`): a value this file does not write.
        return { node: { ...v.node, unreadable: `it is \`${dotted}\`, a value this file does not write` } };
      } else {
        return v;
      }
    }
  }

  private parseCall(first: Token, callee: string | undefined): Value {
    this.expectOp('(');
    const entries: ConfigEntry[] = [];
    const items: ConfigValue[] = [];
    while (!this.isOp(')')) {
      if (this.peek().kind === 'name' && this.isOp('=', 1)) {
        const key = this.next();
        this.next();
        const value = this.valueOrUnreadable();
        entries.push({ key: key.text, keySpan: { start: key.start, end: key.end }, value: value.node });
      } else if (this.isOp('**') || this.isOp('*')) {
        // `model.generate(**inputs)` says only that the script generates; elsewhere an unpacked argument could hide a setting.
        if (callee?.split('.').pop() !== 'generate') {
          throw new Unsupported('unpacking');
        }
        this.next();
        this.valueOrUnreadable();
      } else {
        items.push(this.valueOrUnreadable().node);
      }
      if (!this.isOp(',')) {
        break;
      }
      this.next();
    }
    this.expectOp(')');
    const span = this.span(first);
    if (callee === 'dict') {
      return { node: { kind: 'object', entries, span } };
    }
    if (callee === 'list' || callee === 'tuple') {
      return { node: items[0] ?? { kind: 'array', items: [], span } };
    }
    const modelType = callee ? modelTypeOfClass(callee) : undefined;
    if (modelType && !entries.some(e => e.key === 'model_type')) {
      entries.push({ key: 'model_type', keySpan: { start: first.start, end: first.end }, value: { kind: 'string', value: modelType, span: { start: first.start, end: first.end } } });
    }
    // Any other call is read by its keyword arguments: Config(...)-style constructors carry the model there.
    const node: ConfigObject = callee ? { kind: 'object', entries, span, call: callee } : { kind: 'object', entries, span };
    if (this.recorded && callee && SCRIPT_CALLS.has(callee.split('.').pop()!) && !this.recorded.has(span.start)) {
      this.recorded.set(span.start, { callee, args: items, kwargs: node, span });
    }
    return { node };
  }

  private parseAtom(): Value {
    const t = this.next();
    switch (t.kind) {
      case 'number': {
        const clean = t.text.replace(/_/g, '');
        if (/[jJ]$/.test(clean)) {
          throw new Unsupported('complex');
        }
        const value = /^0[xXoObB]/.test(clean) ? Number(clean) : Number(clean);
        return { node: { kind: 'number', value, raw: t.text, span: { start: t.start, end: t.end } }, num: value };
      }
      case 'string': {
        let text = stringValue(t.text);
        let end = t.end;
        while (this.peek().kind === 'string') {
          const more = this.next();
          text = text === undefined ? undefined : (() => { const m = stringValue(more.text); return m === undefined ? undefined : text + m; })();
          end = more.end;
        }
        if (text === undefined) {
          return { node: { kind: 'null', span: { start: t.start, end } } };
        }
        return { node: { kind: 'string', value: text, span: { start: t.start, end } } };
      }
      case 'name': {
        const span = { start: t.start, end: t.end };
        if (t.text === 'True' || t.text === 'False') {
          return { node: { kind: 'boolean', value: t.text === 'True', span } };
        }
        if (t.text === 'None') {
          return { node: { kind: 'null', span } };
        }
        const assigned = this.scope.get(`.${t.text}`) ?? this.anywhere.get(t.text) ?? this.scope.get(t.text);
        // A name that holds no value the file writes elsewhere (a model object, something unreadable) but is named
        // like a command-line option is, in the function that reads it, most likely that option (`base_model`).
        const option = this.recorded && (assigned === undefined || (assigned.node.kind !== 'string' && assigned.node.kind !== 'number' && assigned.node.kind !== 'boolean'))
          ? this.attributeDefaults.get(t.text) : undefined;
        const bound = option ?? assigned;
        if (bound && !this.isOp('(') && !this.isOp('.')) {
          // A reference to an earlier value: the value, pointing at where the reference is written.
          return bound.num !== undefined
            ? { node: { kind: 'number', value: bound.num, raw: t.text, span }, num: bound.num }
            : { node: { ...bound.node, span } as ConfigValue };
        }
        if (this.isOp('(') || this.isOp('.')) {
          return { node: { kind: 'null', span } };
        }
        throw new Unsupported(`the name \`${t.text}\`, which this file does not define`);
      }
      case 'op':
        if (t.text === '(') {
          if (this.isOp(')')) {
            this.next();
            return { node: { kind: 'array', items: [], span: this.span(t) } };
          }
          const inner = this.parseExpression();
          if (this.isOp(',')) {
            const items = [inner.node];
            while (this.isOp(',')) {
              this.next();
              if (this.isOp(')')) {
                break;
              }
              items.push(this.parseExpression().node);
            }
            this.expectOp(')');
            return { node: { kind: 'array', items, span: this.span(t) } };
          }
          this.expectOp(')');
          return inner;
        }
        if (t.text === '[') {
          const items: ConfigValue[] = [];
          while (!this.isOp(']')) {
            items.push(this.parseExpression().node);
            if (!this.isOp(',')) {
              break;
            }
            this.next();
          }
          this.expectOp(']');
          return { node: { kind: 'array', items, span: this.span(t) } };
        }
        if (t.text === '{') {
          const entries: ConfigEntry[] = [];
          while (!this.isOp('}')) {
            const keyToken = this.peek();
            const key = this.parseExpression();
            if (!this.isOp(':')) {
              throw new Unsupported('set literal');
            }
            this.next();
            const value = this.valueOrUnreadable();
            if (key.node.kind === 'string' || key.node.kind === 'number') {
              entries.push({ key: String(key.node.value), keySpan: { start: keyToken.start, end: key.node.span.end }, value: value.node });
            }
            if (!this.isOp(',')) {
              break;
            }
            this.next();
          }
          this.expectOp('}');
          return { node: { kind: 'object', entries, span: this.span(t) } };
        }
        throw new Unsupported(`operator ${t.text}`);
      default:
        throw new Unsupported('end of input');
    }
  }
}

/** Calls whose result a script changes by setting its attributes: NeMo 2's recipes (`llm.llama3_8b.pretrain_recipe(…)`). */
const ATTRIBUTE_ROOT_CALLS: ReadonlySet<string> = new Set([NEMO_RECIPE_CALL, NEMO_FINETUNE_CALL]);

/**
 * The calls a script's model, quantization, adapter and run are written in: HF transformers and PEFT (its other
 * methods' configs too, which the engine refuses), TRL's configs
 * and trainers, unsloth, vLLM, llama-cpp-python, argparse (for defaults), a diffusers pipeline's call (`pipe(prompt, height=…)`, named as
 * diffusers' examples name it) and its offload switches; and what says the script's purpose: `generate`, a backward
 * pass, an optimizer built by hand.
 */
const SCRIPT_CALLS: ReadonlySet<string> = new Set([
  'from_pretrained', 'BitsAndBytesConfig', 'GPTQConfig', 'AwqConfig', 'Mxfp4Config', 'LoraConfig', 'get_peft_model', 'prepare_model_for_kbit_training',
  'gradient_checkpointing_enable', 'TrainingArguments', 'Seq2SeqTrainingArguments', 'SFTConfig', 'DPOConfig', 'GRPOConfig',
  'ORPOConfig', 'KTOConfig', 'CPOConfig', 'RewardConfig', 'SFTTrainer', 'DPOTrainer', 'GRPOTrainer', 'ORPOTrainer', 'Trainer',
  'LLM', 'Llama', 'pipeline', 'tokenizer', 'enable_model_cpu_offload', 'enable_sequential_cpu_offload', 'pipe', ...Object.keys(PEFT_METHOD_CONFIGS),
  'generate', 'backward', 'AdamW', 'Adam', 'SGD', 'Adafactor', 'AdamW8bit', 'PagedAdamW8bit',
  ...ATTRIBUTE_ROOT_CALLS,
]);

/** Call sites read per script: real ones make a few dozen of these calls; past this a file is data. */
const MAX_CALL_SITES = 500;

/** Two values a name is assigned are the same: equal scalars, or the same written expression. */
function sameValue(a: ConfigValue, b: ConfigValue): boolean {
  if (a.kind !== b.kind) {
    return false;
  }
  if (a.kind === 'string' || a.kind === 'number' || a.kind === 'boolean') {
    return a.value === (b as typeof a).value;
  }
  return a.span.start === b.span.start;
}

/** The value of a Python string literal, or undefined for f-strings (which would need evaluation). */
function stringValue(literal: string): string | undefined {
  const prefix = /^[rRbBuUfF]*/.exec(literal)![0];
  if (/[fF]/.test(prefix)) {
    return undefined;
  }
  let body = literal.slice(prefix.length);
  const quote = body.startsWith('"""') || body.startsWith("'''") ? body.slice(0, 3) : body[0];
  body = body.slice(quote.length, body.endsWith(quote) && body.length >= 2 * quote.length ? body.length - quote.length : body.length);
  if (/[rR]/.test(prefix)) {
    return body;
  }
  return body.replace(/\\(["'\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** Why a module-level value set inside an `if` (or `for`, `with`…) block cannot be read. */
function assignedInBranch(branch: string): string {
  return `it is assigned again inside an \`${branch}\` block, so its value depends on how the script runs`;
}

export function parsePython(text: string): ConfigDocument {
  const problems: ParseProblem[] = [];
  const tokens = tokenize(text);
  if (tokens.length >= MAX_TOKENS) {
    const message = `The file holds more than ${MAX_TOKENS.toLocaleString('en-US')} Python tokens, more than any config; VRAM Lens does not read it.`;
    return { root: undefined, problems: [{ message, span: { start: 0, end: 0 } }] };
  }
  const parser = new Parser(tokens, text);
  const parsed: ConfigEntry[] = [];
  parser.parseBlock(0, parsed, problems, true);
  // A module-level value assigned again later in a block that may run: which one holds depends on how the script runs.
  const entries = parsed.map(e => {
    const later = parser.branchAssigned.get(e.key);
    return later === undefined || later.offset < e.keySpan.start ? e : { ...e, value: { kind: 'null' as const, span: e.value.span, unreadable: assignedInBranch(later.branch) } };
  });
  const root: ConfigObject = { kind: 'object', entries, span: { start: 0, end: text.length } };
  const calls = parser.scanCalls(root);
  return { root, problems, ...(calls.length > 0 ? { calls } : {}) };
}
