/**
 * The DNS-01 credential templates: for each certbot DNS plugin Debian
 * ships (`python3-certbot-dns-<name>`) whose credentials are an INI file,
 * the fields that file needs. One table, no code per plugin: the
 * credentials routes validate against it and write `<key> = <value>`
 * lines. `rfc2136` is the one tested end to end.
 *
 * Debian packages without an INI credentials file are not listed: `google`
 * (a service-account JSON), `route53` (AWS's own configuration), `gandi`
 * (a third-party plugin with its own option names) and `standalone` (it
 * serves DNS itself).
 *
 * @module
 */

/** One field of a credentials file. */
export interface CredentialField {
  /** The INI key certbot reads. */
  key: string;
  /** What to put there. */
  description: string;
  /** Whether the file is unusable without it. */
  required: boolean;
  /** Whether the value is secret (all values are kept private; this is for forms). */
  secret: boolean;
}

/** A DNS plugin's template. */
export interface CredentialTemplate {
  /** certbot's plugin name (`--authenticator dns-<plugin>`). */
  plugin: string;
  /** The Debian package that installs it. */
  package: string;
  fields: CredentialField[];
}

const f = (key: string, description: string, required = true, secret = false): CredentialField => ({
  key,
  description,
  required,
  secret,
});

/** Every template, by plugin name. */
export const CREDENTIAL_TEMPLATES: Record<string, CredentialTemplate> = Object.fromEntries(
  ([
    ["rfc2136", [
      f("dns_rfc2136_server", "IP address of the authoritative DNS server"),
      f("dns_rfc2136_port", "its port (default 53)", false),
      f("dns_rfc2136_name", "the TSIG key's name"),
      f("dns_rfc2136_secret", "the TSIG key's secret (base64)", true, true),
      f("dns_rfc2136_algorithm", "the TSIG algorithm, e.g. HMAC-SHA512", false),
      f("dns_rfc2136_sign_query", "sign the SOA query too (true/false)", false),
    ]],
    ["cloudflare", [f("dns_cloudflare_api_token", "an API token with Zone:DNS:Edit", true, true)]],
    ["digitalocean", [f("dns_digitalocean_token", "a personal access token", true, true)]],
    ["dnsimple", [f("dns_dnsimple_token", "an OAuth2 token", true, true)]],
    ["gehirn", [
      f("dns_gehirn_api_token", "the API token"),
      f("dns_gehirn_api_secret", "the API secret", true, true),
    ]],
    ["linode", [
      f("dns_linode_key", "an API key", true, true),
      f("dns_linode_version", "API version (4)", false),
    ]],
    ["ovh", [
      f("dns_ovh_endpoint", "the API endpoint, e.g. ovh-eu"),
      f("dns_ovh_application_key", "the application key"),
      f("dns_ovh_application_secret", "the application secret", true, true),
      f("dns_ovh_consumer_key", "the consumer key", true, true),
    ]],
    ["sakuracloud", [
      f("dns_sakuracloud_api_token", "the API token"),
      f("dns_sakuracloud_api_secret", "the API secret", true, true),
    ]],
  ] as [string, CredentialField[]][]).map(([plugin, fields]) => [
    plugin,
    { plugin, package: `python3-certbot-dns-${plugin}`, fields },
  ]),
);

/** The template of a plugin, or undefined when the table has none. */
export function templateFor(plugin: string): CredentialTemplate | undefined {
  return Object.hasOwn(CREDENTIAL_TEMPLATES, plugin) ? CREDENTIAL_TEMPLATES[plugin] : undefined;
}
