// The extension's lifetime plumbing, for every editor feature: a Disposable base that disposes what it registers, and one keyed debouncer.
import type * as vscode from 'vscode';

/**
 * A feature that owns listeners, emitters and UI items: each is registered once with `_register` and disposed with
 * the feature, last registered first. Something registered after disposal is disposed at once.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) {
      d.dispose();
    } else {
      this.owned.push(d);
    }
    return d;
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.owned.splice(0).reverse()) {
      d.dispose();
    }
  }
}

/** How long typing must pause before a document's diagnostics and the status bar are recomputed. */
export const TYPING_PAUSE_MS = 300;

/**
 * Runs an action once typing pauses: a new request for a key restarts its wait (a document's diagnostics, the
 * status bar), so nothing flickers while a number is half-typed. Disposing cancels every wait.
 */
export class Debouncer implements vscode.Disposable {
  private readonly waits = new Map<string, ReturnType<typeof setTimeout>>();

  run(key: string, delayMs: number, action: () => void): void {
    this.cancel(key);
    this.waits.set(
      key,
      setTimeout(() => {
        this.waits.delete(key);
        action();
      }, delayMs),
    );
  }

  cancel(key: string): void {
    const wait = this.waits.get(key);
    if (wait !== undefined) {
      clearTimeout(wait);
      this.waits.delete(key);
    }
  }

  dispose(): void {
    for (const wait of this.waits.values()) {
      clearTimeout(wait);
    }
    this.waits.clear();
  }
}
