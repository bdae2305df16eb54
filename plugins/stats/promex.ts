/**
 * The sampled HAProxy series under the names HAProxy's own Prometheus
 * exporter (`addons/promex/service-prometheus.c`) uses, so dashboards built
 * for it work against patchpanel's `/metrics` unchanged:
 * `haproxy_process_*` from `show info`, and `haproxy_frontend_*`,
 * `haproxy_backend_*`, `haproxy_server_*` from `show stat`, labelled
 * `proxy`, `server`, `state` and `code` as promex labels them. Times are in
 * seconds (HAProxy's CSV has ms). A field HAProxy leaves empty is not
 * exported (promex prints NaN for those).
 *
 * @module
 */
import { fieldNumber, type Info, type RowKind, type StatTable } from "./csv.ts";
import type { Exposition, MetricType } from "./exposition.ts";

type Scope = "F" | "B" | "S";

/** `show stat` column → promex metric suffix, type, the scopes it exists in, unit scale. */
const STAT_METRICS: [string, string, MetricType, string, number?][] = [
  ["qcur", "current_queue", "gauge", "BS"],
  ["qmax", "max_queue", "gauge", "BS"],
  ["scur", "current_sessions", "gauge", "FBS"],
  ["smax", "max_sessions", "gauge", "FBS"],
  ["slim", "limit_sessions", "gauge", "FBS"],
  ["stot", "sessions_total", "counter", "FBS"],
  ["bin", "bytes_in_total", "counter", "FBS"],
  ["bout", "bytes_out_total", "counter", "FBS"],
  ["dreq", "requests_denied_total", "counter", "FB"],
  ["dresp", "responses_denied_total", "counter", "FBS"],
  ["ereq", "request_errors_total", "counter", "F"],
  ["econ", "connection_errors_total", "counter", "BS"],
  ["eresp", "response_errors_total", "counter", "BS"],
  ["wretr", "retry_warnings_total", "counter", "BS"],
  ["wredis", "redispatch_warnings_total", "counter", "BS"],
  ["weight", "weight", "gauge", "BS"],
  ["act", "active_servers", "gauge", "B"],
  ["bck", "backup_servers", "gauge", "B"],
  ["chkfail", "check_failures_total", "counter", "S"],
  ["chkdown", "check_up_down_total", "counter", "BS"],
  ["lastchg", "check_last_change_seconds", "gauge", "BS"],
  ["downtime", "downtime_seconds_total", "counter", "BS"],
  ["qlimit", "queue_limit", "gauge", "S"],
  ["throttle", "current_throttle", "gauge", "S"],
  ["lbtot", "loadbalanced_total", "counter", "BS"],
  ["rate_lim", "limit_session_rate", "gauge", "F"],
  ["rate_max", "max_session_rate", "gauge", "FBS"],
  ["check_code", "check_code", "gauge", "S"],
  ["check_duration", "check_duration_seconds", "gauge", "S", 1000],
  ["req_rate_max", "http_requests_rate_max", "gauge", "F"],
  ["req_tot", "http_requests_total", "counter", "FB"],
  ["cli_abrt", "client_aborts_total", "counter", "BS"],
  ["srv_abrt", "server_aborts_total", "counter", "BS"],
  ["comp_in", "http_comp_bytes_in_total", "counter", "FB"],
  ["comp_out", "http_comp_bytes_out_total", "counter", "FB"],
  ["comp_byp", "http_comp_bytes_bypassed_total", "counter", "FB"],
  ["comp_rsp", "http_comp_responses_total", "counter", "FB"],
  ["lastsess", "last_session_seconds", "gauge", "BS"],
  ["qtime", "queue_time_average_seconds", "gauge", "BS", 1000],
  ["ctime", "connect_time_average_seconds", "gauge", "BS", 1000],
  ["rtime", "response_time_average_seconds", "gauge", "BS", 1000],
  ["ttime", "total_time_average_seconds", "gauge", "BS", 1000],
  ["conn_rate_max", "connections_rate_max", "gauge", "F"],
  ["conn_tot", "connections_total", "counter", "F"],
  ["intercepted", "intercepted_requests_total", "counter", "F"],
  ["dcon", "denied_connections_total", "counter", "F"],
  ["dses", "denied_sessions_total", "counter", "F"],
  ["wrew", "failed_header_rewriting_total", "counter", "FBS"],
  ["connect", "connection_attempts_total", "counter", "BS"],
  ["reuse", "connection_reuses_total", "counter", "BS"],
  ["cache_lookups", "http_cache_lookups_total", "counter", "FB"],
  ["cache_hits", "http_cache_hits_total", "counter", "FB"],
  ["srv_icur", "idle_connections_current", "gauge", "S"],
  ["src_ilim", "idle_connections_limit", "gauge", "S"],
  ["qtime_max", "max_queue_time_seconds", "gauge", "BS", 1000],
  ["ctime_max", "max_connect_time_seconds", "gauge", "BS", 1000],
  ["rtime_max", "max_response_time_seconds", "gauge", "BS", 1000],
  ["ttime_max", "max_total_time_seconds", "gauge", "BS", 1000],
  ["eint", "internal_errors_total", "counter", "FBS"],
  ["idle_conn_cur", "unsafe_idle_connections_current", "gauge", "S"],
  ["safe_conn_cur", "safe_idle_connections_current", "gauge", "S"],
  ["used_conn_cur", "used_connections_current", "gauge", "S"],
  ["need_conn_est", "need_connections_current", "gauge", "S"],
  ["uweight", "uweight", "gauge", "BS"],
];

/** `show info` key → `haproxy_process_*` suffix and type. */
const INFO_METRICS: [string, string, MetricType][] = [
  ["Nbthread", "nbthread", "gauge"],
  ["Nbproc", "nbproc", "gauge"],
  ["Process_num", "relative_process_id", "gauge"],
  ["Uptime_sec", "uptime_seconds", "gauge"],
  ["Start_time_sec", "start_time_seconds", "gauge"],
  ["Memmax_bytes", "max_memory_bytes", "gauge"],
  ["PoolAlloc_bytes", "pool_allocated_bytes", "gauge"],
  ["PoolUsed_bytes", "pool_used_bytes", "gauge"],
  ["PoolFailed", "pool_failures_total", "counter"],
  ["Ulimit-n", "max_fds", "gauge"],
  ["Maxsock", "max_sockets", "gauge"],
  ["Maxconn", "max_connections", "gauge"],
  ["Hard_maxconn", "hard_max_connections", "gauge"],
  ["CurrConns", "current_connections", "gauge"],
  ["CumConns", "connections_total", "counter"],
  ["CumReq", "requests_total", "counter"],
  ["MaxSslConns", "max_ssl_connections", "gauge"],
  ["CurrSslConns", "current_ssl_connections", "gauge"],
  ["CumSslConns", "ssl_connections_total", "counter"],
  ["ConnRate", "current_connection_rate", "gauge"],
  ["ConnRateLimit", "limit_connection_rate", "gauge"],
  ["MaxConnRate", "max_connection_rate", "gauge"],
  ["SessRate", "current_session_rate", "gauge"],
  ["SessRateLimit", "limit_session_rate", "gauge"],
  ["MaxSessRate", "max_session_rate", "gauge"],
  ["SslRate", "current_ssl_rate", "gauge"],
  ["MaxSslRate", "max_ssl_rate", "gauge"],
  ["Tasks", "current_tasks", "gauge"],
  ["Run_queue", "current_run_queue", "gauge"],
  ["Idle_pct", "idle_time_percent", "gauge"],
  ["Stopping", "stopping", "gauge"],
  ["Jobs", "jobs", "gauge"],
  ["Unstoppable Jobs", "unstoppable_jobs", "gauge"],
  ["Listeners", "listeners", "gauge"],
  ["ActivePeers", "active_peers", "gauge"],
  ["ConnectedPeers", "connected_peers", "gauge"],
  ["DroppedLogs", "dropped_logs_total", "counter"],
  ["BusyPolling", "busy_polling_enabled", "gauge"],
  ["FailedResolutions", "failed_resolutions", "counter"],
  ["TotalBytesOut", "bytes_out_total", "counter"],
  ["BytesOutRate", "bytes_out_rate", "gauge"],
  ["CumRecvLogs", "recv_logs_total", "counter"],
];

const PREFIX: Record<Scope, string> = {
  F: "haproxy_frontend_",
  B: "haproxy_backend_",
  S: "haproxy_server_",
};

const SERVER_STATES = ["DOWN", "UP", "MAINT", "DRAIN", "NOLB"] as const;
const CODES = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"];

/** The promex state of a server from its `show stat` status text. */
export function serverState(status: string): (typeof SERVER_STATES)[number] {
  if (status.startsWith("MAINT")) return "MAINT";
  if (status.startsWith("DRAIN")) return "DRAIN";
  if (status.startsWith("NOLB")) return "NOLB";
  if (/^(UP|no check)/.test(status)) return "UP";
  return "DOWN";
}

/** Adds `haproxy_process_*` series from `show info`. */
export function addInfoMetrics(out: Exposition, info: Info): void {
  for (const [key, suffix, type] of INFO_METRICS) {
    const v = info[key];
    if (typeof v === "number") {
      out.add(`haproxy_process_${suffix}`, type, `HAProxy's show info field ${key}.`, {}, v);
    }
  }
  const version = info["Version"];
  if (typeof version === "string") {
    out.add("haproxy_process_build_info", "gauge", "HAProxy build info.", { version }, 1);
  }
}

/** The family a row's series go to; listeners have none. */
const SCOPE_OF: Record<RowKind, Scope | null> = {
  frontend: "F",
  backend: "B",
  server: "S",
  listener: null,
};

/** A split row's field as a number (null when absent, empty or not a number). */
const num = (row: readonly string[], col: number) => fieldNumber(row[col] ?? "");

/**
 * Adds the frontend, backend and server series from `show stat`, grouped by
 * family. The families are written column by column, so each row is split
 * once up front for the length of one scrape (the table itself keeps lines).
 */
export function addStatMetrics(out: Exposition, table: StatTable): void {
  const scoped: Record<Scope, (readonly string[])[]> = { F: [], B: [], S: [] };
  for (const line of table.rows) {
    const scope = SCOPE_OF[table.kind(line)];
    if (scope) scoped[scope].push(table.fields(line));
  }
  const status = table.col("status");
  const scopes: Scope[] = ["F", "B", "S"];
  for (const scope of scopes) {
    const rows = scoped[scope];
    const labels = (row: readonly string[]): Record<string, string> =>
      scope === "S" ? { proxy: row[0], server: row[1] } : { proxy: row[0] };
    const name = `${PREFIX[scope]}status`;
    const help = "Current status of the service, per state label value.";
    for (const row of rows) {
      const s = status < 0 ? "" : row[status] ?? "";
      if (scope === "S") {
        const current = serverState(s);
        for (const st of SERVER_STATES) {
          out.add(name, "gauge", help, { ...labels(row), state: st }, st === current ? 1 : 0);
        }
      } else {
        const up = scope === "F" ? s !== "STOP" : s !== "DOWN";
        for (const st of ["DOWN", "UP"]) {
          out.add(name, "gauge", help, { ...labels(row), state: st }, (st === "UP") === up ? 1 : 0);
        }
      }
    }
    for (const [column, suffix, type, where, scale] of STAT_METRICS) {
      if (!where.includes(scope)) continue;
      const col = table.col(column);
      if (col < 0) continue;
      for (const row of rows) {
        const v = num(row, col);
        if (v === null) continue;
        const help = `HAProxy's show stat field ${column}${scale ? " (in seconds)" : ""}.`;
        out.add(`${PREFIX[scope]}${suffix}`, type, help, labels(row), scale ? v / scale : v);
      }
    }
    const codeCols = CODES.map((c) => table.col(`hrsp_${c}`));
    for (const row of rows) {
      codeCols.forEach((col, i) => {
        const v = num(row, col);
        if (v === null) return;
        out.add(
          `${PREFIX[scope]}http_responses_total`,
          "counter",
          "Total number of HTTP responses.",
          { ...labels(row), code: CODES[i] },
          v,
        );
      });
    }
  }
}
