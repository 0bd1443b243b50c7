/**
 * bench:audit — what the signed audit log costs: one append (hash, sign with the instance key,
 * write) as tool calls make them, one after another, and verifying a long chain (every hash, link
 * and signature, read in batches). Real SQLite and a real keychain (a private gnome-keyring, as
 * the tests use). The last line is one JSON object with the figures.
 */
import { openAuditFixture } from '../test/core/kernel/audit/audit-fixture.js';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 2_000);

const round = (ms: number) => Math.round(ms * 100) / 100;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

async function main(): Promise<void> {
  const f = await openAuditFixture();
  try {
    const samples: number[] = [];
    for (let i = 1; i <= APPENDS; i++) {
      const started = performance.now();
      await f.audit.append({
        actor: 'agent:bench',
        kind: 'tool.call',
        tool: 'shell',
        args: { command: `echo ${i}` },
        outcome: `ran ${i}`,
        conversationId: 'bench',
      });
      samples.push(performance.now() - started);
    }
    const verifyStarted = performance.now();
    const verified = await f.audit.verify();
    const verifyMs = performance.now() - verifyStarted;
    if (!verified.ok || verified.count !== APPENDS)
      throw new Error(`the chain did not verify: ${verified.reason}`);
    const figures = {
      appends: APPENDS,
      append_median_ms: round(percentile(samples, 50)),
      append_p90_ms: round(percentile(samples, 90)),
      verify_ms: Math.round(verifyMs),
      verify_per_1000_ms: round((verifyMs / APPENDS) * 1000),
    };
    process.stdout.write(
      `append, one after another (N=${APPENDS}): median ${figures.append_median_ms} ms, p90 ${figures.append_p90_ms} ms\n` +
        `verify ${APPENDS} records: ${figures.verify_ms} ms (${figures.verify_per_1000_ms} ms per 1,000)\n` +
        `${JSON.stringify(figures)}\n`,
    );
  } finally {
    await f.remove();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:audit failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
