/**
 * The CLI's words in English, the reference file: its top-level help, the usage errors of the
 * command line and the lead of an error report. Another language's file (ru.ts) has exactly these
 * keys and {{names}}. Command synopses and flags are the CLI's syntax and stay as they are.
 */
export const en = {
  help: {
    intro: 'keyport: VLESS+Reality keys on your servers, from the command line',
    group: {
      server: 'Servers',
      keys: 'Keys (KEY is a key id or an exact key name)',
      people: "People (PERSON is a uuid or a person's name; a person is one uuid with a key on each of their servers)",
      traffic: 'Traffic (days are UTC; rx is client to server, tx server to client)',
      tunnel: 'Tunnel',
      console: 'Console',
      export: 'Export (this console’s state, for a new laptop)',
      import: 'Import',
    },
    notes: `SERVER is a server's name or id. KEY is a key id or an exact key name.
Every read takes --json. A read answered from the local cache while its server is offline says
"(offline: from cache, last synced ...)" on stderr; its JSON carries "source" and "syncedAt".
\`keyport COMMAND --help\` prints one command's usage.

server add shows the server's SSH host key (SHA256 fingerprint, as OpenSSH prints it) and adds the
server only once that key is accepted: by answering y on the terminal, or with --accept-host-key
(once per key shown, when ~/.ssh/config routes through jump hosts).
server trust accepts a server's new host key after it changed (a reinstalled server): only the key it
presents now, given with --accept-host-key once checked on the server; keys and history are kept.
Without --key, --agent or --password-stdin, login goes as ssh would: the alias's IdentityFile, then
ssh-agent, then ~/.ssh/id_*. --password-stdin reads one line from stdin.
server install-xray downloads Xray's release archive on the server (the release Keyport was checked
against unless --version names another tag; --version latest takes whatever XTLS released last, with
a warning; from GitHub's XTLS/Xray-core releases unless --releases-url names a mirror with the same layout),
checks it against the release's .dgst, and installs /usr/local/bin/xray and its geo files. An
agent that is deployed starts Xray if it was not running; a running Xray keeps the old binary until
it is next started.
server status says what keeps keys' links from working on a server that is online (no Xray,
Xray not running or out of step with the keys, a key port that does not answer from here) and the
command that fixes it. server check-ports connects from this machine to one active key's port on
the host its link names (3 s at most) and exits 1 when it does not answer, naming the key port
range to open. server sync-config brings the firewall and Xray back in line with the keys.
server deploy gives keys their ports from --key-ports FROM-TO: the last deploy's range, or {{keyPorts}}.
It opens that range in the server's own firewall when it would drop them (ufw, firewalld, or an
iptables INPUT that drops); for an nftables table of the admin's it prints the command to run.
server deploy --subscriptions PORT turns on the agent's subscription listener (GET /sub/TOKEN only;
each key's subscription_url), over HTTPS with --subscription-tls-cert FILE --subscription-tls-key FILE
(PEM, checked here before the server is touched), plain HTTP otherwise: an observer then sees each
token and every link with its uuid. The port is opened in the server's firewall like the key ports.
Later deploys keep it (and the certificate on the server); --no-subscription-tls goes back to plain
HTTP, --no-subscriptions turns it off and closes the port.
server reality prints the server's Reality target and server names, or changes them (every key's
link then carries the first name as sni); --verify probes the target from the server (TCP, TLS 1.3,
X25519, h2, the certificate for each name). server deploy takes --reality-target and
--reality-server-names to set them once the agent is up.
server set changes how a server's links are written: --link-host HOST, the host (name or address)
they name instead of the SSH host (which is wrong behind ProxyJump or a private address;
--no-link-host goes back to it), --reality-target HOST:PORT and --server-names A,B (as server
reality), and --key-ports FROM-TO, the range new keys get ports from (the agent is deployed again
with it; a range that leaves out a key's port is refused). Every key's link and QR code changes
with the host or the Reality settings: people import the new ones, unless they use subscription links.
server settings prints whether VPN users may reach the server itself and its private networks
(blocked unless --private-destinations on) and whether Xray logs each connection (--access-log
on|off; off by default). Changing either restarts Xray once, dropping open connections.
server uninstall keeps the agent's data (keys, traffic history, API key) unless --delete-data.
Commands that delete for good ask first on a terminal (y to go on): keys delete, server uninstall
--delete-data, server remove (this console's cached keys and history of the server), people remove
and people servers remove. --yes goes on without asking; without a terminal to ask on and without
--yes they refuse with exit code 2 and delete nothing.
An --alias must be named by a Host line of ~/.ssh/config (a bare Host * does not count).
server backup writes FILE: the server's keys (uuids, ports, limits), traffic history, settings and
Reality keys, encrypted with a passphrase (asked twice with echo off, or the first line of
--passphrase-file). --daily takes one of the agent's daily backups instead (server backups lists
them; the Reality keys are those of now). server restore puts a backup onto a server that has no
keys yet (a fresh deploy): each key keeps its port where that is free in the server's range and
gets another where not, listed with old and new port (those links change). A wrong passphrase or
a damaged file is refused before anything reaches the server; a refused restore changes nothing.
One deploy or uninstall runs on a server at a time: a lock on the server records which console
holds it and since when. This console's own lock, left by a deploy that was cut off, is taken over
at once; another console's is kept until it shows no sign of life for 30 minutes, or until
--break-lock (deploy, uninstall) takes it when you know nothing runs there.
tunnel forwards a local port to the agent and prints its URL and API key until Ctrl-C.
export writes this console's own state to FILE, for a new laptop (JSON, mode 0600, written whole or
not at all): the servers with their SSH settings by reference (alias, host, user, port, jump hosts,
the key file's path, never the key), the host keys they trust, and the pending disables of people
move. Not the cache (keys, history), which refills from the servers, and no agent API keys, which
are read from each server over SSH. --with-secrets adds the SSH passwords and passphrases this
console stores (only the desktop window's OS keychain stores any), encrypted with a passphrase
asked twice (or the first line of --passphrase-file). import checks the whole file first: one cut
short, changed, of a newer format, or with a wrong passphrase is refused and nothing changes. It
adds the file's servers, skips those whose name or id this console has (said, with the one kept)
unless --replace, adds trusted host keys a skipped server lacked (a differing one is kept and
named), and says what each server needs here: a key file to copy (a warning), a password asked
for on first connect.

Key limits (keys create, keys set, keys create-many), enforced by the agent with no console running:
  --limit SIZE     a data quota for rx + tx in each period. Sizes are 1024-based and Keyport shows
                   them as KiB, MiB, GiB, TiB: 50GB = 50GiB = 53687091200 bytes, shown 50.00 GiB
                   (KB ... PB and KiB ... PiB alike, any letter case, a fraction taken); a bare
                   number is bytes, so a 1000-based amount is given exactly (50000000000).
                   keys set --limit none clears it.
  --reset PERIOD   when usage starts again from 0: no_reset (the default), day, week, month or
                   year, UTC (a week from Monday 00:00, a month from the 1st, a year from 1 January).
  --expires WHEN   a day (2027-03-01 means 00:00 UTC that day), a UTC time (2027-03-01T18:30), or a
                   time from now (+30d, +2w, +12h). keys set --expires never clears it.
  --note TEXT      free text up to 500 characters.
A key over its quota is "limited", one past its expiry "expired": cut and refused until its quota
is raised, a new period starts, or its expiry is moved on (keys set), with no restart.
keys create-many reads a CSV's columns limit, reset, expires and note beside name (an empty cell
takes the flags' value, none/never clear it); a plain list has one name per line.
keys list shows each key's status, usage against its quota, reset period, expiry from now and note;
--status takes active, disabled, limited, expired (several with commas), --expiring 7d the working
keys that expire within that time (d, w or h), --over 80% the keys that used that share of their
quota; --sort name, port, status, usage (most used share first), expires (soonest first) or created.
server status counts, per server, the keys limited, expired, and expiring within 7 days.

Traffic: sizes are 1024-based and written KiB, MiB, GiB, TiB (the API's *_formatted fields give
the same figures with the spec's KB, MB, GB). OPENED counts every TCP connection opened on a key's
port that day or month (the API's sessions); AT ONCE is the most that were open together at one
sampling cycle, every 10 s by default (max_connections), so many short connections can be opened
with none seen at once. A server's day adds up its keys' AT ONCE as AT ONCE (SUM).

People: a person is one VLESS uuid with a key on each of their servers, found from the servers'
keys (nothing else is stored). Their name is the most common name among their keys. people add
makes a key with one new uuid on each server named, with the limit flags; people servers add copies
the name and limits of one of their keys. After every change each of their keys gets the links of
the others and their usage there (its bundle), so the subscription of any of their servers lists
all of them and counts their traffic and quotas on all; server sync sends the usage that changed.
people push sends them again once an offline server is back; people rotate gives them a new
subscription link (the old one answers 404 at once). people move gives the people of --from keys on
--to with the same uuids, names and limits (quota periods start anew there); --disable-now
disables them on --from at once, --disable-after 7d (m, h, d or w) once the grace period is over,
done by the first people command run after that. A server that fails is named with why; the rest
goes on, and the exit code is 1.`,
    environment: `Environment
  KEYPORT_HOME        keyport's state (default: the OS app-data directory, e.g. ~/.config/keyport)
  KEYPORT_SSH_SECRET  an SSH password or key passphrase, used when keyport has no terminal to ask on
  LC_ALL, LANG        the language of messages: ru_RU.UTF-8 is Russian, anything else English`,
    exitCodes: `Exit codes
  0  done
  1  failed; the message says why
  2  usage error, or a deletion without --yes and no terminal to ask on; nothing was done
  3  the server is offline
  4  a host key was not accepted, or differs from the accepted one
  5  SSH login failed, or sudo wants a password
  6  no such server or key`,
  },
  confirm: {
    ask: {
      key: 'Delete key {{key}} and its traffic history on {{server}}?',
      serverData: 'Uninstall the agent from {{server}} and delete its data there (keys, traffic history, API key) for good?',
      server: 'Remove {{server}} from this console, with its cached keys and traffic history? The agent there keeps running.',
      person: "Delete {{person}}'s keys and their history on {{servers}}?",
      personServer: "Delete {{person}}'s key and its traffic history on {{server}}?",
    },
    what: {
      key: 'deleting key {{key}} and its traffic history on {{server}}',
      serverData: "deleting the agent's data on {{server}}",
      server: 'removing {{server}} with its cached keys and history from this console',
      person: 'deleting every key of {{person}}',
      personServer: "deleting {{person}}'s key on {{server}}",
    },
    needsYes: '{{deletion}} needs --yes when there is no terminal to ask on; nothing was deleted',
    nothingDeleted: 'Nothing was deleted.',
  },
  usage: {
    label: 'usage:',
    noCommand: 'no command given',
    unknownCommand: "unknown command '{{command}}'",
    needsCommand: '{{group}} needs a command',
    commands: 'commands: {{commands}}, help',
  },
  /** A deploy's progress lines: `[STEP] STATE: what it did` (step names are the ids scripts see). */
  progress: {
    skipped: 'skipped: {{text}}',
    failed: 'failed: {{text}}',
  },
  done: {
    keyDeleted: 'Deleted key {{key}} and its traffic history from {{server}}.',
    serverAdded: 'Added {{server}} ({{address}}), id {{id}}.\nNext: keyport server deploy {{server}}',
    serverRemoved: 'Removed {{server}} from keyport. An agent deployed there keeps running (uninstall it first to remove it).',
    hostKeyTrusted: 'Keyport now trusts the host key {{fingerprint}} for {{server}} ({{address}}); its keys and history are kept.',
    serverCached: 'Cached {{server}}: keys, live traffic, history, this month and today, for offline reading.',
  },
  serverSet: {
    nothing: 'Nothing changed on {{server}}: it has these link settings already.',
    changed: 'Changed on {{server}}:',
    field: {
      linkHost: 'Link host',
      realityTarget: 'Reality target',
      realityServerNames: 'Server names',
      keyPorts: 'Key ports',
    },
    changedLine: '  {{label}}: {{before}} -> {{after}}',
    keptLine: '  {{label}}: {{value}}',
    sshHost: '{{host}} (the SSH host)',
    xrayTook: 'Xray took the new Reality settings live ({{method}}); open connections stay.',
    xrayNotYet: 'Stored, but Xray did not take them yet: {{detail}}',
    keyPortsNote: "Keys keep their ports; new keys get theirs from {{from}}-{{to}}. Open that range in your provider's firewall.",
    linksChanged:
      "Warning: every key's link and QR code on {{server}} has changed, and the old ones no longer work. People must import the new link or QR code (keyport keys qr {{server}} KEY), unless they use subscription links, which follow by themselves.",
    bundlesPushed: 'The subscriptions of people who also have keys on {{servers}} list the new links there too.',
    certificateNotNaming:
      'the subscription certificate ({{subject}}) does not name {{host}}: apps refuse its subscription links until you deploy again with one that does: keyport server deploy {{server}} --subscription-tls-cert FILE --subscription-tls-key FILE',
    certificateUnread: 'the subscription certificate ({{subject}}) could not be read to check that it names {{host}}; apps refuse subscription links whose host it does not name',
    bundleFailed: '{{server}}: the new links could not go into subscriptions there ({{message}}); once it answers: keyport people push PERSON',
    rolledBack: 'the agent did not come up on {{server}} with key ports {{from}}-{{to}}; it was rolled back to the previous release, and nothing was changed',
  },
  common: {
    warning: 'warning: {{message}}',
    offline: '(offline: from cache, last synced {{time}})',
    never: 'never',
    yes: 'yes',
    no: 'no',
  },
  keyWords: {
    status: { active: 'active', disabled: 'disabled', limited: 'limited', expired: 'expired' },
    reset: { day: 'day', week: 'week', month: 'month', year: 'year' },
    usage: '{{used}} / {{limit}} ({{percent}}%)',
    expiredJustNow: 'expired just now',
    underMinute: 'in under a minute',
    expiredAgo: 'expired {{amount}} ago',
    expiresIn: 'in {{amount}}',
    minute_one: '{{count}} min',
    minute_other: '{{count}} min',
    hour_one: '{{count}} h',
    hour_other: '{{count}} h',
    day_one: '{{count}} day',
    day_other: '{{count}} days',
    stoppedLimited: '{{name}} has used its quota ({{usage}}), so its link does not work until the quota is raised',
    stoppedLimitedPeriod: '{{name}} has used its quota ({{usage}}), so its link does not work until the quota is raised or its next period starts',
    stoppedExpired: '{{name}} {{expiry}}, so its link does not work until its expiry is moved on',
    sentence: 'Status {{status}}, {{quota}}, {{expiry}}.',
    sentenceWithNote: 'Status {{status}}, {{quota}}, {{expiry}}, note "{{note}}".',
    noQuota: 'no quota',
    quota: 'quota {{limit}}, {{used}} used',
    quotaPer: {
      day: 'quota {{limit}} a day, {{used}} used',
      week: 'quota {{limit}} a week, {{used}} used',
      month: 'quota {{limit}} a month, {{used}} used',
      year: 'quota {{limit}} a year, {{used}} used',
    },
    neverExpires: 'never expires',
    expires: 'expires {{expiry}} ({{time}})',
    expired: '{{expiry}} ({{time}})',
  },
  keys: {
    described: '{{name}} (id {{id}}, port {{port}})',
    created: 'Created key {{key}} on {{server}}. Its link: keyport keys config {{server}} {{id}}',
    updated: 'Updated key {{key}}. {{limits}}',
    enabled: 'Enabled key {{key}}.',
    disabled: 'Disabled key {{key}}: its connections are cut, its port and history kept.',
    renamed: 'Renamed key {{id}} to "{{name}}". Links handed out before keep the old name as their label; the new link: keyport keys config {{server}} {{id}}',
    qrWritten: "Wrote the QR code of key {{id}}'s vless:// link to {{file}}.",
    linkWillNotWork: 'the link of {{name}} will not work yet: {{problem}}',
    stopped: '{{why}}: keyport keys set {{server}} {{id}} {{flag}}',
    noneMatch: 'No keys on {{server}} match.',
    noneYet: 'No keys on {{server}} yet: keyport keys create {{server}} NAME',
    column: {
      id: 'ID',
      name: 'NAME',
      port: 'PORT',
      status: 'STATUS',
      usage: 'USAGE',
      reset: 'RESET',
      expires: 'EXPIRES',
      created: 'CREATED',
      note: 'NOTE',
    },
    many: {
      progress_one: '{{created}}/{{count}} key',
      progress_other: '{{created}}/{{count}} keys',
      createdNone: 'Created no keys on {{server}}.',
      createdPorts_one: 'Created {{count}} key on {{server}} (ports {{from}}-{{to}}).',
      createdPorts_other: 'Created {{count}} keys on {{server}} (ports {{from}}-{{to}}).',
      skipped_one: 'Skipped {{count}} name {{server}} had already.',
      skipped_other: 'Skipped {{count}} names {{server}} had already.',
      next: "Their ids and ports: keyport keys list {{server}}; a key's link: keyport keys config {{server}} KEY",
    },
  },
  servers: {
    noneYet: 'No servers yet: keyport server add NAME --host HOST',
    address: '{{user}}@{{host}}:{{port}}',
    column: {
      name: 'NAME',
      address: 'ADDRESS',
      agent: 'AGENT',
      lastSynced: 'LAST SYNCED',
      id: 'ID',
      state: 'STATE',
      xray: 'XRAY',
      keys: 'KEYS',
      active: 'ACTIVE',
      limited: 'LIMITED',
      expired: 'EXPIRED',
      expiring: 'EXPIRING {{days}}D',
      reason: 'REASON',
    },
    state: {
      online: 'online',
      offline: 'offline',
      'not-deployed': 'not-deployed',
      'agent-down': 'agent-down',
      'host-key-unknown': 'host-key-unknown',
      'host-key-changed': 'host-key-changed',
    },
    outdated: '{{version}} (outdated)',
    xray: {
      missing: 'not installed',
      outOfSync: '{{version}} (out of sync)',
      down: '{{version}} (not running)',
      apiDown: '{{version}} (API down)',
      newer: '{{version}} (newer than checked {{checked}})',
      tooOld: '{{version}} (too old: needs {{minimum}}+)',
      unknown: '{{version}} (not Xray?)',
    },
    usage: {
      line: '{{server}}: Xray {{parts}}',
      pid: 'pid {{pid}}',
      inbounds_one: '{{count}} inbound(s)',
      inbounds_other: '{{count}} inbound(s)',
      resident: '{{size}} resident',
      openFiles: '{{count}} open files',
      openFilesOf: '{{count}} open files of {{limit}} allowed',
    },
    problemLine: '{{server}}: {{problem}}',
    syncConfig: {
      firewallNothing: 'Firewall: nothing to change.',
      firewallFixed_one: 'Firewall: {{count}} port(s) fixed.',
      firewallFixed_other: 'Firewall: {{count}} port(s) fixed.',
      xray: 'Xray: {{detail}}',
      xrayFailed: 'Xray: failed: {{detail}}',
      inSync: '{{server}} is in sync.',
      outOfSync: '{{server}} is still out of sync: keyport server status {{server}} says what is left',
    },
    uninstalledKept: 'Uninstalled the agent from {{server}}. Its data (keys, traffic history, API key) is kept on the server; --delete-data removes it too.',
    uninstalledDeleted: 'Uninstalled the agent and deleted its data from {{server}}.',
    xrayInstalled: 'Installed Xray {{version}} at {{path}} on {{server}}.',
  },
  problem: {
    xrayMissing: "Xray is not installed (no {{path}}), so no key's link works yet: keyport server install-xray {{server}}",
    xrayDown: "Xray is installed but not running, so no key's link works: keyport server sync-config {{server}}",
    xrayDownWithError: "Xray is installed but not running ({{error}}), so no key's link works: keyport server sync-config {{server}}",
    apiUnreachable: 'Xray runs but its API does not answer, so key changes do not reach it: keyport server sync-config {{server}}',
    apiUnreachableWithError: 'Xray runs but its API does not answer ({{error}}), so key changes do not reach it: keyport server sync-config {{server}}',
    outOfSync: 'Xray is out of step with the keys: {{served}} of {{expected}} active keys served ({{counts}}): keyport server sync-config {{server}}',
    outOfSyncMissing: '{{count}} missing',
    outOfSyncExtra: '{{count}} not of an active key',
    outOfSyncChanged: '{{count}} changed',
    outOfSyncFile: 'its config file differs',
    firewallOutOfSync: 'the firewall rules do not match the keys (counting or blocking): keyport server sync-config {{server}}',
    keysNotServing_one: '{{count}} active key(s) not served by Xray: {{keys}}: keyport server sync-config {{server}}',
    keysNotServing_other: '{{count}} active key(s) not served by Xray: {{keys}}: keyport server sync-config {{server}}',
    keyNotServing: '{{name}} ({{reason}})',
    xrayDuplicate:
      "another Xray (pid {{pids}}) serves this config beside the agent's, so connections split and disabled keys may still work there: keyport server sync-config {{server}}",
    routingDiffers: "Xray's routing differs from what the agent writes: keyport server sync-config {{server}}",
    routingExposed: "Xray's config no longer keeps VPN users off the server and its private networks: keyport server sync-config {{server}}",
    versionUnsupported: 'Xray {{version}}: {{reason}}: keyport server install-xray {{server}}',
    unknownVersion: '(unknown version)',
    portAnswers: 'port {{port}} on {{host}} answers from here (key {{key}}): its links can connect.',
    portUnreachable: "port {{port}} is not reachable from here: open {{range}} in your provider's firewall (connecting to {{host}}:{{port}}: {{failure}})",
    portRange: '{{from}}-{{to}}/tcp',
    portRangeUnknown: '{{port}}/tcp and the rest of the key port range',
    failure: {
      timeout: 'no answer, the packets are dropped',
      refused: 'refused',
      unreachable: 'no route to the host',
      'no-address': 'the name does not resolve',
      other: 'failed',
    },
  },
  traffic: {
    column: {
      rx: 'RX',
      tx: 'TX',
      total: 'TOTAL',
      name: 'NAME',
      port: 'PORT',
      active: 'ACTIVE',
      openNow: 'OPEN NOW',
      rate: 'RATE',
      opened: 'OPENED',
      atOnce: 'AT ONCE',
      atOnceSum: 'AT ONCE (SUM)',
      lastActivity: 'LAST ACTIVITY',
      date: 'DATE (UTC)',
      activeKeys: 'ACTIVE KEYS',
    },
    rate: '{{size}}/s',
    bytes: 'rx {{rx}}, tx {{tx}}, total {{total}}',
    deletedKey: '(deleted key {{id}})',
    liveTotal_one: 'Total: {{total}}, {{count}} connections now (sampled {{time}}).',
    liveTotal_other: 'Total: {{total}}, {{count}} connections now (sampled {{time}}).',
    historyTotal_one: '{{count}} keys ({{active}} active): {{bytes}}.',
    historyTotal_other: '{{count}} keys ({{active}} active): {{bytes}}.',
    keyHistory_one: '{{name}} (id {{id}}, port {{port}}): {{bytes}}, {{count}} connections opened; last activity {{last}}.',
    keyHistory_other: '{{name}} (id {{id}}, port {{port}}): {{bytes}}, {{count}} connections opened; last activity {{last}}.',
    dailyByKey_one: '{{date}} (UTC): {{count}} key moved bytes or opened connections.',
    dailyByKey_other: '{{date}} (UTC): {{count}} keys moved bytes or opened connections.',
    monthlyTotal_one: '{{month}}: {{keys}} ({{active}} active), {{bytes}}, {{count}} connections opened.',
    monthlyTotal_other: '{{month}}: {{keys}} ({{active}} active), {{bytes}}, {{count}} connections opened.',
    monthlyKeys_one: '{{count}} keys',
    monthlyKeys_other: '{{count}} keys',
    keyMonthly_one: '{{name}} (id {{id}}, port {{port}}) in {{month}}: {{bytes}}, {{count}} connections opened, at most {{atOnce}} at once.',
    keyMonthly_other: '{{name}} (id {{id}}, port {{port}}) in {{month}}: {{bytes}}, {{count}} connections opened, at most {{atOnce}} at once.',
  },
  people: {
    column: {
      name: 'NAME',
      uuid: 'UUID',
      servers: 'SERVERS',
      used: 'USED',
      month: 'MONTH',
      subscription: 'SUBSCRIPTION',
      server: 'SERVER',
      key: 'KEY',
      status: 'STATUS',
      usage: 'USAGE',
      expires: 'EXPIRES',
      synced: 'SYNCED',
    },
    serverStatus: '{{server}} ({{status}})',
    syncedNow: 'now',
    syncedCache: '{{time}} (cache)',
    outcomeDone: '  {{server}}: {{what}}',
    outcomeFailed: '  {{server}}: FAILED {{what}}: {{message}} ({{code}})',
    pending: '  {{server}}: {{name}} (key {{id}}) is disabled after {{time}}',
    graceOver: 'Grace periods over:',
    noneYet: 'No people yet: keyport people add NAME SERVER...',
    fromCache: '(* from cache: that server is offline)',
    toBeDisabled: 'To be disabled:',
    unavailable: '{{server}}: {{message}}',
    detail: '{{name}} (uuid {{uuid}}): {{used}} used in their quota periods, {{month}} this month',
    subscription: 'Subscription: {{url}}',
    everySubscription: 'Every subscription link:',
    linkLine: '  {{server}}: {{url}}',
    noSubscriptions: '  none: no server of theirs serves subscriptions',
    links: 'Links:',
    notReadYet: '(not read yet; the server is offline)',
    added: 'Added {{name}} on {{servers}}:',
    removed: 'Removed {{person}}:',
    serverAdded: 'Gave {{person}} a key on {{server}}:',
    serverRemoved: "Deleted {{person}}'s key on {{server}}:",
    moving_one: 'Moving {{count}} people from {{from}} to {{to}}: {{created}} get a key there, {{present}} had one already.',
    moving_other: 'Moving {{count}} people from {{from}} to {{to}}: {{created}} get a key there, {{present}} had one already.',
    toBeDisabledOn: 'To be disabled on {{server}} (by the first keyport people command after that time):',
    pushed: "Pushed {{person}}'s links to each of their servers:",
    rotated: 'Gave {{person}} a new subscription link (the old one answers 404 now):',
  },
  deploy: {
    deployed: 'Deployed agent {{version}} (release {{release}}) on {{server}}: {{os}} {{arch}}, {{init}}; Node runtime {{runtime}}.',
    deployedSudo: 'Deployed agent {{version}} (release {{release}}) on {{server}}: {{os}} {{arch}}, {{init}} via sudo; Node runtime {{runtime}}.',
    runtimeUploaded: 'uploaded',
    runtimeThere: 'already there',
    rolledBack: 'the new release did not come up on {{server}}; rolled back to the previous release',
    todoKeyPorts: 'the key ports of {{server}} will not answer until this is run as root on it ({{found}}):',
    todoSubscriptionPort: 'the subscription port of {{server}} will not answer until this is run as root on it ({{found}}):',
    subscriptions: "Subscriptions: {{url}}/sub/TOKEN over {{over}}; each key's subscription_url (keyport people list shows one per person).",
    https: 'HTTPS (certificate valid until {{until}})',
    plainHttp: 'plain HTTP',
    plainHttpWarning:
      'subscriptions on {{server}} are plain HTTP: anyone on the way sees each fetch, the token and every link with its uuid; give --subscription-tls-cert FILE --subscription-tls-key FILE for HTTPS',
  },
  reality: {
    target: 'Target',
    serverNames: 'Server names',
    fingerprint: 'Fingerprint',
    names: '{{names}} (links carry sni={{first}})',
    applied: 'Applied to Xray ({{method}}): {{detail}}.',
    sniChanged: "Keys' links now carry sni={{name}}: hand out their new links or QR codes.",
    check: { ok: 'ok', warn: 'warn', fail: 'FAIL' },
    failed_one: '{{count}} check failed',
    failed_other: '{{count}} checks failed',
    warned_one: 'usable, with {{count}} warning',
    warned_other: 'usable, with {{count}} warnings',
    passed: 'every check passed',
    verdict: 'Reality target {{target}}: {{verdict}}',
  },
  settings: {
    method: { api: 'api', restart: 'restart', start: 'start', none: 'none' },
    privateDestinations: 'Private destinations',
    accessLog: 'Access log',
    reality: 'Reality',
    privateAllowed: 'ALLOWED: VPN users can reach this server itself and its private networks',
    privateBlocked: 'blocked: VPN users reach the internet, never this server or its private networks',
    accessOn: 'on: Xray logs each connection (client IP, destination, key), rotated at 10 MiB',
    accessOff: 'off: no record of who connected where',
    realityValue: '{{target}}, server names {{names}} (see keyport server reality)',
    restarted: 'Applied: Xray restarted once (its routing and logging cannot change live), so open connections dropped.',
    took: 'Applied: Xray took it ({{method}}).',
    noChange: 'Stored; Xray needed no change.',
    notYet: 'Stored, but Xray did not take it yet: {{detail}}',
  },
  backup: {
    wrote_one: 'Wrote a backup of {{server}} to {{file}} ({{count}} byte, encrypted with the passphrase).',
    wrote_other: 'Wrote a backup of {{server}} to {{file}} ({{count}} bytes, encrypted with the passphrase).',
    wroteDaily_one: "Wrote {{server}}'s daily backup {{daily}} to {{file}} ({{count}} byte, encrypted with the passphrase).",
    wroteDaily_other: "Wrote {{server}}'s daily backup {{daily}} to {{file}} ({{count}} bytes, encrypted with the passphrase).",
    sent: '{{sent}} of {{total}}',
    sentTo: '{{sent}} of {{total}} sent to {{server}}',
    reconnecting: 'The link to {{server}} failed ({{reason}}); {{sent}} are kept there. Trying again in {{seconds}} s ({{attempt}} of {{attempts}}).',
    restoring: 'Restoring on {{server}}...',
    restored: 'Restored {{keys}} key(s) and {{days}} day(s) of history onto {{server}}.',
    portsMoved: "{{count}} key(s) got another port (theirs was taken or outside this server's range): their links changed.",
    xrayNotYet: 'Xray did not take the restored keys yet ({{detail}}): keyport server sync-config {{server}}',
    noDaily: '{{server}} has no daily backups yet.',
    column: { key: 'KEY', id: 'ID', oldPort: 'OLD PORT', newPort: 'NEW PORT', name: 'NAME', taken: 'TAKEN', bytes: 'BYTES' },
  },
  tunnel: {
    url: 'URL:',
    apiKey: 'API key:',
    example: 'Example:',
    open: "Tunnel to {{server}}'s agent is open; Ctrl-C closes it.",
  },
  webConsole: {
    open: 'Keyport console is open at the address above (it holds its access token); Ctrl-C stops it.',
  },
  ask: {
    hostKey: 'The host key of {{label}} is {{type}} {{fingerprint}}',
    hostKeyServer: '{{server}} ({{where}})',
    hostKeyJump: 'the jump host {{endpoint}}',
    acceptAndAdd: 'Accept and add? [y/N] ',
    alias: 'alias {{alias}}',
    sshPassword: 'The SSH password of {{server}} ({{where}}): ',
    passphrase: { backup: 'Backup passphrase: ', export: 'Export passphrase: ' },
    passphraseAgain: 'The same passphrase again: ',
  },
  consoleExport: {
    wrote: 'Wrote {{file}} ({{size}} bytes, mode 0600): {{servers}}, {{pins}}, {{pending}}.',
    servers_one: '{{count}} server',
    servers_other: '{{count}} servers',
    pins_one: '{{count}} trusted host key',
    pins_other: '{{count}} trusted host keys',
    pending_one: '{{count}} pending disable',
    pending_other: '{{count}} pending disables',
    noSecretsStored: 'No secrets: this console stores no SSH passwords or passphrases.',
    secretsLeftOut: 'No secrets: the stored SSH password or passphrase of {{servers}} is left out; on the new laptop it is asked for on first connect.',
    nothingToCarry: 'No secrets to carry: this console stores no SSH passwords or passphrases, so no passphrase was asked.',
    secrets: 'Secrets: the SSH password or passphrase of {{servers}}, encrypted with the passphrase.',
    notInFile:
      'Not in the file: the cache (keys, traffic history, last answers), which refills from the servers on the first sync, and agent API keys, which Keyport never stores: it reads each from its server over SSH on first connect.',
  },
  consoleImport: {
    imported: 'Imported {{file}}:',
    added: 'added',
    replaced: 'replaced {{servers}} (--replace)',
    and: ' and ',
    skipped: "skipped: {{why}} (--replace puts the file's in its place)",
    otherNamed: 'this console has another server named {{existing}}',
    hasIt: 'this console has it already',
    hasItNamed: 'this console has it already, named {{existing}}',
    pins: 'Trusted host keys: {{count}} imported.',
    pinsMerged: 'Trusted host keys: {{count}} imported; added to {{merged}}.',
    conflict:
      "  {{server}} {{endpoint}}: kept {{kept}}; the file trusts {{inFile}} (if the server's key changed: keyport server trust {{server}} --accept-host-key KEY, once checked on the server)",
    pending: 'Pending disables: {{count}} imported{{dropped}}{{forgotten}}.',
    pendingDropped: ', {{count}} left out (their server was skipped)',
    pendingForgotten: ", {{count}} of this console's dropped with the servers replaced",
    secretsKept: "SSH secrets of {{servers}} sealed with this console's OS keychain.",
    secretsNotKept: 'SSH secrets of {{servers}} were in the file, but this console has no OS keychain to keep them: they are asked for when needed.',
    beforeLogin: 'Before logging in from here:',
    agentKeys: 'Agent API keys are read from each server over SSH on first connect; the cache fills on the first sync (keyport server sync NAME, or any read).',
    need: {
      keyFileMissing: 'the key file {{path}} does not exist here: copy it there from the old laptop',
      keyPassphrase: 'the passphrase of {{path}} is asked for on first connect (or KEYPORT_SSH_SECRET)',
      password: 'the SSH password is asked for on first connect (or KEYPORT_SSH_SECRET)',
      sshAgent: 'logs in through ssh-agent: load its key there (ssh-add)',
      sshAgentMissing: 'logs in through ssh-agent, and SSH_AUTH_SOCK is not set here: start ssh-agent and load its key (ssh-add)',
    },
  },
  usageError: {
    missing: 'missing {{names}}',
    unexpected: "unexpected argument '{{argument}}'",
    port: "{{flag}} must be a TCP port, 1-65535 (got '{{text}}')",
    portRange: "{{flag}} must be FROM-TO, two TCP ports (got '{{text}}')",
    onOff: '{{flag}} takes on or off, got "{{text}}"',
    hostOrAlias: 'give either --host or --alias',
    portWithHost: '--port goes with --host (an alias brings its own port)',
    oneAuth: 'give at most one of --key, --agent and --password-stdin',
    trustNeedsKey: 'give the new key with --accept-host-key SHA256:..., after checking it on the server (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub)',
    linkHostBoth: 'give --link-host HOST or --no-link-host, not both',
    serverSetNothing: 'give at least one of --link-host HOST, --no-link-host, --reality-target HOST:PORT, --server-names A,B, --key-ports FROM-TO',
    noSubscriptionsAlone: '--no-subscriptions turns the subscription listener off: give it alone, without --subscriptions or TLS flags',
    tlsNeedsSubscriptions: 'the subscription TLS flags go with --subscriptions PORT',
    tlsBoth: 'give both --subscription-tls-cert FILE and --subscription-tls-key FILE (HTTPS), or neither',
    tlsFiles: '--subscription-tls-cert and --subscription-tls-key need a file each',
    plainNoCert: '--no-subscription-tls serves plain HTTP: give it without a certificate and key',
    createManySource: "unexpected argument '{{argument}}': the names come from --from FILE or - (stdin)",
    createManyNames: 'give the names with --from FILE, or - to read them from stdin',
    pngOrSvg: 'give --png or --svg, not both',
    enableOrDisable: 'give --enable or --disable, not both',
    keysSetNothing: 'give something to change: --name, --limit, --reset, --expires, --note, --enable or --disable',
    status: "--status takes {{statuses}}, or several with commas (got '{{text}}')",
    expiring: "--expiring must be a time from now such as 7d, 2w or 12h (got '{{text}}')",
    over: "--over must be a share of the quota such as 80% (got '{{text}}')",
    sort: "--sort takes {{sorts}} (got '{{text}}')",
    notASize:
      "{{flag}} must be a size such as 50GiB, 500MiB or 1.5TiB (1024-based, as Keyport shows sizes; 50GB means the same), a number of bytes, or none (got '{{text}}')",
    unknownUnit: "{{flag}} '{{text}}': the unit must be B, KiB, MiB, GiB, TiB or PiB (1024-based; KB, MB, GB, TB, PB alike)",
    tooLarge: "{{flag}} '{{text}}' is more than the largest quota, 8 PiB",
    reset: "--reset must be one of {{periods}} (got '{{text}}')",
    notADate: "{{flag}} must be a day (2027-03-01, meaning 00:00 UTC), a UTC time (2027-03-01T18:00), a time from now (+30d, +2w, +12h), or never (got '{{text}}')",
    noSuchDate: "{{flag}} '{{text}}' is not a date and time that exists",
    date: "DATE must be a calendar date, YYYY-MM-DD (got '{{text}}')",
    month: "--month must be YYYY-MM, e.g. 2025-08 (got '{{text}}')",
    missingName: 'missing NAME',
    missingServers: 'missing SERVER (one or more)',
    peopleServersAction: "people servers takes add or remove (got '{{action}}')",
    moveFromTo: 'give --from SERVER and --to SERVER',
    moveWho: 'give --all or the people to move, one of the two',
    moveDisableBoth: 'give --disable-after or --disable-now, not both',
    grace: "--disable-after must be a grace period such as 7d, 2w, 12h or 30m (got '{{text}}')",
  },
  report: {
    withSummary: '{{summary}}: {{message}}',
    summary: {
      'bad-input': 'refused',
      'not-found': 'not found',
      'server-offline': 'the server does not answer',
      'host-key-unknown': 'the host key is not accepted yet',
      'host-key-changed': 'the host key has changed',
      'auth-failed': 'the login was refused',
      'sudo-password-required': 'sudo asks for a password',
      'secret-required': 'a password or passphrase is needed',
      'agent-not-deployed': 'the Keyport agent is not deployed',
      'agent-error': 'the agent could not do it',
      'deploy-failed': 'the deploy failed',
      'deploy-locked': "another deploy or uninstall holds the server's lock",
      'unsupported-server': 'Keyport cannot work with this server',
      'name-taken': 'the name is taken',
      'backup-passphrase-wrong': 'wrong backup passphrase',
      'backup-damaged': 'the backup file is damaged',
      'server-not-fresh': 'the server has keys already',
      'uuid-taken': 'the uuid is taken',
      'server-disk-full': "the server's disk is full",
      'export-damaged': 'the export file is damaged',
      'export-passphrase-wrong': 'wrong passphrase for the export',
      'export-version-unsupported': 'the export is of a newer format',
      'certificate-refused': 'the certificate or key is refused',
      'key-ports-exclude-keys': "the new key port range leaves out keys' ports",
      'ssh-alias-unknown': 'no such SSH alias',
      'ssh-key-unusable': 'the SSH key file cannot be used',
      internal: 'a fault in Keyport',
      unexpected: 'failed',
    },
    hint: {
      missingHost: 'give --host HOST or --alias HOSTALIAS',
      missingCredentials: 'pass --key FILE, --agent (with ssh-agent running) or --password-stdin',
      localPort: 'pick another with --port',
      limitCell: 'fix that row\'s "{{column}}" cell, or {{flag}} if it came from there',
      limitFlag: 'give another {{flag}}',
      serverOffline: 'server offline: reads come from the local cache; changes need the server',
      deploy: 'keyport server deploy {{server}} deploys it',
      trust: 'once you checked it on the server: keyport server trust {{server}} --accept-host-key {{fingerprint}}',
      serverList: 'keyport server list shows the servers',
      breakLock: 'if no deploy or uninstall is running there any more (say, its laptop went offline): keyport server {{command}} {{server}} --break-lock',
      secretsElsewhere: 'export without --with-secrets: the new laptop asks for them on first connect',
      exportDamaged: 'export again from the old laptop (keyport export FILE), and copy the file whole',
      exportVersion: 'a newer Keyport wrote it: update this one to import it',
      diskFull: 'free space on that disk of the server, then run it again',
      notFresh: 'a backup is restored onto a server without keys: a freshly deployed one, or this one once its keys are deleted',
      nameTaken: 'no two keys on a server may share a name, in any letter case: choose another name',
      nameTakenRename:
        'no two keys on a server may share a name, in any letter case: choose another name, or rename the other key first: keyport keys rename {{server}} {{holder}} NEWNAME',
      uuidTaken: 'a person has one key per server, and this server has theirs already',
      aliasUnknown: 'add a "Host {{alias}}" block with its HostName to {{configPath}}, or give the address with --host HOST instead of --alias',
      key: {
        missing: 'check the path, or add the server with --key FILE naming a key that is there',
        unreadable: 'make it readable for you (chmod 600 FILE, owned by you)',
        'not-a-private-key': 'give the private key, the file without .pub (say ~/.ssh/id_ed25519)',
        'passphrase-needed': 'give its passphrase: on the terminal when asked, or in KEYPORT_SSH_SECRET',
        'passphrase-wrong': "give the key's own passphrase: on the terminal when asked, or in KEYPORT_SSH_SECRET",
      },
      uuidTakenShow: 'a person has one key per server, and this server has theirs already: keyport people show {{person}} lists it',
      keyPortsHoldKeys: 'a range that holds every key: keyport server set {{server}} --key-ports {{from}}-{{to}}',
    },
  },
} as const;
