import type { KeyportServices } from '../contract/services.ts';
import { BRIDGED_METHODS, fromBridgeFailure, type BridgeTransport } from './bridge-protocol.ts';

/** The contract's services for a face on the far side of a bridge; failures come back as KeyportErrors. */
export function createBridgeClient(transport: BridgeTransport): KeyportServices {
  const services: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const [service, methods] of Object.entries(BRIDGED_METHODS)) {
    services[service] = {};
    for (const [method, shape] of Object.entries(methods)) {
      services[service][method] = async (...args: unknown[]) => {
        const onProgress = shape.progressAt === undefined ? undefined : (args[shape.progressAt] as ((progress: unknown) => void) | undefined);
        const outcome = await transport.invoke({ service, method, args: args.slice(0, shape.arity) }, onProgress);
        if (!outcome.ok) throw fromBridgeFailure(outcome.error);
        return outcome.value;
      };
    }
  }
  return services as unknown as KeyportServices;
}
