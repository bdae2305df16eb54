/**
 * Files a state references: the hook through which a plugin that owns
 * files on disk (uploaded certificates and keys, trusted CAs and CRLs)
 * says which of them a state names, and reads or writes one of them as
 * bytes. A node that receives a state from a peer needs every such file
 * before it can render; the peers plugin carries them with the push, but
 * never reaches into another plugin's directory: it goes through these
 * sources, and each owner validates what it is asked to write.
 *
 * A file is `(kind, id)`: the kind names the source (`byo-cert`,
 * `trusted-ca`), the id is the name the state uses. Its bytes are whatever
 * the source says they are (one PEM, or a small JSON of several); the
 * SHA-256 of those bytes is what two nodes compare. The same hashes tell
 * the apply pipeline whether a file changed under an unchanged cfg (a
 * certificate replaced under its name), which must still reload HAProxy.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { StartupError } from "./errors.ts";

/** One kind of file a plugin owns, as the state references it. */
export interface StateFileSource {
  /** The kind: lowercase, `[a-z0-9-]`, unique across plugins (`byo-cert`). */
  kind: string;
  /**
   * The ids of the files of this kind that a state document names. The
   * document may not be validated yet (a state a peer sent), so a source
   * reads it through its own narrow view and names nothing it cannot read.
   */
  referenced(state: unknown): string[];
  /** The stored bytes of a file, or null when this node does not have it. */
  read(id: string): Promise<Uint8Array | null>;
  /**
   * Stores a file received from elsewhere, after validating it as the
   * owning plugin's own upload would; a refusal throws an `HttpError`
   * (bad input). Never logs the bytes: some are private keys.
   */
  write(id: string, bytes: Uint8Array): Promise<void>;
}

/** A referenced file and the hash of this node's copy (null when it is missing). */
export interface StateFileRef {
  /** The kind of file (its owner's name for it, e.g. a certificate or a CA). */
  kind: string;
  /** The file's id within its kind. */
  id: string;
  /** The hex SHA-256 of this node's copy; null when this node lacks it. */
  sha256: string | null;
}

/** The hex SHA-256 of a file's bytes. */
export function fileSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const KIND = /^[a-z][a-z0-9-]{0,31}$/;

/** Every registered source, by kind. */
export class StateFiles {
  #sources = new Map<string, { plugin: string; source: StateFileSource }>();

  /** Registers a source; a malformed kind or one registered twice is a start-up error. */
  register(plugin: string, source: StateFileSource): void {
    if (!KIND.test(source.kind)) {
      throw new StartupError(
        "PROVIDER_DUPLICATE",
        `file kind '${source.kind}' of '${plugin}' must match ${KIND}`,
      );
    }
    const clash = this.#sources.get(source.kind);
    if (clash) {
      throw new StartupError(
        "PROVIDER_DUPLICATE",
        `file kind '${source.kind}' is registered by '${clash.plugin}' and '${plugin}'`,
      );
    }
    this.#sources.set(source.kind, { plugin, source });
  }

  /** The source of a kind, or undefined. */
  source(kind: string): StateFileSource | undefined {
    return this.#sources.get(kind)?.source;
  }

  /** The registered kinds, sorted. */
  kinds(): string[] {
    return [...this.#sources.keys()].sort();
  }

  /** Every file a state names, with the hash of this node's copy (null when missing). */
  async manifest(state: unknown): Promise<StateFileRef[]> {
    const out: StateFileRef[] = [];
    for (const kind of this.kinds()) {
      const source = this.#sources.get(kind)!.source;
      for (const id of [...new Set(source.referenced(state))].sort()) {
        const bytes = await source.read(id);
        out.push({ kind, id, sha256: bytes === null ? null : fileSha256(bytes) });
      }
    }
    return out;
  }

  /**
   * One hash over {@link manifest}: equal for two states (or two nodes) that
   * name the same files with the same bytes, and changed by any replaced,
   * added or missing file.
   */
  async digest(state: unknown): Promise<string> {
    return manifestDigest(await this.manifest(state));
  }
}

/** The hex SHA-256 of a manifest, independent of how it was built (it is sorted already). */
export function manifestDigest(manifest: StateFileRef[]): string {
  const lines = manifest.map((f) => `${f.kind}\t${f.id}\t${f.sha256 ?? "-"}`).join("\n");
  return fileSha256(new TextEncoder().encode(lines));
}
