// Run inside a test server's namespace: moves bytes through a key port of the stand-in Xray.
// Usage: move-bytes.ts PORT UPLOAD_BYTES DOWNLOAD_BYTES
import { moveBytes } from '../../test-support/tcp-traffic.ts';

const [port, upload, download] = process.argv.slice(2).map(Number);
await moveBytes(port!, upload!, download!);
