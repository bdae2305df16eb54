/**
 * Tests for the audit log.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { AUDIT_MAX_LIMIT, AuditLog } from "./audit.ts";
import { migrate, openDatabase } from "./db.ts";

function fixture(): AuditLog {
  const audit = new AuditLog(openDatabase(":memory:"));
  audit.record({ actor: "admin", category: "auth", action: "login", outcome: "success" });
  audit.record({
    actor: "admin",
    category: "state",
    action: "apply",
    target: "fe-http",
    details: { reason: "add backend" },
    outcome: "success",
  });
  audit.record({ actor: "token:ci", category: "state", action: "apply", outcome: "failure" });
  audit.record({ actor: "mallory", category: "auth", action: "login", outcome: "failure" });
  return audit;
}

Deno.test("AuditLog - record returns the stored entry", () => {
  const audit = new AuditLog(openDatabase(":memory:"));
  const e = audit.record({
    actor: "admin",
    category: "haproxy",
    action: "drain",
    target: "web-pool/web-1",
    details: { weight: 0, nested: { a: [1, 2] } },
    outcome: "success",
    ts: "2026-05-17T12:34:56Z",
  });
  assert.deepEqual(e, {
    id: 1,
    ts: "2026-05-17T12:34:56.000Z",
    actor: "admin",
    category: "haproxy",
    action: "drain",
    target: "web-pool/web-1",
    details: { weight: 0, nested: { a: [1, 2] } },
    outcome: "success",
  });
  assert.deepEqual(audit.list({ limit: 10 }), [e]);
  const bare = audit.record({
    actor: "system",
    category: "cert",
    action: "renew",
    outcome: "failure",
  });
  assert.equal(bare.target, null);
  assert.equal(bare.details, null);
  assert.match(bare.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
});

Deno.test("AuditLog - list is newest first and honours limit", () => {
  const audit = fixture();
  assert.deepEqual(audit.list({ limit: 100 }).map((e) => e.id), [4, 3, 2, 1]);
  assert.deepEqual(audit.list({ limit: 2 }).map((e) => e.id), [4, 3]);
  assert.deepEqual(audit.list({ limit: 0 }), []);
  assert.equal(AUDIT_MAX_LIMIT, 1000);
});

Deno.test("AuditLog - list filters by category, actor and beforeId together", () => {
  const audit = fixture();
  assert.deepEqual(audit.list({ limit: 100, category: "auth" }).map((e) => e.id), [4, 1]);
  assert.deepEqual(audit.list({ limit: 100, actor: "admin" }).map((e) => e.id), [2, 1]);
  assert.deepEqual(
    audit.list({ limit: 100, category: "state", actor: "admin" }).map((e) => e.id),
    [2],
  );
  assert.deepEqual(audit.list({ limit: 100, beforeId: 3 }).map((e) => e.id), [2, 1]);
  assert.deepEqual(audit.list({ limit: 100, category: "nope" }), []);
});

Deno.test("AuditLog - vacuum deletes only entries older than the retention window", () => {
  const audit = new AuditLog(openDatabase(":memory:"));
  const now = new Date("2026-05-17T00:00:00Z");
  const day = 86_400_000;
  for (const age of [400, 366, 364, 1]) {
    audit.record({
      actor: "system",
      category: "state",
      action: `aged-${age}`,
      outcome: "success",
      ts: new Date(now.getTime() - age * day),
    });
  }
  assert.equal(audit.vacuum(365, now), 2);
  assert.deepEqual(audit.list({ limit: 10 }).map((e) => e.action), ["aged-1", "aged-364"]);
  assert.equal(audit.vacuum(365, now), 0);
});

Deno.test("AuditLog - entries survive reopening a file database", async () => {
  const dir = await Deno.makeTempDir({ prefix: "patchpanel-audit-" });
  try {
    const path = join(dir, "audit.sqlite");
    const db = openDatabase(path);
    new AuditLog(db).record({ actor: "a", category: "auth", action: "login", outcome: "success" });
    db.close();
    const db2 = openDatabase(path);
    const entries = new AuditLog(db2).list({ limit: 10 });
    db2.close();
    assert.equal(entries.length, 1);
    assert.equal(entries[0].actor, "a");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("AuditLog - an invalid outcome is rejected by the table", () => {
  const audit = new AuditLog(openDatabase(":memory:"));
  assert.throws(() =>
    audit.record({
      actor: "a",
      category: "x",
      action: "y",
      outcome: "maybe" as unknown as "success",
    })
  );
});

Deno.test("AuditLog - a database from before 'unchanged' keeps its rows and accepts it", () => {
  const db = openDatabase(":memory:");
  // The table as step 1 created it, with one row.
  migrate(db, "core.audit", [
    `CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, actor TEXT NOT NULL,
      category TEXT NOT NULL, action TEXT NOT NULL, target TEXT, details TEXT,
      outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')));`,
  ]);
  db.prepare(
    "INSERT INTO audit_log (ts, actor, category, action, outcome) VALUES (?, ?, ?, ?, ?)",
  ).run("2026-01-01T00:00:00.000Z", "old", "state", "apply", "success");
  const audit = new AuditLog(db);
  const added = audit.record({
    actor: "a",
    category: "state",
    action: "apply",
    outcome: "unchanged",
  });
  assert.equal(added.outcome, "unchanged");
  assert.deepEqual(audit.list({ limit: 10 }).map((e) => [e.actor, e.outcome]), [
    ["a", "unchanged"],
    ["old", "success"],
  ]);
  assert.ok(added.id > 1, "ids keep growing after the rebuild");
});

Deno.test("AuditLog - a state apply's changes come back as changes and changesOmitted; others have none", () => {
  const audit = new AuditLog(openDatabase(":memory:"));
  const change = {
    op: "change" as const,
    entity: "server web/s1",
    field: "weight",
    from: 10,
    to: 20,
  };
  const recorded = audit.record({
    actor: "a",
    category: "state",
    action: "apply",
    outcome: "success",
    changes: { changes: [change], omitted: 3 },
  });
  assert.deepEqual(recorded.changes, [change]);
  assert.equal(recorded.changesOmitted, 3);
  audit.record({ actor: "a", category: "auth", action: "login", outcome: "success" });
  const [login, apply] = audit.list({ limit: 10 });
  assert.ok(
    !("changes" in login) && !("changesOmitted" in login),
    "no fields where none were recorded",
  );
  assert.deepEqual(apply.changes, [change]);
  assert.equal(apply.changesOmitted, 3);
});
