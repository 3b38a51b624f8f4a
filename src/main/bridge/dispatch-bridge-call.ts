import { callSpec, toBridgeFailure, type BridgeOutcome } from '../../shared/bridge/bridge-protocol.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { KeyportServices } from '../../shared/contract/services.ts';
import { checkCallArgs } from './check-call-args.ts';

/**
 * Runs one call that arrived over a bridge (IPC or WebSocket) against the services. The call is
 * untrusted data: only the contract's methods run, and only with arguments that match their schemas.
 */
export async function dispatchBridgeCall(
  services: KeyportServices,
  call: unknown,
  onProgress: (progress: unknown) => void,
): Promise<BridgeOutcome> {
  try {
    const { service, method, args } = parseCall(call);
    const spec = callSpec(service, method);
    if (!spec) throw new KeyportError('bad-input', `${service}.${method} is not part of the Keyport contract`, { call: `${service}.${method}` });
    const callArgs = checkCallArgs(`${service}.${method}`, spec, args);
    if (spec.progress) callArgs.push(onProgress);
    const target = services[service as keyof KeyportServices] as unknown as Record<string, (...values: unknown[]) => Promise<unknown>>;
    const value = await Reflect.apply(target[method]!, target, callArgs);
    return { ok: true, value: value ?? null };
  } catch (error) {
    return { ok: false, error: toBridgeFailure(error) };
  }
}

function parseCall(call: unknown): { service: string; method: string; args: unknown[] } {
  if (typeof call === 'object' && call !== null) {
    const { service, method, args } = call as Record<string, unknown>;
    if (typeof service === 'string' && typeof method === 'string' && Array.isArray(args)) return { service, method, args };
  }
  throw new KeyportError('bad-input', 'a bridge call needs { service, method, args[] }');
}
