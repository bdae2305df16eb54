/**
 * Test support for the notifications plugin: a loopback HTTP receiver that
 * records every request (path, headers, exact body) and answers from a
 * script of statuses, or holds requests open ("hang") until released.
 *
 * @module
 */

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: Headers;
  body: string;
}

/** A started receiver. */
export interface Receiver {
  url: string;
  port: number;
  got: Received[];
  /** Requests being held open right now. */
  holding: number;
  /** Statuses to answer, in order; the last one repeats. "hang" holds the request. */
  script: (number | "hang")[];
  /** Answers every held request with 200 and stops holding new ones. */
  release(): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 and a free port. */
export function startReceiver(script: (number | "hang")[] = [200]): Receiver {
  const waiting: (() => void)[] = [];
  const r: Receiver = {
    url: "",
    port: 0,
    got: [],
    holding: 0,
    script,
    release() {
      r.script = [200];
      for (const w of waiting.splice(0)) w();
    },
    close: async () => {
      r.release();
      await server.shutdown();
    },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.text();
    const n = r.got.length;
    r.got.push({ path: new URL(req.url).pathname, headers: req.headers, body });
    const step = r.script[Math.min(n, r.script.length - 1)];
    if (step === "hang") {
      r.holding++;
      await new Promise<void>((resolve) => waiting.push(resolve));
      r.holding--;
      return new Response("late", { status: 200 });
    }
    return new Response(step === 200 ? "ok" : "no", { status: step });
  });
  r.port = (server.addr as Deno.NetAddr).port;
  r.url = `http://127.0.0.1:${r.port}`;
  return r;
}
