"""Known shapes of credential values: part of the table of :mod:`.rules`, kept apart
for its length (plain data, rendered into the TypeScript copy with the rest)."""

from __future__ import annotations

from typing import Any

from .cli_rules import CLI_RULES
from .code_rules import CODE_RULES
from .context_rules import CONTEXT_RULES
from .foreign_rules import FOREIGN_RULES
from .late_rules import LATE_RULES
from .printed_rules import PRINTED_RULES
from .short_name_rules import SHORT_NAME_RULES

# Known shapes of credential values. ``group`` is the part that is secret (0: the whole
# match); ``flags`` is "" or "i" (case-insensitive); ``triggers``: lower-case substrings,
# one of which a text must hold for the rule to be tried (none: always tried). Optional:
# ``min_distinct``, the fewest different characters the secret must have, ``min_text``,
# the shortest text the rule can match in (a cheap skip), ``prefilter``, a fast pattern a
# text must hold for the rule to be tried (for a rule without triggers), and ``check``:
# "random" when the secret must also look generated (rules.HIGH_ENTROPY_VALUE, and 6+
# switches between upper case, lower case and digits: ``PositionalIndexer2D`` is a name,
# not a key), or
# "password" when it must look like a password (a digit, and mixed case or a symbol),
# "user password" where a user's name may stand too (values.looks_like_user_password), or
# "pair password" with no name beside it (values.looks_like_pair_password), or
# "secret name" when the name in the match's first "…" must be a secret's as the name
# rules judge one (names.is_secret_name: ``variable "db_password"``, not "token_ttl").
# The prefixes a whole key is recognised by (below and in context_rules.py), for a key
# shortened in the middle; not the generic words (``key-``, ``secret_``).
_SHORTENED_PREFIXES = (
    r"sk-(?:proj-|svcacct-|admin-|ant-(?:api03-|admin01-)?)?|(?:sk|rk)_(?:live|test)_"
    r"|gh[pousr]_|github_pat_|hf_|xox[abeoprs]-|xapp-|whsec_"
    r"|gl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|agent)-|npm_|pypi-|SG\.|ya29\.|dapi|GOCSPX-"
    r"|shp(?:at|ss|ca|pa)_|do[op]_v1_|r8_|gsk_|pplx-|lin_api_|xai-|hvs\.|glsa_|NRAK-"
    r"|LTAI|AKID|AKIA|ASIA|AIza|lsv2_(?:pt|sk)_|sntrys_|sbp_|ATATT|ntn_|pcsk_"
)
SHORTENED_TRIGGERS: list[str] = [
    "sk-", "sk_", "rk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "hf_", "xox",
    "xapp-", "whsec_", "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glsoat-", "glft-",
    "glimt-", "glagent-", "npm_", "pypi-", "sg.", "ya29.", "dapi", "gocspx-", "shpat_",
    "shpss_", "shpca_", "shppa_", "dop_v1_", "doo_v1_", "r8_", "gsk_", "pplx-", "lin_api_",
    "xai-", "hvs.", "glsa_", "nrak-", "ltai", "akid", "akia", "asia", "aiza", "lsv2_",
    "sntrys_", "sbp_", "atatt", "ntn_", "pcsk_",
]  # fmt: skip
# A key's characters (a shortened one's head and tail).
_W = "[A-Za-z0-9_-]"

KEY_SHAPES: list[dict[str, Any]] = [
    {
        "kind": "PEM private key",
        "triggers": ["-----begin"],
        # Any flavour (RSA, EC, OPENSSH, ENCRYPTED, PGP ... BLOCK), whole or cut off; a cut
        # one also across the quotes of a list of lines (``readlines()``).
        "pattern": r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END "
        r"[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|(?:[A-Za-z0-9+/=\s\\]|['\"],?[ \t]*['\"])*)",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "PEM private key",
        # A key whose head was cut off (an output's tail, a truncated log): the lines of
        # base64 right above ``-----END … PRIVATE KEY-----``. Tried only where such a
        # block starts: the line above ends in no base64 character, or is a line of
        # other text (``Loaded the key``: read as part of the match, the key from the
        # next line): each line is read from one start only.
        "triggers": ["private key-----", "private key block-----"],
        "pattern": r"(?:(?:^|(?<=\n))(?<![A-Za-z0-9+/=]\n)(?<![A-Za-z0-9+/=]\r\n)"
        r"|(?:^|(?<=\n))[^\n]*[^A-Za-z0-9+/=\r\n][A-Za-z0-9+/=]*\r?\n)"
        r"((?:[A-Za-z0-9+/]{4,100}={0,2}\r?\n){1,300})"
        r"(?=-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)",
        "group": 1,
        "flags": "",
    },
    {
        "kind": "PEM private key",
        # A key's body without its BEGIN and END lines (its middle printed, a cut output,
        # ``lines[1:-1]``): two or more lines of 48-100 base64 characters (PEM writes 64,
        # OpenSSH 70, MIME 76), then a last line. Before the one-line rules, which would
        # leave the lines between their matches. Only at a line's start (after a blank or
        # a quote), and random: 36+ different characters (DNA, protein sequences, hex and
        # base32 dumps have fewer).
        "triggers": [],
        "prefilter": r"[A-Za-z0-9+/]{48}\r?\n",
        # The whole block only (not from its second line, nor up to its last but one),
        # and not a certificate's or a public key's: a private key's block with its
        # BEGIN or END line was hidden by the rules above, so such a line beside it
        # means another kind.
        "pattern": r"(?:^|(?<=[\s'\"]))(?<![A-Za-z0-9+/=-]\n)(?<![A-Za-z0-9+/=-]\r\n)"
        r"(?:[A-Za-z0-9+/]{48,100}\r?\n[ \t]*){1,300}"
        r"[A-Za-z0-9+/]{4,100}={0,2}(?![A-Za-z0-9+/=])(?!\r?\n(?:-----|[ \t]*[A-Za-z0-9+/=]))",
        "group": 0,
        "flags": "",
        "min_distinct": 36,
        "min_text": 100,
    },
    {
        "kind": "password hash",
        # crypt(3) hashes (``/etc/shadow``, ``.htpasswd``, a users table): MD5 ``$1$``,
        # Apache ``$apr1$``, bcrypt ``$2b$12$``, SHA ``$5$``/``$6$``, yescrypt ``$y$``,
        # argon2, and Django's ``pbkdf2_sha256$…``: a password's hash is crackable.
        "triggers": ["$1$", "$2", "$5$", "$6$", "$apr1$", "$y$", "$argon2", "pbkdf2_", "$scrypt"],
        "pattern": r"(?:\$(?:1|2[abxy]?|5|6|apr1|y|7|scrypt|argon2(?:id|i|d))"
        r"|(?<![A-Za-z0-9_])pbkdf2_sha(?:1|256|512))"
        r"\$[^\s:$'\"]{1,100}\$(?:[^\s:$'\"]{1,100}\$){0,3}[./A-Za-z0-9+=]{16,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "key in text",
        # A run of 32-100 letters and digits standing alone, mixed like a generated key
        # (3+ of each case and 3+ digits, 20+ different characters, switching often):
        # a key with no name and no prefix (a frame's ``value`` column, a pasted line).
        # Hex digests (one case), UUIDs (dashes), base64 data (longer, "+/") and
        # camelCase names (few digits, few switches) stay.
        "triggers": [],
        "prefilter": r"[A-Za-z0-9]{32}",
        # SSH public keys' blobs start with "AAAA" (a length), base64 JSON with "eyJ"
        # (a JWT's header alone): not these; nor a line of a certificate's block (the
        # key body rule above hid private ones): the next line is one more of its lines
        # or its END line. Nor a public content address: an IPFS CIDv0 (``Qm`` and 44
        # base58 letters), a Bitcoin address (``1``/``3`` and 31-33 base58 letters), a
        # Solana-style public key (32 bytes in base58: 43-44 letters with no 0, O, I, l;
        # its secret key is 64 bytes, 87-88 letters, still hidden).
        "pattern": r"(?<![A-Za-z0-9_+/=.~-])(?!AAAA|eyJ)"
        r"(?!(?:Qm[1-9A-HJ-NP-Za-km-z]{44}|[13][1-9A-HJ-NP-Za-km-z]{31,33}"
        r"|[1-9A-HJ-NP-Za-km-z]{43,44})(?![A-Za-z0-9_+/=.~-]))"
        r"(?=(?:[A-Za-z]{0,100}[0-9]){3})"
        r"(?=(?:[a-z0-9]{0,100}[A-Z]){3})(?=(?:[A-Z0-9]{0,100}[a-z]){3})"
        r"[A-Za-z0-9]{32,100}(?![A-Za-z0-9_+/=.~-])"
        r"(?!\r?\n[ \t]*(?:-----|[A-Za-z0-9+/]{16,100}={0,2}[ \t]*(?:\r?\n|$)))",
        "group": 0,
        "flags": "",
        "check": "random",
        "min_distinct": 20,
        "min_text": 32,
    },
    {
        "kind": "DER key body",
        "triggers": ["mii"],
        # Not a certificate's, a request's or a public key's (a SEQUENCE with a long
        # length first, ``MIIDdzCC…``; ``MIIBIjANBgkqhkiG9w0BAQEFAAOC…``): public.
        "pattern": r"(?<![A-Za-z0-9+/])"
        r"(?!MII[A-Za-z0-9+/]{3}CC|MII[A-Za-z0-9+/]{3}ANBgkqhkiG9w0BAQEFAAOC)"
        r"MII[A-Za-z0-9+/]{60,}={0,2}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "OpenSSH key body",
        # An OpenSSH private key's base64 ("openssh-key-v1") without its BEGIN line (a
        # cut output, lines in a list), across its line breaks.
        "triggers": ["b3blbnnzac1rzxktdje"],
        "pattern": r"(?<![A-Za-z0-9+/])b3BlbnNzaC1rZXktdjE"
        r"(?:[A-Za-z0-9+/=]|\\n|\s|['\"],?[ \t]*['\"])*",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "JWT",
        "triggers": ["eyj"],
        # Only where a run starts: tried from every "eyJ" inside one it was quadratic.
        "pattern": r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}"
        r"\.[A-Za-z0-9_-]{6,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "API key",
        "triggers": ["sk-"],
        "pattern": r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{16,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "API key",
        # One shortened in the middle (reprlib, %xmode Verbose, a log: ``sk-proj-Ab3d...
        # v1wXy4z``, ``ghp_R4nD0mL3...ZyX98765``, ``AKIA4XQ7…PLR3VTB``), of any prefix a
        # whole key is recognised by: "..." or "…" between a head and a tail of 4+, the
        # tail with a digit and a letter (5+ after a head of 1-3), or the head 4+ with both
        # and the tail a digit,
        # Documentation's ``sk-...``, ``ghp_xxx...``, ``'hf_...'``, ``sk-abc...xyz`` stay.
        "triggers": SHORTENED_TRIGGERS,
        "pattern": rf"(?<![A-Za-z0-9_-])(?:{_SHORTENED_PREFIXES})"
        rf"(?:(?={_W}{{0,60}}[0-9])(?={_W}{{0,60}}[A-Za-z]){_W}{{4,60}}(?:\.{{3}}|…)"
        rf"(?={_W}{{0,60}}[0-9]){_W}{{4,60}}"
        # A head of 1-3 with a tail of 4 is the usual display of a key's ends
        # (``key[:4]...key[-4:]``: ``sk-p...9xQ2``): PLACEHOLDER_VALUE keeps it.
        rf"|{_W}{{4,60}}(?:\.{{3}}|…)(?={_W}{{0,60}}[0-9])(?={_W}{{0,60}}[A-Za-z]){_W}{{4,60}}"
        rf"|{_W}{{1,3}}(?:\.{{3}}|…)(?={_W}{{0,60}}[0-9])(?={_W}{{0,60}}[A-Za-z]){_W}{{5,60}}"
        # ... or no digit shown: a head and a tail of 8+ each mixing cases
        # (``sk-robkIDGiMr...xTPvwEhzJu``).
        rf"|(?={_W}{{0,60}}[A-Z])(?={_W}{{0,60}}[a-z]){_W}{{8,60}}(?:\.{{3}}|…)"
        rf"(?={_W}{{0,60}}[A-Z])(?={_W}{{0,60}}[a-z]){_W}{{8,60}})"
        rf"(?!{_W})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Stripe key",
        "triggers": ["sk_", "rk_"],
        "pattern": r"(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "GitHub token",
        "triggers": ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        "pattern": r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Hugging Face token",
        "triggers": ["hf_"],
        "pattern": r"(?<![A-Za-z0-9])hf_[A-Za-z0-9]{20,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Slack token",
        "triggers": ["xox", "xapp-"],
        # Its numbers (``xoxb-2841937561-…``): ``xoxb-your-bot-token`` is documentation's.
        "pattern": r"(?<![A-Za-z0-9])(?:xox[abeoprs]-(?=[A-Za-z0-9-]{0,40}[0-9])[A-Za-z0-9-]{10,}"
        r"|xapp-[0-9]-[A-Za-z0-9-]{10,})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Slack webhook",
        "triggers": ["hooks.slack"],
        "pattern": r"(hooks\.slack\.com/(?:services|workflows|triggers)/)([A-Za-z0-9/_-]{16,})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "Slack webhook",
        # Its path without the host (``Max retries exceeded with url: /services/T…/B…/…``
        # in a requests error): a team's and a bot's id, then the secret.
        "triggers": ["/services/t"],
        "pattern": r"(/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/)([A-Za-z0-9]{16,})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "Teams webhook",
        # ``…webhook.office.com/webhookb2/…/IncomingWebhook/<32 hex>/<id>/<signature>``.
        "triggers": ["/incomingwebhook/"],
        "pattern": r"(/IncomingWebhook/)([A-Za-z0-9/_-]{20,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "extended private key",
        # A BIP32 wallet's extended private key (``xprv``, ``tprv``, ``yprv``, ``zprv``…):
        # base58, 111 characters, past the 100 of a bare key's rule.
        "triggers": ["prv"],
        "pattern": r"(?<![A-Za-z0-9])[xtyzuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{100,112}(?![A-Za-z0-9])",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "PagerDuty token",
        # ``u+Xk9dLq2mT4vB8nR1pW6y``: a user's API token (random-looking only).
        "triggers": ["u+"],
        "pattern": r"(?<![A-Za-z0-9_+/=-])u\+[A-Za-z0-9_-]{18,20}(?![A-Za-z0-9_+/=-])",
        "group": 0,
        "flags": "",
        "check": "random",
    },
    {
        "kind": "Dropbox token",
        # ``sl.B…`` (short-lived, ~140 characters), ``sl.u.…``.
        "triggers": ["sl."],
        "pattern": r"(?<![A-Za-z0-9_.-])sl\.(?:u\.)?[A-Za-z0-9_-]{60,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Stripe webhook secret",
        "triggers": ["whsec_"],
        "pattern": r"(?<![A-Za-z0-9])whsec_[A-Za-z0-9]{16,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "GitLab token",
        "triggers": [
            "glpat-",
            "gldt-",
            "glrt-",
            "glptt-",
            "glcbt-",
            "glsoat-",
            "glft-",
            "glimt-",
            "glagent-",
        ],
        "pattern": r"(?<![A-Za-z0-9])gl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "package registry token",
        "triggers": ["npm_", "pypi-"],
        "pattern": r"(?<![A-Za-z0-9])(?:npm_[A-Za-z0-9]{30,}|pypi-[A-Za-z0-9_-]{50,})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "SendGrid key",
        "triggers": ["sg."],
        "pattern": r"(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Google OAuth token",
        "triggers": ["ya29.", "1//0"],
        "pattern": r"(?<![A-Za-z0-9])(?:ya29\.[A-Za-z0-9_-]{20,}|1//0[A-Za-z0-9_-]{30,})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Databricks token",
        "triggers": ["dapi"],
        "pattern": r"(?<![A-Za-z0-9])dapi[a-f0-9]{32}(?:-[0-9])?",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "service token",
        # Prefixed keys of more services: Google OAuth client secrets, Shopify,
        # DigitalOcean, age, Replicate, Groq, Perplexity, Linear, xAI, Mailgun, Square,
        # Atlassian, Notion, Postman, Doppler, Vault, Grafana, New Relic, Sentry,
        # Supabase, Netlify, Pulumi.
        "triggers": [
            "gocspx-",
            "shpat_",
            "shpss_",
            "shpca_",
            "shppa_",
            "dop_v1_",
            "doo_v1_",
            "age-secret-key-",
            "r8_",
            "gsk_",
            "pplx-",
            "lin_api_",
            "xai-",
            "key-",
            "sq0",
            "atatt",
            "ntn_",
            "secret_",
            "pmak-",
            "dp.",
            "hvs.",
            "hvb.",
            "glsa_",
            "glc_",
            "nrak-",
            "sntrys_",
            "sbp_",
            "nfp_",
            "pul-",
            "hrku-",
        ],
        "pattern": r"(?<![A-Za-z0-9_-])(?:GOCSPX-[A-Za-z0-9_-]{20,}"
        r"|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{20,}"
        r"|do[op]_v1_[a-f0-9]{40,}|AGE-SECRET-KEY-1[A-Z0-9]{40,}|r8_[A-Za-z0-9]{20,}"
        r"|gsk_[A-Za-z0-9]{20,}|pplx-[A-Za-z0-9]{20,}|lin_api_[A-Za-z0-9]{20,}"
        r"|xai-[A-Za-z0-9]{20,}|key-[a-f0-9]{32}(?![a-f0-9])"
        r"|sq0(?:atp|csp)-[A-Za-z0-9_-]{20,}|ATATT3[A-Za-z0-9_=-]{20,}"
        r"|ntn_[A-Za-z0-9]{20,}|secret_[A-Za-z0-9]{40,}|PMAK-[a-f0-9]{20,}-[a-f0-9]{20,}"
        r"|dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[A-Za-z0-9_-]{1,40}\.)?[A-Za-z0-9]{20,}"
        r"|hv[sb]\.[A-Za-z0-9_-]{20,}|HRKU-[A-Za-z0-9_-]{30,}"
        r"|gl(?:sa|c)_[A-Za-z0-9_+/=-]{20,}|NRAK-[A-Z0-9]{20,}|sntrys_[A-Za-z0-9_+/=-]{20,}"
        r"|sbp_[a-f0-9]{30,}|nfp_[A-Za-z0-9]{20,}|pul-[a-f0-9]{30,})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "service token",
        # More prefixed keys: LangSmith, Tencent Cloud key ids, CircleCI, Databricks OAuth
        # secrets, X/Twitter app bearer tokens, Mailchimp, Cloudflare origin CA keys, Twitch
        # chat tokens (``PASS oauth:…``, 30 lower-case letters and digits).
        "triggers": [
            "lsv2_",
            "akid",
            "ccipat_",
            "dose",
            "aaaaaaaaaaaaaaaaaaaa",
            "-us",
            "v1.0-",
            "oauth:",
        ],
        "pattern": r"(?<![A-Za-z0-9_-])(?:lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"
        r"|(?<=oauth:)(?=[a-z]{0,29}[0-9])(?=[0-9]{0,29}[a-z])[a-z0-9]{30}"
        r"|AKID[A-Za-z0-9]{32}|CCIPAT_[A-Za-z0-9]{20,}_[a-f0-9]{40}|dose[a-f0-9]{32}"
        r"|A{21,23}(?!A)[A-Za-z0-9%+/=]{60,}|[a-f0-9]{32}-us[0-9]{1,2}"
        r"|v1\.0-[a-f0-9]{24}-[a-f0-9]{100,})(?![A-Za-z0-9_-])",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "webhook URL",
        # Discord and Microsoft Teams incoming webhooks: the path after the host is the key.
        "triggers": ["discord", "webhook.office"],
        "pattern": r"((?:discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/"
        r"|\.webhook\.office\.com/webhookb2/))([A-Za-z0-9@/_-]{40,})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "Mapbox token",
        # Public (``pk.``), secret (``sk.``) and temporary (``tk.``) tokens: a JWT-like body.
        "triggers": ["pk.eyj", "sk.eyj", "tk.eyj"],
        "pattern": r"(?<![A-Za-z0-9_.-])[pst]k\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Twilio auth token",
        # ``Client("AC…", "…")``: the 32 characters after an account (or API key) SID.
        "triggers": ["ac", "sk"],
        "pattern": r"((?<![A-Za-z0-9])(?:AC|SK)[a-f0-9]{32}['\"]?[ \t]*[,:;][ \t]*"
        r"(?:[A-Za-z_][A-Za-z0-9_]{0,40}[ \t]*=[ \t]*)?['\"]?)([A-Za-z0-9]{32})(?![A-Za-z0-9])",
        "group": 2,
        "flags": "",
        "min_text": 66,
    },
    {
        "kind": "cloud key",
        # Azure AD client secrets (``xyz8Q~…``), Alibaba Cloud key ids, AWS session
        # tokens and a PEM block in base64 (a Kubernetes secret's ``LS0tLS1CRUdJTi…``).
        "triggers": ["q~", "ltai", "fwogzxivyxdz", "iqojb3jpz2lu", "ls0tls1crudjti"],
        "pattern": r"(?<![A-Za-z0-9_~.+/-])(?:[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}"
        r"(?![A-Za-z0-9_~.-])|LTAI[A-Za-z0-9]{12,24}(?![A-Za-z0-9])"
        r"|(?:FwoGZXIvYXdz|IQoJb3JpZ2lu|LS0tLS1CRUdJTi)[A-Za-z0-9+/=]{20,})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Telegram bot token",
        "triggers": [":aa"],
        # 35 characters after the colon; Telegram's own documented example (copied into
        # many a notebook) has 34.
        "pattern": r"(?<![0-9])([0-9]{8,10}:)(AA[A-Za-z0-9_-]{32,33})(?![A-Za-z0-9_-])",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "Discord bot token",
        # The bot's id in base64 (``MT…``, ``OD…``: a snowflake's digits), a dot, six
        # characters of time, a dot, the HMAC: ``bot.run("MTIz….GaBcDe.…")``.
        "triggers": [],
        "pattern": r"(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}"
        r"\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_.-])",
        "group": 0,
        "flags": "",
        "check": "random",
        "min_text": 59,
        # A dot, six key characters and a dot: found by one fast scan.
        "prefilter": r"\.[A-Za-z0-9_-]{6}\.",
    },
    {
        "kind": "Airtable token",
        # A personal access token: ``pat`` + 14 characters, a dot, 64 hex digits.
        "triggers": ["pat"],
        "pattern": r"(?<![A-Za-z0-9])pat[A-Za-z0-9]{14}\.[a-f0-9]{64}(?![A-Za-z0-9])",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Fernet key",
        # ``Fernet(b"…=")``: 32 bytes in URL-safe base64 handed to the cipher itself.
        "triggers": ["fernet("],
        "pattern": r"(\bFernet\([ \t]*[bB]?['\"])([A-Za-z0-9_-]{43}=)(?=['\"])",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "Fernet key",
        # A Fernet key alone (printed, in a variable of any name, an env file): 32 bytes in
        # URL-safe base64, 43 characters and "=". Random-looking ones only (``check``).
        # Not base64 of printable ASCII (``VGhlIHF1aWNr…=``, a sentence encoded): each
        # group of 4 characters of such text starts with one of 24 letters (the top bits
        # of a byte 0x20-0x7e), then one of 24, one of 32; the last group's third is one
        # of 16. 32 random bytes read so with odds of ~1e-12.
        "triggers": [],
        "pattern": r"(?<![A-Za-z0-9_+/=-])"
        r"(?!(?:[I-Za-f][C-HS-Xi-ny-z0-3][ABEFIJMNQRUVYZcdghklopstwx014589][A-Za-z0-9_-]){10}"
        r"[I-Za-f][C-HS-Xi-ny-z0-3][AEIMQUYcgkosw048]=)"
        r"[A-Za-z0-9_-]{43}=(?![A-Za-z0-9_+/=-])",
        "group": 0,
        "flags": "",
        "check": "random",
        "min_text": 44,
        "prefilter": r"[A-Za-z0-9_-]{43}=",
    },
    {
        "kind": "Okta API token",
        # An Okta SSWS token alone: "00" and 40 URL-safe characters.
        "triggers": [],
        "pattern": r"(?<![A-Za-z0-9_+/=-])00[A-Za-z0-9_-]{40}(?![A-Za-z0-9_+/=-])",
        "group": 0,
        "flags": "",
        "check": "random",
        "min_text": 42,
        "prefilter": r"00[A-Za-z0-9_-]{40}",
    },
    {
        "kind": "Asana token",
        # A personal access token: "1/" or "2/", the user's (and app's) id, ":" and 32
        # characters; the part after the colon is the secret.
        "triggers": [],
        "pattern": r"((?<![A-Za-z0-9/])[12]/[0-9]{6,20}(?:/[0-9]{6,20})?:)([A-Za-z0-9]{32})"
        r"(?![A-Za-z0-9])",
        "group": 2,
        "flags": "",
        "min_text": 41,
        "prefilter": r"[0-9]/[0-9]{6}",
    },
    {
        "kind": "key passed to a client",
        # ``Mistral("…")``, ``anthropic.Anthropic("…")``, ``cohere.Client("…")``: a
        # constructor's first argument, unnamed and unprefixed, that looks generated. Hex
        # and UUIDs (``UUID("…")``, ``ObjectId("…")``) and words (``Model("gpt-4o")``) stay.
        "triggers": [],
        "pattern": r"((?<![A-Za-z0-9_])[A-Z][A-Za-z0-9_]{0,80}\([ \t]*[bBrRuU]?(['\"]))"
        r"(?![0-9a-fA-F-]{0,200}\2)([A-Za-z0-9_-]{20,200})(?=\2)",
        "group": 3,
        "flags": "",
        "check": "random",
        "min_text": 24,
        "prefilter": r"(?<![A-Za-z0-9_])[A-Z][A-Za-z0-9_]{0,80}\([ \t]*[bBrRuU]?['\"]"
        r"[A-Za-z0-9_-]{20}",
    },
    {
        "kind": "key passed to a client",
        # An API client's first argument in hex (``cohere.Client("7bab…")``, an
        # OpenWeather or Datadog key): a client takes a key, not a digest or an id. Or
        # its second, after an application's id (Algolia's ``SearchClient.create("APPID",
        # "3f9a…")``).
        "triggers": ["client(", "client.create("],
        "pattern": r"((?<![A-Za-z0-9_])(?:[A-Za-z_][A-Za-z0-9_]{0,60})?Client(?:\.create)?\("
        r"[ \t]*(?:[bBrRuU]?(['\"])[A-Z0-9]{6,20}\2[ \t]*,[ \t]*)?[bBrRuU]?(['\"]))"
        r"([0-9a-fA-F]{32,128})(?=\3)",
        "group": 4,
        "flags": "",
    },
    {
        "kind": "JWK private member",
        # A JSON Web Key's private parts (``"d"``, ``"p"``, ``"k"`` …), only in a text that
        # holds ``"kty"``.
        "triggers": ['"kty"', "'kty'"],
        "pattern": r"(['\"](?:d|p|q|dp|dq|qi|k)['\"][ \t]*:[ \t]*['\"])"
        r"([A-Za-z0-9_-]{16,})(?=['\"])",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "PuTTY private key",
        "triggers": ["private-lines"],
        "pattern": r"(Private-Lines:[ \t]*[0-9]{1,4}\r?\n)((?:[A-Za-z0-9+/=]{4,}\r?\n?){1,200})",
        "group": 2,
        "flags": "",
    },
]

# Applied in this order: the key shapes first, then the credentials found by their
# context (context_rules.py) and on tools' command lines and configs (cli_rules.py),
# whose rules read what the shapes left.
VALUE_RULES: list[dict[str, Any]] = [
    *KEY_SHAPES,
    *CONTEXT_RULES,
    *PRINTED_RULES,
    *CLI_RULES,
    *CODE_RULES,
    *SHORT_NAME_RULES,
    *FOREIGN_RULES,
    *LATE_RULES,
]
