import assert from "node:assert/strict";
import { declaredServers, declaredServersWhole } from "./declared_servers.ts";

const CFG = await Deno.readTextFile(new URL("./testdata/servers_state.cfg", import.meta.url));

/** The servers of `cfg` parsed whole, in one pass. */
function fresh(cfg: string) {
  return [...declaredServersWhole(cfg)];
}

Deno.test("declaredServers - a cfg read with sections of the previous one gives what a whole parse does", () => {
  const backends = (n: number, weight: number) =>
    Array.from(
      { length: n },
      (_, b) =>
        `backend be-${b}\n    balance roundrobin\n` +
        (b === 2 ? "    default-server inter 2s\n" : "") +
        `    server s0 10.0.${b}.1:80 weight ${b === 3 ? weight : 1}\n` +
        `    server s1 10.0.${b}.2:80 weight 1 disabled\n\n`,
    ).join("");
  const cfgs = [
    CFG,
    CFG.replace("weight 100", "weight 7"),
    `global\n    maxconn 10\n\n${backends(6, 1)}`,
    `global\n    maxconn 11\n\n${backends(6, 1)}`,
    `global\n    maxconn 11\n\n${backends(6, 9)}`, // one section changed
    `global\n    maxconn 11\n\n${backends(7, 9)}`, // one added
    `${backends(3, 1)}${backends(3, 1)}`, // the same sections twice: later servers win
    `# before any section\n    server x 1.2.3.4:5\n${backends(2, 1)}`,
    `backend c\n# a comment, then a blank line, end nothing\n\n    server s0 10.0.0.1:80\n`,
    `backend a\r\n    server s0 10.0.0.1:80 weight 3\r\n`,
    `\ufeffbackend bom\n    server s0 10.0.0.1:80\nbackend b\n    server \ud800 10.0.0.2:80\n`,
    `backend t\n    server-template web 1-3 10.0.0.9:8080 weight 5\n${backends(2, 4)}`,
    `listen l\n    bind :80\n    server s 10.0.0.1:80\nfrontend f\n    server no 1.1.1.1:1\n`,
  ];
  const expected = cfgs.map(fresh);
  // Every cfg after every other, so each reads what sections it can from the one before.
  for (const [i, before] of cfgs.entries()) {
    for (const [j, cfg] of cfgs.entries()) {
      declaredServers(before);
      assert.deepEqual([...declaredServers(cfg)], expected[j], `${i} then ${j}`);
    }
  }
  assert.deepEqual(
    expected[6].map(([key]) => key),
    ["be-0/s0", "be-0/s1", "be-1/s0", "be-1/s1", "be-2/s0", "be-2/s1"],
  );
  assert.equal(expected[10].length, 2); // bom/s0 (trim takes the BOM) and b/\ud800
});
