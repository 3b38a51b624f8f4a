// Usage: http-probe-cli.ts '[{"url": "...", "socks5": "127.0.0.1:1080"}]'
// Runs the probes at once from the namespace it is started in; prints their results as JSON.
import { probe, type HttpProbe } from './http-probe.ts';

const probes = JSON.parse(process.argv[2] ?? '[]') as HttpProbe[];
process.stdout.write(`${JSON.stringify(await Promise.all(probes.map(probe)))}\n`);
