// Specification of the source tree's shape: modules that import no cycle, each file opening with what it holds, constants written once.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers';

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The project modules a file imports (type-only imports included), as absolute paths without extension. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)) {
    const target = path.resolve(path.dirname(file), m[1]);
    if (fs.existsSync(`${target}.ts`)) {
      out.push(target);
    } else if (fs.existsSync(path.join(target, 'index.ts'))) {
      out.push(path.join(target, 'index'));
    }
  }
  return out;
}

/** The first import cycle found, as the chain of modules, or undefined. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        return [...stack.slice(stack.indexOf(next)), next];
      }
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) {
          return cycle;
        }
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) {
        return cycle;
      }
    }
  }
  return undefined;
}

describe('the source tree', () => {
  const files = sourceFiles(SRC);

  it('no module imports itself through others, type-only imports included', () => {
    const graph = new Map(files.map(f => [f.replace(/\.ts$/, ''), importsOf(f)]));
    assert.ok(graph.size > 50, `${graph.size} modules`);
    const cycle = findCycle(graph);
    assert.strictEqual(cycle, undefined, `an import cycle: ${cycle?.map(m => path.relative(SRC, m)).join(' → ')}`);
    // The check finds a cycle where there is one.
    assert.deepStrictEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  });

  it('every source file opens with one line saying what it holds', () => {
    for (const f of files) {
      const first = fs.readFileSync(f, 'utf8').split('\n')[0];
      assert.match(first, /^\/\/ \S.{20,}$/, `${path.relative(ROOT, f)} opens with "${first}"`);
    }
  });

  it('the all-linear LoRA target list is written once', () => {
    const lists = files.filter(f => /\[\s*'q',\s*'k',\s*'v',\s*'o',\s*'gate',\s*'up',\s*'down'\s*\]/.test(fs.readFileSync(f, 'utf8')));
    assert.deepStrictEqual(lists.map(f => path.relative(SRC, f)), [path.join('core', 'weightTensor.ts')]);
  });
});
