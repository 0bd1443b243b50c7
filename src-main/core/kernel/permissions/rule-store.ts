import { canonicalJson } from '../../identity/canonical-json.js';
import { verifySignature } from '../../identity/identity-service.js';
import { toolNameSchema, type PermissionRule } from '../../protocol/kernel-entities.js';
import type { Database } from '../../storage/database.js';

/** A row of permission_rules (migration 3), as SQLite returns it. */
export interface RuleRow {
  id: string;
  tool: string;
  pattern: string;
  decision: string;
  created_at: number;
  public_key: string;
  signature: string;
}

/** A rule as the engine keeps it: the listed form plus whether the policy may use it. */
export interface LoadedRule extends PermissionRule {
  publicKey: string;
}

/** The exact bytes a rule's signature covers: every field that gives the rule its meaning. */
export function rulePayload(
  rule: Pick<RuleRow, 'id' | 'tool' | 'pattern' | 'decision' | 'created_at'>,
): string {
  return canonicalJson({
    id: rule.id,
    tool: rule.tool,
    pattern: rule.pattern,
    decision: rule.decision,
    created_at: rule.created_at,
  });
}

/** A built-in tool or a hosted one: whatever is named like a tool may have a rule. */
function isTool(tool: string): boolean {
  return toolNameSchema.safeParse(tool).success;
}

/**
 * A rule counts only when its signature verifies AND the key that made it is this instance's: a
 * row written by anything but the owner's `respond` (another program, a restored backup of
 * someone else's instance) has no such signature, however well formed it is.
 */
export function loadRule(row: RuleRow, trustedKeys: ReadonlySet<string>): LoadedRule | null {
  // A tool name or decision the schema would refuse cannot have come from this app: not even listed.
  if (!isTool(row.tool) || (row.decision !== 'allow' && row.decision !== 'deny')) return null;
  const valid =
    trustedKeys.has(row.public_key) && verifySignature(row.public_key, rulePayload(row), row.signature);
  return {
    id: row.id,
    tool: row.tool,
    pattern: row.pattern,
    decision: row.decision,
    createdAt: row.created_at,
    valid,
    publicKey: row.public_key,
  };
}

/** permission_rules in the app's database: outside every workspace, so no tool can write it. */
export class RuleStore {
  constructor(private readonly db: Database) {}

  all(): Promise<RuleRow[]> {
    return this.db.all<RuleRow>(
      'SELECT id, tool, pattern, decision, created_at, public_key, signature FROM permission_rules ORDER BY created_at, id',
    );
  }

  async insert(row: RuleRow): Promise<void> {
    await this.db.run(
      'INSERT INTO permission_rules (id, tool, pattern, decision, created_at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [row.id, row.tool, row.pattern, row.decision, row.created_at, row.public_key, row.signature],
    );
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM permission_rules WHERE id = ?', [id]);
    return changes > 0;
  }
}
