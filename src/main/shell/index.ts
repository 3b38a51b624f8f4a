import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_INVOKE } from '../../shared/bridge/ipc-channels.ts';
import { APP_NAME } from '../../shared/app-identity.ts';
import { ipcBridgeHandler } from '../bridge/ipc-bridge-handler.ts';
import { openKeyportCore, type KeyportCore } from '../core/keyport-core.ts';
import { safeStorageVault } from './safe-storage-vault.ts';
import { shellArtifacts } from './shell-artifacts.ts';

/** The Electron shell: one locked-down window over the core; everything else lives in src/main/core. */
const RENDERER_FILE = join(import.meta.dirname, '../renderer/index.html');
const DEV_SERVER = process.env.ELECTRON_RENDERER_URL;

function isConsolePage(url: string): boolean {
  if (DEV_SERVER) return url.startsWith(DEV_SERVER);
  return url.split(/[?#]/)[0] === pathToFileURL(RENDERER_FILE).href;
}

function createWindow(): void {
  const window = new BrowserWindow({
    title: APP_NAME,
    width: 1280,
    height: 840,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    },
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  if (DEV_SERVER) void window.loadURL(DEV_SERVER);
  else void window.loadFile(RENDERER_FILE);
}

let core: KeyportCore | undefined;

void app.whenReady().then(async () => {
  // $KEYPORT_HOME, as for the CLI, lets the CLI and the window share one cache (and tests isolate theirs).
  core = await openKeyportCore({ home: process.env.KEYPORT_HOME ?? app.getPath('userData'), vault: safeStorageVault(), artifacts: shellArtifacts() });
  ipcMain.handle(IPC_INVOKE, ipcBridgeHandler(core, isConsolePage));
  core.backgroundSync.start();
  createWindow();
});

app.on('window-all-closed', () => app.quit());
app.on('will-quit', (event) => {
  if (!core) return;
  event.preventDefault();
  const closing = core;
  core = undefined;
  void closing.close().finally(() => app.quit());
});
