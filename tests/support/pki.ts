/**
 * Test support: a throwaway PKI made with the `openssl` CLI inside a temp
 * directory — root and intermediate CAs, server and client certificates
 * (valid, expired), revocation and CRLs. EC P-256 keys keep it fast.
 *
 * @module
 */
import { join } from "node:path";

/** A certificate with its key, as PEM text and as files. */
export interface Issued {
  name: string;
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

/** A certificate authority that can issue, revoke and publish a CRL. */
export interface TestCa extends Issued {
  /** Issues a server (`serverAuth`) certificate for DNS names. */
  server(name: string, sans: string[], opts?: Validity): Promise<Issued>;
  /** Issues a client (`clientAuth`) certificate. */
  client(name: string, opts?: Validity): Promise<Issued>;
  /** Issues an intermediate CA. */
  intermediate(name: string): Promise<TestCa>;
  /** Revokes a certificate this CA issued. */
  revoke(cert: Issued): Promise<void>;
  /** The current CRL (PEM). */
  crl(): Promise<string>;
}

/** Validity window in days relative to now (negative = in the past). */
export interface Validity {
  fromDays?: number;
  toDays?: number;
}

/** Runs openssl; throws with its stderr on failure. */
export async function openssl(args: string[], cwd?: string): Promise<string> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

function asn1Time(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

async function newKey(path: string): Promise<void> {
  await openssl([
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    path,
  ]);
}

function caConfig(dir: string): string {
  return `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}/newcerts
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 30
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
`;
}

/** Makes a self-signed root CA in a fresh directory under `root`. */
export async function makeRootCa(root: string, name: string): Promise<TestCa> {
  const dir = join(root, name);
  await Deno.mkdir(join(dir, "newcerts"), { recursive: true });
  const keyPath = join(dir, "ca.key");
  const certPath = join(dir, "ca.pem");
  await newKey(keyPath);
  await openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    keyPath,
    "-subj",
    `/CN=${name}`,
    "-days",
    "30",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-out",
    certPath,
  ]);
  return await caAt(dir, name, certPath, keyPath);
}

async function caAt(dir: string, name: string, certPath: string, keyPath: string): Promise<TestCa> {
  await Deno.writeTextFile(join(dir, "index.txt"), "");
  await Deno.writeTextFile(join(dir, "serial"), "1000\n");
  await Deno.writeTextFile(join(dir, "crlnumber"), "1000\n");
  const cnf = join(dir, "ca.cnf");
  await Deno.writeTextFile(cnf, caConfig(dir));
  let n = 0;
  const sign = async (
    cn: string,
    ext: string,
    extensions: string,
    v: Validity = {},
  ): Promise<Issued> => {
    const base = join(dir, `${String(++n).padStart(2, "0")}-${cn.replace(/[^a-z0-9.-]/gi, "_")}`);
    const key = `${base}.key`;
    await newKey(key);
    await openssl(["req", "-new", "-key", key, "-subj", `/CN=${cn}`, "-out", `${base}.csr`]);
    await Deno.writeTextFile(`${base}.ext`, ext);
    await openssl([
      "ca",
      "-batch",
      "-notext",
      "-config",
      cnf,
      "-cert",
      certPath,
      "-keyfile",
      keyPath,
      "-in",
      `${base}.csr`,
      "-out",
      `${base}.pem`,
      "-extfile",
      `${base}.ext`,
      "-extensions",
      extensions,
      "-startdate",
      asn1Time(v.fromDays ?? -1),
      "-enddate",
      asn1Time(v.toDays ?? 30),
    ]);
    return {
      name: cn,
      cert: await Deno.readTextFile(`${base}.pem`),
      key: await Deno.readTextFile(key),
      certPath: `${base}.pem`,
      keyPath: key,
    };
  };
  return {
    name,
    cert: await Deno.readTextFile(certPath),
    key: await Deno.readTextFile(keyPath),
    certPath,
    keyPath,
    server: (cn, sans, v) =>
      sign(
        cn,
        `[ x ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n` +
          `extendedKeyUsage = serverAuth\nsubjectAltName = ${
            sans.map((s) => `DNS:${s}`).join(",")
          }\n`,
        "x",
        v,
      ),
    client: (cn, v) =>
      sign(
        cn,
        `[ x ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n` +
          `extendedKeyUsage = clientAuth\n`,
        "x",
        v,
      ),
    async intermediate(sub) {
      const issued = await sign(
        sub,
        `[ x ]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n`,
        "x",
      );
      const subDir = join(dir, sub);
      await Deno.mkdir(join(subDir, "newcerts"), { recursive: true });
      return await caAt(subDir, sub, issued.certPath, issued.keyPath);
    },
    async revoke(cert) {
      await openssl([
        "ca",
        "-config",
        cnf,
        "-cert",
        certPath,
        "-keyfile",
        keyPath,
        "-revoke",
        cert.certPath,
      ]);
    },
    async crl() {
      const out = join(dir, "crl.pem");
      await openssl([
        "ca",
        "-gencrl",
        "-config",
        cnf,
        "-cert",
        certPath,
        "-keyfile",
        keyPath,
        "-out",
        out,
      ]);
      return await Deno.readTextFile(out);
    },
  };
}
