// Runs inside a test server's namespace: times GET /api/keys made directly on the agent's loopback
// port, the baseline the tunneled calls are compared with. Prints the latencies (ms) as JSON.
// Usage: direct-calls.ts PORT API_KEY COUNT
import { request } from 'node:http';

const [port, apiKey, count] = [Number(process.argv[2]), process.argv[3]!, Number(process.argv[4])];

function call(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/keys', agent: false, headers: { 'X-API-Key': apiKey } }, (response) => {
      response.resume();
      response.once('end', () => (response.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${response.statusCode}`))));
    });
    req.once('error', reject);
    req.end();
  });
}

const latencies: number[] = [];
for (let index = 0; index < count; index += 1) latencies.push(await call());
console.log(JSON.stringify(latencies));
