/**
 * The one HTTP request every web channel type makes: a POST with a
 * deadline that covers connecting, the answer and its body, and no
 * redirects (a receiver cannot bounce the daemon to another address).
 *
 * @module
 */

/** A delivery that did not get a 2xx; `status` is null when no answer came. */
export class DeliveryError extends Error {
  /** Builds the error with the receiver's status, if it answered. */
  constructor(message: string, readonly status: number | null) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** What a receiver answered. */
export interface Delivered {
  /** The HTTP status, or the SMTP reply code. */
  status: number;
}

/** POSTs `body`; resolves on a 2xx, throws a {@link DeliveryError} otherwise. */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Delivered> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const both = signal ? AbortSignal.any([deadline, signal]) : deadline;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "user-agent": "patchpanel", ...headers },
      body,
      redirect: "manual",
      signal: both,
    });
    // Read (and drop) the answer within the same deadline, so the connection is released.
    await res.arrayBuffer();
  } catch (error) {
    if (deadline.aborted) throw new DeliveryError(`no answer within ${timeoutMs} ms`, null);
    if (signal?.aborted) throw new DeliveryError("cancelled (daemon stopping)", null);
    throw new DeliveryError(`request failed: ${(error as Error).message}`, null);
  }
  if (res.status < 200 || res.status > 299) {
    throw new DeliveryError(`receiver answered HTTP ${res.status}`, res.status);
  }
  return { status: res.status };
}
