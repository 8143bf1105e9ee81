// A minimal typed event emitter with vscode-style disposables, so the run manager needs no vscode import.
export interface Disposable {
  dispose(): void;
}

export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        console.error(error); // one faulty listener must not starve the others
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
