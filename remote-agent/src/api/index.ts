/**
 * The agent's published API: every endpoint's method, path, schemas and error answers, and what a
 * client needs besides (the version, the API key header, byte formatting, the date and month
 * rules, the key-name rule, the firewall chains, the Xray versions the agent was checked against).
 * The agent serves these definitions, the console calls them, OpenAPI prints them. Imports nothing
 * but TypeBox and itself (a lint rule holds it so), so any client may load it.
 */
import * as backup from './backup.ts';
import * as history from './history.ts';
import * as host from './host.ts';
import * as keys from './keys.ts';
import * as monthly from './monthly.ts';
import * as openapi from './openapi.ts';
import * as restoreUploads from './restore-uploads.ts';
import * as settings from './settings.ts';
import * as subscriptions from './subscriptions.ts';
import * as system from './system.ts';
import * as traffic from './traffic.ts';
import type { EndpointDefinition } from './endpoint.ts';

export * from './auth.ts';
export * from './backup.ts';
export * from './calendar.ts';
export * from './common.ts';
export * from './endpoint.ts';
export * from './firewall-chains.ts';
export * from './format-bytes.ts';
export * from './history.ts';
export * from './host.ts';
export * from './key-limits.ts';
export * from './key-name.ts';
export * from './link-host.ts';
export * from './keys.ts';
export * from './monthly.ts';
export * from './openapi.ts';
export * from './restore-uploads.ts';
export * from './settings.ts';
export * from './subscriptions.ts';
export * from './system.ts';
export * from './traffic.ts';
export * from './usage.ts';
export * from './version.ts';
export * from './xray-version-support.ts';

const isEndpoint = (value: unknown): value is EndpointDefinition =>
  typeof value === 'object' && value !== null && 'method' in value && 'path' in value && 'response' in value && 'errors' in value;

/** Every endpoint of the API: the agent must serve each, and serves nothing else. */
export const endpoints: readonly EndpointDefinition[] = [keys, subscriptions, traffic, history, monthly, system, host, backup, restoreUploads, settings, openapi].flatMap((area) =>
  Object.values(area).filter(isEndpoint),
);
