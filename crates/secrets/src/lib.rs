//! Secrets written in clear text into AWS Lambda environment variables.
//!
//! AWS Config does not record a function's environment variables; an adapter reads them with
//! `lambda:GetFunctionConfiguration` and hands the `(name, value)` pairs to
//! [`scan_environment`]. The result names the variables that look like they hold a credential
//! and which detector fired — **never the value**: a [`SecretHit`] holds the variable's name,
//! a [`SecretKind`] and a [`Confidence`], nothing derived from the value, so no `Debug` or
//! `Display` output, verdict reason or log line built from hits can leak any part of a secret.
//! Nothing here is Lambda-specific: every resource type with environment variables is to use
//! this one detector.
//!
//! # What is detected
//!
//! Four tiers, tried in order for each variable; a later tier runs only when the earlier ones
//! found nothing, so one credential is reported once.
//!
//! 1. **Known formats**, anywhere in the value (a token inside a JSON blob or a header line
//!    counts), whatever the variable's name — [`Confidence::High`]:
//!    - AWS access key ids: `AKIA` / `ASIA` + exactly 16 of `A-Z0-9`;
//!    - PEM private keys: a `-----BEGIN <LABEL>-----` header whose label contains
//!      `PRIVATE KEY` (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP … BLOCK), also when the whole PEM
//!      is base64-encoded (`LS0tLS1CRUdJTi…`). A bare header with fewer than
//!      64 base64 characters of key material after it is [`Confidence::Medium`];
//!    - GitHub `ghp_` / `gho_` / `ghu_` / `ghs_` / `ghr_` + ≥ 30 and `github_pat_` + ≥ 50 of
//!      `A-Za-z0-9_` (GitHub's documented alphabet; today 36 and 82); GitLab `glpat-` + ≥ 20 of
//!      `A-Za-z0-9_-.` (the dots of routable tokens included);
//!    - Slack tokens `xox[baprs]-` + ≥ 10 of `A-Za-z0-9-`, and Slack incoming-webhook URLs
//!      (`hooks.slack.com/services/…`, the URL itself is the credential);
//!    - Stripe live secret and restricted keys `sk_live_` / `rk_live_` + ≥ 16 alphanumerics;
//!    - Google API keys `AIza` + exactly 35 of `A-Za-z0-9_-`; npm tokens `npm_` + exactly 36;
//!    - JSON Web Tokens: three base64url parts (`header.payload.signature`, the signature may be
//!      empty) whose header decodes to a JSON object with a string `alg`.
//!
//!    A token must start at a word boundary (the character before it is not alphanumeric) and
//!    end at one. Filler bodies (fewer than 6 distinct alphanumerics, as in
//!    `AKIAXXXXXXXXXXXXXXXX`) and AWS's documentation examples (ending in `EXAMPLE` /
//!    `EXAMPLEKEY`) are not reported.
//! 2. **Credentials embedded in a structured value**:
//!    - a URL with a password in its user info, `scheme://user:password@host` (also
//!      `redis://:password@host`, and passwords written raw with a `/` in them) —
//!      [`SecretKind::ConnectionStringPassword`], High;
//!    - `key=value` pairs (connection strings `…;Password=…;`, query strings `?password=…`,
//!      JVM flags `-Dx.password=…`): a password-like key (`password`, `passwd`, `pwd`, `pass`,
//!      `passphrase`, `passcode`) with any credible value is a
//!      [`SecretKind::ConnectionStringPassword`] (High); another secret-like key (`token=`,
//!      `AccountKey=`, `api_key=`) with a value that passes the tier-3 test for secret names is a
//!      [`SecretKind::SecretParameter`] (Medium);
//!    - a JSON object (at any depth) with a string field under such a key:
//!      [`SecretKind::SecretParameter`], High for password-like keys, Medium otherwise.
//!
//!    A password is credible unless, once percent-decoded, it is empty, a placeholder or a
//!    reference (see below).
//! 3. **Random-looking values under secret-like names**. The variable name is split into
//!    lower-case word parts on `_`, `-`, `.` and camelCase boundaries (`stripeApiKey` →
//!    `stripe`, `api`, `key`; trailing digits dropped: `PASSWORD2` → `password`); a part is
//!    secret-like when it is `password`, `passwd`, `pwd`, `pass`, `passphrase`, `passcode`,
//!    `secret(s)`, `token(s)`, `apikey`, `privatekey`, `secretkey`, `accesskey`,
//!    `credential(s)`, `cred(s)`, `auth`, `authorization`, `pat`, or ends with one of the long
//!    ones (`dbpassword`, `clientsecret`), or is `key` not preceded by a word naming a non-secret
//!    key (`public`, `kms`, `cache`, `partition`, `sort`, `primary`, `object`, `s3`, …).
//!    Trailing qualifiers (`_PROD`, `_V2`, `_B64`, `_VALUE`, `_BASE`, …) are skipped to find
//!    the *head* part:
//!    - head is a reference word (`arn`, `name`, `id`, `path`, `file`, `param`, `parameter`,
//!      `ref`, `alias`, …): the variable points elsewhere (`DB_PASSWORD_SECRET_ARN`,
//!      `API_KEY_PATH`) and nothing is reported from its name;
//!    - head is password-like (`DB_PASSWORD`): ≥ [`MIN_SECRET_NAME_LEN`] characters and
//!      ≥ [`MIN_SECRET_NAME_ENTROPY`] bits of Shannon entropy per character —
//!      [`SecretKind::GenericHighEntropy`], Medium;
//!    - head is another secret word (`GITHUB_TOKEN`, `stripeApiKey`, `SECRET_KEY_BASE`): the same,
//!      and the value must not be made of dictionary-like words only (`AmazonCognito`);
//!    - the secret word is only a modifier (`TOKEN_SIGNING_SEED`, `AUTH_HEADER`): ≥
//!      [`MIN_SECRET_MODIFIER_LEN`] characters, ≥ [`MIN_SECRET_MODIFIER_ENTROPY`] bits per
//!      character, no whitespace, at least three in four characters alphanumeric (random
//!      tokens are; regular expressions and templates are not), not a UUID —
//!      GenericHighEntropy, [`Confidence::Low`].
//!
//!    A 40-character value of `A-Za-z0-9+/` with upper case, lower case and a digit under a
//!    secret-like name that mentions `aws` or `secret` is reported as
//!    [`SecretKind::AwsSecretAccessKey`] instead (High when the name mentions `aws`).
//! 4. **Any value under a credential name**: the name counts, not the value's entropy. When the
//!    head part (found as in tier 3: split into words, trailing qualifiers skipped) is
//!    `password`, `passwords`, `passwd`, `pwd`, `passphrase`, `passcode`, `secret(s)`,
//!    `token(s)`, `credential(s)`, `apikey(s)`, `privatekey`, `accesskey`, `secretkey`, a
//!    run-together word ending in one of them (`dbpassword`, `clientsecret`, `githubtoken`), or
//!    `key(s)` right after `api`, `private`, `access` or `secret` (`API_KEY`, `PRIVATE_KEY`,
//!    `AWS_SECRET_ACCESS_KEY`, `SECRET_KEY`), every value is reported as
//!    [`SecretKind::SecretNamedVariable`], [`Confidence::Medium`] — `DB_PASSWORD=hunter2`,
//!    `api_key=abc123`, `GITHUB_TOKEN=short` — unless it is blank, a placeholder or a reference
//!    (see below), or one of these pointers and flags:
//!    - a path or hierarchical name of `A-Za-z0-9_.@-` parts: `/app/db/password` (an SSM
//!      parameter or Secrets Manager name), `./certs/client.key`, `../config/credentials`, and
//!      without the leading slash in one case only (`prod/db/password`; `Ab/Cd9` could be a
//!      password). Tier 3 runs first and does not know paths: a mixed-case one that looks random
//!      enough (`/MyApp/Prod/DbPassword`) is still reported there;
//!    - a key or configuration file name (`service-account.json`, `client.pem`, `.p12`, `.yaml`
//!      …) or a URL (where the credential lives; a password inside a URL is tier 2's);
//!    - a boolean (`true`, `off`, `enabled` …), `0` or `1`: a flag such as `REQUIRE_PASSWORD=true`.
//!
//!    Only the head counts, so names whose credential word is a modifier never reach tier 4:
//!    `TOKEN_URL`, `PASSWORD_MIN_LENGTH`, `PASSWORD_POLICY`, `API_KEY_HEADER` (tier 3 may still
//!    report a long random value under them), nor names whose head is a reference word
//!    (`SECRET_ARN`, `DB_PASSWORD_SECRET_ARN`, `API_KEY_HEADER_NAME`, `AWS_ACCESS_KEY_ID`), nor
//!    other keys (`KMS_KEY_ID`, `PUBLIC_KEY`, `CACHE_KEY`, `STRIPE_KEY`, `SIGNING_KEY`: a bare
//!    `key` is too often not a secret). Neither do the looser secret words of tier 3 (`pass`,
//!    `cred(s)`, `auth`, `authorization`, `pat`). `CONNECTION_STRING` and `DSN` are not
//!    credential names: such a value fails only when it embeds a password, which tier 2 decides
//!    (`Server=db;Password=…`, `postgres://app:…@db`). A flat secret name
//!    (`DB_SECRET=prod-db-credentials`) cannot be told from a password
//!    (`DB_PASSWORD=hunter2-very-secret`) and is reported: a variable that names a secret
//!    should say so (`DB_SECRET_NAME`, `DB_SECRET_ID`, `DB_SECRET_ARN`).
//!
//! # What is deliberately not reported
//!
//! - references to secret stores: any value starting with `arn:` (Secrets Manager secrets, SSM
//!   parameters, KMS keys), `{{resolve:…}}`, `ssm:`, `ssm-secure:`, `secretsmanager:`,
//!   `/aws/reference/secretsmanager/`, `vault:`; names whose head is a reference word;
//! - placeholders: empty values, `changeme`, `changeit`, `replaceme`, `todo`, `none`, `null`,
//!   `undefined`, `dummy`, `placeholder`, `redacted`, `example`, `your-…`, filler such as
//!   `xxx`, `****`, `xxxx-xxxx` (one character repeated, or only `x*#.-_?`),
//!   `<redacted>`, `[REDACTED]`, `{password}`, `${VAR}`, `{{var}}`, `$(cmd)`, `$VAR`, `%VAR%`,
//!   `%s`;
//! - for secret-like names that are not credential names (tier 3 only): booleans, numbers, URLs
//!   without credentials, short values, identifiers — single-case words joined by `-_./:@,`
//!   such as `prod/db/password`, `us-east-1`, `my-app-token` — and UUIDs under modifier names
//!   (under a credential name tier 4 reports all but paths, file names, URLs and flags, so a
//!   diceware passphrase like `DB_PASSWORD=correct-horse-battery-staple` is caught). UUIDs
//!   under non-secret names are never looked at: only known formats are reported for those
//!   names;
//! - Stripe test keys (`sk_test_`) as a format (they still count under a secret-like name), Sentry
//!   DSNs (a public key only), `user:password@host` without a scheme, JWE (five-part) tokens,
//!   and random upper- or lower-case-only letter strings under secret-word heads.
//!
//! Hits are sorted by variable name, then kind, so a verdict built from them is the same on
//! every run whatever order the adapter reads the variables in.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use percent_encoding::percent_decode_str;
use regex::{Regex, RegexSet};
use serde_json::Value;

/// Minimum length, in characters, of a value reported only because its name's head part is a
/// secret word (`DB_PASSWORD`, `API_KEY`).
pub const MIN_SECRET_NAME_LEN: usize = 8;
/// Minimum Shannon entropy, in bits per character, of such a value. Low on purpose: the name
/// carries most of the evidence, the entropy only rules out filler (`aaaabbbb` is 1.0, a random
/// 8-character password is 2.75 to 3.0, `Summer2024!` is 3.1).
pub const MIN_SECRET_NAME_ENTROPY: f64 = 2.5;
/// Minimum length of a value reported because a secret word only modifies its name
/// (`TOKEN_SIGNING_SEED`).
pub const MIN_SECRET_MODIFIER_LEN: usize = 20;
/// Minimum Shannon entropy, in bits per character, of such a value: random hex of 32 characters
/// is about 3.8, random base64 of 40 about 4.9, an English phrase under 3.5.
pub const MIN_SECRET_MODIFIER_ENTROPY: f64 = 3.5;

/// How many variables [`describe`] names before it summarises the rest as "and N more".
const MAX_NAMED_IN_REASON: usize = 10;

/// One environment variable that looks like it holds a secret. It names the variable, never
/// the value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretHit {
    /// The environment variable's name.
    pub variable: String,
    /// The detector that fired.
    pub kind: SecretKind,
    /// How sure the detector is.
    pub confidence: Confidence,
}

impl fmt::Display for SecretHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.variable, self.kind)
    }
}

/// The detector that recognised a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SecretKind {
    /// `AKIA…` / `ASIA…` access key id.
    AwsAccessKeyId,
    /// A 40-character AWS secret access key under a secret-like name.
    AwsSecretAccessKey,
    /// A PEM (or base64-encoded PEM) private key.
    PrivateKey,
    /// A GitHub personal access, OAuth, app or refresh token.
    GitHubToken,
    /// A GitLab personal access token.
    GitLabToken,
    /// A Slack bot, user, app or refresh token.
    SlackToken,
    /// A Slack incoming-webhook URL.
    SlackWebhookUrl,
    /// A Stripe live secret or restricted key.
    StripeKey,
    /// A Google API key.
    GoogleApiKey,
    /// An npm access token.
    NpmToken,
    /// A signed JSON Web Token.
    JsonWebToken,
    /// A password in a URL's user info or in a connection string's `Password=` pair.
    ConnectionStringPassword,
    /// A secret-like `key=value` pair or JSON field inside the value.
    SecretParameter,
    /// A random-looking value under a secret-like variable name.
    GenericHighEntropy,
    /// Any value that is not empty, a placeholder or a reference, under a name whose head word
    /// says it holds a credential (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`).
    SecretNamedVariable,
}

impl SecretKind {
    /// What the detector found, in words, for verdict reasons.
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::AwsAccessKeyId => "AWS access key id",
            SecretKind::AwsSecretAccessKey => "AWS secret access key",
            SecretKind::PrivateKey => "private key",
            SecretKind::GitHubToken => "GitHub token",
            SecretKind::GitLabToken => "GitLab token",
            SecretKind::SlackToken => "Slack token",
            SecretKind::SlackWebhookUrl => "Slack webhook URL",
            SecretKind::StripeKey => "Stripe live key",
            SecretKind::GoogleApiKey => "Google API key",
            SecretKind::NpmToken => "npm token",
            SecretKind::JsonWebToken => "JSON Web Token",
            SecretKind::ConnectionStringPassword => "password in a connection string or URL",
            SecretKind::SecretParameter => "secret-like parameter inside the value",
            SecretKind::GenericHighEntropy => "high-entropy value under a secret-like name",
            SecretKind::SecretNamedVariable => "value of a variable named like a credential",
        }
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How sure a detector is that the value is a live credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    /// Only the name's modifier suggests a secret; the value is long and random.
    Low,
    /// The name says secret and the value is neither a reference, a placeholder nor filler.
    Medium,
    /// The value has the distinctive structure of a credential.
    High,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        })
    }
}

/// Scans a function's environment variables, as `(name, value)` pairs, for secrets.
///
/// Returns one hit per variable and kind (the highest confidence when a kind fires twice),
/// sorted by variable name then kind. See the [crate documentation](crate) for the
/// detectors, their thresholds and what is deliberately not reported.
pub fn scan_environment<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<SecretHit> {
    let mut hits: BTreeMap<(&'a str, SecretKind), Confidence> = BTreeMap::new();
    for (name, value) in vars {
        for (kind, confidence) in scan_variable(name, value) {
            let best = hits.entry((name, kind)).or_insert(confidence);
            *best = (*best).max(confidence);
        }
    }
    hits.into_iter()
        .map(|((variable, kind), confidence)| SecretHit {
            variable: variable.to_owned(),
            kind,
            confidence,
        })
        .collect()
}

/// A verdict reason naming the variables (never their values) and what each looks like, e.g.
/// `environment variables DB_PASSWORD (high-entropy value under a secret-like name), AWS_KEY
/// (AWS access key id) look like secrets; move them to AWS Secrets Manager or SSM Parameter
/// Store`. Names past the tenth are counted, not listed.
pub fn describe(hits: &[SecretHit]) -> String {
    let mut variables: Vec<(&str, Vec<SecretKind>)> = Vec::new();
    for hit in hits {
        match variables.iter_mut().find(|(v, _)| *v == hit.variable) {
            Some((_, kinds)) if kinds.contains(&hit.kind) => {}
            Some((_, kinds)) => kinds.push(hit.kind),
            None => variables.push((hit.variable.as_str(), vec![hit.kind])),
        }
    }
    if variables.is_empty() {
        return "no environment variable looks like a secret".to_owned();
    }
    let listed: Vec<String> = variables
        .iter()
        .take(MAX_NAMED_IN_REASON)
        .map(|(variable, kinds)| {
            let labels: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
            format!("{variable} ({})", labels.join(", "))
        })
        .collect();
    let more = variables.len().saturating_sub(MAX_NAMED_IN_REASON);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let (noun, verb, pronoun) = if variables.len() == 1 {
        ("environment variable", "looks like a secret", "it")
    } else {
        ("environment variables", "look like secrets", "them")
    };
    format!(
        "{noun} {}{more} {verb}; move {pronoun} to AWS Secrets Manager or SSM Parameter Store",
        listed.join(", ")
    )
}

type Found = Vec<(SecretKind, Confidence)>;

/// Every detector on one variable, tier by tier.
fn scan_variable(name: &str, value: &str) -> Found {
    let value = value.trim();
    let mut found = Found::new();
    if is_placeholder(value) || is_reference(value) {
        return found;
    }
    known_formats(value, &mut found);
    if found.is_empty() {
        embedded_credentials(value, &mut found);
    }
    let name = Name::parse(name);
    if found.is_empty() {
        found.extend(under_secret_name(&name, value));
    }
    if found.is_empty() {
        found.extend(under_credential_name(&name, value));
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Tier 1: known formats.

/// A token: a fixed prefix then a body, as a regular expression whose one group is the longest
/// run of body characters after the prefix, and the body lengths that count.
struct TokenFormat {
    kind: SecretKind,
    pattern: &'static str,
    len: (usize, usize),
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn base64url_byte(b: u8) -> bool {
    word_byte(b) || b == b'-'
}

fn base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

const OPEN: usize = usize::MAX;

const TOKEN_FORMATS: &[TokenFormat] = &[
    TokenFormat {
        kind: SecretKind::AwsAccessKeyId,
        pattern: r"(?:AKIA|ASIA)([A-Z0-9]*)",
        len: (16, 16),
    },
    TokenFormat {
        kind: SecretKind::GitHubToken,
        pattern: r"gh[pousr]_([A-Za-z0-9_]*)",
        len: (30, OPEN),
    },
    TokenFormat {
        kind: SecretKind::GitHubToken,
        pattern: r"github_pat_([A-Za-z0-9_]*)",
        len: (50, OPEN),
    },
    TokenFormat {
        kind: SecretKind::GitLabToken,
        pattern: r"glpat-([A-Za-z0-9_.-]*)",
        len: (20, OPEN),
    },
    TokenFormat {
        kind: SecretKind::SlackToken,
        pattern: r"xox[baprs]-([A-Za-z0-9-]*)",
        len: (10, OPEN),
    },
    TokenFormat {
        kind: SecretKind::SlackWebhookUrl,
        pattern: r"hooks\.slack\.com/services/([A-Za-z0-9/]*)",
        len: (20, OPEN),
    },
    TokenFormat {
        kind: SecretKind::StripeKey,
        pattern: r"[sr]k_live_([A-Za-z0-9]*)",
        len: (16, OPEN),
    },
    TokenFormat {
        kind: SecretKind::GoogleApiKey,
        pattern: r"AIza([A-Za-z0-9_-]*)",
        len: (35, 35),
    },
    TokenFormat {
        kind: SecretKind::NpmToken,
        pattern: r"npm_([A-Za-z0-9]*)",
        len: (36, 36),
    },
];

/// Every token format at once: one pass over a value says which formats may be in it.
static TOKEN_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(TOKEN_FORMATS.iter().map(|format| format.pattern))
        .expect("the token formats are valid regular expressions")
});

/// Each token format alone, in [`TOKEN_FORMATS`] order, to find where its tokens are.
static TOKEN_REGEXES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    TOKEN_SET
        .patterns()
        .iter()
        .map(|pattern| {
            Regex::new(pattern).expect("the token formats are valid regular expressions")
        })
        .collect()
});

fn known_formats(value: &str, found: &mut Found) {
    for i in TOKEN_SET.matches(value).iter() {
        let (format, regex) = (&TOKEN_FORMATS[i], &TOKEN_REGEXES[i]);
        if has_token(value, regex, format) {
            found.push((format.kind, Confidence::High));
        }
    }
    if let Some(confidence) = private_key(value) {
        found.push((SecretKind::PrivateKey, confidence));
    }
    if json_web_token(value) {
        found.push((SecretKind::JsonWebToken, Confidence::High));
    }
}

/// The byte before `start` is absent or not one `inside` a token.
fn at_boundary(bytes: &[u8], start: usize, inside: fn(u8) -> bool) -> bool {
    start
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .is_none_or(|&b| !inside(b))
}

/// The longest run of `accept` bytes from `start`.
fn run_from(bytes: &[u8], start: usize, accept: impl Fn(u8) -> bool) -> &[u8] {
    let rest = bytes.get(start..).unwrap_or_default();
    let len = rest.iter().take_while(|&&b| accept(b)).count();
    rest.get(..len).unwrap_or_default()
}

/// Whether a token of `format` starts at any occurrence of its prefix: at a word boundary, with
/// a body of the right length that ends at one and is not filler. Every occurrence is tried,
/// also those inside the body of an earlier candidate (`x_ghp_…` after a rejected `xghp_`).
fn has_token(value: &str, regex: &Regex, format: &TokenFormat) -> bool {
    let bytes = value.as_bytes();
    let mut from = 0;
    while let Some(token) = regex.captures_at(value, from) {
        let (Some(whole), Some(body)) = (token.get(0), token.get(1)) else {
            return false;
        };
        let after = bytes.get(body.end());
        if at_boundary(bytes, whole.start(), alnum)
            && (format.len.0..=format.len.1).contains(&body.len())
            && after.is_none_or(|b| !b.is_ascii_alphanumeric())
            && !is_filler_token(body.as_str().as_bytes())
        {
            return true;
        }
        // Prefixes are ASCII: the next byte starts a character.
        from = whole.start() + 1;
    }
    false
}

/// A token body that is a documentation example or typed-in filler, not a credential.
fn is_filler_token(body: &[u8]) -> bool {
    let distinct: BTreeSet<u8> = body
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    distinct.len() < 6 || body.ends_with(b"EXAMPLE") || body.ends_with(b"EXAMPLEKEY")
}

/// Key material a real PEM body carries at least, in base64 characters.
const PEM_MIN_MATERIAL: usize = 64;
/// `-----BEGIN ` base64-encoded: the start of a base64-encoded PEM file.
const PEM_BASE64_PREFIX: &str = "LS0tLS1CRUdJTi";

fn private_key(value: &str) -> Option<Confidence> {
    for (start, marker) in value.match_indices("-----BEGIN ") {
        let after = value.get(start + marker.len()..).unwrap_or_default();
        let Some(end) = after.find("-----") else {
            continue;
        };
        let label = after.get(..end).unwrap_or_default();
        let is_label = label.len() <= 40
            && label.bytes().all(|b| b.is_ascii_uppercase() || b == b' ')
            && label.contains("PRIVATE KEY");
        if !is_label {
            continue;
        }
        let body = after.get(end + 5..).unwrap_or_default();
        let body = body.split("-----END").next().unwrap_or_default();
        let material = body.bytes().filter(|&b| base64_byte(b)).count();
        return Some(if material >= PEM_MIN_MATERIAL {
            Confidence::High
        } else {
            Confidence::Medium
        });
    }
    let bytes = value.as_bytes();
    value
        .match_indices(PEM_BASE64_PREFIX)
        .find_map(|(start, _)| {
            let run = run_from(bytes, start, base64_byte);
            // 256 base64 characters decode to 192 bytes: the header and the start of the key.
            let usable = run.len().min(256) / 4 * 4;
            let decoded = decode_base64(run.get(..usable).unwrap_or_default())?;
            let is_private = decoded.windows(11).any(|w| w == b"PRIVATE KEY");
            (at_boundary(bytes, start, base64_byte) && is_private).then_some(Confidence::High)
        })
}

fn json_web_token(value: &str) -> bool {
    let bytes = value.as_bytes();
    let jwt_byte = |b: u8| base64url_byte(b) || b == b'.';
    value.match_indices("eyJ").any(|(start, _)| {
        let run = run_from(bytes, start, jwt_byte);
        let mut parts: Vec<&[u8]> = run.split(|&b| b == b'.').collect();
        // A token at the end of a sentence: drop the full stop.
        if parts.len() == 4 && parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        let [header, payload, signature] = parts.as_slice() else {
            return false;
        };
        at_boundary(bytes, start, jwt_byte)
            && !payload.is_empty()
            && decode_base64(payload).is_some()
            && decode_base64(signature).is_some()
            && header_has_alg(header)
    })
}

fn header_has_alg(header: &[u8]) -> bool {
    decode_base64(header)
        .and_then(|json| serde_json::from_slice::<serde_json::Map<String, Value>>(&json).ok())
        .is_some_and(|h| h.get("alg").is_some_and(Value::is_string))
}

/// Decodes base64 in either alphabet (`+/` or `-_`), padded or not; `None` when malformed.
/// Leftover bits in the last character are ignored, as a lenient decoder does.
fn decode_base64(input: &[u8]) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let input = input
        .strip_suffix(b"==")
        .or_else(|| input.strip_suffix(b"="))
        .unwrap_or(input);
    // One alphabet for both: base64url's `-_` are standard base64's `+/`.
    let standard: Vec<u8> = input
        .iter()
        .map(|&b| match b {
            b'-' => b'+',
            b'_' => b'/',
            b => b,
        })
        .collect();
    LENIENT.decode(standard).ok()
}

// ---------------------------------------------------------------------------------------------
// Tier 2: credentials inside URLs, connection strings and JSON.

fn embedded_credentials(value: &str, found: &mut Found) {
    if url_with_password(value) {
        found.push((SecretKind::ConnectionStringPassword, Confidence::High));
    }
    key_value_pairs(value, found);
    if value.starts_with(['{', '['])
        && let Ok(json) = serde_json::from_str::<Value>(value)
    {
        json_fields(&json, found);
    }
}

fn url_with_password(value: &str) -> bool {
    value.match_indices("://").any(|(at, separator)| {
        let has_scheme = value
            .get(..at)
            .and_then(|s| s.chars().next_back())
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let rest = value.get(at + separator.len()..).unwrap_or_default();
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(rest.len());
        let url = rest.get(..end).unwrap_or_default();
        has_scheme && url_password(url).is_some_and(is_credible_password)
    })
}

/// The password in the user info of a URL without its `scheme://`.
fn url_password(url: &str) -> Option<&str> {
    let authority_end = url.find(['/', '?', '#']).unwrap_or(url.len());
    let authority = url.get(..authority_end)?;
    if let Some(at) = authority.rfind('@') {
        return authority.get(..at)?.split_once(':').map(|(_, pw)| pw);
    }
    // A password written raw with a `/` in it ends the authority early: `db://u:p/w@host`.
    // Tell it from a port followed by a path with an `@` (`host:443/@scope/pkg`).
    let at = url.find('@')?;
    let (user, password) = url.get(..at)?.split_once(':')?;
    let port = password.split('/').next().unwrap_or_default();
    let is_port = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    (!user.contains(['/', '?', '#']) && !password.contains(['?', '#']) && !is_port)
        .then_some(password)
}

/// A password that would work: not empty, a placeholder or a reference once percent-decoded.
fn is_credible_password(raw: &str) -> bool {
    let decoded = percent_decode_str(raw).decode_utf8_lossy();
    let password = decoded.trim();
    !is_placeholder(password) && !is_reference(password)
}

/// Characters that wrap a key or value inside a larger text (quotes, JSON or INI brackets).
const WRAPPERS: &[char] = &['"', '\'', '{', '}', '[', ']', '(', ')'];

fn key_value_pairs(value: &str, found: &mut Found) {
    let pairs = value.split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '?' | ','));
    for pair in pairs {
        let Some((key, val)) = pair.split_once('=') else {
            continue;
        };
        let key = key.trim_matches(WRAPPERS);
        let is_key = !key.is_empty()
            && key.len() <= 64
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !is_key {
            continue;
        }
        match embedded_secret(key, val.trim_matches(WRAPPERS)) {
            Some(NameClass::Password) => {
                found.push((SecretKind::ConnectionStringPassword, Confidence::High))
            }
            Some(_) => found.push((SecretKind::SecretParameter, Confidence::Medium)),
            None => {}
        }
    }
}

fn json_fields(json: &Value, found: &mut Found) {
    match json {
        Value::Object(fields) => {
            for (key, field) in fields {
                match field {
                    Value::String(text) => match embedded_secret(key, text) {
                        Some(NameClass::Password) => {
                            found.push((SecretKind::SecretParameter, Confidence::High))
                        }
                        Some(_) => found.push((SecretKind::SecretParameter, Confidence::Medium)),
                        None => {}
                    },
                    other => json_fields(other, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| json_fields(item, found)),
        _ => {}
    }
}

/// The class of `key` when `value` under it is a secret: a password-like key with a credible
/// password, or another secret-like key with a random-looking value.
fn embedded_secret(key: &str, value: &str) -> Option<NameClass> {
    let class = Name::parse(key).class();
    let secret = match class {
        NameClass::Password => is_credible_password(value),
        NameClass::Strong => looks_random(value, class),
        NameClass::Plain | NameClass::Reference | NameClass::Weak => false,
    };
    secret.then_some(class)
}

// ---------------------------------------------------------------------------------------------
// Tier 3: random-looking values under secret-like names.

/// What a variable's name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameClass {
    /// No secret word.
    Plain,
    /// A secret word, but the head says the value points elsewhere (`SECRET_ARN`).
    Reference,
    /// A secret word modifies another head (`TOKEN_TTL`, `AUTH_MODE`).
    Weak,
    /// The head is a secret word (`API_KEY`, `GITHUB_TOKEN`).
    Strong,
    /// The head is a password word (`DB_PASSWORD`).
    Password,
}

// Word lists are space-separated; `in_list` looks a word up.

const PASSWORD_WORDS: &str = "password passwd pwd pass passphrase passcode";

const SECRET_WORDS: &str = "secret secrets token tokens apikey privatekey secretkey \
    accesskey credential credentials cred creds auth authorization pat";

/// Secret words recognised at the end of a run-together name (`dbpassword`, `clientsecret`).
const COMPOUND_SUFFIXES: &str = "password passwd passphrase secret token apikey privatekey \
    secretkey accesskey credential credentials";

/// Words before `key` that make it a key that is not a secret (`PUBLIC_KEY`, `KMS_KEY_ID`,
/// `CACHE_KEY`, `S3_OBJECT_KEY`).
const NON_SECRET_KEY_QUALIFIERS: &str = "public pub publishable site kms cmk cache partition \
    sort primary foreign unique composite hash range idempotency dedup dedupe deduplication \
    object s bucket prefix routing route lookup map message group index table item attribute \
    sequence shard field record row lock metric cursor event header config query redis tag \
    label translation";

/// Heads that make the variable a pointer to a secret, not the secret.
const REFERENCE_WORDS: &str = "arn arns name names id ids path paths file filename param \
    parameter ref reference alias location dir";

/// Trailing parts skipped to find the head (`API_KEY_PROD`, `SECRET_B64`, `SECRET_KEY_BASE`).
const QUALIFIERS: &str = "prod production dev development staging stage stg test testing qa \
    uat live sandbox old new current previous prev next primary secondary backup fallback v b \
    base value val raw str string plain plaintext encoded hex pem der json text local default \
    override";

/// Head parts that name a credential (tier 4), whatever comes before them.
const CREDENTIAL_WORDS: &str = "password passwords passwd pwd passphrase passcode secret secrets \
    token tokens credential credentials apikey apikeys privatekey accesskey secretkey";

/// Credential words recognised at the end of a run-together head part (`dbpassword`,
/// `clientsecret`, `githubtoken`).
const CREDENTIAL_SUFFIXES: &str = "password passwd passphrase secret token tokens apikey \
    privatekey accesskey secretkey credential credentials";

/// Parts before a `key` head that make it a credential (`API_KEY`, `PRIVATE_KEY`,
/// `AWS_SECRET_ACCESS_KEY`, `SECRET_KEY`).
const CREDENTIAL_KEY_QUALIFIERS: &str = "api private access secret";

/// `word` is one of the space-separated words of `list`.
fn in_list(list: &str, word: &str) -> bool {
    list.split_ascii_whitespace().any(|w| w == word)
}

/// `word` ends with one of the words of `list` and is longer than it.
fn ends_with_listed(list: &str, word: &str) -> bool {
    list.split_ascii_whitespace()
        .any(|s| word.len() > s.len() && word.ends_with(s))
}

/// A variable name as lower-case word parts.
#[derive(Debug)]
struct Name {
    words: Vec<String>,
}

impl Name {
    fn parse(name: &str) -> Self {
        Name {
            words: split_words(name),
        }
    }

    fn word(&self, i: usize) -> Option<&str> {
        self.words.get(i).map(String::as_str)
    }

    fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    fn is_password_word(&self, i: usize) -> bool {
        self.word(i).is_some_and(|w| {
            in_list(PASSWORD_WORDS, w) || ends_with_listed("password passwd passphrase", w)
        })
    }

    fn is_secret_word(&self, i: usize) -> bool {
        let Some(word) = self.word(i) else {
            return false;
        };
        match word {
            "key" | "keys" => i
                .checked_sub(1)
                .and_then(|p| self.word(p))
                .is_none_or(|prev| !in_list(NON_SECRET_KEY_QUALIFIERS, prev)),
            w => {
                self.is_password_word(i)
                    || in_list(SECRET_WORDS, w)
                    || ends_with_listed(COMPOUND_SUFFIXES, w)
            }
        }
    }

    /// The index of the head part: the last one that is not a trailing qualifier.
    fn head(&self) -> usize {
        self.words
            .iter()
            .rposition(|w| !in_list(QUALIFIERS, w))
            .unwrap_or(0)
    }

    /// The head part says the variable holds a credential (tier 4): `DB_PASSWORD`, `api_key`,
    /// `GITHUB_TOKEN_PROD`, `clientSecret`, `PRIVATE_KEY`, `SECRET_ACCESS_KEY`, `CREDENTIALS`;
    /// not `TOKEN_URL`, `SECRET_ARN`, `KMS_KEY`, `PUBLIC_KEY` or `STRIPE_KEY` (a bare `key`
    /// counts only after `api`, `private`, `access` or `secret`).
    fn names_credential(&self) -> bool {
        let head = self.head();
        match self.word(head) {
            None => false,
            Some("key" | "keys") => head
                .checked_sub(1)
                .and_then(|p| self.word(p))
                .is_some_and(|prev| in_list(CREDENTIAL_KEY_QUALIFIERS, prev)),
            Some(w) => in_list(CREDENTIAL_WORDS, w) || ends_with_listed(CREDENTIAL_SUFFIXES, w),
        }
    }

    fn class(&self) -> NameClass {
        if !(0..self.words.len()).any(|i| self.is_secret_word(i)) {
            return NameClass::Plain;
        }
        let head = self.head();
        if self.word(head).is_some_and(|w| in_list(REFERENCE_WORDS, w)) {
            NameClass::Reference
        } else if self.is_password_word(head) {
            NameClass::Password
        } else if self.is_secret_word(head) {
            NameClass::Strong
        } else {
            NameClass::Weak
        }
    }
}

/// Splits a name into lower-case word parts on non-alphanumerics and camelCase boundaries,
/// dropping trailing digits: `stripeApiKey` → `stripe api key`, `APIKey2` → `api key`.
fn split_words(name: &str) -> Vec<String> {
    fn push(words: &mut Vec<String>, current: &mut String) {
        let word = current.trim_end_matches(|c: char| c.is_ascii_digit());
        if !word.is_empty() {
            words.push(word.to_owned());
        }
        current.clear();
    }
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            push(&mut words, &mut current);
            previous = None;
            continue;
        }
        let next_is_lower = chars.peek().is_some_and(|n| n.is_lowercase());
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase() || p.is_numeric() || (p.is_uppercase() && next_is_lower)
            });
        if boundary {
            push(&mut words, &mut current);
        }
        current.extend(c.to_lowercase());
        previous = Some(c);
    }
    push(&mut words, &mut current);
    words
}

fn under_secret_name(name: &Name, value: &str) -> Option<(SecretKind, Confidence)> {
    let class = name.class();
    if matches!(class, NameClass::Plain | NameClass::Reference) {
        return None;
    }
    if class != NameClass::Password
        && (name.has("aws") || name.has("secret"))
        && is_aws_secret_key_shape(value)
    {
        let confidence = if name.has("aws") {
            Confidence::High
        } else {
            Confidence::Medium
        };
        return Some((SecretKind::AwsSecretAccessKey, confidence));
    }
    let confidence = if class == NameClass::Weak {
        Confidence::Low
    } else {
        Confidence::Medium
    };
    looks_random(value, class).then_some((SecretKind::GenericHighEntropy, confidence))
}

fn is_aws_secret_key_shape(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 40
        && bytes.iter().all(|&b| base64_byte(b))
        && bytes.iter().any(u8::is_ascii_uppercase)
        && bytes.iter().any(u8::is_ascii_lowercase)
        && bytes.iter().any(u8::is_ascii_digit)
}

/// Whether `value`, under a name of `class`, is random enough to be the secret itself.
fn looks_random(value: &str, class: NameClass) -> bool {
    let v = value.trim();
    if is_placeholder(v)
        || is_reference(v)
        || is_boolean(v)
        || v.parse::<f64>().is_ok()
        || v.contains("://")
        || is_identifier_like(v)
    {
        return false;
    }
    let len = v.chars().count();
    let entropy = shannon_entropy(v);
    match class {
        NameClass::Password => len >= MIN_SECRET_NAME_LEN && entropy >= MIN_SECRET_NAME_ENTROPY,
        NameClass::Strong => {
            len >= MIN_SECRET_NAME_LEN && entropy >= MIN_SECRET_NAME_ENTROPY && !is_wordy(v)
        }
        NameClass::Weak => {
            len >= MIN_SECRET_MODIFIER_LEN
                && entropy >= MIN_SECRET_MODIFIER_ENTROPY
                && !v.contains(char::is_whitespace)
                && !is_uuid(v)
                && !is_wordy(v)
                && is_token_like(v)
        }
        NameClass::Plain | NameClass::Reference => false,
    }
}

/// Shannon entropy of `text` in bits per character.
fn shannon_entropy(text: &str) -> f64 {
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    for c in text.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let total = counts.values().sum::<usize>() as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

const SEPARATORS: &[char] = &['-', '_', '.', '/', ':', '@', ','];

/// Single-case words or numbers joined by separators: `prod/db/password`, `us-east-1`,
/// `PROD_DB_PASSWORD`, `ops@example.com`, `key1,key2` — names of things, not secrets.
fn is_identifier_like(value: &str) -> bool {
    let single_case = !value.bytes().any(|b| b.is_ascii_uppercase())
        || !value.bytes().any(|b| b.is_ascii_lowercase());
    let segments: Vec<&str> = value.split(SEPARATORS).filter(|s| !s.is_empty()).collect();
    single_case
        && segments.len() >= 2
        && segments.iter().all(|segment| {
            // Letters then digits (`east`, `v2`, `oauth2`) or digits only (`1`, `2024`).
            let letters = segment.bytes().take_while(u8::is_ascii_alphabetic).count();
            let digits = segment.get(letters..).unwrap_or_default();
            digits.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Letters only, in words of three letters or more: `AmazonCognito`, `Authorization`.
fn is_wordy(value: &str) -> bool {
    value.split(' ').filter(|t| !t.is_empty()).all(|token| {
        token.bytes().all(|b| b.is_ascii_alphabetic())
            && split_words(token).iter().all(|w| w.len() >= 3)
    })
}

/// At least three in four characters alphanumeric, as in hex, base64 and random alphanumeric
/// tokens; regular expressions, templates and JSON are mostly punctuation.
fn is_token_like(value: &str) -> bool {
    let total = value.chars().count();
    let alphanumeric = value.chars().filter(char::is_ascii_alphanumeric).count();
    alphanumeric * 4 >= total * 3
}

fn is_uuid(value: &str) -> bool {
    value.len() == 36
        && value.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn is_boolean(value: &str) -> bool {
    [
        "true", "false", "yes", "no", "on", "off", "enabled", "disabled",
    ]
    .iter()
    .any(|b| value.eq_ignore_ascii_case(b))
}

// ---------------------------------------------------------------------------------------------
// Tier 4: any value under a credential name.

/// Whole values that say where a secret is rather than hold one; tier 4 leaves them alone.
static POINTER_SHAPES: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        // Paths and SSM parameter names: `/app/db/password`, `./certs/client.key`.
        r"^\.{0,2}(?:/[A-Za-z0-9_.@-]+)+/?$",
        // Hierarchical names in one case: `prod/db/password`, `PROD/DB/PASSWORD`.
        r"^[a-z0-9_.@-]+(?:/[a-z0-9_.@-]+)+/?$",
        r"^[A-Z0-9_.@-]+(?:/[A-Z0-9_.@-]+)+/?$",
        // Key and configuration file names: `service-account.json`, `client.pem`.
        r"^[A-Za-z0-9_.-]+\.(?:json|pem|key|crt|cer|der|p8|p12|pfx|jks|keystore|txt|ya?ml|ini|conf|cfg|env|properties)$",
        // One URL (a password in its user info or query is tier 2's).
        r"^[A-Za-z][A-Za-z0-9+.-]*://[^ \t\r\n]*$",
    ])
    .expect("the pointer shapes are valid regular expressions")
});

/// A value that is a pointer (reference, path, file name, URL), a flag or a placeholder, not a
/// credential, even under a credential name.
fn is_pointer_or_flag(value: &str) -> bool {
    let v = value.trim();
    is_placeholder(v)
        || is_reference(v)
        || is_boolean(v)
        || matches!(v, "0" | "1")
        || POINTER_SHAPES.is_match(v)
}

fn under_credential_name(name: &Name, value: &str) -> Option<(SecretKind, Confidence)> {
    (name.names_credential() && !is_pointer_or_flag(value))
        .then_some((SecretKind::SecretNamedVariable, Confidence::Medium))
}

// ---------------------------------------------------------------------------------------------
// References and placeholders.

const REFERENCE_PREFIXES: &[&str] = &[
    "arn:",
    "{{resolve:",
    "ssm:",
    "ssm-secure:",
    "secretsmanager:",
    "secrets-manager:",
    "/aws/reference/secretsmanager/",
    "vault:",
];

/// A pointer to a secret store, not a secret.
fn is_reference(value: &str) -> bool {
    REFERENCE_PREFIXES.iter().any(|prefix| {
        value
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
}

const PLACEHOLDER_WORDS: &str = "changeme change_me change-me changeit replaceme replace_me \
    replace-me todo tbd fixme none null nil undefined n/a dummy placeholder redacted notset \
    not_set not-set unset example sample %s";

const PLACEHOLDER_PREFIXES: &[&str] = &["your-", "your_", "your ", "replace-with", "replace_with"];

/// An empty value, a placeholder word, filler or a template to be filled in later.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let wrapped = |open: char, close: char| {
        v.strip_prefix(open)
            .and_then(|inner| inner.strip_suffix(close))
    };
    let plain_name = |inner: &str| {
        !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b' '))
    };
    let env_name = |name: &str| {
        name.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    };
    v.is_empty()
        || PLACEHOLDER_WORDS
            .split_ascii_whitespace()
            .any(|w| v.eq_ignore_ascii_case(w))
        || PLACEHOLDER_PREFIXES.iter().any(|p| {
            v.get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
        })
        || is_filler(v)
        || v.ends_with("EXAMPLE")
        || v.ends_with("EXAMPLEKEY")
        || (["${", "{{", "#{", "$("]
            .iter()
            .any(|open| v.starts_with(open))
            && v.ends_with(['}', ')']))
        || wrapped('<', '>').is_some_and(|inner| !inner.contains(['<', '>']))
        || wrapped('{', '}').is_some_and(plain_name)
        || wrapped('[', ']').is_some_and(plain_name)
        || wrapped('%', '%').is_some_and(plain_name)
        || v.strip_prefix('$').is_some_and(env_name)
        || v.starts_with("%(")
}

/// One character repeated (`xxxx`, `00000000`) or only masking characters (`***-###`,
/// `xx-xx`).
fn is_filler(value: &str) -> bool {
    let distinct: BTreeSet<char> = value.chars().map(|c| c.to_ascii_lowercase()).collect();
    distinct.len() <= 1 || distinct.iter().all(|c| "x*#.-_?".contains(*c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use SecretKind::*;

    // Tokens are assembled with `concat!` so that no complete credential-shaped string sits in
    // the source for repository secret scanners to trip over. All of them are random and fake.
    const AKIA: &str = concat!("AKIA", "UJZDEGXDNCF32EPF");
    const ASIA: &str = concat!("ASIA", "3DHODZDOCIS2JHTL");
    const AWS_SECRET: &str = concat!("nyVmihA/2O76UMFxFkM/", "R5Kjp1vRt+1fjORS/6il");
    const GHP: &str = concat!("ghp_", "8rESQedUStPKR0CsTy4Qwb8DwkNhFdnXsiVp");
    const GITHUB_PAT: &str = concat!(
        "github_pat_",
        "zz63FfkCzJr4i0B3JrTAwR4y9ojfljoQoaF1LlqsajAIxNKu8iS2G8NPRVdD53X83RZJzzzzgEOzdmenCk"
    );
    const GLPAT: &str = concat!("glpat-", "EPH1qhT61qtc4xatws8p");
    const XOXB: &str = concat!(
        "xoxb-",
        "15901092815-9013962459571-h2FDEEtfjgVvVqE1SkHbn88H"
    );
    const SLACK_HOOK: &str = concat!(
        "https://hooks.slack.com/services/",
        "TXJ8B7TFQ7X/BKWO886VOMP/0zVZomHFwUbbYrEqmSM9wCZ7"
    );
    const STRIPE: &str = concat!("sk_live_", "Uw9xfogoEmvnEN5N1aE6PwZP");
    const AIZA: &str = concat!("AIza", "kpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBL");
    const NPM: &str = concat!("npm_", "JduRHHJEYXg4JdpmrcXgGCJbW56eCuNGMGmS");
    const JWT: &str = concat!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        ".eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ",
        ".uHgxzNNAL5wIScGebcy8F5n3-YNBDRzrZSgqbjG3uhk"
    );
    const RSA_PEM: &str = concat!(
        "-----BEGIN RSA PRIVATE KEY-----\\n",
        "tXP/tKsf2rcDkdfrUnW5gcF+Ha6ili8GjHEAD6/Wj9KfzjsQGMrb9h+ImB+LK777\\n",
        "-----END RSA PRIVATE KEY-----"
    );
    const OPENSSH_PEM: &str = concat!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n",
        "-----END OPENSSH PRIVATE KEY-----"
    );
    const PEM_BASE64: &str = concat!(
        "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB",
        "UTF5M0dRc01wU3NjRGxrckNhcXg5dkp1cGM5NHRud2xhdnlmRXJHUG1wR1hhZnEwZmp6TGN6YnR0T29m"
    );
    const HEX64: &str = "8ef786e4d3cea27d26934b484e73cf575dcad6ba2b0aee0ca923732881584d8c";
    const RAND32: &str = "jI6GKFSufrdZSlB5er8bOfZqfM2oeq3h";
    const UUID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

    /// (variable, value, the one kind expected or none).
    fn cases() -> Vec<(&'static str, String, Option<SecretKind>)> {
        let s = |v: &str| v.to_owned();
        vec![
            // Known formats, whatever the name.
            ("AWS_ACCESS_KEY_ID", s(AKIA), Some(AwsAccessKeyId)),
            ("TEMP_CREDS_ID", s(ASIA), Some(AwsAccessKeyId)),
            (
                "CONFIG_BLOB",
                format!("{{\"key\":\"{AKIA}\"}}"),
                Some(AwsAccessKeyId),
            ),
            (
                "AWS_SECRET_ACCESS_KEY",
                s(AWS_SECRET),
                Some(AwsSecretAccessKey),
            ),
            ("SIGNING_MATERIAL", s(RSA_PEM), Some(PrivateKey)),
            ("DEPLOY", s(OPENSSH_PEM), Some(PrivateKey)),
            ("CERT_BUNDLE", s(PEM_BASE64), Some(PrivateKey)),
            ("GITHUB_TOKEN", s(GHP), Some(GitHubToken)),
            (
                "HEADERS",
                format!("Authorization: token {GHP}"),
                Some(GitHubToken),
            ),
            ("GH", s(GITHUB_PAT), Some(GitHubToken)),
            (
                "GH_APP",
                s(concat!("ghs_", "Xq_7rT2mK9pL4vN8wB3cZ6yH1jF5dG0sA2eR")),
                Some(GitHubToken),
            ),
            (
                "GITLAB_ROUTABLE",
                s(concat!("glpat-", "Qm9vX2xLz7Pa.01.1x2y3z4w5")),
                Some(GitLabToken),
            ),
            ("GITLAB", s(GLPAT), Some(GitLabToken)),
            ("SLACK_BOT", s(XOXB), Some(SlackToken)),
            ("ALERTS_WEBHOOK_URL", s(SLACK_HOOK), Some(SlackWebhookUrl)),
            ("STRIPE", s(STRIPE), Some(StripeKey)),
            ("MAPS", s(AIZA), Some(GoogleApiKey)),
            ("NPM_CONFIG", s(NPM), Some(NpmToken)),
            ("SESSION", s(JWT), Some(JsonWebToken)),
            (
                "UPSTREAM_AUTH_HEADER",
                format!("Bearer {JWT}"),
                Some(JsonWebToken),
            ),
            // Credentials inside structured values.
            (
                "DATABASE_URL",
                s("postgres://app:S3cr3tPw@db.internal:5432/app"),
                Some(ConnectionStringPassword),
            ),
            (
                "REDIS_URL",
                s("redis://:hunter2x@cache:6379/0"),
                Some(ConnectionStringPassword),
            ),
            (
                "MONGO",
                s("mongodb+srv://app:pa/ss9w@cluster0.example.net/db"),
                Some(ConnectionStringPassword),
            ),
            (
                "SQLSERVER",
                s("Server=tcp:db,1433;Database=app;User ID=app;Password=Pa55w0rd!;"),
                Some(ConnectionStringPassword),
            ),
            (
                "JDBC",
                s("jdbc:mysql://db:3306/app?user=app&password=Secr3tPw"),
                Some(ConnectionStringPassword),
            ),
            (
                "STORAGE",
                format!("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={AWS_SECRET}"),
                Some(SecretParameter),
            ),
            (
                "DB_CONFIG",
                s(r#"{"username":"app","password":"Xy7#qLp2!"}"#),
                Some(SecretParameter),
            ),
            // Random-looking values under secret-like names.
            ("DB_PASSWORD", s("Summer2024!"), Some(GenericHighEntropy)),
            (
                "stripeApiKey",
                s("DavJA76rNicHTp8h"),
                Some(GenericHighEntropy),
            ),
            ("dbpassword", s("tr0ub4dor&3"), Some(GenericHighEntropy)),
            ("SECRET_KEY_BASE", s(HEX64), Some(GenericHighEntropy)),
            ("API_KEY_PROD", s(UUID), Some(GenericHighEntropy)),
            (
                "SESSION_SIGNING_TOKEN_SEED",
                s(RAND32),
                Some(GenericHighEntropy),
            ),
            (
                "stripe-test-key",
                s(concat!("sk_test_", "4eC39HqLyjWDarjtT1zdp7dc")),
                Some(GenericHighEntropy),
            ),
            // References to secret stores.
            (
                "DB_PASSWORD_SECRET_ARN",
                s("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"),
                None,
            ),
            (
                "API_KEY",
                s("arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key"),
                None,
            ),
            (
                "DB_PASSWORD",
                s("{{resolve:secretsmanager:prod/db:SecretString:password}}"),
                None,
            ),
            ("API_TOKEN", s("ssm:/prod/api/token"), None),
            ("CLIENT_SECRET", s("secretsmanager:prod/oauth-client"), None),
            ("GITHUB_TOKEN_NAME", s(RAND32), None),
            ("DB_PASSWORD_PATH", s("/prod/db/password"), None),
            ("DB_PASSWORD", s("/prod/db/password"), None),
            ("SECRET_ID", s("prod/db/credentials"), None),
            (
                "GOOGLE_APPLICATION_CREDENTIALS",
                s("/var/task/service-account.json"),
                None,
            ),
            // Placeholders.
            ("DB_PASSWORD", s("changeme"), None),
            ("API_KEY", s("xxxxxxxxxxxxxxxx"), None),
            ("CLIENT_SECRET", s("<redacted>"), None),
            ("DB_PASSWORD", s("${DB_PASSWORD}"), None),
            ("API_KEY", s(""), None),
            ("API_KEY", s("your-api-key-here"), None),
            (
                "DATABASE_URL",
                s("postgres://app:${DB_PASSWORD}@db/app"),
                None,
            ),
            (
                "DATABASE_URL",
                s("postgres://app:%24%7BDB_PASSWORD%7D@db/app"),
                None,
            ),
            (
                "AWS_ACCESS_KEY_ID",
                s(concat!("AKIA", "IOSFODNN7EXAMPLE")),
                None,
            ),
            (
                "AWS_ACCESS_KEY_ID",
                s(concat!("AKIA", "XXXXXXXXXXXXXXXX")),
                None,
            ),
            (
                "AWS_SECRET_ACCESS_KEY",
                s(concat!("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY")),
                None,
            ),
            (
                "JAVA_TOOL_OPTIONS",
                s("-Djavax.net.ssl.trustStorePassword=changeit -Xmx512m"),
                None,
            ),
            // Booleans, numbers, URLs without credentials, short values, identifiers.
            ("AUTH_ENABLED", s("true"), None),
            ("TOKEN_TTL_SECONDS", s("3600"), None),
            ("AUTH_URL", s("https://auth.example.com/oauth2/token"), None),
            ("DATABASE_URL", s("postgres://db.internal:5432/app"), None),
            (
                "SECRETS_MANAGER_ENDPOINT",
                s("https://secretsmanager.us-east-1.amazonaws.com"),
                None,
            ),
            (
                "SENTRY_DSN",
                s("https://4f2c9a@o123.ingest.sentry.io/456"),
                None,
            ),
            (
                "NPM_REGISTRY",
                s("https://registry.npmjs.org:443/@scope/pkg"),
                None,
            ),
            // Under a credential name (tier 4) entropy does not matter: issue 15 turned these two
            // from "not reported" into reports.
            ("PASSWORD", s("hunter2"), Some(SecretNamedVariable)),
            (
                "AMQP_URL",
                s("amqps://app:pw@broker:5671"),
                Some(ConnectionStringPassword),
            ),
            ("API_KEYS", s("key1,key2"), Some(SecretNamedVariable)),
            (
                "DB_PASSWORD",
                s("hunter2-very-secret"),
                Some(SecretNamedVariable),
            ),
            ("api_key", s("abc123"), Some(SecretNamedVariable)),
            ("CLIENT_SECRET", s("s3cret"), Some(SecretNamedVariable)),
            (
                "TOKEN_URL",
                s("https://auth.example.com/oauth2/token"),
                None,
            ),
            ("PASSWORD_MIN_LENGTH", s("12"), None),
            ("API_KEY_HEADER_NAME", s("X-Api-Key"), None),
            ("SECRET_ARN", s("prod-db"), None),
            ("PASSWORD_REGEX", s(r"^(?=.*[A-Z])(?=.*\d).{8,}$"), None),
            ("API_KEY", s(concat!("AKIA", "IOSFODNN7EXAMPLE")), None),
            ("AUTH_MODE", s("oauth2-client-credentials"), None),
            ("AUTH_PROVIDER", s("AmazonCognito"), None),
            ("PASSWORD_POLICY", s("strict"), None),
            ("CACHE_KEY", s("user-profile-v2"), None),
            (
                "PUBLIC_KEY",
                s(
                    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n\
                     -----END PUBLIC KEY-----",
                ),
                None,
            ),
            // UUIDs and hashes under names that are not secret-like.
            ("KMS_KEY_ID", s(UUID), None),
            ("KMS_KEY", s(UUID), None),
            ("TENANT", s(UUID), None),
            ("AUTH_CLIENT_UUID", s(UUID), None),
            ("DEPLOY_SHA", s(HEX64), None),
            ("LOG_LEVEL", s("INFO"), None),
            ("NODE_OPTIONS", s("--enable-source-maps"), None),
            // Malformed look-alikes.
            (
                "SESSION",
                s("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2ln"),
                None,
            ),
            ("SESSION", s("eyJhbGciOiJIUzI1NiJ9.not base64"), None),
            ("ID", s(concat!("AKIA", "UJZDEGXDNCF32EPFX")), None),
        ]
    }

    fn kinds(name: &str, value: &str) -> Vec<SecretKind> {
        scan_environment([(name, value)])
            .into_iter()
            .map(|h| h.kind)
            .collect()
    }

    #[test]
    fn detector_table() {
        let cases = cases();
        assert!(cases.len() >= 30);
        let mut failures = Vec::new();
        for (name, value, expected) in &cases {
            let got = kinds(name, value);
            let want: Vec<SecretKind> = expected.iter().copied().collect();
            if got != want {
                failures.push(format!("{name}={value:?}: expected {want:?}, got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn no_hit_ever_carries_the_value() {
        let embedded = [
            (
                "DATABASE_URL",
                "postgres://app:S3cr3tPw@db.internal:5432/app",
                "S3cr3tPw",
            ),
            (
                "DB_CONFIG",
                r#"{"username":"app","password":"Xy7#qLp2!"}"#,
                "Xy7#qLp2!",
            ),
            ("SQL", "Server=db;Password=Pa55w0rd!;", "Pa55w0rd!"),
        ];
        let mut checked = 0;
        let table = cases();
        let positives = table
            .iter()
            .filter(|(_, _, expected)| expected.is_some())
            .map(|(name, value, _)| (*name, value.as_str(), value.as_str()))
            .chain(embedded);
        for (name, value, secret) in positives {
            let hits = scan_environment([(name, value)]);
            assert!(!hits.is_empty(), "{name} should be detected");
            let mut outputs = vec![format!("{hits:?}"), describe(&hits)];
            for hit in &hits {
                outputs.push(format!("{hit}"));
                outputs.push(format!("{hit:?}"));
                outputs.push(format!("{} {:?} {}", hit.kind, hit.kind, hit.confidence));
            }
            let chars: Vec<char> = secret.chars().collect();
            let prefix: String = chars.iter().take(8).collect();
            let suffix: String = chars.iter().skip(chars.len().saturating_sub(8)).collect();
            for text in &outputs {
                for needle in [secret, prefix.as_str(), suffix.as_str()] {
                    assert!(!text.contains(needle), "{name}: {text:?} leaks {needle:?}");
                }
            }
            checked += 1;
        }
        // Every detector is exercised.
        let all: BTreeSet<SecretKind> = table.iter().filter_map(|(_, _, k)| *k).collect();
        assert_eq!(all.len(), 15);
        assert!(checked > 30);
    }

    #[test]
    fn describe_names_variables_and_kinds() {
        let hits = scan_environment([
            ("DB_PASSWORD", "Summer2024!"),
            ("AWS_KEY", AKIA),
            ("LOG_LEVEL", "debug"),
        ]);
        assert_eq!(
            describe(&hits),
            "environment variables AWS_KEY (AWS access key id), DB_PASSWORD (high-entropy \
             value under a secret-like name) look like secrets; move them to AWS Secrets \
             Manager or SSM Parameter Store"
        );
        let one = scan_environment([("GITHUB_TOKEN", GHP)]);
        assert_eq!(
            describe(&one),
            "environment variable GITHUB_TOKEN (GitHub token) looks like a secret; move it to \
             AWS Secrets Manager or SSM Parameter Store"
        );
        assert_eq!(describe(&[]), "no environment variable looks like a secret");
    }

    #[test]
    fn describe_groups_kinds_and_caps_the_list() {
        let blob = format!("{AKIA} {GHP}");
        let hits = scan_environment([("CREDS", blob.as_str())]);
        assert_eq!(
            describe(&hits),
            "environment variable CREDS (AWS access key id, GitHub token) looks like a secret; \
             move it to AWS Secrets Manager or SSM Parameter Store"
        );
        let names: Vec<String> = (0..13).map(|i| format!("TOKEN_{i:02}")).collect();
        let hits = scan_environment(names.iter().map(|n| (n.as_str(), GHP)));
        let reason = describe(&hits);
        assert!(reason.contains("TOKEN_09 (GitHub token) and 3 more look like secrets"));
        assert!(!reason.contains("TOKEN_10"));
    }

    #[test]
    fn hits_are_sorted_and_deduplicated_whatever_the_input_order() {
        let forward = scan_environment([("B_TOKEN", GHP), ("A_KEY", AKIA), ("B_TOKEN", GHP)]);
        let backward = scan_environment([("A_KEY", AKIA), ("B_TOKEN", GHP)]);
        assert_eq!(forward, backward);
        assert_eq!(forward.len(), 2);
        assert_eq!(forward[0].variable, "A_KEY");
    }

    #[test]
    fn confidence_follows_the_evidence() {
        let of = |name: &str, value: &str| {
            scan_environment([(name, value)])
                .first()
                .map(|h| h.confidence)
        };
        assert_eq!(of("ANY", AKIA), Some(Confidence::High));
        assert_eq!(of("DB_PASSWORD", "Summer2024!"), Some(Confidence::Medium));
        assert_eq!(
            of("SESSION_SIGNING_TOKEN_SEED", RAND32),
            Some(Confidence::Low)
        );
        assert_eq!(
            of("AWS_SECRET_ACCESS_KEY", AWS_SECRET),
            Some(Confidence::High)
        );
        assert_eq!(of("CLIENT_SECRET", AWS_SECRET), Some(Confidence::Medium));
        assert_eq!(
            of(
                "KEY",
                "-----BEGIN EC PRIVATE KEY-----\n...\n-----END EC PRIVATE KEY-----"
            ),
            Some(Confidence::Medium)
        );
        assert_eq!(
            of("DB", r#"{"db":{"pwd":"Xy7#qLp2!"}}"#),
            Some(Confidence::High)
        );
        assert_eq!(
            of("DB", r#"{"db":[{"apiKey":"DavJA76rNicHTp8h"}]}"#),
            Some(Confidence::Medium)
        );
    }

    #[test]
    fn names_split_into_word_parts() {
        assert_eq!(split_words("stripeApiKey"), ["stripe", "api", "key"]);
        assert_eq!(split_words("DB_PASSWORD2"), ["db", "password"]);
        assert_eq!(split_words("APIKey"), ["api", "key"]);
        assert_eq!(split_words("oauth2Token"), ["oauth", "token"]);
        assert_eq!(split_words("x.y-z__1"), ["x", "y", "z"]);
        assert!(split_words("").is_empty());
        assert!(split_words("__--").is_empty());
        assert_eq!(
            split_words("ÉCOLE_mot_De_PASSE"),
            ["école", "mot", "de", "passe"]
        );
    }

    #[test]
    fn name_classes() {
        let class = |n: &str| Name::parse(n).class();
        assert_eq!(class("DB_PASSWORD"), NameClass::Password);
        assert_eq!(class("dbpassword"), NameClass::Password);
        assert_eq!(class("SMTP_PASS_PROD"), NameClass::Password);
        assert_eq!(class("stripeApiKey"), NameClass::Strong);
        assert_eq!(class("API_KEY_V2"), NameClass::Strong);
        assert_eq!(class("SECRET_KEY_BASE"), NameClass::Strong);
        assert_eq!(class("BASIC_AUTH"), NameClass::Strong);
        assert_eq!(class("KEY"), NameClass::Strong);
        assert_eq!(class("TOKEN_TTL"), NameClass::Weak);
        assert_eq!(class("AUTH_MODE"), NameClass::Weak);
        assert_eq!(class("SECRET_ARN"), NameClass::Reference);
        assert_eq!(class("DB_PASSWORD_SECRET_NAME"), NameClass::Reference);
        assert_eq!(class("AWS_ACCESS_KEY_ID"), NameClass::Reference);
        assert_eq!(class("DB_PASSWORD_FILE"), NameClass::Reference);
        assert_eq!(class("KMS_KEY_ID"), NameClass::Plain);
        assert_eq!(class("PUBLIC_KEY"), NameClass::Plain);
        assert_eq!(class("S3_OBJECT_KEY"), NameClass::Plain);
        assert_eq!(class("BYPASS_CACHE"), NameClass::Plain);
        assert_eq!(class("NEXTAUTH_URL"), NameClass::Plain);
        assert_eq!(class(""), NameClass::Plain);
    }

    #[test]
    fn entropy_and_thresholds() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert!((shannon_entropy("aabbccdd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy("Summer2024!") > MIN_SECRET_NAME_ENTROPY);
        assert!(shannon_entropy(HEX64) > MIN_SECRET_MODIFIER_ENTROPY);
        assert!(shannon_entropy(RAND32) > MIN_SECRET_MODIFIER_ENTROPY);
        // Under a password name the only thing that keeps "aabbccdd" out of tier 3 is the
        // entropy; tier 4 reports it by its name (before issue 15 it was not reported).
        assert_eq!(kinds("DB_PASSWORD", "aabbccdd"), [SecretNamedVariable]);
        assert_eq!(kinds("DB_PASSWORD", "abcdefgh"), [GenericHighEntropy]);
        // Under a modifier name, length matters: 19 random characters are not enough.
        assert!(kinds("TOKEN_SEED", &RAND32[..19]).is_empty());
        assert_eq!(kinds("TOKEN_SEED", &RAND32[..20]), [GenericHighEntropy]);
    }

    #[test]
    fn password_heads_keep_dictionary_words_other_heads_do_not() {
        // Tier 3 (entropy). What it leaves out under a credential name, tier 4 reports by name
        // (before issue 15 these were not reported at all).
        assert_eq!(kinds("DB_PASSWORD", "SuperSecret"), [GenericHighEntropy]);
        assert_eq!(kinds("API_TOKEN", "SuperSecret"), [SecretNamedVariable]);
        assert_eq!(
            kinds("DB_PASSWORD", "correct horse battery"),
            [GenericHighEntropy]
        );
        assert_eq!(
            kinds("DB_PASSWORD", "correct-horse-battery"),
            [SecretNamedVariable]
        );
        // Under a secret-like name that is not a credential name, still nothing.
        assert!(kinds("API_KEY_HEADER", "SuperSecret").is_empty());
    }

    #[test]
    fn credential_names_fail_whatever_the_value() {
        for (name, value) in [
            ("DB_PASSWORD", "hunter2-very-secret"),
            ("api_key", "abc123"),
            ("APIKEY", "abc123"),
            ("apiKey", "abc123"),
            ("API_KEY_V2", "abc123"),
            ("PWD", "hunter2"),
            ("db_passwd", "hunter2"),
            ("dbpassword", "hunter2"),
            ("SMTP_PASSWORD_PROD", "hunter2"),
            ("password", "12345678"),
            ("GPG_PASSPHRASE", "sesame"),
            ("CLIENT_SECRET", "abc"),
            ("client_secret", "abc"),
            ("clientSecret", "abc"),
            ("WEBHOOK_SECRET", "abc"),
            ("app_secrets", "abc"),
            ("GITHUB_TOKEN", "short"),
            ("githubToken", "short"),
            ("AUTH_TOKENS", "a,b"),
            ("Credentials", "app:hunter2"),
            ("credential", "abc"),
            ("PRIVATE_KEY", "abc"),
            ("privateKey", "abc"),
            ("ACCESS_KEY", "abc"),
            ("AWS_SECRET_ACCESS_KEY", "abc"),
            ("SECRET_KEY", "abc"),
            ("SECRET", "abc"),
            // A flat secret name cannot be told from a password.
            ("DB_SECRET", "prod-db-credentials"),
        ] {
            let hits = scan_environment([(name, value)]);
            let found: Vec<(SecretKind, Confidence)> =
                hits.iter().map(|h| (h.kind, h.confidence)).collect();
            assert_eq!(
                found,
                [(SecretNamedVariable, Confidence::Medium)],
                "{name}={value:?}"
            );
        }
        // The value-based tiers still come first.
        assert_eq!(kinds("DB_PASSWORD", "Summer2024!"), [GenericHighEntropy]);
        assert_eq!(kinds("API_KEY", AKIA), [AwsAccessKeyId]);
        assert_eq!(kinds("GITHUB_TOKEN", GHP), [GitHubToken]);
    }

    #[test]
    fn credential_names_spare_blanks_references_pointers_and_flags() {
        for (name, value) in [
            ("DB_PASSWORD", ""),
            ("DB_PASSWORD", "   "),
            (
                "DB_PASSWORD",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
            ),
            (
                "DB_PASSWORD",
                "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/password",
            ),
            (
                "API_TOKEN",
                "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/app/token",
            ),
            (
                "DB_PASSWORD",
                "{{resolve:secretsmanager:db:SecretString:password}}",
            ),
            ("API_TOKEN", "{{resolve:ssm-secure:/app/api/token:1}}"),
            ("DB_PASSWORD", "/app/db/password"),
            ("DB_PASSWORD", "app/db/password"),
            ("DB_PASSWORD", "APP/DB/PASSWORD"),
            ("PWD", "/var/task"),
            ("GOOGLE_APPLICATION_CREDENTIALS", "service-account.json"),
            ("PRIVATE_KEY", "./certs/client.pem"),
            ("CREDENTIALS", "../config/credentials"),
            ("API_TOKEN", "https://vault.internal/v1/secret/data/app"),
            (
                "DB_PASSWORD_SECRET_ARN",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
            ),
            ("DB_PASSWORD_SECRET_ARN", "db-AbCdEf"),
            ("DB_SECRET_NAME", "prod-db-credentials"),
            ("API_TOKEN", "changeme"),
            ("API_TOKEN", "${API_TOKEN}"),
            ("CLIENT_SECRET", "<client-secret>"),
            ("REQUIRE_PASSWORD", "true"),
            ("USE_TOKEN", "1"),
            ("SECRETS", "disabled"),
        ] {
            assert!(kinds(name, value).is_empty(), "{name}={value:?}");
        }
        // A credential word that is not the head, a reference head, another kind of key, a
        // looser secret word or no secret word at all: the name alone reports nothing.
        for name in [
            "TOKEN_URL",
            "PASSWORD_MIN_LENGTH",
            "PASSWORD_POLICY",
            "API_KEY_HEADER",
            "API_KEY_HEADER_NAME",
            "SECRET_ARN",
            "TOKEN_TTL",
            "SECRETS_EXTENSION_HTTP_PORT",
            "KMS_KEY_ID",
            "KMS_KEY",
            "PUBLIC_KEY",
            "CACHE_KEY",
            "STRIPE_KEY",
            "SMTP_PASS",
            "DB_CREDS",
            "AUTH",
            "OLDPWD",
            "BYPASS",
            "CONNECTION_STRING",
            "DSN",
        ] {
            assert!(kinds(name, "hunter2-very-secret").is_empty(), "{name}");
        }
    }

    #[test]
    fn connection_strings_and_dsns_fail_only_with_an_embedded_password() {
        assert_eq!(
            kinds(
                "CONNECTION_STRING",
                "Server=db;Database=app;User Id=app;Password=hunter2;"
            ),
            [ConnectionStringPassword]
        );
        assert_eq!(
            kinds("DSN", "postgres://app:hunter2@db/app"),
            [ConnectionStringPassword]
        );
        assert!(
            kinds(
                "CONNECTION_STRING",
                "Server=db;Database=app;Integrated Security=true;"
            )
            .is_empty()
        );
        assert!(kinds("DSN", "postgres://db.internal:5432/app").is_empty());
        assert!(kinds("DB_DSN", "postgres://app:${DB_PASSWORD}@db/app").is_empty());
    }

    #[test]
    fn a_credential_name_reason_names_the_variable_never_the_value() {
        let hits = scan_environment([
            ("LOG_LEVEL", "info"),
            ("DB_PASSWORD", "hunter2-very-secret"),
        ]);
        assert_eq!(
            hits,
            [SecretHit {
                variable: "DB_PASSWORD".to_owned(),
                kind: SecretNamedVariable,
                confidence: Confidence::Medium,
            }]
        );
        let reason = describe(&hits);
        assert_eq!(
            reason,
            "environment variable DB_PASSWORD (value of a variable named like a credential) \
             looks like a secret; move it to AWS Secrets Manager or SSM Parameter Store"
        );
        for text in [reason, format!("{hits:?}"), format!("{}", hits[0])] {
            assert!(
                !text.contains("hunter2") && !text.contains("very"),
                "{text}"
            );
        }
    }

    #[test]
    fn base64_decoding() {
        assert_eq!(decode_base64(b"aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64(b"aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(
            decode_base64(b"-_-_").as_deref(),
            Some(&[0xfb, 0xff, 0xbf][..])
        );
        assert_eq!(decode_base64(b"+/+/"), decode_base64(b"-_-_"));
        assert_eq!(decode_base64(b"").as_deref(), Some(&b""[..]));
        assert!(decode_base64(b"abcde").is_none());
        assert!(decode_base64(b"ab=c").is_none());
        assert!(decode_base64(b"a b").is_none());
    }

    #[test]
    fn url_passwords() {
        assert_eq!(url_password("u:p@h/db"), Some("p"));
        assert_eq!(url_password(":p@h"), Some("p"));
        assert_eq!(url_password("u:p@ss@h"), Some("p@ss"));
        assert_eq!(url_password("u:p/w@h"), Some("p/w"));
        assert_eq!(url_password("u@h"), None);
        assert_eq!(url_password("h:5432/db"), None);
        assert_eq!(url_password("h:443/@scope/pkg"), None);
        assert_eq!(url_password("h/p?e=a:b@c"), None);
        assert_eq!(url_password("h/path:x@y"), None);
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "A".repeat(100_000);
        let odd = [
            "",
            " ",
            "\0",
            "é",
            "😀😀😀😀😀😀😀😀😀",
            "://",
            "a://",
            "://@",
            "x://:@",
            "@:",
            "=",
            "==",
            ";=;",
            "password=",
            "-----BEGIN ",
            "-----BEGIN PRIVATE KEY",
            "LS0tLS1CRUdJTi",
            "LS0tLS1CRUdJTi===",
            "eyJ",
            "eyJ.",
            "eyJ..",
            "eyJ...",
            "AKIA",
            "xoxb-",
            "{",
            "[",
            "{\"password\":",
            "[[[[[[[[[[",
            "%",
            "%%",
            "%ff",
            "${",
            "<",
            "<>",
            "$",
            long.as_str(),
        ];
        for value in odd {
            for name in ["", "DB_PASSWORD", "API_KEY", "TOKEN_SEED", "é😀", "_"] {
                let hits = scan_environment([(name, value)]);
                let _ = describe(&hits);
            }
        }
        // Deep JSON (serde_json refuses more than 128 levels; this stays below).
        let nested = format!("{}\"Xy7#qLp2!\"{}", "{\"a\":".repeat(100), "}".repeat(100));
        assert!(scan_environment([("CONFIG", nested.as_str())]).is_empty());
        let nested = nested.replacen("{\"a\":\"", "{\"password\":\"", 1);
        assert_eq!(kinds("CONFIG", &nested), [SecretParameter]);
    }
}
