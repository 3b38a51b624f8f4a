import type { PendingDisable } from '../../../shared/contract/people.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import { endpointOf, jumpsOf } from '../services/server-sessions.ts';
import type { ExportedServer } from './console-export-format.ts';
import type { OpenedConsoleExport } from './read-console-export.ts';

/** A server of this home as the plan sees it: its record and the host keys it trusts. */
export interface HomeServer {
  server: ServerInfo;
  trustedKeys: Record<string, string>;
}

export type ServerImportOutcome =
  | { name: string; outcome: 'added' }
  /** `replaced`: the names of this home's servers it took the place of (same name or same id). */
  | { name: string; outcome: 'replaced'; replaced: string[] }
  /** Kept as this home has it: `existing` is the name here, `clash` what they share. */
  | { name: string; outcome: 'skipped'; clash: 'name' | 'id'; existing: string };

/** A host key the file trusts for an endpoint where this home's server trusts another: this home's is kept. */
export interface PinConflict {
  server: string;
  endpoint: string;
  kept: string;
  inFile: string;
}

export interface ServerSave {
  server: ServerInfo;
  trustedKeys: Record<string, string>;
  /** The SSH password or key passphrase the file carries for it, to seal; null when none. */
  sshSecret: string | null;
}

export interface ImportPlan {
  /** One per server of the file, in its order. */
  outcomes: ServerImportOutcome[];
  /** This home's servers that --replace puts another record in place of (a same-id one is overwritten instead). */
  removals: { id: string; name: string }[];
  saves: ServerSave[];
  /** Skipped servers' pins added to the clashing server here, for endpoints on its route it trusted no key for. */
  pinMerges: { server: ServerInfo; trustedKeys: Record<string, string>; endpoints: string[] }[];
  pinConflicts: PinConflict[];
  /** The file's pending disables for servers that are, after the import, the record they were left for. */
  pending: PendingDisable[];
  /** The file's pending disables left out: their server was skipped for another record of the same name. */
  pendingDropped: number;
}

/**
 * What importing the file into this home does, decided before anything is written. A server of the
 * file clashes with one here of the same name (without case) or the same id: it is skipped, unless
 * `replace`, when the file's record takes its place. A skipped server's host-key pins are merged
 * into the one here: endpoints it trusts no key for get the file's, and a differing key is kept as
 * this home has it and reported. The cache is no part of the file: replaced servers refill it.
 */
export function planConsoleImport(home: readonly HomeServer[], opened: OpenedConsoleExport, replace: boolean): ImportPlan {
  const byId = new Map(home.map((entry) => [entry.server.id, entry]));
  const byName = new Map(home.map((entry) => [entry.server.name.toLowerCase(), entry]));
  const plan: ImportPlan = { outcomes: [], removals: [], saves: [], pinMerges: [], pinConflicts: [], pending: [], pendingDropped: 0 };
  const merged = new Map<string, { server: ServerInfo; trustedKeys: Record<string, string>; endpoints: string[] }>();
  const sameRecord = new Set<string>();
  const removed = new Set<string>();

  for (const exported of opened.document.servers) {
    const sameId = byId.get(exported.id);
    const sameName = byName.get(exported.name.toLowerCase());
    const clashes = [...new Set([sameId, sameName].filter((entry) => entry !== undefined))];
    if (clashes.length > 0 && !replace) {
      const existing = (sameId ?? sameName)!;
      plan.outcomes.push({ name: exported.name, outcome: 'skipped', clash: sameId ? 'id' : 'name', existing: existing.server.name });
      if (sameId) sameRecord.add(exported.id);
      const into = merged.get(existing.server.id) ?? { server: existing.server, trustedKeys: { ...existing.trustedKeys }, endpoints: [] };
      merged.set(existing.server.id, mergePins(into, exported, plan.pinConflicts));
      continue;
    }
    for (const clash of clashes) {
      if (clash.server.id === exported.id || removed.has(clash.server.id)) continue;
      removed.add(clash.server.id);
      plan.removals.push({ id: clash.server.id, name: clash.server.name });
    }
    plan.outcomes.push(clashes.length === 0 ? { name: exported.name, outcome: 'added' } : { name: exported.name, outcome: 'replaced', replaced: clashes.map((clash) => clash.server.name) });
    sameRecord.add(exported.id);
    const { hostKeyPins, ...record } = exported;
    plan.saves.push({ server: { ...record, lastSyncedAt: null }, trustedKeys: hostKeyPins, sshSecret: opened.secrets?.sshSecrets[exported.id] ?? null });
  }
  plan.pinMerges = [...merged.values()].filter((merge) => merge.endpoints.length > 0);
  for (const entry of opened.document.pendingDisables) {
    if (sameRecord.has(entry.serverId)) plan.pending.push(entry);
    else plan.pendingDropped += 1;
  }
  return plan;
}

/** Adds the file's pins for endpoints on the route of the server here that it has none for; a target's new pin becomes its fingerprint. */
function mergePins(
  into: { server: ServerInfo; trustedKeys: Record<string, string>; endpoints: string[] },
  exported: ExportedServer,
  conflicts: PinConflict[],
): { server: ServerInfo; trustedKeys: Record<string, string>; endpoints: string[] } {
  const target = endpointName(endpointOf(into.server.target));
  const route = [...jumpsOf(into.server.target).map(endpointName), target];
  for (const endpoint of route) {
    const inFile = exported.hostKeyPins[endpoint];
    if (inFile === undefined) continue;
    const kept = into.trustedKeys[endpoint];
    if (kept === undefined) {
      into.trustedKeys[endpoint] = inFile;
      into.endpoints.push(endpoint);
      if (endpoint === target) into.server = { ...into.server, hostKeyFingerprint: inFile };
    } else if (kept !== inFile) {
      conflicts.push({ server: into.server.name, endpoint, kept, inFile });
    }
  }
  return into;
}

function endpointName(endpoint: { host: string; port: number }): string {
  return `${endpoint.host}:${endpoint.port}`;
}
