import assert from "node:assert/strict";
import { parseInfo, parseStat, StatTable } from "./csv.ts";
import { Exposition } from "./exposition.ts";
import { History } from "./history.ts";
import { addInfoMetrics, addStatMetrics } from "./promex.ts";
import { parsePrometheusText } from "./prom_parse.ts";
import { httpCodes, slowestBackends } from "./queries.ts";
import { RingBuffer } from "./ring.ts";
import { Sampler } from "./sampler.ts";
import { clientIp, topClients } from "./sessions.ts";
import { StreamHub } from "./sse.ts";
import { healthMap, type HistoryEntry, summarize, transitions } from "./summary.ts";

const csv = await Deno.readTextFile(new URL("./testdata/show_stat.csv", import.meta.url));

function table(text = csv): StatTable {
  const t = parseStat(text);
  assert.ok(t instanceof StatTable);
  return t;
}

Deno.test("parseStat - typed rows keep HAProxy's column names and unquote fields", () => {
  const rows = table().toRows();
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.map((r) => r.kind), ["frontend", "server", "server", "backend"]);
  // The contract's exporter recipe compares `type` with these words, not HAProxy's 0-3.
  assert.deepEqual(rows.map((r) => r.type), ["frontend", "server", "server", "backend"]);
  assert.equal(rows[1].last_chk, "Connection refused, twice");
  assert.equal(rows[1].check_desc, "Layer4 connection problem");
  assert.equal(rows[0].hrsp_5xx, 3);
  assert.equal(rows[0].qcur, null);
});

Deno.test("parseStat - an answer without the header is a parse error, not a throw", () => {
  const out = parseStat("Unknown command\n");
  assert.ok(!(out instanceof StatTable));
  assert.equal(out.kind, "parse");
});

Deno.test("parseInfo - numbers become numbers, text stays text", () => {
  const info = parseInfo("Name: HAProxy\nVersion: 2.6.12\nCurrConns: 4\nUnstoppable Jobs: 0\n");
  assert.deepEqual(info, {
    Name: "HAProxy",
    Version: "2.6.12",
    CurrConns: 4,
    "Unstoppable Jobs": 0,
  });
});

Deno.test("httpCodes - sums frontend counters by class", () => {
  const codes = httpCodes(table());
  assert.deepEqual(codes.totals, { "1xx": 0, "2xx": 7, "3xx": 0, "4xx": 2, "5xx": 3, other: 0 });
  assert.equal(codes.frontends[0].frontend, "fe");
});

Deno.test("slowestBackends - ranks by response time and honours the limit", () => {
  const slow = csv.replace("be,BACKEND", "slow,BACKEND").replace(/\n$/, "") + "\n" +
    csv.split("\n")[4].replace(",250,260,", ",900,950,") + "\n";
  const ranked = slowestBackends(table(slow), 1);
  assert.equal(ranked.length, 1);
  assert.equal(ranked[0].backend, "be");
  assert.equal(ranked[0].responseTimeMs, 900);
});

Deno.test("transitions - up to down and back, and a backend losing its last server", () => {
  const up = healthMap(table(csv.replace(",DOWN,1,1,0,1,", ",UP,1,1,0,1,")));
  const down = healthMap(table(csv.replace(",UP,1,1,0,,0,", ",DOWN,1,1,0,,0,")));
  const t = transitions(up, down);
  assert.deepEqual(t.map((x) => x.event).sort(), ["backend:down", "server:down"]);
  const back = transitions(down, up);
  assert.deepEqual(back.map((x) => x.event), ["server:up"]);
});

Deno.test("topClients - counts streams per client IP and skips the CLI", () => {
  const sess = [
    "0x1: proto=tcpv4 src=127.0.0.1:5000 fe=fe be=be srv=s1",
    "0x2: proto=tcpv4 src=127.0.0.2:5001 fe=fe be=be srv=s1",
    "0x3: proto=tcpv4 src=127.0.0.1:5002 fe=fe be=be srv=s1",
    "0x4: proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none>",
    "0x5: proto=tcpv6 src=::1:5003 fe=fe be=be srv=s1",
  ].join("\n");
  const top = topClients(sess, 2);
  assert.equal(top.current, 4);
  assert.deepEqual(top.clients, [{ ip: "127.0.0.1", sessions: 2 }, {
    ip: "127.0.0.2",
    sessions: 1,
  }]);
  assert.equal(clientIp("[2001:db8::1]:443"), "2001:db8::1");
  assert.equal(clientIp("::ffff:10.0.0.1:80"), "10.0.0.1");
});

Deno.test("promex - series carry HAProxy exporter names, labels and seconds", () => {
  const out = new Exposition();
  addInfoMetrics(out, parseInfo("Version: 2.6.12\nCurrConns: 3\nCumReq: 9\n"));
  addStatMetrics(out, table());
  const families = parsePrometheusText(out.text());
  const series = (name: string) => families.get(name)?.samples ?? [];
  assert.equal(series("haproxy_process_current_connections")[0].value, 3);
  const down = series("haproxy_server_status").find((s) =>
    s.labels.server === "s1" && s.labels.state === "DOWN"
  );
  assert.equal(down?.value, 1);
  const rt = series("haproxy_backend_response_time_average_seconds")[0];
  assert.deepEqual(rt.labels, { proxy: "be" });
  assert.equal(rt.value, 0.25);
  const fe5xx = series("haproxy_frontend_http_responses_total").find((s) =>
    s.labels.code === "5xx"
  );
  assert.equal(fe5xx?.value, 3);
  assert.equal(series("haproxy_frontend_http_requests_total")[0].value, 12);
  assert.equal(families.get("haproxy_server_check_failures_total")?.type, "counter");
});

Deno.test("parsePrometheusText - rejects what a scraper would choke on", () => {
  const ok = "# HELP a x\n# TYPE a gauge\na 1\n";
  assert.equal(parsePrometheusText(ok).get("a")?.samples[0].value, 1);
  assert.throws(() => parsePrometheusText("a 1\n"), /before any # TYPE/);
  assert.throws(() => parsePrometheusText("# HELP a x\n# TYPE a gauge\na 1\na 2\n"), /duplicate/);
  assert.throws(() => parsePrometheusText('# HELP a x\n# TYPE a gauge\na{b="1} 1\n'), /malformed/);
  assert.throws(() => parsePrometheusText("# HELP a x\n# TYPE a gauge\na 1"), /newline/);
  assert.throws(
    () =>
      parsePrometheusText(
        '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      ),
    /not increasing/,
  );
});

Deno.test("RingBuffer - keeps the newest items in order once full", () => {
  const ring = new RingBuffer<number>(3);
  for (let i = 1; i <= 5; i++) ring.push(i);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
  assert.equal(ring.last(), 5);
  ring.dropWhile((x) => x < 4);
  assert.deepEqual(ring.toArray(), [4, 5]);
});

Deno.test("History - a simulated week at a fast interval keeps memory bounded", async () => {
  // A fake clock and a fake admin socket: one sample per 100 ms for 7 days,
  // with a gap every 1000th read (a reload).
  let now = 1_700_000_000_000;
  let reads = 0;
  const statText = csv;
  const sampler = new Sampler({
    intervalMs: 100,
    historyMs: 60_000,
    now: () => now,
    onTransition: () => {},
    admin: (cmd) => {
      reads++;
      if (reads % 2000 === 1) {
        return Promise.resolve({ ok: false, error: { kind: "unreachable", message: "reload" } });
      }
      return Promise.resolve({
        ok: true,
        output: cmd === "show info" ? "CurrConns: 1\n" : statText,
      });
    },
  });
  const capacity = sampler.history.ring.capacity;
  const week = 7 * 86_400_000;
  const steps = week / 100 / 500; // every 500th tick is sampled for real; the clock covers a week
  for (let i = 0; i < steps; i++) {
    now += 100 * 500;
    await sampler.sampleOnce(now);
    assert.ok(sampler.history.ring.size <= capacity);
  }
  assert.equal(sampler.history.ring.allocated, capacity);
  const kept = sampler.history.since(null, now);
  assert.ok(kept.length > 0 && kept.length <= capacity);
  assert.ok(kept.every((e: HistoryEntry) => e.at >= now - 60_000));
  assert.ok(sampler.counters.gaps > 0, "gaps are recorded, not thrown");
  assert.equal(sampler.counters.samples + sampler.counters.gaps, steps);
});

Deno.test("History - since filters strictly after the given time", () => {
  const h = new History(10_000, 1000);
  const t = table();
  for (let at = 1000; at <= 20_000; at += 1000) {
    h.record(summarize(at, {}, t, { durationMs: 1, lagMs: 0 }), at);
  }
  assert.deepEqual(h.since(null, 20_000).map((e) => e.at)[0], 10_000);
  assert.deepEqual(h.since(18_000, 20_000).map((e) => e.at), [19_000, 20_000]);
});

Deno.test("StreamHub - streams the newest entry, then one event per sample, until closed", async () => {
  const sampler = new Sampler({
    intervalMs: 1000,
    historyMs: 60_000,
    onTransition: () => {},
    admin: (cmd) =>
      Promise.resolve({ ok: true, output: cmd === "show info" ? "CurrConns: 2\n" : csv }),
  });
  const first = await sampler.sampleOnce();
  const hub = new StreamHub(60_000);
  const res = hub.response((push) => sampler.subscribe(push), first);
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("event: sample")) text += (await reader.read()).value;
  assert.match(text, /^retry: 5000\n\n/);
  assert.equal(hub.open, 1);
  await sampler.sampleOnce();
  text = "";
  while (!text.endsWith("\n\n")) text += (await reader.read()).value;
  const data = JSON.parse(/^data: (.*)$/m.exec(text)![1]);
  assert.equal(data.kind, "sample");
  assert.equal(data.totals.currentConnections, 2);
  hub.closeAll();
  assert.equal(hub.open, 0);
  assert.equal((await reader.read()).done, true);
});
