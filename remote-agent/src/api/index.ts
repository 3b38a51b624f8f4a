/**
 * The agent's published API: every endpoint's method, path, schemas and error answers, and what a
 * client needs besides (the version, byte formatting, the date and month rules, key names, the
 * firewall chains). The agent serves these definitions, the console calls them, OpenAPI prints
 * them. Imports nothing but TypeBox and itself, so any client may load it.
 */
import * as history from './history.ts';
import * as keys from './keys.ts';
import * as monthly from './monthly.ts';
import * as openapi from './openapi.ts';
import * as settings from './settings.ts';
import * as system from './system.ts';
import * as traffic from './traffic.ts';

export * from './auth.ts';
export * from './calendar.ts';
export * from './common.ts';
export * from './endpoint.ts';
export * from './firewall-chains.ts';
export * from './format-bytes.ts';
export * from './history.ts';
export * from './key-name.ts';
export * from './keys.ts';
export * from './monthly.ts';
export * from './openapi.ts';
export * from './settings.ts';
export * from './system.ts';
export * from './traffic.ts';
export * from './usage.ts';
export * from './version.ts';
export * from './xray-version-support.ts';

const { createKey, listKeys, getKey, updateKey, getKeyConfig, deleteKey } = keys;
const { getLiveTraffic, getKeyLiveTraffic, resetKeyLiveTraffic } = traffic;
const { getTrafficHistory, getKeyTrafficHistory, getDailyTraffic, getDailyKeysTraffic, resetKeyTrafficHistory, cleanupTrafficHistory } =
  history;
const { getMonthlyTraffic, getKeyMonthlyTraffic } = monthly;
const {
  getTrafficStatus,
  syncConfig,
  getConfigStatus,
  verifyReality,
  getPorts,
  resetPorts,
  validatePorts,
  getTrafficSummary,
  getXrayConfigStatus,
  syncXrayConfig,
  validateXraySync,
} = system;
const { getSettings, updateSettings } = settings;
const { getOpenApiDocument } = openapi;

/** Every endpoint, by name: the agent must serve each, and serves nothing else. */
export const endpoints = {
  createKey,
  listKeys,
  getKey,
  updateKey,
  getKeyConfig,
  deleteKey,
  getLiveTraffic,
  getKeyLiveTraffic,
  resetKeyLiveTraffic,
  getTrafficHistory,
  getKeyTrafficHistory,
  getDailyTraffic,
  getDailyKeysTraffic,
  resetKeyTrafficHistory,
  cleanupTrafficHistory,
  getMonthlyTraffic,
  getKeyMonthlyTraffic,
  getTrafficStatus,
  syncConfig,
  getConfigStatus,
  verifyReality,
  getPorts,
  resetPorts,
  validatePorts,
  getTrafficSummary,
  getXrayConfigStatus,
  syncXrayConfig,
  validateXraySync,
  getSettings,
  updateSettings,
  getOpenApiDocument,
} as const;
