import assert from "node:assert/strict";
import { type PeerAlert, PeerAlerts } from "./alerts.ts";

Deno.test("peer alerts - once per transition into drifted or unreachable, re-armed by an answer", () => {
  const got: PeerAlert[] = [];
  const alerts = new PeerAlerts((a) => got.push(a));
  alerts.observe({ peer: "b", health: "unreachable", error: "refused" });
  alerts.observe({ peer: "b", health: "unreachable", error: "refused again" });
  assert.deepEqual(got.map((a) => a.event), ["peers:unreachable"], "a retry is not a new alert");
  alerts.observe({ peer: "b", health: "answered" });
  alerts.observe({ peer: "b", health: "drifted", detail: "state differs" });
  alerts.observe({ peer: "b", health: "drifted", detail: "state differs" });
  alerts.observe({ peer: "c", health: "in-sync" });
  alerts.observe({ peer: "b", health: "in-sync" });
  alerts.observe({ peer: "b", health: "drifted", detail: "files differ: byo-cert/x" });
  alerts.observe({ peer: "b", health: "unreachable", error: "timeout" });
  assert.deepEqual(got, [
    { event: "peers:unreachable", payload: { peer: "b", error: "refused" } },
    { event: "peers:drift", payload: { peer: "b", detail: "state differs" } },
    { event: "peers:drift", payload: { peer: "b", detail: "files differ: byo-cert/x" } },
    { event: "peers:unreachable", payload: { peer: "b", error: "timeout" } },
  ]);
});
