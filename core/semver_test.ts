import assert from "node:assert/strict";
import { parseVersion, satisfies, SemverError } from "./semver.ts";

Deno.test("semver - caret ranges", () => {
  assert.ok(satisfies("0.1.0", "^0.1"));
  assert.ok(satisfies("0.1.9", "^0.1.2"));
  assert.ok(!satisfies("0.1.1", "^0.1.2"));
  assert.ok(!satisfies("0.2.0", "^0.1"));
  assert.ok(satisfies("1.9.0", "^1.2"));
  assert.ok(!satisfies("2.0.0", "^1.2"));
  assert.ok(!satisfies("0.0.4", "^0.0.3"));
  assert.ok(satisfies("0.0.3", "^0.0.3"));
  assert.ok(satisfies("0.9.9", "^0"));
  assert.ok(!satisfies("1.0.0", "^0"));
});

Deno.test("semver - tilde, comparators, partials, wildcards, alternatives", () => {
  assert.ok(satisfies("1.2.9", "~1.2.3"));
  assert.ok(!satisfies("1.3.0", "~1.2.3"));
  assert.ok(satisfies("1.9.0", "~1"));
  assert.ok(satisfies("0.1.0", ">=0.1.0 <0.2"));
  assert.ok(!satisfies("0.2.0", ">=0.1.0 <0.2"));
  assert.ok(!satisfies("0.0.9", ">=0.1.0 <0.2"));
  assert.ok(satisfies("1.2.7", "1.2"));
  assert.ok(!satisfies("1.3.0", "1.2.x"));
  assert.ok(satisfies("5.0.0", "*"));
  assert.ok(satisfies("1.3.0", ">1.2"));
  assert.ok(!satisfies("1.2.5", ">1.2"));
  assert.ok(satisfies("1.2.5", "<=1.2"));
  assert.ok(satisfies("3.0.0", "^1.0 || ^3.0"));
  assert.ok(!satisfies("2.0.0", "^1.0 || ^3.0"));
  assert.deepEqual(parseVersion("v1.2.3-rc.1"), [1, 2, 3]);
});

Deno.test("semver - malformed ranges and versions are errors", () => {
  assert.throws(() => satisfies("0.1.0", "^banana"), SemverError);
  assert.throws(() => satisfies("0.1.0", ">= 1 ||"), SemverError);
  assert.throws(() => satisfies("0.1", "^0.1"), SemverError);
});
