/**
 * The `email` channel type: SMTP through `nodemailer` (a maintained
 * client, not a hand-written one), STARTTLS required on a plain connection
 * (`requireTLS`: a server that does not offer it is a failed delivery, never a
 * clear-text password), implicit TLS on `security: tls`, and auth when a
 * username is set.
 *
 * @module
 */
// @ts-types="@types/nodemailer"
import nodemailer from "nodemailer";
import type { z } from "zod";
import { headline, type Notice, plainText } from "./notice.ts";
import { type Delivered, DeliveryError } from "./http_post.ts";
import type { EmailConfig } from "./schema.ts";

/** The subject line of a notice's mail. */
export function emailSubject(n: Notice): string {
  return `[patchpanel ${n.level}] ${headline(n)}`;
}

/** Sends a notice as one mail to every recipient of an `email` channel. */
export async function sendEmail(
  c: z.output<typeof EmailConfig>,
  n: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  const transport = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.security === "tls",
    requireTLS: c.security === "starttls",
    auth: c.username ? { user: c.username, pass: c.password } : undefined,
    tls: c.caPem ? { ca: [c.caPem] } : undefined,
    connectionTimeout: c.timeoutMs,
    greetingTimeout: c.timeoutMs,
    socketTimeout: c.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const stop = () => transport.close();
  signal?.addEventListener("abort", stop, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      transport.close();
      reject(new DeliveryError(`no answer within ${c.timeoutMs} ms`, null));
    }, c.timeoutMs);
  });
  try {
    const info = await Promise.race([
      transport.sendMail({
        from: c.from,
        to: c.to,
        subject: emailSubject(n),
        text: plainText(n),
      }),
      deadline,
    ]);
    const code = Number(/^(\d{3})/.exec(String(info.response ?? ""))?.[1] ?? 250);
    return { status: code };
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    const e = error as { responseCode?: number; message?: string };
    throw new DeliveryError(`SMTP: ${e.message ?? String(error)}`, e.responseCode ?? null);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
    transport.close();
  }
}
