import { EventEmitter } from 'node:events';

/** A typed facade over EventEmitter, so listeners get the payload types of each event name. */
export type EventMap = { [name: string]: unknown[] };

export class TypedEmitter<E extends EventMap> {
  private readonly inner = new EventEmitter();

  constructor() {
    // A manager fans many devices into one emitter; the default cap of 10 listeners is too low.
    this.inner.setMaxListeners(100);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.inner.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.inner.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.inner.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    this.inner.emit(event, ...args);
  }

  /** Resolves with the payload of the next `event` for which `predicate` holds. */
  next<K extends keyof E & string>(
    event: K,
    predicate: (...args: E[K]) => boolean = () => true,
  ): Promise<E[K]> {
    return new Promise((resolve) => {
      const listener = (...args: E[K]): void => {
        if (!predicate(...args)) return;
        this.off(event, listener);
        resolve(args);
      };
      this.on(event, listener);
    });
  }
}
