import assert from "node:assert/strict";
import { join } from "node:path";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "../../tests/support/daemon.ts";
import { stats } from "../stats/mod.ts";
import { geoip } from "./mod.ts";
import { writeMmdb } from "./mmdb_writer.ts";

const BUILT = 1_700_000_000;

async function writeCityDb(path: string, country: string, city: string): Promise<void> {
  const bytes = writeMmdb({
    databaseType: "GeoLite2-City",
    buildEpoch: BUILT,
    networks: [{
      cidr: "127.0.0.0/8",
      data: {
        city: { names: { en: city } },
        country: { iso_code: country, names: { en: country } },
      },
    }],
  });
  // Replace by rename, as MaxMind's updater does.
  await Deno.writeFile(`${path}.tmp`, bytes);
  await Deno.rename(`${path}.tmp`, path);
}

async function writeAsnDb(path: string): Promise<void> {
  await Deno.writeFile(
    path,
    writeMmdb({
      databaseType: "GeoLite2-ASN",
      buildEpoch: BUILT,
      networks: [{
        cidr: "127.0.0.0/8",
        data: {
          autonomous_system_number: 64512,
          autonomous_system_organization: "Loopback Networks",
        },
      }],
    }),
  );
}

Deno.test("geoip - sessions are geo-enriched from the suite's own .mmdb, which reloads on change", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-geoip-" });
  const cityDb = join(dir, "city.mmdb");
  const asnDb = join(dir, "asn.mmdb");
  await writeCityDb(cityDb, "DE", "Loopback City");
  await writeAsnDb(asnDb);
  const slow = startBackend("slow", { delayMs: 1500 });
  const fe = freePort();
  const state = {
    ...simpleState(fe, [{ name: "s", address: slow.address }]),
    geoip: { enabled: true, cityDb, asnDb },
  };
  const d = await startTestDaemon({
    plugins: [stats(), geoip({ pollMs: 100 })],
    config: { stats: { intervalMs: 200 } },
    state,
  });
  const inflight: Promise<unknown>[] = [];
  try {
    const status = (await d.api("GET", "/api/geoip/status")).body;
    assert.equal(status.enabled, true);
    assert.equal(status.city.loaded, true);
    assert.equal(status.city.type, "GeoLite2-City");
    assert.equal(status.city.buildDate, new Date(BUILT * 1000).toISOString());
    assert.equal(status.asn.type, "GeoLite2-ASN");

    const hit = await d.api("GET", "/api/geoip/lookup/127.0.0.1");
    assert.equal(hit.status, 200);
    assert.deepEqual(hit.body, {
      ip: "127.0.0.1",
      country: "DE",
      countryName: "DE",
      city: "Loopback City",
      asn: 64512,
      asOrg: "Loopback Networks",
    });
    assert.equal((await d.api("GET", "/api/geoip/lookup/not-an-ip")).status, 400);
    assert.equal((await d.api("GET", "/api/geoip/lookup/999.1.1.1")).status, 400);
    const miss = await d.api("GET", "/api/geoip/lookup/192.0.2.1");
    assert.equal(miss.status, 404);
    assert.equal(typeof miss.body.error, "string");

    // Three requests held open by a slow backend are three sessions from 127.0.0.1.
    for (let i = 0; i < 3; i++) inflight.push(through(fe));
    const seen = await waitFor(async () => {
      const r = await d.api("GET", "/api/stats/sessions");
      return r.body.clients?.[0]?.sessions >= 3;
    });
    assert.ok(seen, "show sess lists the held requests");
    const sessions = (await d.api("GET", "/api/stats/sessions")).body;
    assert.equal(sessions.geoEnriched, true);
    assert.ok(sessions.current >= 3);
    const top = sessions.clients[0];
    assert.equal(top.ip, "127.0.0.1");
    assert.equal(top.geo.country, "DE");
    assert.equal(top.geo.city, "Loopback City");
    assert.equal(top.geo.asn, 64512);

    await writeCityDb(cityDb, "FR", "Other City");
    const reloaded = await waitFor(async () =>
      (await d.api("GET", "/api/geoip/lookup/127.0.0.1")).body.country === "FR"
    );
    assert.ok(reloaded, "the replaced database was picked up without an apply");
  } finally {
    await Promise.all(inflight);
    await d.stop();
    await slow.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("geoip - disabled by default; enabling without a database is a 422", async () => {
  const d = await startTestDaemon({ plugins: [geoip()] });
  try {
    const status = (await d.api("GET", "/api/geoip/status")).body;
    assert.equal(status.enabled, false);
    assert.equal(status.city.loaded, false);
    const lookup = await d.api("GET", "/api/geoip/lookup/127.0.0.1");
    assert.equal(lookup.status, 503);
    const state = (await d.api("GET", "/api/state")).body;
    const current = state.state ?? state;
    assert.deepEqual(current.geoip, { enabled: false, cityDb: null, asnDb: null });
    const r = await d.api("PUT", "/api/state", { ...current, geoip: { enabled: true } });
    assert.equal(r.status, 422);
    assert.ok(r.body.issues.some((i: { path: string[] }) => i.path.join(".") === "geoip.enabled"));
    const extra = await d.api("PUT", "/api/state", { ...current, geoip: { enabled: false, x: 1 } });
    assert.equal(extra.status, 422);
  } finally {
    await d.stop();
  }
});
