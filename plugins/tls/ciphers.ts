/**
 * The cipher profiles a bind can choose, after Mozilla's server-side TLS
 * recommendations (version 5.7): `modern` is TLS 1.3 only, `intermediate`
 * is the general-purpose default, `old` serves ancient clients.
 *
 * @module
 */

/** A profile's protocol floor and cipher lists (TLS ≤ 1.2 `ciphers`, TLS 1.3 `ciphersuites`). */
export interface CipherProfile {
  minVersion: "TLSv1.0" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
  ciphers: string | null;
  ciphersuites: string;
}

const SUITES_13 = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

const INTERMEDIATE_12 = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "DHE-RSA-AES128-GCM-SHA256",
  "DHE-RSA-AES256-GCM-SHA384",
  "DHE-RSA-CHACHA20-POLY1305",
];

const OLD_EXTRA = [
  "ECDHE-ECDSA-AES128-SHA256",
  "ECDHE-RSA-AES128-SHA256",
  "ECDHE-ECDSA-AES128-SHA",
  "ECDHE-RSA-AES128-SHA",
  "ECDHE-ECDSA-AES256-SHA384",
  "ECDHE-RSA-AES256-SHA384",
  "ECDHE-ECDSA-AES256-SHA",
  "ECDHE-RSA-AES256-SHA",
  "DHE-RSA-AES128-SHA256",
  "DHE-RSA-AES256-SHA256",
  "AES128-GCM-SHA256",
  "AES256-GCM-SHA384",
  "AES128-SHA256",
  "AES256-SHA256",
  "AES128-SHA",
  "AES256-SHA",
  "DES-CBC3-SHA",
];

/** The profiles by name. */
export const CIPHER_PROFILES: Record<"modern" | "intermediate" | "old", CipherProfile> = {
  modern: { minVersion: "TLSv1.3", ciphers: null, ciphersuites: SUITES_13 },
  intermediate: {
    minVersion: "TLSv1.2",
    ciphers: INTERMEDIATE_12.join(":"),
    ciphersuites: SUITES_13,
  },
  old: {
    minVersion: "TLSv1.0",
    ciphers: [...INTERMEDIATE_12, ...OLD_EXTRA].join(":") + ":@SECLEVEL=0",
    ciphersuites: SUITES_13,
  },
};
