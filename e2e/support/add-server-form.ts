import type { Page } from 'playwright-core';
import { byTestId } from './web-console-session.ts';

interface NewServer {
  name: string;
  sshPort: number;
  user: string;
  login: { keyPath: string } | { password: string };
}

/** In the window: opens "Add server", fills it in for 127.0.0.1:`sshPort` and asks for the server's host key. */
export async function probeNewServer(page: Page, { name, sshPort, user, login }: NewServer): Promise<void> {
  await page.click(byTestId('add-server-button'));
  await page.check(byTestId('add-server-mode-host'));
  await page.fill(byTestId('add-server-name'), name);
  await page.fill(byTestId('add-server-host'), '127.0.0.1');
  await page.fill(byTestId('add-server-port'), String(sshPort));
  await page.fill(byTestId('add-server-user'), user);
  if ('keyPath' in login) {
    await page.selectOption(byTestId('add-server-auth'), 'key');
    await page.fill(byTestId('add-server-key-path'), login.keyPath);
  } else {
    await page.selectOption(byTestId('add-server-auth'), 'password');
    await page.fill(byTestId('add-server-secret'), login.password);
  }
  await page.click(byTestId('add-server-probe'));
}
