/**
 * The floor under `cell0 serve`'s idle memory, for bench:gateway: what any server built from the
 * same parts holds with none of Cell 0's own code. Node; an HTTP server on loopback with a `ws`
 * WebSocket server on it; an Ed25519 key pair and a SHA-256 (the identity and the audit chain);
 * a SQLite database opened with sqlite3 (CELL0_FLOOR_DB); one keychain read through keytar (the
 * identity's private key lives there). Prints "Open: " once it is up, as `cell0 serve` does, then
 * idles until it is stopped.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { WebSocketServer } from 'ws';

const require = createRequire(import.meta.url);
const sqlite3 = require('sqlite3');
const keytar = require('keytar');

const server = createServer((_req, res) => res.end());
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => {}));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const { privateKey } = generateKeyPairSync('ed25519');
sign(null, createHash('sha256').update('floor').digest(), privateKey);

const db = new sqlite3.Database(process.env.CELL0_FLOOR_DB ?? ':memory:');
await new Promise((resolve, reject) => db.get('SELECT 1', (err) => (err ? reject(err) : resolve())));
await keytar.getPassword(process.env.CELL0_KEYCHAIN_SERVICE ?? 'cell0-rss-floor', 'identity');

process.stdout.write(`Open: http://127.0.0.1:${server.address().port}/\n`);
process.on('SIGINT', () => {
  server.close();
  db.close(() => process.exit(0));
});
