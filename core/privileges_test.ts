import assert from "node:assert/strict";
import { dataDirExposure } from "./privileges.ts";

Deno.test("privileges - a 0750 data directory warns only when its group is the workers'", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-exposure-" });
  try {
    const gid = (await Deno.stat(dir)).gid!;
    const groups = await Deno.readTextFile("/etc/group");
    const own = groups.split("\n").find((l) => Number(l.split(":")[2]) === gid)?.split(":")[0];
    const other = groups.split("\n").map((l) =>
      l.split(":")
    ).find((f) => f[0] && Number(f[2]) !== gid)![0];
    await Deno.chmod(dir, 0o700);
    assert.equal(await dataDirExposure(dir, other), null);
    await Deno.chmod(dir, 0o750);
    // scripts/install's layout: group patchpanel, which HAProxy's workers are not in.
    assert.equal(await dataDirExposure(dir, other), null);
    if (own) assert.match((await dataDirExposure(dir, own))!, /mode 750/);
    assert.match((await dataDirExposure(dir))!, /mode 750/, "no group given: group bits count");
    await Deno.chmod(dir, 0o705);
    assert.match((await dataDirExposure(dir, other))!, /mode 705/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
