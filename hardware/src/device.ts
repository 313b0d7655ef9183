/**
 * UnifiedPOS-style lifecycle shared by every device:
 *   closed → open → opened → claim → claimed → enable → enabled (events flow) → disable → release → close
 * Claiming takes the physical link; when the link drops the device stays claimed, reports
 * `offline` and reconnects with back-off, so callers never re-run the lifecycle after a replug.
 */
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
import { TypedEmitter, type EventMap } from './emitter';
import { HardwareError, describeError } from './errors';

export type LifecycleState = 'closed' | 'opened' | 'claimed' | 'enabled';
export type HealthState =
  'unknown' | 'online' | 'offline' | 'error' | 'paper_low' | 'paper_out' | 'cover_open';

export interface Health {
  state: HealthState;
  reason?: string;
  since: number;
}

export interface DeviceStats {
  scans: number;
  jobs: number;
  bytesIn: number;
  bytesOut: number;
  errors: number;
  reconnects: number;
  lastSeen: number | null;
}

export type DeviceKind = 'scanner' | 'printer' | 'drawer' | 'scale';

export interface DeviceSnapshot {
  id: string;
  kind: DeviceKind;
  transport: string;
  path: string | null;
  lifecycle: LifecycleState;
  health: Health;
  stats: DeviceStats;
}

export interface DeviceFault {
  deviceId: string;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type BaseDeviceEvents = {
  lifecycle: [DeviceSnapshot];
  health: [DeviceSnapshot];
  fault: [DeviceFault];
};

export abstract class Device<
  E extends EventMap & BaseDeviceEvents = BaseDeviceEvents,
> extends TypedEmitter<E> {
  abstract readonly kind: DeviceKind;
  abstract readonly transport: string;
  protected lifecycle: LifecycleState = 'closed';
  protected healthValue: Health = { state: 'unknown', since: Date.now() };
  protected readonly stats: DeviceStats = {
    scans: 0,
    jobs: 0,
    bytesIn: 0,
    bytesOut: 0,
    errors: 0,
    reconnects: 0,
    lastSeen: null,
  };
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectAttempt = 0;
  private connected = false;
  private everConnected = false;
  private connecting: Promise<boolean> | null = null;

  constructor(
    readonly id: string,
    protected path: string | null,
    protected readonly backoff: BackoffPolicy = defaultBackoff,
  ) {
    super();
  }

  /** Opens the physical link; throws when it cannot. */
  protected abstract connect(): Promise<void>;
  /** Closes the physical link; must not throw. */
  protected abstract disconnect(): Promise<void>;

  get state(): LifecycleState {
    return this.lifecycle;
  }

  get health(): Health {
    return this.healthValue;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  snapshot(): DeviceSnapshot {
    return {
      id: this.id,
      kind: this.kind,
      transport: this.transport,
      path: this.path,
      lifecycle: this.lifecycle,
      health: { ...this.healthValue },
      stats: { ...this.stats },
    };
  }

  async open(): Promise<void> {
    this.expect('open', ['closed']);
    this.setLifecycle('opened');
  }

  /** Takes the device. Resolves even when it is absent: it is then `offline` and reconnecting. */
  async claim(): Promise<void> {
    this.expect('claim', ['opened']);
    this.setLifecycle('claimed');
    await this.tryConnect();
  }

  async enable(): Promise<void> {
    this.expect('enable', ['claimed']);
    this.setLifecycle('enabled');
  }

  async disable(): Promise<void> {
    this.expect('disable', ['enabled']);
    this.setLifecycle('claimed');
  }

  async release(): Promise<void> {
    if (this.lifecycle === 'enabled') await this.disable();
    this.expect('release', ['claimed']);
    this.cancelReconnect();
    await this.connecting;
    if (this.connected) {
      this.connected = false;
      await this.disconnect();
    }
    this.setLifecycle('opened');
    this.setHealth('offline', 'released');
  }

  async close(): Promise<void> {
    if (this.lifecycle === 'closed') return;
    if (this.lifecycle === 'enabled' || this.lifecycle === 'claimed') await this.release();
    this.setLifecycle('closed');
  }

  /** Convenience for the common case: open, claim and enable in one call. */
  async start(): Promise<void> {
    await this.open();
    await this.claim();
    await this.enable();
  }

  /** The manager saw the device (again), possibly at a new path: retry now instead of waiting. */
  async reconnectNow(path?: string): Promise<boolean> {
    if (path !== undefined) this.path = path;
    if (this.connected || (this.lifecycle !== 'claimed' && this.lifecycle !== 'enabled'))
      return this.connected;
    this.cancelReconnect();
    return this.tryConnect();
  }

  /** Subclasses call this when the link drops without being asked to. */
  protected linkLost(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.onLinkDown(reason);
    void this.disconnect();
    this.setHealth('offline', reason);
    this.scheduleReconnect();
  }

  /** Hook: drop partial frames, interrupt jobs, … */
  protected onLinkDown(_reason: string): void {}

  /** Hook: query status, resume jobs, … */
  protected async onLinkUp(): Promise<void> {}

  protected setHealth(state: HealthState, reason?: string): void {
    if (this.healthValue.state === state && this.healthValue.reason === reason) return;
    this.healthValue =
      reason === undefined ? { state, since: Date.now() } : { state, reason, since: Date.now() };
    this.base().emit('health', this.snapshot());
  }

  protected fault(code: string, message: string, details: Record<string, unknown> = {}): void {
    this.stats.errors++;
    this.base().emit('fault', { deviceId: this.id, code, message, details });
  }

  protected seen(bytesIn: number): void {
    this.stats.bytesIn += bytesIn;
    this.stats.lastSeen = Date.now();
  }

  private base(): { emit: (event: string, ...args: unknown[]) => void } {
    return this as unknown as { emit: (event: string, ...args: unknown[]) => void };
  }

  private tryConnect(): Promise<boolean> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      try {
        if (this.path === null)
          throw new HardwareError('DEVICE_NOT_FOUND', `${this.id}: no device path known yet`);
        await this.connect();
        this.connected = true;
        if (this.everConnected) this.stats.reconnects++;
        this.everConnected = true;
        this.reconnectAttempt = 0;
        this.stats.lastSeen = Date.now();
        this.setHealth('online');
        await this.onLinkUp();
        return true;
      } catch (err) {
        this.setHealth('offline', describeError(err));
        this.scheduleReconnect();
        return false;
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || (this.lifecycle !== 'claimed' && this.lifecycle !== 'enabled')) return;
    const delay = backoffDelay(this.backoff, this.reconnectAttempt++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.tryConnect();
    }, delay);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private expect(action: string, allowed: LifecycleState[]): void {
    if (!allowed.includes(this.lifecycle)) {
      throw new HardwareError('INVALID_STATE', `${this.id}: cannot ${action} while ${this.lifecycle}`, {
        deviceId: this.id,
        state: this.lifecycle,
        allowed,
      });
    }
  }

  private setLifecycle(state: LifecycleState): void {
    this.lifecycle = state;
    this.base().emit('lifecycle', this.snapshot());
  }
}
