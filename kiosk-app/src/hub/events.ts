/**
 * Live events from the hub over socket.io (same origin as the API). Every payload is parsed with
 * its zod schema before the app sees it; a malformed event is dropped, never half-applied.
 */
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  basketViewSchema,
  deviceEventSchema,
  HUB_EVENTS,
  orderViewSchema,
  paymentPromptSchema,
  replicationChangedSchema,
  stateEventSchema,
  approvalSchema,
} from './schemas';

export interface HubEventHandlers {
  connected(): void;
  disconnected(): void;
  state(s: z.output<typeof stateEventSchema>): void;
  basketUpdated(b: z.output<typeof basketViewSchema>): void;
  interventionDecided(i: z.output<typeof approvalSchema>): void;
  paymentPrompt(p: z.output<typeof paymentPromptSchema>): void;
  paymentResult(o: z.output<typeof orderViewSchema>): void;
  orderCompleted(o: z.output<typeof orderViewSchema>): void;
  deviceEvent(e: z.output<typeof deviceEventSchema>): void;
  replicationChanged(e: z.output<typeof replicationChangedSchema>): void;
}

export interface HubEvents {
  readonly connected: boolean;
  close(): void;
}

export function connectHubEvents(origin: string, token: string, h: HubEventHandlers): HubEvents {
  const socket: Socket = io(origin || undefined, {
    auth: { token },
    transports: ['websocket', 'polling'],
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
  });
  const on = <S extends z.ZodType>(name: string, schema: S, fn: (v: z.output<S>) => void): void => {
    socket.on(name, (payload: unknown) => {
      const r = schema.safeParse(payload);
      if (r.success) fn(r.data);
      else console.warn(`kiosk: dropped a malformed ${name} event`, r.error.issues.slice(0, 3));
    });
  };
  socket.on('connect', () => h.connected());
  socket.on('disconnect', () => h.disconnected());
  socket.on('connect_error', () => h.disconnected());
  on(HUB_EVENTS.state, stateEventSchema, h.state);
  on(HUB_EVENTS.basketUpdated, basketViewSchema, h.basketUpdated);
  on(HUB_EVENTS.interventionDecided, approvalSchema, h.interventionDecided);
  on(HUB_EVENTS.paymentPrompt, paymentPromptSchema, h.paymentPrompt);
  on(HUB_EVENTS.paymentResult, orderViewSchema, h.paymentResult);
  on(HUB_EVENTS.orderCompleted, orderViewSchema, h.orderCompleted);
  on(HUB_EVENTS.deviceEvent, deviceEventSchema, h.deviceEvent);
  on(HUB_EVENTS.replicationChanged, replicationChangedSchema, h.replicationChanged);
  return {
    get connected() {
      return socket.connected;
    },
    close: () => {
      socket.removeAllListeners();
      socket.close();
    },
  };
}
