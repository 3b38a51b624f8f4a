import { execFileSync } from 'node:child_process';
import { NamespaceRunner } from './namespace-runner.ts';

/** A test server's side of its link to the outside, and the outside's. */
export interface OutsideLink {
  /** The server's address there: what its keys' links and subscription URLs name once it is added by it. */
  serverAddress: string;
  /** The outside namespace's address on that link, which only this server reaches. */
  outsideAddress: string;
}

let networksMade = 0;

/**
 * The internet side of several test servers: one namespace, joined to each server's namespace by a
 * veth pair of its own on 2001:db8:N::/64 (the server ::1, the outside ::2, `nodad`), documentation
 * addresses that no block list covers. It holds what lives off the servers: a key holder's phone
 * (subscription fetches, a VLESS client) and the hosts they reach through the VPN. Each server
 * reaches the outside only on its own link, so a request to one link's outside address arrives
 * through that server alone. Needs root; deleting the namespace deletes the veth pairs with it.
 */
export class OutsideNetwork extends NamespaceRunner {
  readonly namespace: string;
  readonly #id: number;
  #links = 0;

  private constructor(namespace: string, id: number) {
    super();
    this.namespace = namespace;
    this.#id = id;
  }

  static create(): OutsideNetwork {
    networksMade += 1;
    const network = new OutsideNetwork(`keyport-outside-${process.pid}-${networksMade}`, networksMade);
    execFileSync('ip', ['netns', 'add', network.namespace]);
    network.exec(network.namespace, 'ip', ['link', 'set', 'lo', 'up']);
    return network;
  }

  /** Joins a server's namespace to the outside by a new veth pair. */
  join(serverNamespace: string): OutsideLink {
    this.#links += 1;
    const subnet = `2001:db8:${this.#links}::`;
    const link = { serverAddress: `${subnet}1`, outsideAddress: `${subnet}2` };
    // Interface names are at most 15 characters.
    const [serverEnd, outsideEnd] = ['s', 'o'].map((side) => `ko${process.pid}n${this.#id}${side}${this.#links}`);
    execFileSync('ip', ['link', 'add', serverEnd!, 'netns', serverNamespace, 'type', 'veth', 'peer', 'name', outsideEnd!, 'netns', this.namespace]);
    for (const [namespace, device, address] of [
      [serverNamespace, serverEnd!, link.serverAddress],
      [this.namespace, outsideEnd!, link.outsideAddress],
    ] as const) {
      // nodad: the address is usable at once, not after duplicate address detection (~1-2 s).
      this.exec(namespace, 'ip', ['-6', 'addr', 'add', `${address}/64`, 'dev', device, 'nodad']);
      this.exec(namespace, 'ip', ['link', 'set', device, 'up']);
    }
    return link;
  }

  /** Ends every process started through `spawn` and deletes the outside namespace. */
  async destroy(): Promise<void> {
    await this.stopProcesses();
    try {
      execFileSync('ip', ['netns', 'del', this.namespace], { stdio: 'ignore' });
    } catch {
      // Not made, or gone already.
    }
  }
}
