/**
 * What a deploy step's line says, as sentences each face words in its own language: an id and the
 * facts it names (paths, versions, ports, commands: never a secret). A fact may itself be a note,
 * or a list of notes, which is worded first; a list reads as its notes joined by "; ".
 */
export interface DeployNoteFacts {
  connecting: { user: string; host: string; port: number };
  loggedInAsRoot: Empty;
  loggedInWithSudo: { user: string };

  takingLock: Empty;
  lockTaken: Empty;
  lockTakenOver: { how: DeployNote; holder: string | DeployNote };
  lockHeldSince: { since: string };
  unnamedConsole: Empty;
  tookOverOwnDeploy: Empty;
  tookOverSilentDeploy: Empty;
  brokeLockAsAsked: Empty;
  leftoverFilesRemoved: { count: number };

  detectingServer: Empty;
  detectingXray: Empty;
  serverFacts: { os: string; arch: string; init: DeployNote; access: DeployNote; xray: DeployNote };
  serverFactsForXray: { os: string; arch: string; xray: DeployNote };
  initSystemd: Empty;
  initSupervised: Empty;
  accessRoot: Empty;
  accessSudo: Empty;
  xrayFound: { version: string };
  xrayNone: Empty;
  xrayNow: { version: string };
  xrayNotYet: Empty;

  firewallFound: { found: DeployNote[] };
  firewallDropsNothing: Empty;
  ufwActive: Empty;
  firewalldRunning: Empty;
  iptablesInputDrops: { tool: string };
  nftablesChainDrops: { family: string; table: string; chain: string };

  uploadingRuntime: { arch: string };
  runtimePresent: { version: string };
  runtimeUploaded: { version: string; path: string };
  uploadingAgent: { release: string };
  bundlePresent: { dir: string };
  bundleUploaded: { dir: string };

  configuring: { dataDir: string };
  apiKeyCreated: { dataDir: string; keyFile: string };
  apiKeyKept: { dataDir: string; keyFile: string };

  placingSubscriptions: { port: number };
  checkingSubscriptions: Empty;
  subscriptionsOff: Empty;
  subscriptionsPlainHttp: { port: number; urlBase: string };
  subscriptionsCertificateKept: { port: number; urlBase: string; subject: string | DeployNote; notAfter: string };
  subscriptionsCertificateUploaded: { port: number; urlBase: string; subject: string | DeployNote; notAfter: string; certFile: string; keyFile: string };
  certificateNoSubject: Empty;
  certificateExpired: Empty;
  certificateNamesOtherHost: Empty;

  checkingIpset: Empty;
  ipsetPresent: { version: string };
  ipsetInstalled: { packages: string; manager: string; version: string };
  ipsetInstallFailed: { packages: string; manager: string; output: string };
  ipsetNoPackageManager: { packages: string };

  installingSystemdUnit: Empty;
  installingSupervisor: Empty;
  systemdUnitInstalled: { file: string };
  supervisorInstalled: { script: string };

  switchingRelease: { release: string };
  releaseStarted: { release: string };
  releaseStartedAfter: { release: string; previous: string };
  askingAgent: { port: number };
  agentAnswers: Empty;
  stoppingAgent: Empty;
  stoppedNothingToRollBackTo: Empty;
  rollingBack: { previous: string };
  rolledBack: { previous: string; release: string };

  openingKeyPorts: { from: number; to: number };
  openingKeyAndSubscriptionPorts: { from: number; to: number; port: number };
  firewallDone: { found: DeployNote; done: DeployNote[] };
  firewallNothingToOpen: { found: DeployNote };
  subscriptionPortFirewall: { port: number; done: DeployNote[] };
  subscriptionsOffFirewall: { done: DeployNote[] };
  closedEarlierOpening: { ports: string; manager: string };
  couldNotClose: { ports: string; manager: string; detail: string };
  couldNotCloseRunAsRoot: { ports: string; manager: string; detail: string; commands: string };
  noRuleLeftToClose: { ports: string; comment: string };
  closedOpening: { ports: string; manager: string };
  ufwRuleNotOurs: { ports: string; rule: string };
  firewalldPortsNotOursCover: { ports: string; entries: string };
  firewalldPortsNotOursOverlap: { ports: string; entries: string; commands: string };
  openedPorts: { ports: string; manager: string; commands: string; detail: string };
  couldNotOpen: { ports: string; manager: string; detail: string; commands: string };
  agentChainAccepts: { ports: string; chain: string; families: string };
  agentChainMissing: { chain: string; tools: string };
  agentChainNoLongerAccepts: { ports: string; chain: string };
  nftablesRunByHand: { family: string; table: string; chain: string; command: string };

  keepingReleases: { count: number };
  removedItems: { items: DeployNote[] };
  removedRelease: { release: string };
  certificateNoLongerServed: Empty;
  nothingToRemove: Empty;

  settingSettings: { settings: string };
  settingsTaken: Empty;
  settingsApplied: { method: string };
  settingsStored: { detail: string };

  downloadingXray: { release: DeployNote; url: string };
  xrayReleaseChecked: { version: string };
  xrayReleaseLatest: { checked: string };
  xrayReleaseNewer: { version: string; checked: string };
  xrayReleaseOther: { version: string; checked: string };
  xrayArchiveChecked: { asset: string; bytes: number };
  installingXray: { binary: string; assetDir: string };
  xrayInstalled: { version: string; binary: string };
  xrayGeoFilesInstalled: { files: string; assetDir: string };
  xrayIsChecked: { checked: string };
  xrayIsNewer: { checked: string };
  xrayIsTooOld: { minimum: string; checked: string };
  xrayIsUnknown: { checked: string };
  agentCouldNotApplyXray: { detail: string };
  agentStartedXray: Empty;
  agentRestartedXray: Empty;
  agentKeepsOldXray: Empty;
  agentOfflineForXray: { detail: string };
  agentSyncFailed: { detail: string };

  stoppingAgentAndXray: Empty;
  agentUnitAndXrayStopped: Empty;
  agentAndXrayStopped: Empty;
  removingAgentAndData: { root: string; dataDir: string };
  removingAgentKeepingData: { root: string; dataDir: string };
  firewallChainsRemoved: { tools: string };
  noFirewallChains: Empty;
  agentFilesRemoved: { root: string };
  dataKept: { dataDir: string };
  dataRemoved: { dataDir: string };
}

type Empty = Record<never, never>;

export type DeployNoteId = keyof DeployNoteFacts;

export type DeployNote = { [Id in DeployNoteId]: { id: Id; facts: DeployNoteFacts[Id] } }[DeployNoteId];

/** Notes whose facts hold a `count`: their messages come in plural forms. */
type CountedId = { [Id in DeployNoteId]: DeployNoteFacts[Id] extends { count: number } ? Id : never }[DeployNoteId];

/** A language's messages: one per note, `{{fact}}` where a fact goes; counted ones in plural forms (`_one`, `_other`, …). */
export type DeployNoteMessages = { [Id in DeployNoteId as Id extends CountedId ? `${Id}_one` | `${Id}_other` : Id]: string };

/** A note with its facts; one with none needs none. */
export function deployNote<Id extends DeployNoteId>(id: Id, ...facts: Empty extends DeployNoteFacts[Id] ? [facts?: Empty] : [facts: DeployNoteFacts[Id]]): DeployNote {
  return { id, facts: facts[0] ?? {} } as DeployNote;
}
