/**
 * The API's listener: `Deno.serve` (HTTPS with patchpanel's key pair, or
 * plain HTTP) with the two transport fixes every answer needs — the rest
 * of an unread request body is read before the answer goes out
 * (`drain.ts`: HTTP/2 answers that refuse early arrive whole), and the
 * accepted sockets have `TCP_NODELAY` (`nodelay.ts`: no ~40 ms stall on
 * HTTPS answers).
 *
 * @module
 */
import type { KeyPair } from "../https.ts";
import type { Logger } from "../log.ts";
import { answersWhole, type ServeHandler } from "./drain.ts";
import { setListenerNoDelay } from "./nodelay.ts";

/** Where and how the API listens. */
export interface ApiServerOptions {
  hostname: string;
  port: number;
  /** The key pair for HTTPS; null serves plain HTTP. */
  tls: KeyPair | null;
  /** The request body limit, which also bounds how much of an unread body is read. */
  maxBodyBytes: number;
  /** Set `TCP_NODELAY` on accepted sockets (default true; false only to measure the stall). */
  noDelay?: boolean;
  /** Called once bound, with the address actually bound (port 0 picks one). */
  onListen(addr: Deno.NetAddr): void;
  log: Logger;
}

/** Starts the API server; a busy port throws here, before anything else starts. */
export function serveApi(opts: ApiServerOptions, handler: ServeHandler): Deno.HttpServer {
  return Deno.serve(
    {
      hostname: opts.hostname,
      port: opts.port,
      ...(opts.tls ?? {}),
      onListen: (addr) => {
        const bound = addr as Deno.NetAddr;
        // Runs before the first accept: every connection inherits the listener's option.
        if (opts.noDelay !== false) {
          const outcome = setListenerNoDelay(bound.port);
          if (!outcome.ok) {
            opts.log.warn(
              `TCP_NODELAY not set on the API listener (${outcome.reason}); ` +
                "HTTPS answers may wait ~40 ms for the client's delayed ACK",
            );
          }
        }
        opts.onListen(bound);
      },
    },
    answersWhole(handler, opts.maxBodyBytes),
  );
}
