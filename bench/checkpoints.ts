/**
 * bench:checkpoints — the whole checkpoint audit against a data directory a real core left behind
 * (storage, identity, an audit record), BENCH_RUNS times (default 3): the run's wall time (median
 * and slowest, goal under 15 s) and the slowest probes of the median run. Last line: one JSON object.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../src-main/core/base/event-bus.js';
import { silentLogger } from '../src-main/core/base/logger.js';
import { probeParts } from '../src-main/core/checkpoints/probe-env.js';
import { runCheckpoints } from '../src-main/core/checkpoints/run-checkpoints.js';
import { IdentityService } from '../src-main/core/identity/identity-service.js';
import { Keychain } from '../src-main/core/identity/keychain.js';
import { AuditLog } from '../src-main/core/kernel/audit/audit-log.js';
import { StorageService } from '../src-main/core/storage/storage-service.js';
import type { CheckpointReport } from '../src-main/core/protocol/checkpoint-entities.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const service = `cell0-bench-checkpoints-${process.pid}`;
const dataDir = await mkdtemp(join(tmpdir(), 'cell0-bench-chk-'));
const storage = new StorageService(dataDir);
await storage.start();
const bus = new EventBus({ logger: silentLogger });
const keychain = new Keychain(service);
const identity = new IdentityService({ keychain, db: storage.db, bus, logger: silentLogger });
await identity.start();
await new AuditLog({ db: storage.db, identity, bus }).append({
  actor: 'owner',
  kind: 'tool.call',
  outcome: 'allowed',
});
const [key] = await storage.db.all<{ keychain_account: string }>(
  'SELECT keychain_account FROM identity_keys',
);
await identity.stop();
await storage.stop();

const reports: CheckpointReport[] = [];
for (let i = 0; i < runs; i++) {
  const parts = await probeParts({ dataDir, runner: 'cli', keychainService: service });
  try {
    const report = await runCheckpoints(parts);
    reports.push(report);
    const { PASS, WARN, FAIL, SKIP } = report.counts;
    console.log(
      `run ${i + 1}: ${report.durationMs} ms (${PASS} PASS, ${WARN} WARN, ${FAIL} FAIL, ${SKIP} SKIP)`,
    );
  } finally {
    await parts.close();
  }
}
await keychain.delete(key!.keychain_account).catch(() => false);
await rm(dataDir, { recursive: true, force: true });

const sorted = [...reports].sort((a, b) => a.durationMs - b.durationMs);
const median = sorted[Math.floor(sorted.length / 2)]!;
const slowest = [...median.checkpoints].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5);
for (const c of slowest) console.log(`  ${c.id}: ${c.durationMs} ms`);
console.log(
  JSON.stringify({
    checkpoints: median.checkpoints.length,
    median_ms: median.durationMs,
    max_ms: sorted[sorted.length - 1]!.durationMs,
    fail: median.counts.FAIL,
    slowest: Object.fromEntries(slowest.map((c) => [c.id, c.durationMs])),
  }),
);
