import assert from "node:assert/strict";
import { MasterClient, parseShowProc } from "./master.ts";
import { layout } from "./test_support.ts";

const SAMPLE = `#<PID>          <type>          <reloads>       <uptime>        <version>
2307            master          0 [failed: 0]   0d00h00m00s     2.6.12-1+deb12u4
# workers
2308            worker          0               0d00h00m00s     2.6.12-1+deb12u4
# programs
`;

// Captured after a failed reload followed by a good one while the first worker drained.
const DRAINING = `#<PID>          <type>          <reloads>       <uptime>        <version>
3598            master          2 [failed: 0]   0d00h00m04s     2.6.12-1+deb12u4
# workers
3707            worker          0               0d00h00m00s     2.6.12-1+deb12u4
3601            worker          2               0d00h00m04s     2.6.12-1+deb12u4
# programs
4000            dataplane       0               0d00h00m04s     -
`;

Deno.test("parseShowProc - reads the 2.6 sample", () => {
  assert.deepEqual(parseShowProc(SAMPLE), {
    masterPid: 2307,
    reloads: 0,
    failed: 0,
    workers: [{ pid: 2308, reloads: 0 }],
  });
});

Deno.test("parseShowProc - lists draining workers and skips programs", () => {
  const info = parseShowProc(DRAINING);
  assert.equal(info?.reloads, 2);
  assert.deepEqual(info?.workers, [{ pid: 3707, reloads: 0 }, { pid: 3601, reloads: 2 }]);
});

Deno.test("parseShowProc - reads the failed counter", () => {
  const text = SAMPLE.replace("0 [failed: 0]", "1 [failed: 1]");
  assert.equal(parseShowProc(text)?.failed, 1);
});

Deno.test("parseShowProc - empty or garbled output is null", () => {
  assert.equal(parseShowProc(""), null);
  assert.equal(parseShowProc("\n"), null);
  assert.equal(parseShowProc("Unknown command.\n"), null);
});

Deno.test("MasterClient - reload without a master is unreachable", async () => {
  const l = await layout();
  const outcome = await new MasterClient(l.masterSocket).reload({ timeoutMs: 500 });
  assert.equal(outcome.ok, false);
  assert.equal(!outcome.ok && outcome.kind, "unreachable");
  await Deno.remove(l.dir, { recursive: true });
});
