// Specification of the extension's lifetime plumbing: what a feature registers is disposed with it, and a wait restarts while typing goes on.
import * as assert from 'assert';
import { Debouncer, Disposable } from '../../src/extension/lifetime';

class Feature extends Disposable {
  own(name: string, log: string[]): void {
    this._register({ dispose: () => log.push(name) });
  }
}

describe('the extension plumbing', () => {
  it('a feature disposes what it registered, last first, once; what it registers afterwards is disposed at once', () => {
    const log: string[] = [];
    const f = new Feature();
    f.own('emitter', log);
    f.own('listener', log);
    f.dispose();
    assert.deepStrictEqual(log, ['listener', 'emitter']);
    f.dispose();
    assert.deepStrictEqual(log, ['listener', 'emitter'], 'nothing is disposed twice');
    f.own('late', log);
    assert.deepStrictEqual(log, ['listener', 'emitter', 'late']);
  });

  it('a debounced action runs once after the last request for its key; cancel and dispose drop the wait', async () => {
    const runs: string[] = [];
    const d = new Debouncer();
    const pause = (ms: number) => new Promise(r => setTimeout(r, ms));
    d.run('a', 30, () => runs.push('a1'));
    d.run('a', 30, () => runs.push('a2'));
    d.run('b', 30, () => runs.push('b'));
    d.run('c', 30, () => runs.push('c'));
    d.cancel('c');
    await pause(80);
    assert.deepStrictEqual(runs.sort(), ['a2', 'b']);
    d.run('a', 30, () => runs.push('late'));
    d.dispose();
    await pause(60);
    assert.deepStrictEqual(runs, ['a2', 'b']);
  });
});
