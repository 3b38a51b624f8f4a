import { posix, win32 } from 'node:path';

/**
 * Where keyport keeps its state: $KEYPORT_HOME, else the OS's per-user app-data directory
 * (XDG config dir on Linux, Application Support on macOS, %APPDATA% on Windows).
 */
export function resolveKeyportHome(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, homeDir: string): string {
  if (env.KEYPORT_HOME) return env.KEYPORT_HOME;
  switch (platform) {
    case 'win32':
      return win32.join(env.APPDATA || win32.join(homeDir, 'AppData', 'Roaming'), 'keyport');
    case 'darwin':
      return posix.join(homeDir, 'Library', 'Application Support', 'keyport');
    default:
      // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
      return posix.join(env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : posix.join(homeDir, '.config'), 'keyport');
  }
}
