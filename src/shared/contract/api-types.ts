/**
 * The agent API's shapes, taken from its published module (remote-agent/src/api/: the one source
 * of truth that also validates requests and produces the OpenAPI document). Type-only: nothing of
 * the agent is loaded at run time.
 */
import type { Static } from '@sinclair/typebox';
import type {
  AllHistory,
  CreateKeyBody,
  AllMonthly,
  AllTraffic,
  ConfigStatus,
  DailyKeysReport,
  DailyReport,
  HostStatus,
  Key,
  KeyConfig as KeyConfigSchema,
  KeyHistory,
  KeyMonthly,
  PortsReport,
  PortTraffic,
  RealityReport,
  SettingsChangeReport,
  SettingsPatch,
  SettingsReport,
  SyncConfigResult,
  TrafficSummary,
  UpdateKeyBody,
} from '../../../remote-agent/src/api/index.ts';
export type { DataLimitReset, KeyStatus } from '../../../remote-agent/src/api/index.ts';

export type ApiKey = Static<typeof Key>;
/** A key to create: its name and, each optional, its quota, reset period, expiry and note. */
export type KeyRequest = Static<typeof CreateKeyBody>;
/** What a create may set beside the name; `null` clears a quota or an expiry. */
export type KeyLimits = Omit<KeyRequest, 'name'>;
/** Any of a key's name, `is_active` and limits, changed at once (PATCH /api/keys/{key_id}). */
export type KeyUpdate = Static<typeof UpdateKeyBody>;
export type KeyConfig = Static<typeof KeyConfigSchema>;
export type PortTrafficEntry = Static<typeof PortTraffic>;
export type LiveTraffic = Static<typeof AllTraffic>['data'];
export type HistoryOverview = Static<typeof AllHistory>['data'];
export type KeyHistoryReport = Static<typeof KeyHistory>['data'];
export type DailyTrafficReport = Static<typeof DailyReport>['data'];
export type DailyKeysTrafficReport = Static<typeof DailyKeysReport>['data'];
export type MonthlyReport = Static<typeof AllMonthly>['data'];
export type KeyMonthlyReport = Static<typeof KeyMonthly>['data'];
export type TrafficSummaryReport = Static<typeof TrafficSummary>['data'];
export type ConfigStatusReport = Static<typeof ConfigStatus>['data'];
export type ConfigSyncReport = Static<typeof SyncConfigResult>['data'];
export type RealityCheckReport = Static<typeof RealityReport>['data'];
export type PortsInUse = Static<typeof PortsReport>['data'];
/** The host's uptime, load, CPUs, memory, the data directory's disk and the Xray version (GET /api/system/host). */
export type HostFigures = Static<typeof HostStatus>['data'];
/** A server's own settings, kept by its agent (GET /api/system/settings) and applied to every key. */
export type ServerSettings = Static<typeof SettingsReport>['data']['settings'];
/** Any non-empty part of the settings (PATCH /api/system/settings). */
export type ServerSettingsPatch = Static<typeof SettingsPatch>;
/** The settings after a change, and how the agent applied it to Xray (null when only links changed). */
export type ServerSettingsUpdate = Static<typeof SettingsChangeReport>['data'];
/** Whether the agent can rely on a server's Xray: too old for its config, newer than the one checked, or fine. */
export type XrayVersionSupport = ConfigStatusReport['xray']['binary']['version_support'];
