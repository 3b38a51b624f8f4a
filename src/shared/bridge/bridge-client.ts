import { SERVICE_CALLS, type CallSpec, type KeyportServices } from '../contract/services.ts';
import { fromBridgeFailure, type BridgeTransport } from './bridge-protocol.ts';

/** The contract's services for a face on the far side of a bridge; failures come back as KeyportErrors. */
export function createBridgeClient(transport: BridgeTransport): KeyportServices {
  const services: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const [service, methods] of Object.entries(SERVICE_CALLS)) {
    services[service] = {};
    for (const [method, spec] of Object.entries(methods as Record<string, CallSpec>)) {
      const arity = spec.args.length;
      services[service][method] = async (...args: unknown[]) => {
        const onProgress = spec.progress ? (args[arity] as ((progress: unknown) => void) | undefined) : undefined;
        const dataArgs = args.slice(0, arity);
        // Left-out trailing arguments stay left out (JSON would turn them into nulls).
        while (dataArgs.length > 0 && dataArgs.at(-1) === undefined) dataArgs.pop();
        const outcome = await transport.invoke({ service, method, args: dataArgs }, onProgress);
        if (!outcome.ok) throw fromBridgeFailure(outcome.error);
        return outcome.value;
      };
    }
  }
  return services as unknown as KeyportServices;
}
