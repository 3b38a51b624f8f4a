import { KeyportError, type KeyportErrorCode } from '../contract/errors.ts';
import { SERVICE_CALLS, type CallSpec, type KeyportServices } from '../contract/services.ts';

/**
 * How a face that is not in the core's process (the Electron renderer, a web-mode page) calls the
 * contract's services: one `BridgeCall` per method call, answered by one `BridgeOutcome`, with
 * progress reports in between for the methods that stream them.
 */

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

/** The contract's spec of a method a bridge carries; undefined for anything else (`constructor`, `__proto__`, ...). */
export function callSpec(service: string, method: string): CallSpec | undefined {
  if (!Object.hasOwn(SERVICE_CALLS, service)) return undefined;
  const methods = SERVICE_CALLS[service as keyof KeyportServices] as Record<string, CallSpec>;
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
/**
 * Web mode's session token: the login redirect gives it to the page in its fragment
 * (`/#session=TOKEN`); the page keeps it in sessionStorage and offers it, beside
 * BRIDGE_SUBPROTOCOL, as the subprotocol `keyport-session.TOKEN` when it opens the bridge.
 */
export const WEB_SESSION_FRAGMENT = 'session';
export const BRIDGE_SUBPROTOCOL = 'keyport-bridge';
export const SESSION_SUBPROTOCOL_PREFIX = 'keyport-session.';
