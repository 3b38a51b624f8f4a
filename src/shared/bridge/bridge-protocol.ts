import { KeyportError, type KeyportErrorCode } from '../contract/errors.ts';
import type { KeyportServices } from '../contract/services.ts';

/**
 * How a face that is not in the core's process (the Electron renderer, a web-mode page) calls the
 * contract's services: one `BridgeCall` per method call, answered by one `BridgeOutcome`, with
 * progress reports in between for the methods that stream them.
 */

interface MethodShape {
  /** How many data arguments the method takes (the progress callback excluded). */
  arity: number;
  /** Present on methods that report progress: the index of their callback argument. */
  progressAt?: number;
}

type Manifest = { [S in keyof KeyportServices]: { [M in keyof KeyportServices[S]]: MethodShape } };

/** Every method a bridge carries; a call naming anything else is refused before it reaches a service. */
export const BRIDGED_METHODS: Manifest = {
  fleet: {
    list: { arity: 0 },
    probeHostKey: { arity: 1 },
    add: { arity: 1 },
    remove: { arity: 1 },
    status: { arity: 1 },
    sync: { arity: 1 },
    provideSecret: { arity: 2 },
    checkPorts: { arity: 1 },
    trustHostKey: { arity: 2 },
  },
  deploy: {
    deploy: { arity: 2, progressAt: 2 },
    uninstall: { arity: 2, progressAt: 2 },
    installXray: { arity: 2, progressAt: 2 },
  },
  keys: {
    list: { arity: 1 },
    create: { arity: 2 },
    remove: { arity: 2 },
    setActive: { arity: 3 },
    rename: { arity: 3 },
    config: { arity: 2 },
    resetLiveTraffic: { arity: 2 },
    resetHistory: { arity: 2 },
  },
  traffic: {
    live: { arity: 1 },
    history: { arity: 1 },
    keyHistory: { arity: 2 },
    daily: { arity: 2 },
    dailyByKey: { arity: 2 },
    monthly: { arity: 2 },
    keyMonthly: { arity: 3 },
    summary: { arity: 1 },
  },
  system: {
    configStatus: { arity: 1 },
    syncConfig: { arity: 1 },
    verifyReality: { arity: 1 },
    ports: { arity: 1 },
  },
};

export interface BridgeCall {
  service: string;
  method: string;
  /** JSON values only; the progress callback travels as `BridgeTransport.invoke`'s second argument. */
  args: unknown[];
}

export interface BridgeFailure {
  code: KeyportErrorCode;
  message: string;
  facts: Record<string, string | number | boolean | null>;
}

export type BridgeOutcome = { ok: true; value: unknown } | { ok: false; error: BridgeFailure };

/** What a preload or a WebSocket client gives the renderer. */
export interface BridgeTransport {
  invoke(call: BridgeCall, onProgress?: (progress: unknown) => void): Promise<BridgeOutcome>;
}

export function methodShape(service: string, method: string): MethodShape | undefined {
  if (!Object.hasOwn(BRIDGED_METHODS, service)) return undefined;
  const methods = BRIDGED_METHODS[service as keyof KeyportServices] as Record<string, MethodShape>;
  return Object.hasOwn(methods, method) ? methods[method] : undefined;
}

/** An error as it crosses a bridge: KeyportErrors keep code and facts; anything else is `internal`. */
export function toBridgeFailure(error: unknown): BridgeFailure {
  if (error instanceof KeyportError) return { code: error.code, message: error.message, facts: { ...error.facts } };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), facts: {} };
}

export function fromBridgeFailure(failure: BridgeFailure): KeyportError {
  return new KeyportError(failure.code, failure.message, failure.facts);
}

/** Web mode's WebSocket frames (JSON): the page sends calls, the console answers each by its id. */
export interface WireCall {
  id: number;
  call: BridgeCall;
}

export type WireReply = { id: number; progress: unknown } | { id: number; outcome: BridgeOutcome };

/** The WebSocket path of web mode, beside the page it serves. */
export const WEB_BRIDGE_PATH = '/bridge';
