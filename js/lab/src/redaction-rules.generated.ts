// Generated from src/jupyter_chatkit/context_policy/rules.py: do not edit.
// Regenerate: python -m jupyter_chatkit.context_policy.rules --write
export const RULES = {
  "secretNamePattern": "(?:^|_)(?:passwords?|passwd|pwd|passphrase|secrets?|token|auth|authorization|credentials?|creds?|dsn|cookies?|session|session_?id|bearer|otp|totp|hotp|pw|(?:db|root|admin|pg|my|sql|mysql|ftp|smtp|mail|ldap|redis|sa|sys|app|svc|master|super|su|web|wifi|vpn|ssh|sudo|login|user|usr|proxy|keystore|truststore)(?:pass|pw)|pa?s{1,2}w(?:o?r?d)?|pwo?r?d|(?:api|private|access|secret|signing|encryption|client)_?keys?|appid|client_?secret|conn(?:ection)?_?str(?:ing)?|psk|pre_?shared_?key|sshpass|security(?:_question)?_?answers?)(?:_|$)|(?:^|_)pass$|(?:^|_)[a-z0-9]*(?:password|passwd|passphrase|secret|token|apikey|credentials?)(?:_|$)|(?:^|_)(?:github|gitlab|gh|gl|ado|azure|devops|bitbucket|hf|git)(?:_[a-z0-9]{1,12}){0,2}_?pat(?:_|$)",
  "nameNumber": "(?<=[A-Za-z])_?[0-9]{1,4}$",
  "secretNameQualifiers": [
    "agent",
    "algorithm",
    "backend",
    "configured",
    "count",
    "counter",
    "days",
    "delimiter",
    "dim",
    "dir",
    "emb",
    "embed",
    "embedding",
    "embeddings",
    "enabled",
    "endpoint",
    "env",
    "error",
    "errors",
    "exception",
    "exists",
    "expires",
    "expiry",
    "field",
    "file",
    "format",
    "garden",
    "hasher",
    "hashers",
    "header",
    "helper",
    "helpers",
    "hint",
    "host",
    "hours",
    "kind",
    "label",
    "len",
    "length",
    "limit",
    "max",
    "method",
    "min",
    "mins",
    "minutes",
    "missing",
    "mode",
    "ms",
    "name",
    "path",
    "pattern",
    "pct",
    "percent",
    "policy",
    "port",
    "present",
    "prompt",
    "provided",
    "provider",
    "rate",
    "ratio",
    "regex",
    "required",
    "santa",
    "sauce",
    "scheme",
    "scope",
    "scopes",
    "score",
    "seconds",
    "secs",
    "separator",
    "share",
    "size",
    "status",
    "store",
    "strategy",
    "strength",
    "timeout",
    "ttl",
    "type",
    "uri",
    "url",
    "user",
    "username",
    "validator",
    "validators",
    "var",
    "version",
    "vocab",
    "word",
    "words"
  ],
  "tokenQualifiers": [
    "counts",
    "freq",
    "freqs",
    "frequencies",
    "frequency",
    "id",
    "ids",
    "idx",
    "index",
    "indices",
    "lengths",
    "lens",
    "list",
    "lists",
    "logprobs",
    "mask",
    "offsets",
    "positions",
    "probs",
    "spans"
  ],
  "tokenTextWords": [
    "all",
    "completion",
    "input",
    "output",
    "prompt",
    "source",
    "special",
    "target",
    "text"
  ],
  "valueRules": [
    {
      "kind": "PEM private key",
      "triggers": [
        "-----begin"
      ],
      "pattern": "-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|(?:[A-Za-z0-9+/=\\s\\\\]|['\\\"],?[ \\t]*['\\\"])*)",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "PEM private key",
      "triggers": [
        "private key-----",
        "private key block-----"
      ],
      "pattern": "(?:(?:^|(?<=\\n))(?<![A-Za-z0-9+/=]\\n)(?<![A-Za-z0-9+/=]\\r\\n)|(?:^|(?<=\\n))[^\\n]*[^A-Za-z0-9+/=\\r\\n][A-Za-z0-9+/=]*\\r?\\n)((?:[A-Za-z0-9+/]{4,100}={0,2}\\r?\\n){1,300})(?=-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)",
      "group": 1,
      "flags": ""
    },
    {
      "kind": "PEM private key",
      "triggers": [],
      "prefilter": "[A-Za-z0-9+/]{48}\\r?\\n",
      "pattern": "(?:^|(?<=[\\s'\\\"]))(?<![A-Za-z0-9+/=-]\\n)(?<![A-Za-z0-9+/=-]\\r\\n)(?:[A-Za-z0-9+/]{48,100}\\r?\\n[ \\t]*){1,300}[A-Za-z0-9+/]{4,100}={0,2}(?![A-Za-z0-9+/=])(?!\\r?\\n(?:-----|[ \\t]*[A-Za-z0-9+/=]))",
      "group": 0,
      "flags": "",
      "min_distinct": 36,
      "min_text": 100
    },
    {
      "kind": "password hash",
      "triggers": [
        "$1$",
        "$2",
        "$5$",
        "$6$",
        "$apr1$",
        "$y$",
        "$argon2",
        "pbkdf2_",
        "$scrypt"
      ],
      "pattern": "(?:\\$(?:1|2[abxy]?|5|6|apr1|y|7|scrypt|argon2(?:id|i|d))|(?<![A-Za-z0-9_])pbkdf2_sha(?:1|256|512))\\$[^\\s:$'\\\"]{1,100}\\$(?:[^\\s:$'\\\"]{1,100}\\$){0,3}[./A-Za-z0-9+=]{16,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "key in text",
      "triggers": [],
      "prefilter": "[A-Za-z0-9]{32}",
      "pattern": "(?<![A-Za-z0-9_+/=.~-])(?!AAAA|eyJ)(?!(?:Qm[1-9A-HJ-NP-Za-km-z]{44}|[13][1-9A-HJ-NP-Za-km-z]{31,33}|[1-9A-HJ-NP-Za-km-z]{43,44})(?![A-Za-z0-9_+/=.~-]))(?=(?:[A-Za-z]{0,100}[0-9]){3})(?=(?:[a-z0-9]{0,100}[A-Z]){3})(?=(?:[A-Z0-9]{0,100}[a-z]){3})[A-Za-z0-9]{32,100}(?![A-Za-z0-9_+/=.~-])(?!\\r?\\n[ \\t]*(?:-----|[A-Za-z0-9+/]{16,100}={0,2}[ \\t]*(?:\\r?\\n|$)))",
      "group": 0,
      "flags": "",
      "check": "random",
      "min_distinct": 20,
      "min_text": 32
    },
    {
      "kind": "DER key body",
      "triggers": [
        "mii"
      ],
      "pattern": "(?<![A-Za-z0-9+/])(?!MII[A-Za-z0-9+/]{3}CC|MII[A-Za-z0-9+/]{3}ANBgkqhkiG9w0BAQEFAAOC)MII[A-Za-z0-9+/]{60,}={0,2}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "OpenSSH key body",
      "triggers": [
        "b3blbnnzac1rzxktdje"
      ],
      "pattern": "(?<![A-Za-z0-9+/])b3BlbnNzaC1rZXktdjE(?:[A-Za-z0-9+/=]|\\\\n|\\s|['\\\"],?[ \\t]*['\\\"])*",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "JWT",
      "triggers": [
        "eyj"
      ],
      "pattern": "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\\.eyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "API key",
      "triggers": [
        "sk-"
      ],
      "pattern": "(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{16,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "API key",
      "triggers": [
        "sk-",
        "sk_",
        "rk_",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "hf_",
        "xox",
        "xapp-",
        "whsec_",
        "glpat-",
        "gldt-",
        "glrt-",
        "glptt-",
        "glcbt-",
        "glsoat-",
        "glft-",
        "glimt-",
        "glagent-",
        "npm_",
        "pypi-",
        "sg.",
        "ya29.",
        "dapi",
        "gocspx-",
        "shpat_",
        "shpss_",
        "shpca_",
        "shppa_",
        "dop_v1_",
        "doo_v1_",
        "r8_",
        "gsk_",
        "pplx-",
        "lin_api_",
        "xai-",
        "hvs.",
        "glsa_",
        "nrak-",
        "ltai",
        "akid",
        "akia",
        "asia",
        "aiza",
        "lsv2_",
        "sntrys_",
        "sbp_",
        "atatt",
        "ntn_",
        "pcsk_"
      ],
      "pattern": "(?<![A-Za-z0-9_-])(?:sk-(?:proj-|svcacct-|admin-|ant-(?:api03-|admin01-)?)?|(?:sk|rk)_(?:live|test)_|gh[pousr]_|github_pat_|hf_|xox[abeoprs]-|xapp-|whsec_|gl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|agent)-|npm_|pypi-|SG\\.|ya29\\.|dapi|GOCSPX-|shp(?:at|ss|ca|pa)_|do[op]_v1_|r8_|gsk_|pplx-|lin_api_|xai-|hvs\\.|glsa_|NRAK-|LTAI|AKID|AKIA|ASIA|AIza|lsv2_(?:pt|sk)_|sntrys_|sbp_|ATATT|ntn_|pcsk_)(?:(?=[A-Za-z0-9_-]{0,60}[0-9])(?=[A-Za-z0-9_-]{0,60}[A-Za-z])[A-Za-z0-9_-]{4,60}(?:\\.{3}|…)(?=[A-Za-z0-9_-]{0,60}[0-9])[A-Za-z0-9_-]{4,60}|[A-Za-z0-9_-]{1,60}(?:\\.{3}|…)(?=[A-Za-z0-9_-]{0,60}[0-9])(?=[A-Za-z0-9_-]{0,60}[A-Za-z])[A-Za-z0-9_-]{4,60}|(?=[A-Za-z0-9_-]{0,60}[A-Z])(?=[A-Za-z0-9_-]{0,60}[a-z])[A-Za-z0-9_-]{8,60}(?:\\.{3}|…)(?=[A-Za-z0-9_-]{0,60}[A-Z])(?=[A-Za-z0-9_-]{0,60}[a-z])[A-Za-z0-9_-]{8,60})(?![A-Za-z0-9_-])",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Stripe key",
      "triggers": [
        "sk_",
        "rk_"
      ],
      "pattern": "(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "GitHub token",
      "triggers": [
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_"
      ],
      "pattern": "(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Hugging Face token",
      "triggers": [
        "hf_"
      ],
      "pattern": "(?<![A-Za-z0-9])hf_[A-Za-z0-9]{20,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Slack token",
      "triggers": [
        "xox",
        "xapp-"
      ],
      "pattern": "(?<![A-Za-z0-9])(?:xox[abeoprs]-(?=[A-Za-z0-9-]{0,40}[0-9])[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,})",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Slack webhook",
      "triggers": [
        "hooks.slack"
      ],
      "pattern": "(hooks\\.slack\\.com/(?:services|workflows|triggers)/)([A-Za-z0-9/_-]{16,})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "Slack webhook",
      "triggers": [
        "/services/t"
      ],
      "pattern": "(/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/)([A-Za-z0-9]{16,})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "Teams webhook",
      "triggers": [
        "/incomingwebhook/"
      ],
      "pattern": "(/IncomingWebhook/)([A-Za-z0-9/_-]{20,})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "extended private key",
      "triggers": [
        "prv"
      ],
      "pattern": "(?<![A-Za-z0-9])[xtyzuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{100,112}(?![A-Za-z0-9])",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "PagerDuty token",
      "triggers": [
        "u+"
      ],
      "pattern": "(?<![A-Za-z0-9_+/=-])u\\+[A-Za-z0-9_-]{18,20}(?![A-Za-z0-9_+/=-])",
      "group": 0,
      "flags": "",
      "check": "random"
    },
    {
      "kind": "Dropbox token",
      "triggers": [
        "sl."
      ],
      "pattern": "(?<![A-Za-z0-9_.-])sl\\.(?:u\\.)?[A-Za-z0-9_-]{60,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Stripe webhook secret",
      "triggers": [
        "whsec_"
      ],
      "pattern": "(?<![A-Za-z0-9])whsec_[A-Za-z0-9]{16,}",
      "group": 0,
      "flags": ""
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
        "glagent-"
      ],
      "pattern": "(?<![A-Za-z0-9])gl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "package registry token",
      "triggers": [
        "npm_",
        "pypi-"
      ],
      "pattern": "(?<![A-Za-z0-9])(?:npm_[A-Za-z0-9]{30,}|pypi-[A-Za-z0-9_-]{50,})",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "SendGrid key",
      "triggers": [
        "sg."
      ],
      "pattern": "(?<![A-Za-z0-9])SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Google OAuth token",
      "triggers": [
        "ya29.",
        "1//0"
      ],
      "pattern": "(?<![A-Za-z0-9])(?:ya29\\.[A-Za-z0-9_-]{20,}|1//0[A-Za-z0-9_-]{30,})",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Databricks token",
      "triggers": [
        "dapi"
      ],
      "pattern": "(?<![A-Za-z0-9])dapi[a-f0-9]{32}(?:-[0-9])?",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "service token",
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
        "hrku-"
      ],
      "pattern": "(?<![A-Za-z0-9_-])(?:GOCSPX-[A-Za-z0-9_-]{20,}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{20,}|do[op]_v1_[a-f0-9]{40,}|AGE-SECRET-KEY-1[A-Z0-9]{40,}|r8_[A-Za-z0-9]{20,}|gsk_[A-Za-z0-9]{20,}|pplx-[A-Za-z0-9]{20,}|lin_api_[A-Za-z0-9]{20,}|xai-[A-Za-z0-9]{20,}|key-[a-f0-9]{32}(?![a-f0-9])|sq0(?:atp|csp)-[A-Za-z0-9_-]{20,}|ATATT3[A-Za-z0-9_=-]{20,}|ntn_[A-Za-z0-9]{20,}|secret_[A-Za-z0-9]{40,}|PMAK-[a-f0-9]{20,}-[a-f0-9]{20,}|dp\\.(?:pt|st|sa|ct|scim|audit)\\.(?:[A-Za-z0-9_-]{1,40}\\.)?[A-Za-z0-9]{20,}|hv[sb]\\.[A-Za-z0-9_-]{20,}|HRKU-[A-Za-z0-9_-]{30,}|gl(?:sa|c)_[A-Za-z0-9_+/=-]{20,}|NRAK-[A-Z0-9]{20,}|sntrys_[A-Za-z0-9_+/=-]{20,}|sbp_[a-f0-9]{30,}|nfp_[A-Za-z0-9]{20,}|pul-[a-f0-9]{30,})",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "service token",
      "triggers": [
        "lsv2_",
        "akid",
        "ccipat_",
        "dose",
        "aaaaaaaaaaaaaaaaaaaa",
        "-us",
        "v1.0-"
      ],
      "pattern": "(?<![A-Za-z0-9_-])(?:lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}|AKID[A-Za-z0-9]{32}|CCIPAT_[A-Za-z0-9]{20,}_[a-f0-9]{40}|dose[a-f0-9]{32}|A{21,23}(?!A)[A-Za-z0-9%+/=]{60,}|[a-f0-9]{32}-us[0-9]{1,2}|v1\\.0-[a-f0-9]{24}-[a-f0-9]{100,})(?![A-Za-z0-9_-])",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "webhook URL",
      "triggers": [
        "discord",
        "webhook.office"
      ],
      "pattern": "((?:discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/|\\.webhook\\.office\\.com/webhookb2/))([A-Za-z0-9@/_-]{40,})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "Mapbox token",
      "triggers": [
        "pk.eyj",
        "sk.eyj",
        "tk.eyj"
      ],
      "pattern": "(?<![A-Za-z0-9_.-])[pst]k\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Twilio auth token",
      "triggers": [
        "ac",
        "sk"
      ],
      "pattern": "((?<![A-Za-z0-9])(?:AC|SK)[a-f0-9]{32}['\\\"]?[ \\t]*[,:;][ \\t]*(?:[A-Za-z_][A-Za-z0-9_]{0,40}[ \\t]*=[ \\t]*)?['\\\"]?)([A-Za-z0-9]{32})(?![A-Za-z0-9])",
      "group": 2,
      "flags": "",
      "min_text": 66
    },
    {
      "kind": "cloud key",
      "triggers": [
        "q~",
        "ltai",
        "fwogzxivyxdz",
        "iqojb3jpz2lu",
        "ls0tls1crudjti"
      ],
      "pattern": "(?<![A-Za-z0-9_~.+/-])(?:[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])|LTAI[A-Za-z0-9]{12,24}(?![A-Za-z0-9])|(?:FwoGZXIvYXdz|IQoJb3JpZ2lu|LS0tLS1CRUdJTi)[A-Za-z0-9+/=]{20,})",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Telegram bot token",
      "triggers": [
        ":aa"
      ],
      "pattern": "(?<![0-9])([0-9]{8,10}:)(AA[A-Za-z0-9_-]{32,33})(?![A-Za-z0-9_-])",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "Discord bot token",
      "triggers": [],
      "pattern": "(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_.-])",
      "group": 0,
      "flags": "",
      "check": "random",
      "min_text": 59,
      "prefilter": "\\.[A-Za-z0-9_-]{6}\\."
    },
    {
      "kind": "Airtable token",
      "triggers": [
        "pat"
      ],
      "pattern": "(?<![A-Za-z0-9])pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}(?![A-Za-z0-9])",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Fernet key",
      "triggers": [
        "fernet("
      ],
      "pattern": "(\\bFernet\\([ \\t]*[bB]?['\\\"])([A-Za-z0-9_-]{43}=)(?=['\\\"])",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "Fernet key",
      "triggers": [],
      "pattern": "(?<![A-Za-z0-9_+/=-])(?!(?:[I-Za-f][C-HS-Xi-ny-z0-3][ABEFIJMNQRUVYZcdghklopstwx014589][A-Za-z0-9_-]){10}[I-Za-f][C-HS-Xi-ny-z0-3][AEIMQUYcgkosw048]=)[A-Za-z0-9_-]{43}=(?![A-Za-z0-9_+/=-])",
      "group": 0,
      "flags": "",
      "check": "random",
      "min_text": 44,
      "prefilter": "[A-Za-z0-9_-]{43}="
    },
    {
      "kind": "Okta API token",
      "triggers": [],
      "pattern": "(?<![A-Za-z0-9_+/=-])00[A-Za-z0-9_-]{40}(?![A-Za-z0-9_+/=-])",
      "group": 0,
      "flags": "",
      "check": "random",
      "min_text": 42,
      "prefilter": "00[A-Za-z0-9_-]{40}"
    },
    {
      "kind": "Asana token",
      "triggers": [],
      "pattern": "((?<![A-Za-z0-9/])[12]/[0-9]{6,20}(?:/[0-9]{6,20})?:)([A-Za-z0-9]{32})(?![A-Za-z0-9])",
      "group": 2,
      "flags": "",
      "min_text": 41,
      "prefilter": "[0-9]/[0-9]{6}"
    },
    {
      "kind": "key passed to a client",
      "triggers": [],
      "pattern": "((?<![A-Za-z0-9_])[A-Z][A-Za-z0-9_]{0,80}\\([ \\t]*[bBrRuU]?(['\\\"]))(?![0-9a-fA-F-]{0,200}\\2)([A-Za-z0-9_-]{20,200})(?=\\2)",
      "group": 3,
      "flags": "",
      "check": "random",
      "min_text": 24,
      "prefilter": "(?<![A-Za-z0-9_])[A-Z][A-Za-z0-9_]{0,80}\\([ \\t]*[bBrRuU]?['\\\"][A-Za-z0-9_-]{20}"
    },
    {
      "kind": "key passed to a client",
      "triggers": [
        "client(",
        "client.create("
      ],
      "pattern": "((?<![A-Za-z0-9_])(?:[A-Za-z_][A-Za-z0-9_]{0,60})?Client(?:\\.create)?\\([ \\t]*(?:[bBrRuU]?(['\\\"])[A-Z0-9]{6,20}\\2[ \\t]*,[ \\t]*)?[bBrRuU]?(['\\\"]))([0-9a-fA-F]{32,128})(?=\\3)",
      "group": 4,
      "flags": ""
    },
    {
      "kind": "JWK private member",
      "triggers": [
        "\"kty\"",
        "'kty'"
      ],
      "pattern": "(['\\\"](?:d|p|q|dp|dq|qi|k)['\\\"][ \\t]*:[ \\t]*['\\\"])([A-Za-z0-9_-]{16,})(?=['\\\"])",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "PuTTY private key",
      "triggers": [
        "private-lines"
      ],
      "pattern": "(Private-Lines:[ \\t]*[0-9]{1,4}\\r?\\n)((?:[A-Za-z0-9+/=]{4,}\\r?\\n?){1,200})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        ".join("
      ],
      "pattern": "((?<![A-Za-z0-9_.])(?:[A-Za-z][A-Za-z0-9]{0,30}_){0,3}(?:password|passwd|passphrase|pass|pwd|pw|secret|api_?key|private_?key|access_?key|credentials?|(?<=_)token)s?(?![A-Za-z0-9_])['\\\"]?\\]?[ \\t]*(?::=|=|:)[ \\t]*(['\\\"])[^'\\\"\\n]{0,5}\\2\\.join\\([ \\t]*[\\[(][ \\t]*)((?:'[^'\\n«]{0,500}'|\\\"[^\\\"\\n«]{0,500}\\\")(?:[ \\t]*,[ \\t]*(?:'[^'\\n«]{0,500}'|\\\"[^\\\"\\n«]{0,500}\\\")){0,100})(?=[ \\t]*,?[ \\t]*[\\])])",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "Oracle password",
      "triggers": [
        "sqlplus",
        "oracle",
        "cx_oracle"
      ],
      "pattern": "(\\b(?:sqlplus|oracledb\\.connect|cx_Oracle\\.connect)\\b[^\\n]{0,40}?[\\s('\\\"][A-Za-z0-9_$#]{1,60}/)([^\\s@'\\\"/«]+)(?=@)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "HTML input value",
      "triggers": [
        "<input"
      ],
      "pattern": "(<input\\b(?=[^>]{0,300}\\b(?:type|name|id)[ \\t]*=[ \\t]*['\\\"]?[A-Za-z_-]{0,40}(?:password|passwd|secret|token|api[_-]?key)[A-Za-z_-]{0,40}['\\\"]?)[^>]{0,300}?\\bvalue[ \\t]*=[ \\t]*['\\\"])([^'\\\"<>«]{1,500})(?=['\\\"])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "recovery phrase",
      "triggers": [
        "mnemonic",
        "phrase"
      ],
      "pattern": "(\\b(?:mnemonic|seed[ _-]?phrase|recovery[ _-]?phrase|secret[ _-]?phrase)\\b['\\\"]?[ \\t]*[:=][ \\t]*['\\\"]?)((?:[a-z]{3,8}[ \\t]+){11,23}[a-z]{3,8})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "command-line password",
      "triggers": [
        "login",
        "sqlcmd",
        "bcp",
        "osql"
      ],
      "pattern": "(\\b(?:(?:az|docker|podman|oc|helm[ \\t]+registry|nerdctl)[ \\t]+login|sqlcmd|bcp|osql)\\b[^\\n]{0,200}?[ \\t](?:-p|-P)[ \\t]+['\\\"]?)((?![$%{<])[^\\s'\\\"«-][^\\s'\\\"«]*)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "credential",
        "creds",
        "login",
        "auth"
      ],
      "pattern": "(\\b(?:credentials?|creds|login|[A-Za-z]{0,20}?auth(?:entication)?)\\b[ \\t:=]{0,3}\\([ \\t]*['\\\"][^'\\\"\\n]{0,100}['\\\"][ \\t]*,[ \\t]*['\\\"])([^'\\\"\\n«]{1,200})(?=['\\\"])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "password for",
        "passphrase for",
        "token for"
      ],
      "pattern": "(\\b(?:password|passphrase|token)[ \\t]+for[ \\t]+[^\\n]{1,200}?['\\\"]?:[ \\t]+)([^\\s'\\\"«]{4,})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "validation input",
      "triggers": [
        "input_value"
      ],
      "pattern": "((?:^|\\n)(?=[A-Za-z0-9_.]{0,200}\\r?\\n)[A-Za-z0-9_.]{0,200}?(?:password|passwd|secret|token|api_?key|credential|private_?key)[A-Za-z0-9_.]{0,200}\\r?\\n[ \\t][^\\n]{0,300}?\\binput_value=['\\\"])([^'\\\"\\n«]{1,500})(?=['\\\"])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "environment entry",
      "triggers": [
        "name:"
      ],
      "pattern": "(\\bname:[ \\t]*['\\\"]?[A-Za-z0-9_.-]{0,60}(?:password|passwd|secret|token|api_?key|credentials?|private_?key)[A-Za-z0-9_.-]{0,60}['\\\"]?[ \\t]*\\r?\\n[ \\t]+value:[ \\t]*['\\\"]?)([^\\s'\\\"«]+)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in a pair",
      "triggers": [],
      "prefilter": "(?:^|\\n)[ \\t]*[A-Za-z][A-Za-z0-9._@+\\\\-]{0,63}:[^\\s:]{8}",
      "pattern": "((?:^|(?<=\\n))[ \\t]*[A-Za-z][A-Za-z0-9._@+\\\\-]{0,63}:)(?![^\\s'\\\"]{0,128}[/\\\\.])([^\\s:'\\\"«]{8,128})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "",
      "check": "pair password"
    },
    {
      "kind": "URL password",
      "triggers": [
        "@"
      ],
      "pattern": "((?:^|(?<=[\\s'\\\"=(<])|(?<=//))(?!(?:mailto|sips?|xmpp|im|pres|acct|urn|news|tel):)(?=[0-9._%+-]{0,63}[A-Za-z])[A-Za-z0-9._%+-]{1,64}:)(?!(?:\\*{1,64}|[Pp]ass(?:word|wd)?|PASS(?:WORD|WD)?|[Pp]wd|PWD|[Ss]ecret|SECRET)@)([^\\s:@/'\\\"«]{1,200})(?=@[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?(?:[/\\s'\\\"),]|$))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "AWS key id",
      "triggers": [
        "akia",
        "asia"
      ],
      "pattern": "(?<![A-Z0-9])(?:AKIA|ASIA)(?!X{16})[A-Z0-9]{16}(?![A-Z0-9])",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Google API key",
      "triggers": [
        "aiza"
      ],
      "pattern": "(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{30,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "AWS secret key",
      "triggers": [],
      "pattern": "(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]{0,39}[0-9])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?!(?:[A-Za-z0-9+]*/){5})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])(?![ \\t]*\\r?\\n[ \\t]*-----END (?:CERTIFICATE|PUBLIC KEY|[A-Z]+ PUBLIC KEY|CERTIFICATE REQUEST|X509 CRL)-----)",
      "group": 0,
      "flags": "",
      "min_distinct": 25,
      "min_text": 40
    },
    {
      "kind": "webhook URL",
      "triggers": [
        "/api/webhooks/"
      ],
      "pattern": "(/api/webhooks/[0-9]{5,}/)([A-Za-z0-9_-]{30,})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "cookie",
      "triggers": [
        "cookie"
      ],
      "pattern": "(\\b(?:set-)?cookie['\\\"]?[ \\t]*:[ \\t]*['\\\"]?)((?=[^\\n'\\\"«]{0,200}=)(?![^\\n'\\\"«]{0,200}[{$])[^\\n'\\\"«]{6,})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "b64encode("
      ],
      "pattern": "(\\bb64encode\\([ \\t]*(?:[bBrRuU]|[fF][bBrR]?|[bBrR][fF])?(['\\\"])[^'\\\"\\s:]{0,100}:)(?![{$%])([^'\\\"\\s«]{3,200})(?=\\2)",
      "group": 3,
      "flags": ""
    },
    {
      "kind": "cookie",
      "triggers": [
        "2|1:0|"
      ],
      "pattern": "(\\b2\\|1:0\\|)([0-9]{1,3}:[0-9]{1,20}\\|[0-9]{1,4}:[^|\\s'\\\"«]{0,300}\\|[0-9]{1,5}:[A-Za-z0-9+/=_-]{0,8000}\\|[0-9a-fA-F]{64})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "xsrf token",
      "triggers": [
        "xsrf"
      ],
      "pattern": "(\\b2\\|[0-9a-f]{8}\\|)([0-9a-f]{32})(?=\\|[0-9]{1,20})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "cookie",
      "triggers": [
        "<cookie "
      ],
      "pattern": "(<Cookie [^\\s=<>]{1,200}=)([^\\s<>«]{1,4000})(?= for [^\\s<>]{0,300}[ \\t]?/?>)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "cookie",
      "triggers": [
        "cookie(version="
      ],
      "pattern": "(\\bCookie\\(version=[0-9]{1,3},[ \\t]*name=(['\\\"])[^'\\\"\\n]{0,200}\\2,[ \\t]*value=(['\\\"]))([^'\\\"\\n«]{1,4000})(?=\\3)",
      "group": 4,
      "flags": ""
    },
    {
      "kind": ".netrc password",
      "triggers": [
        "machine",
        "login"
      ],
      "pattern": "(\\b(?:machine|login|account)[ \\t][^\\n]{0,300}?\\bpassword[ \\t]+|(?:^|\\n)[ \\t]*password[ \\t]+)((?!(?:is|was|for|of|to|the)\\b)(?:(?=[^\\s'\\\"«]*[0-9!@#$%^&*_+~])[^\\s'\\\"«]+|[^\\s'\\\"«]+(?![^\\s'\\\"«])(?=[ \\t]*(?:\\r?\\n|$|(?:machine|login|account|port)[ \\t]+[^\\s]+[ \\t]*(?:\\r?\\n|$|(?:machine|login|account|password|port)[ \\t])))))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": ".pgpass password",
      "triggers": [
        ":"
      ],
      "pattern": "((?:^|\\n|(?<=echo ')|(?<=echo \\\"))(?:\\*|(?:[0-9a-fA-F]{0,4}\\\\:){2,7}[0-9a-fA-F]{0,4}|(?=[^\\s:#]*[g-zG-Z.])[^\\s:#]+|(?=[0-9]{0,63}[a-fA-F])(?:[0-9a-fA-F]{5,64}|[0-9a-fA-F]{1,4}(?=:(?:[0-9]{1,5}|\\*):(?:[^\\s:]*[^\\s:0-9a-fA-F]|[^\\s:]+:[^\\s:]*[^\\s:0-9a-fA-F])))):(?:[0-9]{1,5}|\\*):[^\\s:]+:[^\\s:]+:)([^\\s«]+?)(?=\\n|$|['\\\"][ \\t]*>)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "credential",
        "creds",
        "login"
      ],
      "pattern": "(\\b(?:credentials?|creds|login)[ \\t]+['\\\"]?[^\\s:'\\\"@/]+:)((?!/)[^\\s'\\\"@«]{4,})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "key in text",
      "triggers": [
        "pass",
        "pw",
        "secret",
        "token",
        "key",
        "credential",
        "auth",
        "seed"
      ],
      "pattern": "((?<![A-Za-z0-9]-)\\b(?:password|passwd|passphrase|pw|pwd|secret|token|key|api[ _-]?key|credentials?|auth|seed)\\b[^\\n]{0,40}?[ \\t'\\\"`=:])([A-Za-z0-9+/=_.~-]{16,})",
      "group": 2,
      "flags": "i",
      "check": "random"
    },
    {
      "kind": "authorization header",
      "triggers": [
        "digest"
      ],
      "pattern": "(\\bdigest[ \\t][^\\n]{0,400}?\\bresponse[ \\t]*=[ \\t]*['\\\"]?)([0-9a-fA-F]{32,128})(?![0-9a-fA-F])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "authorization header",
      "triggers": [
        "authorization"
      ],
      "pattern": "(\\bauthorization['\\\"]?[ \\t]*[:=][ \\t]*['\\\"]?(?:(?:bearer|basic|token|digest|apikey|sso-key)[ \\t]+)?)((?![{$<])(?!(?:bearer|basic|token|digest|apikey|sso-key)[ \\t]*(?:\\r?\\n|$|[{$<'\\\"`]))[^\\s'\\\",;}«]{6,})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "bearer token",
      "triggers": [
        "bearer",
        "token",
        "basic"
      ],
      "pattern": "(\\b(?:bearer|token|basic)[ \\t]+)((?=[A-Za-z0-9._~+/=-]{12,})[A-Za-z._~+/=-]*[0-9][A-Za-z0-9._~+/=-]*)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "URL password",
      "triggers": [
        "://"
      ],
      "pattern": "((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+._-]*://(?:«redacted: [^»\\n]{1,80}»|[^\\s:/?#@'\\\"«])*:)(?!(?:\\{\\{?[^{}\\s@]{1,100}\\}\\}?|\\$\\{?[A-Za-z_][A-Za-z0-9_]{0,60}\\}?|%s|%\\([A-Za-z_][A-Za-z0-9_]{0,40}\\)s|<[^<>\\s@]{1,60}>|\\*{1,64}|[Pp]ass(?:word|wd)?|PASS(?:WORD|WD)?|[Pp]wd|PWD|[Ss]ecret|SECRET)@)([^\\s/'\\\"]+|(?![0-9]{1,5}/)[^\\s'\\\"]{1,256})(?=@[^\\s@/'\\\"]*(?:[/?#\\s'\\\"]|$))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "URL password",
      "triggers": [
        "://"
      ],
      "pattern": "(://[^\\s'\\\"@/:]{0,100}:(['\\\"])[ \\t]*\\+[ \\t]*(['\\\"]))([^'\\\"\\n«]{1,200})(?=\\3[ \\t]*\\+[ \\t]*[rbuRBU]?['\\\"]@)",
      "group": 4,
      "flags": ""
    },
    {
      "kind": "URL password",
      "triggers": [
        "://"
      ],
      "pattern": "(://(?:[^\\s'\\\"@/:{}]|\\{[^{}\\n'\\\"]{0,100}\\}){0,100}:\\{[ \\t]*(['\\\"]))([^'\\\"\\n«{}]{1,200})(?=\\2[ \\t]*\\}@)",
      "group": 3,
      "flags": ""
    },
    {
      "kind": "netrc password",
      "triggers": [
        "none, '",
        "none, \"",
        "'', '",
        "\"\", \""
      ],
      "pattern": "(\\([ \\t]*(['\\\"])[^'\\\"\\s]{1,200}\\2,[ \\t]*(?:None|''|\\\"\\\"),[ \\t]*(['\\\"]))([^'\\\"\\n«]{8,500})(?=\\3[ \\t]*\\))",
      "group": 4,
      "flags": "",
      "check": "password"
    },
    {
      "kind": "password in a pair",
      "triggers": [
        "', '",
        "','",
        "', b'",
        "\", \"",
        "\",\"",
        "\", b\"",
        "' '",
        "\" \""
      ],
      "pattern": "((?:[(\\[]|,)[ \\t]*b?(['\\\"])[A-Za-z][A-Za-z0-9._@+\\\\-]{0,63}\\2(?:,[ \\t]*|[ \\t]+)b?(['\\\"]))(?![^'\\\"\\s]{0,128}[/\\\\.]|[A-Za-z][A-Za-z0-9]{0,60}(?:_[A-Za-z0-9]{1,60}){1,8}\\3)([^'\\\"\\s«]{8,128})(?=\\3[ \\t]*[,)\\]])",
      "group": 4,
      "flags": "",
      "check": "pair password"
    },
    {
      "kind": "password in a pair",
      "triggers": [
        "', '",
        "','",
        "', b'",
        "\", \"",
        "\",\"",
        "\", b\""
      ],
      "pattern": "([(\\[][ \\t]*b?(['\\\"]))(?![^'\\\"\\s]{0,128}[/\\\\.:]|[A-Za-z][A-Za-z0-9]{0,60}(?:_[A-Za-z0-9]{1,60}){1,8}\\2)([^'\\\"\\s«]{8,128})(?=\\2,[ \\t]*b?(['\\\"])[A-Za-z][A-Za-z0-9._@+\\\\-]{0,63}\\4[ \\t]*[)\\]])",
      "group": 3,
      "flags": "",
      "check": "pair password"
    },
    {
      "kind": "password in a pair",
      "triggers": [
        "': '",
        "':'",
        "\": \"",
        "\":\""
      ],
      "pattern": "((?:[{,][ \\t]*\\r?\\n?|^|(?<=\\n))[ \\t]*(['\\\"])[A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ][A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9._@+\\\\-]{0,63}\\2[ \\t]*:[ \\t]*(['\\\"]))(?![^'\\\"\\s]{0,128}[/\\\\.:]|#[0-9A-Fa-f]{3,8}\\3)(?=[^'\\\"\\s«]{0,127}[A-Z])(?=[^'\\\"\\s«]{0,127}[a-z])(?=[^'\\\"\\s«]{0,127}[0-9])(?=[^'\\\"\\s«]{0,127}[!@#$%^&*~])([^'\\\"\\s«]{8,128})(?=\\3[ \\t]*(?:[,}]|\\r?\\n|$))",
      "group": 4,
      "flags": "",
      "check": "pair password"
    },
    {
      "kind": "connection string secret",
      "triggers": [
        "accountkey",
        "accesskey",
        "sharedaccess",
        "password",
        "pwd"
      ],
      "pattern": "((?:(?:^|[;\\s'\\\"])(?:AccountKey|SharedAccessKey|SharedAccessSignature|AccessKey)|;[ \\t]*(?:Password|Pwd)|(?:^|(?<=[\\s'\\\"(]))(?:Password|Pwd)(?=[ \\t]*=[ \\t]*\\{))[ \\t]*=[ \\t]*(?:\\{(?!(?:[0-9]{0,2}|[A-Za-z_]{0,30}(?:pass|pwd|pw|secret|key|token|cred|auth)[A-Za-z_]{0,30}|[A-Za-z_][A-Za-z0-9_]{0,40}(?:\\.[A-Za-z_][A-Za-z0-9_]{0,40}|\\[[^\\]\\n{}]{0,40}\\]){1,4})\\})(?=(?:[^{}\\n«]|\\}\\}){1,500}\\}))?)((?<=\\{)(?:[^{}\\n«]|\\}\\}){1,500}(?=\\})|(?<!\\{)[^;\\s'\\\"«]+)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "package registry token",
      "triggers": [
        "/t/"
      ],
      "pattern": "(\\bconda[A-Za-z0-9.-]{0,100}\\.[A-Za-z]{2,24}(?::[0-9]{2,5})?/t/)([A-Za-z0-9_-]{12,200})(?=/)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "Oracle password",
      "triggers": [
        "@"
      ],
      "pattern": "((?:^|(?<=[\\s'\\\"=(,])|(?<=:thin:))[A-Za-z][A-Za-z0-9_$#.]{0,59}/)([^\\s@'\\\"/«]{1,128})(?=@(?://[A-Za-z0-9.-]{1,253}|[A-Za-z0-9.-]{1,253}:[0-9]{2,5}[/:]))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "api"
      ],
      "pattern": "(\\b(?:password|passwd|passphrase|secret|token|api[ _-]?key)[ \\t]+(?:(?:is|was|set to|of)[ \\t]+)?['\\\"`])([^'\\\"`\\n«]{4,200})(?=['\\\"`])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "api",
        "pw"
      ],
      "pattern": "(\\b(?:password|passwd|passphrase|secret|token|api[ _-]?key)[ \\t]+(?:is|was)[ \\t]+|\\b(?:password|passwd|passphrase|pw|pwd)[ \\t]+(?!(?:is|was|for|of|to|and|the|in|on|at)\\b))((?=[^\\s'\\\"«]*[0-9!@#$%^&*])[^\\s'\\\"«]{6,})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "command-line password",
      "triggers": [
        "-u ",
        "--user"
      ],
      "pattern": "((?:^|\\s)(?:-u|--user)[ \\t]+['\\\"]?[^\\s:'\\\"]+:)((?!//)(?!\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?(?:[\\s'\\\"]|$))[^\\s'\\\"@«]+)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "-pass",
        "-pwd",
        "-token",
        "-secret",
        "-api",
        "-access",
        "-auth",
        "-client"
      ],
      "pattern": "((?:^|[\\s'\\\"])--?(?:password|passwd|passphrase|pass|pwd|token|secret|api[-_]?key|access[-_]token|auth[-_]token|client[-_]secret)(?:=|[ \\t]+)['\\\"]?)((?![${%-])(?!<[A-Za-z_.-]{1,60}>)(?![A-Z][A-Z0-9_]*(?:[\\s'\\\"\\]]|$))[^\\s'\\\"«]{4,})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "'-u'",
        "\"-u\"",
        "'--user'",
        "\"--user\""
      ],
      "pattern": "((['\\\"])(?:-u|--user)\\2[ \\t]*,[ \\t]*(['\\\"])[^\\s:'\\\"]{1,200}:)((?!//)(?![${%])[^\\s'\\\"@«]{1,500})(?=\\3)",
      "group": 4,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "lftp"
      ],
      "pattern": "(\\blftp\\b[^\\n]{0,200}?[ \\t]-u[ \\t]+['\\\"]?[^\\s,'\\\"]{1,200},)((?![${%<])[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "mysql",
        "mariadb"
      ],
      "pattern": "(\\b(?:mysql|mariadb)[a-z-]{0,40}\\b[^\\n]{0,200}?[ \\t]-p)([^\\s'\\\"«]+|(?<=-p)'[^'\\n«$]{1,200}'|(?<=-p)\\\"[^\\\"\\n«$]{1,200}\\\")",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "sshpass",
        "redis-cli"
      ],
      "pattern": "(\\b(?:sshpass[ \\t]+-p|redis-cli\\b[^\\n]{0,200}?[ \\t](?:-a|--pass))[ \\t]*['\\\"]?)([^\\s'\\\"«-][^\\s'\\\"«]*)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "XML element",
      "triggers": [
        "password>",
        "passwd>",
        "secret>",
        "token>",
        "apikey>",
        "api_key>",
        "credential>"
      ],
      "pattern": "(<([A-Za-z_:-]*(?:[Pp]assword|[Pp]asswd|[Ss]ecret|[Tt]oken|[Aa]pi_?[Kk]ey|[Cc]redential)[A-Za-z_:-]*)>)(?!\\$\\{[A-Za-z_][A-Za-z0-9_.]{0,100}\\}<)([^<«]{1,500})(?=</\\2>)",
      "group": 3,
      "flags": ""
    },
    {
      "kind": "query secret",
      "triggers": [
        "%3d"
      ],
      "pattern": "((?:\\b|(?<=%[0-9A-Fa-f]{2}))(?:password|passwd|pwd|token|secret|api[_-]?key|access_token|client_secret)%3D)([^&\\s'\\\"%«]+)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "query secret",
      "triggers": [
        "password=",
        "passwd=",
        "pwd=",
        "token=",
        "secret=",
        "key=",
        "auth=",
        "sig=",
        "signature=",
        "credential=",
        "appid=",
        "sessid=",
        "sessionid=",
        "session_id=",
        "session-id="
      ],
      "pattern": "([?&;#](?:password|passwd|pwd|token|secret|api[_-]?key|key|access_token|refresh_token|id_token|client_secret|private_token|auth|sig|signature|h?apikey|appid|(?:access|secret|auth|private|app|client|consumer|license|master|developer|dev|account|subscription|user)[_-]?key|[A-Za-z0-9-]*[-_]?(?:signature|secret|password|credential)|[A-Za-z0-9-]*[-_]?(?:security|session|access|refresh|auth|id|bearer|api|app|user)[-_]?token|jwt|(?:j|php)?sess(?:ion)?[_-]?id)=)((?![<{$])[^&\\s'\\\"#«]+)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "query secret",
      "triggers": [
        "?code=",
        "&code=",
        ";code=",
        "#code="
      ],
      "pattern": "([?&;#]code=)((?![<{$])[^&?;\\s'\\\"#«]{10,500})(?![^&?;\\s'\\\"#«])",
      "group": 2,
      "flags": "i",
      "check": "password"
    },
    {
      "kind": "URL token",
      "triggers": [
        "/t/"
      ],
      "pattern": "(anaconda\\.(?:org|cloud|com)/(?:[A-Za-z0-9_.-]{1,60}/){0,3}t/)([A-Za-z0-9_-]{8,200})(?=/)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "URL token",
      "triggers": [
        "://"
      ],
      "pattern": "((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)([A-Za-z0-9_.~-]{16,200})(?=@[A-Za-z0-9.-])",
      "group": 2,
      "flags": "",
      "check": "random"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "secret",
        "token",
        "cred"
      ],
      "pattern": "(\\b(?:(?:password|passwd|passphrase|passcode)s?|secret|token|creds|credentials?)\\b(?![ \\t_-]+(?:polic(?:y|ies)|reset|rules?|requirements?|length|strength|management|manager|rotation|endpoint|url|uri|type|expir[a-z]*|format|hash(?:es|ing)?|field|prompt|hint|store|vault|scanner|scanning|detection|limit|count|usage|budget|classification|classifier|level|embeddings?|ids?|tagging|logits|spans?|labels?)\\b)(?:[^\\n]{0,60}?|[^\\n]{0,60}\\r?\\n[^\\n]{0,24}?)[\\s'\\\"`=:(<\\[])(?<!\\bthe[ \\t])(?<!\\ba[ \\t])(?<!\\ban[ \\t])(?<!\\bon[ \\t])(?<!\\bin[ \\t])(?<!\\bat[ \\t])(?<!\\bthis[ \\t])(?<!\\bthat[ \\t])((?=[A-Za-z!@#$%^&*.~+/-]{0,63}[0-9])[A-Za-z0-9!@#$%^&*.~+/-]{6,64})(?![A-Za-z0-9!@#$%^&*._~+/-]|\\(|\\.[A-Za-z])",
      "group": 2,
      "flags": "i",
      "check": "password"
    },
    {
      "kind": "command-line password",
      "triggers": [
        "convertto-securestring",
        "identified"
      ],
      "pattern": "((?:\\bConvertTo-SecureString[ \\t]+(?:-String[ \\t]+)?|\\bidentified[ \\t]+(?:with[ \\t]+[A-Za-z0-9_]{1,40}[ \\t]+)?by[ \\t]+(?:password[ \\t]+)?|\\bidentified[ \\t]+(?:via|with)[ \\t]+[A-Za-z0-9_]{1,40}[ \\t]+using[ \\t]+(?:password[ \\t]*\\([ \\t]*)?)['\\\"])([^'\\\"\\n«]{1,500})(?=['\\\"])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "command-line password",
      "triggers": [
        "identified"
      ],
      "pattern": "(\\bidentified[ \\t]+by[ \\t]+)(?!(?:values|password)\\b)([^\\s;'\\\"«]{1,128})(?=[ \\t]*(?:;|\\r?\\n|$|(?:default|account|quota|profile|password|temporary|replace)\\b))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "command-line password",
      "triggers": [
        "password-stdin",
        "with-token",
        "token-stdin",
        "--token",
        "sudo",
        "--stdin"
      ],
      "pattern": "(\\b(?:echo[ \\t]+(?:-[neE][ \\t]+)?|printf[ \\t]+(?:'%s(?:\\\\n)?'[ \\t]+|\\\"%s(?:\\\\n)?\\\"[ \\t]+|%s[ \\t]+)?)['\\\"]?)([^\\s'\\\"|«]{1,500})(?=['\\\"]?[ \\t]*\\|[^\\n]{0,200}(?:--(?:password-stdin|with-token|token-stdin|token(?![\\w=-]))|\\bsudo(?:[ \\t]+-[A-Za-z]{1,5}){0,4}?[ \\t]+-[A-Za-z]{0,4}S\\b|\\bpasswd[ \\t]+--stdin\\b))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "service token",
      "triggers": [
        "eaa",
        "pat-",
        "oy2",
        "sl.",
        "atlasv1",
        "ops_eyj",
        "aklt",
        "access_token$",
        "dt0c01.",
        "cfpat-",
        "sk"
      ],
      "pattern": "(?<![A-Za-z0-9_.-])(?:EAA[A-Za-z0-9]{30,}|EAAA[A-Za-z0-9_-]{40,}|access_token\\$(?:production|sandbox)\\$[a-z0-9]{16}\\$[a-f0-9]{32}|dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}|CFPAT-[A-Za-z0-9_-]{40,}|SK[a-f0-9]{32}(?![A-Za-z0-9])|pat-(?:na|eu|ap)[0-9]-[a-f0-9-]{36}|oy2[a-z0-9]{43}|sl\\.[A-Za-z0-9_-]{100,}|[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,}|ops_eyJ[A-Za-z0-9_+/=-]{40,}|AKLT[A-Za-z0-9_-]{30,})",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "service token",
      "triggers": [],
      "pattern": "(?<![A-Za-z0-9_.+/-])((?!(?:file|asst|thread|run|msg|chatcmpl|cmpl|resp|batch|ftjob|ft|vs|vsfb|cus|pi|pm|ch|in|ii|sub|si|prod|price|evt|req|txn|acct|org|proj|user|call|toolu|step|job|sess|src|seti|cs|py|id|uuid|sha[0-9]{1,3}|md5|img|doc|tmp|test|data)[_-])[a-z][a-z0-9]{1,11}(?:[_-][a-z0-9]{1,11}){0,3}[_-])((?=[A-Za-z0-9_-]{20})[_-]*[A-Za-z0-9]+(?:[_-]+[A-Za-z0-9]+){0,24}[_-]*)(?![A-Za-z0-9_+/=.-])",
      "group": 2,
      "flags": "",
      "check": "random",
      "min_text": 24,
      "prefilter": "[_-][A-Za-z0-9_-]{20}"
    },
    {
      "kind": "command-line password",
      "triggers": [
        "-u ",
        "-u="
      ],
      "pattern": "((?:^|\\s)-u(?:[ \\t]+|=)[^\\s=-][^\\s]{0,100}(?:[ \\t]+[^\\s]{1,100}){0,4}?[ \\t]+-p(?:[ \\t]+|=)['\\\"]?)((?![0-9:./]+(?:['\\\"\\s]|$))(?![$%{<])[^\\s'\\\"«-][^\\s'\\\"«]*)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password widget",
      "triggers": [
        "passwordmodel",
        "passwordview",
        "description",
        "placeholder"
      ],
      "pattern": "((?:Password(?:Model|View)['\\\"]|(?:['\\\"](?:description|placeholder)['\\\"][ \\t]*:|\\b(?:description|placeholder)[ \\t]*=)[ \\t]*['\\\"][^'\\\"\\n]{0,60}(?:password|passwd|passphrase|secret|token|api[ _-]?key|credential)[^'\\\"\\n]{0,60}['\\\"])[\\s\\S]{0,400}?(?:['\\\"]value['\\\"][ \\t]*:|\\bvalue[ \\t]*=)[ \\t]*['\\\"])([^'\\\"\\n«]{1,500})(?=['\\\"])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password widget",
      "triggers": [
        "description",
        "placeholder"
      ],
      "pattern": "((?:\\bvalue[ \\t]*=|['\\\"]value['\\\"][ \\t]*:)[ \\t]*['\\\"])([^'\\\"\\n«]{1,500})(?=['\\\"][^\\n()]{0,400}?(?:['\\\"](?:description|placeholder)['\\\"][ \\t]*:|\\b(?:description|placeholder)[ \\t]*=)[ \\t]*['\\\"][^'\\\"\\n]{0,60}(?:password|passwd|passphrase|secret|token|api[ _-]?key|credential))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "using",
        "pragma",
        "attach"
      ],
      "pattern": "((?:\\buser[ \\t]+[A-Za-z0-9_.@$\\\"-]{1,64}[ \\t]+using[ \\t]+|\\bpragma[ \\t]+(?:[A-Za-z0-9_]{1,64}\\.)?(?:re)?key[ \\t]*(?:=[ \\t]*|\\([ \\t]*)|\\battach[ \\t]+(?:database[ \\t]+)?['\\\"][^'\\\"\\n]{0,300}['\\\"][ \\t]+as[ \\t]+[A-Za-z0-9_\\\"]{1,64}[ \\t]+key[ \\t]+)['\\\"])([^'\\\"\\n«]{1,500})(?=['\\\"])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "<<"
      ],
      "pattern": "(\\b[A-Za-z0-9_]{0,40}(?:pass(?:word|wd|phrase)?|secret|token|private_key|api_?key|credentials?)[A-Za-z0-9_]{0,40}['\\\"]?[ \\t]*[=:][ \\t]*(?:\\$\\([ \\t]*cat[ \\t]+)?<<[-~]?[ \\t]*['\\\"]?([A-Za-z_][A-Za-z0-9_]{0,19})['\\\"]?[ \\t]*\\r?\\n)",
      "group": 0,
      "flags": "i",
      "heredoc": true
    },
    {
      "kind": "password in text",
      "triggers": [
        "==",
        "!="
      ],
      "pattern": "((?<![A-Za-z0-9_.])(?:[A-Za-z_][A-Za-z0-9_]{0,60}\\.){0,4}(?:[A-Za-z][A-Za-z0-9]{0,30}_){0,3}(?:password|passwd|passphrase|pass|pwd|pw|secret|api_?key|private_?key|access_?key|credentials?|(?<=_)token)s?(?![A-Za-z0-9_])[ \\t]*[!=]=[ \\t]*[rbuRBU]?(['\\\"]))((?:(?!\\2)[^\\n\\\\«]){1,500})(?=\\2)",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "==",
        "!="
      ],
      "pattern": "(['\\\"])((?:(?!\\1)[^\\n\\\\«]){1,500})(?=\\1[ \\t]*[!=]=[ \\t]*(?:[A-Za-z_][A-Za-z0-9_]{0,60}\\.){0,4}(?:[A-Za-z][A-Za-z0-9]{0,30}_){0,3}(?:password|passwd|passphrase|pass|pwd|pw|secret|api_?key|private_?key|access_?key|credentials?|(?<=_)token)s?(?![A-Za-z0-9_])(?!\\())",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "\"\"\"",
        "'''"
      ],
      "pattern": "((?<![A-Za-z0-9_.])(?:[A-Za-z][A-Za-z0-9]{0,30}_){0,3}(?:password|passwd|passphrase|pass|pwd|pw|secret|api_?key|private_?key|access_?key|credentials?|(?<=_)token)s?(?![A-Za-z0-9_])['\\\"]?[ \\t]*(?::=|=|:)[ \\t]*[rbuRBU]?(\\\"\\\"\\\"|''')[ \\t]*\\r?\\n)((?:(?!\\2)[^«]){1,2000}?)(?=\\2)",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "</dt>",
        "</th>",
        "</td>",
        "</b>",
        "</strong>",
        "</label>",
        "</span>"
      ],
      "pattern": "(<(dt|th|td|b|strong|label|span)\\b[^<>]{0,200}>[ \\t]*(?:password|passwd|passphrase|secret|token|api[ _-]?key|access[ _-]?key|secret[ _-]?key|private[ _-]?key|credentials?|client[ _-]?secret|access[ _-]?token|auth[ _-]?token)[ \\t]*:?[ \\t]*</\\2>[\\s:]*(?:<(?:dd|td|span|code|p|div|kbd|pre)\\b[^<>]{0,200}>\\s*){0,3})(?!(?:string|str|int|integer|number|bool|boolean|required|optional|text|varchar|char|none|null|true|false|yes|no|hidden|masked|encrypted|secret|password)\\s*<)(?![0-9.,]+\\s*<)([^\\s<>«]{4,500})(?=\\s*<)",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "# password",
        "# passphrase",
        "# secret",
        "# token",
        "# api",
        "# access",
        "# private",
        "# client",
        "# credential",
        "# your",
        "# the",
        "# my"
      ],
      "pattern": "((?:^|\\n)[ \\t]{0,3}#{1,6}[ \\t]+(?:(?:your|the|my)[ \\t]+)?(?:password|passwd|passphrase|secret|token|api[ _-]?key|access[ _-]?key|secret[ _-]?key|private[ _-]?key|credentials?|client[ _-]?secret|access[ _-]?token|auth[ _-]?token)[ \\t]*:?[ \\t]*#*[ \\t]*\\r?\\n(?:[ \\t]*\\r?\\n){0,3}[ \\t]*(?:`{1,3}[ \\t]*(?:\\r?\\n)?)?)((?=[^\\s`«()\\[\\]{}]*[0-9!@#$%^&*+=]|[A-Za-z]{12})[^\\s`«()\\[\\]{}]{6,500})(?=`{0,3}[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "pw",
        "secret",
        "token",
        "key",
        "credential",
        "authorization"
      ],
      "pattern": "((?:^|\\n)[ \\t]*(?:(?:export|set|setx)[ \\t]+)?(?:['\\\"]?(?:[A-Za-z][A-Za-z0-9]{0,30}[ _-]){0,3}(?:(?:password|passwd|passphrase|pass|pwd|pw|secret|token|credentials?|(?:api|private|access|secret|signing|encryption|master)[ _-]?key)s?|[A-Za-z0-9]{1,30}(?:password|passwd|passphrase|secret|token|credentials?|(?:api|private|access|secret|signing|encryption|master)[ _-]?key)s?)['\\\"]?[ \\t]*(?::=|=|:)|(?:proxy-)?authorization[ \\t]*:[ \\t]*(?:bearer|basic|token|digest))[ \\t]*(?:\\\\[ \\t]*)?\\r?\\n[ \\t]*)(?![A-Za-z_][A-Za-z0-9_.-]{0,100}:)(?!(?=[A-Za-z_][A-Za-z0-9_.-]{0,100}=(?!=))(?![A-Za-z0-9+/]{16,}={1,2}(?![^\\r\\n])))(?![A-Za-z_][A-Za-z0-9_.]{0,100}[(\\[][^\\s]{0,500}[)\\]](?![^\\r\\n]))(?![\\[({<][^\\s]{0,500}[\\])}>](?![^\\r\\n]))(?![^A-Za-z0-9\\s]{1,500}(?![^\\r\\n]))((?=[^\\s«]{0,500}[0-9!@#$%^&*+=_\\-/.~?]|[A-Za-z]{12})[^\\s«]{6,500})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "pwd"
      ],
      "pattern": "((?:^|\\n)[ \\t]*(?:(?:export|set|setx)[ \\t]+)?['\\\"]?(?:[A-Za-z][A-Za-z0-9]{0,30}[ _-]){0,3}(?:[A-Za-z0-9]{0,30}(?:password|Password|PASSWORD|passwd|Passwd|PASSWD|passphrase|Passphrase|PASSPHRASE)|pass|Pass|PASS|pwd|Pwd|PWD)['\\\"]?[ \\t]*(?::=|=|:)[ \\t]*(?:\\\\[ \\t]*)?\\r?\\n[ \\t]*)(?!(?:required|optional|hidden|empty|missing|invalid|incorrect|wrong|changed|reset|expired|expires|none|null|nil|true|false|undefined|unset|blank|below|above|here|there|again|same|different|okay|done|saved|updated|accepted|rejected|denied|failed|sent|stored|kept|secret|redacted|masked|unknown|default|disabled|enabled|set|see|ask|enter|never|always|valid|correct|ignored|removed|deleted|skipped|pending|continue|break|pass|return|raise|yield|else|elif|try|finally|except|await|assert|global|nonlocal|del|import|token|tokens|user|users|username|email|login|name|names|host|port|hash|salt|key|keys|value|values|field|fields|column|columns|secrets|passwords|credentials)[ \\t]*(?:\\r?\\n|$))([a-z]{4,64}|(?=[A-Za-z]{0,62}[a-z][A-Z])[A-Za-z]{4,64})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "pwd",
        "secret",
        "token",
        "key",
        "credential",
        "_pat"
      ],
      "pattern": "((?:^|\\n)[ \\t]*[A-Z0-9_]{0,60}(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|SECRET_?KEY|ACCESS_?KEY|CREDENTIALS?|_PAT|_PASS|_PWD)(?:[ \\t]+(?:->|=>|→)[ \\t]+|[ \\t]+|(?:->|=>|→)(?![^\\s«]*[();])))(?![0-9]{1,5}[ \\t]*(?:\\r?\\n|$))(?!(?:None|NULL|null|nil|True|False|true|false|unset|missing|required|empty|not|\\*+|-+)[ \\t]*(?:\\r?\\n|$))([^\\s«]{4,500})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "pwd",
        "secret",
        "token",
        "key",
        "credential",
        "_pat"
      ],
      "pattern": "((?:^|\\n)[ \\t]*[a-z0-9_]{0,60}_(?:password|passwd|passphrase|secret|token|api_?key|private_?key|secret_?key|access_?key|credentials?|pat|pass|pwd)(?: (?:->|=>|→) | |(?:->|=>|→)(?![^\\s«]*[();])))(?![0-9]{1,5}[ \\t]*(?:\\r?\\n|$))(?!(?:required|optional|hidden|empty|missing|invalid|incorrect|wrong|changed|reset|expired|expires|none|null|nil|true|false|undefined|unset|blank|below|above|here|there|again|same|different|okay|done|saved|updated|accepted|rejected|denied|failed|sent|stored|kept|secret|redacted|masked|unknown|default|disabled|enabled|set|see|ask|enter|never|always|valid|correct|ignored|removed|deleted|skipped|pending|continue|break|pass|return|raise|yield|else|elif|try|finally|except|await|assert|global|nonlocal|del|import|token|tokens|user|users|username|email|login|name|names|host|port|hash|salt|key|keys|value|values|field|fields|column|columns|secrets|passwords|credentials|None|True|False|object|string|str|bool|category|int(?:8|16|32|64)|float(?:16|32|64)|\\*+|-+)[ \\t]*(?:\\r?\\n|$))([^\\s«]{4,500})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass"
      ],
      "prefilter": "[Pp][Aa][Ss][Ss][ \\t-]+[WwPp]",
      "pattern": "((?<![A-Za-z0-9_])pass[ \\t-]+(?:word|phrase)s?['\\\"`*]{0,2}[ \\t]*(?::=|=|:)[ \\t]*['\\\"`]?)((?![${<%])(?!(?:~|\\.{1,2})/|/[A-Za-z0-9._-]{1,100}/|[A-Za-z][A-Za-z0-9+.-]{0,20}://|(?:(?:aes|sha|rsa|ecdsa|ed|hmac|hs|rs|es|ps)-?[0-9]{1,5}|[0-9]{1,6}[-/]?(?:bits?|bytes?|chars?|characters?|digits?|mins?|minutes?|secs?|seconds?|hours?|days?))(?![^\\s'\\\"`,;«)\\]}>]))(?![A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+(?![^\\s'\\\"`,;«)\\]}>]))(?=[^\\s'\\\"`,;«()\\[\\]{}<>]{0,199}[0-9!@#$%^&*+=~/])[^\\s'\\\"`,;«()\\[\\]{}<>]{6,200})(?![^\\s'\\\"`,;«)\\]}>]|[(\\[])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "key",
        "secret",
        "token"
      ],
      "prefilter": "[ \\t](?:[Kk][Ee][Yy]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn])[Ss]?['\\\"`*]{0,2}[ \\t]*[:=]",
      "pattern": "((?<![A-Za-z0-9_])(?:(?:api|access|secret|private|signing|encryption|client|master)[ \\t]+key|client[ \\t]+secret|(?:auth|access|refresh|api|bearer|session|personal[ \\t]+access)[ \\t]+token)s?['\\\"`*]{0,2}[ \\t]*(?::=|=|:)[ \\t]*['\\\"`]?)(?![a-z]{2,12}(?:-[a-z]{2,12}){0,5}-[0-9]{1,3}(?![^\\s'\\\"`,;«)\\]}>]))((?![${<%])(?!(?:~|\\.{1,2})/|/[A-Za-z0-9._-]{1,100}/|[A-Za-z][A-Za-z0-9+.-]{0,20}://|(?:(?:aes|sha|rsa|ecdsa|ed|hmac|hs|rs|es|ps)-?[0-9]{1,5}|[0-9]{1,6}[-/]?(?:bits?|bytes?|chars?|characters?|digits?|mins?|minutes?|secs?|seconds?|hours?|days?))(?![^\\s'\\\"`,;«)\\]}>]))(?![A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+(?![^\\s'\\\"`,;«)\\]}>]))(?=[^\\s'\\\"`,;«()\\[\\]{}<>]{0,199}[0-9!@#$%^&*+=~/])[^\\s'\\\"`,;«()\\[\\]{}<>]{6,200})(?![^\\s'\\\"`,;«)\\]}>]|[(\\[])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass"
      ],
      "prefilter": "[Pp][Aa][Ss][Ss][ \\t_-]+[WwPp]",
      "pattern": "((?<![A-Za-z0-9_])pass[ \\t_-]+(?:word|phrase)s?['\\\"`*]{0,2}[ \\t]*(?::=|=|:)[ \\t]*['\\\"`]?)(?!(?:required|optional|hidden|empty|missing|invalid|incorrect|wrong|changed|reset|expired|expires|none|null|nil|true|false|undefined|unset|blank|below|above|here|there|again|same|different|okay|done|saved|updated|accepted|rejected|denied|failed|sent|stored|kept|secret|redacted|masked|unknown|default|disabled|enabled|set|see|ask|enter|never|always|valid|correct|ignored|removed|deleted|skipped|pending|continue|break|pass|return|raise|yield|else|elif|try|finally|except|await|assert|global|nonlocal|del|import|token|tokens|user|users|username|email|login|name|names|host|port|hash|salt|key|keys|value|values|field|fields|column|columns|secrets|passwords|credentials)['\\\"`]?[ \\t]*(?:\\r?\\n|$))([A-Za-z]{4,64})(?=['\\\"`]?[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "cloud key",
      "triggers": [
        "keyname"
      ],
      "pattern": "(['\\\"]keyName['\\\"][ \\t]*:[ \\t]*['\\\"][^'\\\"\\n]{1,100}['\\\"][^{}]{0,300}?['\\\"]value['\\\"][ \\t]*:[ \\t]*['\\\"])([^'\\\"\\n«]{8,500})(?=['\\\"])",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "log in",
        "login",
        "sign in",
        "signin",
        "log on",
        "logon",
        "credential"
      ],
      "pattern": "(\\b(?:(?:log|sign)[ \\t]?(?:in|on)[ \\t]+(?:with|as|using)[ \\t]+|credentials?[ \\t]*:[ \\t]*)['\\\"]?[A-Za-z0-9._@+-]{1,64}['\\\"]?[ \\t]*[/:][ \\t]*['\\\"]?)(?!(?:password|passcode|email|e-mail|phone|sso|saml|oauth2?|openid|google|github|gitlab|apple|microsoft|facebook|twitter|okta|azure|token|key|username|user|account)(?![A-Za-z0-9]))((?![A-Z][a-z]+[ \\t]*(?:/|,|\\bor\\b))[^\\s'\\\"«/,]{4,128})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "pw"
      ],
      "pattern": "(\\b(?:password|passwd|passphrase|passcode|pass[ \\t]code|pw)s?\\b(?:[ \\t]+(?:for|of|to)[ \\t]+[^\\n.,;:!?]{1,40}?)?(?:[ \\t]+(?:is|was):?[ \\t]+(?:(?:now|still|just|set[ \\t]+to)[ \\t]+)?|[ \\t]*[:,-][ \\t]*(?:just[ \\t]+|simply[ \\t]+)?use[ \\t]+(?!['\\\"`]?(?:(?:password|passcode|email|e-mail|phone|sso|saml|oauth2?|openid|google|github|gitlab|apple|microsoft|facebook|twitter|okta|azure|token|key|username|user|account)|(?:keys?|tokens?|certificates?|certs?|env|environment|variables?|vault|instead|kerberos|ldap|passkeys?|biometrics?|mfa|2fa|totp|otp|secrets?|cookies?|sessions?|this|these|those|them|that|it|one|something|anything|keyring|keychain|getpass|passwd|[a-z]+ing))(?![A-Za-z0-9])))['\\\"`]?)(?!(?:required|incorrect|wrong|invalid|empty|missing|correct|needed|optional|mandatory|not|the|a|an|your|my|our|their|his|her|this|that|it|its|too|very|so|also|only|now|stored|hashed|encrypted|salted|saved|reset|changed|expired|set|sent|never|always|still|being|same|different|strong|weak|long|short|blank|null|none|valid|secure|protected|hidden|masked|shown|visible|displayed|generated|provided|given|entered|typed|checked|verified|updated|configured|defined|read|taken|used|case|sensitive|at|in|on|for|from|with|of|to|and|or|but|unknown|unchanged|ok|okay|fine|good|bad|here|there|below|above|attached|included|ignored|accepted|rejected|locked|unlocked|disabled|enabled|forgotten|lost|known|secret|private|public|same|default|again|something|anything|nothing|what|which|whatever|one|two|ssh|sso|your)(?![A-Za-z0-9]))((?=[A-Za-z]{0,63}[0-9!@#$%^&*_+~])[A-Za-z0-9!@#$%^&*_+~-]{4,64}(?![A-Za-z0-9!@#$%^&*_+~-])|[A-Za-z]{4,64}(?=['\\\"`]?[ \\t]*(?:[.,;!?)\\r\\n]|$)))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "pw"
      ],
      "pattern": "(\\b(?:password|passwd|passphrase|passcode|pass[ \\t]code|pw)s?\\b(?![ \\t_-]+(?:polic(?:y|ies)|reset|rules?|requirements?|length|strength|managers?|management|rotation|hash(?:es|ing)?|field|prompt|hint|store|storage|vault|less|auth(?:entication)?|login|complexity|manager)\\b)(?:[^\\n]{0,40}?[?:(,;=>-]|[^\\n]{0,40}\\r?\\n[^\\n]{0,10}?)[ \\t]*\\buse[ \\t]+['\\\"`]?)(?!(?:(?:required|incorrect|wrong|invalid|empty|missing|correct|needed|optional|mandatory|not|the|a|an|your|my|our|their|his|her|this|that|it|its|too|very|so|also|only|now|stored|hashed|encrypted|salted|saved|reset|changed|expired|set|sent|never|always|still|being|same|different|strong|weak|long|short|blank|null|none|valid|secure|protected|hidden|masked|shown|visible|displayed|generated|provided|given|entered|typed|checked|verified|updated|configured|defined|read|taken|used|case|sensitive|at|in|on|for|from|with|of|to|and|or|but|unknown|unchanged|ok|okay|fine|good|bad|here|there|below|above|attached|included|ignored|accepted|rejected|locked|unlocked|disabled|enabled|forgotten|lost|known|secret|private|public|same|default|again|something|anything|nothing|what|which|whatever|one|two|ssh|sso|your)|(?:password|passcode|email|e-mail|phone|sso|saml|oauth2?|openid|google|github|gitlab|apple|microsoft|facebook|twitter|okta|azure|token|key|username|user|account)|(?:keys?|tokens?|certificates?|certs?|env|environment|variables?|vault|instead|kerberos|ldap|passkeys?|biometrics?|mfa|2fa|totp|otp|secrets?|cookies?|sessions?|this|these|those|them|that|it|one|something|anything|keyring|keychain|getpass|passwd|[a-z]+ing))(?![A-Za-z0-9]))((?=[A-Za-z]{0,63}[0-9!@#$%^&*_+~])[A-Za-z0-9!@#$%^&*_+~-]{4,64}(?![A-Za-z0-9!@#$%^&*_+~-])|[A-Za-z]{4,64}(?=['\\\"`]?[ \\t]*(?:[.,;!?)\\r\\n]|$)))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "use "
      ],
      "pattern": "(\\buse[ \\t]+['\\\"`]?)(?!(?:required|incorrect|wrong|invalid|empty|missing|correct|needed|optional|mandatory|not|the|a|an|your|my|our|their|his|her|this|that|it|its|too|very|so|also|only|now|stored|hashed|encrypted|salted|saved|reset|changed|expired|set|sent|never|always|still|being|same|different|strong|weak|long|short|blank|null|none|valid|secure|protected|hidden|masked|shown|visible|displayed|generated|provided|given|entered|typed|checked|verified|updated|configured|defined|read|taken|used|case|sensitive|at|in|on|for|from|with|of|to|and|or|but|unknown|unchanged|ok|okay|fine|good|bad|here|there|below|above|attached|included|ignored|accepted|rejected|locked|unlocked|disabled|enabled|forgotten|lost|known|secret|private|public|same|default|again|something|anything|nothing|what|which|whatever|one|two|ssh|sso|your)(?![A-Za-z0-9]))([^\\s'\\\"`«]{4,64})(?=['\\\"`]?[ \\t]+as[ \\t]+(?:(?:the|your|a|my|our)[ \\t]+)?(?:[A-Za-z-]{1,20}[ \\t]+)?(?:password|passphrase|passcode|pin)\\b(?![ \\t_-]*(?:hash|field|polic|manager|store|column|prompt)))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "Oracle password",
      "triggers": [
        "conn"
      ],
      "pattern": "((?:^|[\\s;])conn(?:ect)?[ \\t]+[A-Za-z0-9_$#]{1,60}/)([^\\s@'\\\"/«]{1,128})(?=@)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "masked value",
      "triggers": [
        "::add-mask::"
      ],
      "pattern": "(::add-mask::)([^\\s«]{1,2000})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "name and value record",
      "triggers": [
        "value"
      ],
      "pattern": "((?<![A-Za-z0-9_])(?:name|key)['\\\"]?[ \\t]*:[ \\t]*['\\\"][A-Za-z0-9_./-]{0,60}(?:[A-Za-z0-9_]{0,60}(?:password|passwd|passphrase|secret|token|api_?key|private_?key|access_?key|credentials?|_pat|_pass|_pwd)|session_?id|cookie|authorization|bearer|csrf)(?![_.-]?(?:count|type|name|url|uri|path|file|len|length|policy|expir|ttl|hint))[A-Za-z0-9_./-]{0,60}['\\\"][ \\t]*,[ \\t]*['\\\"]?value['\\\"]?[ \\t]*:[ \\t]*(['\\\"]))([^'\\\"\\n«]{1,2000})(?=\\2)",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "printed secret",
      "triggers": [
        "op ",
        "vault",
        "aws",
        "gcloud",
        "az ",
        "auth",
        "kubectl",
        "security",
        "pass",
        "bw ",
        "keyring",
        "secret-tool",
        "credstash",
        "doppler",
        "infisical",
        "terraform",
        "printenv",
        "echo",
        "cat ",
        "openssl",
        "secrets.token"
      ],
      "pattern": "((?:^|\\n)[ \\t]*(?:(?:\\$|%|>|PS[^\\n>]{0,100}>|[A-Za-z0-9_.-]{1,60}@[^\\s:]{1,100}:[^\\n$#]{0,200}[$#]|In[ \\t]*\\[[0-9]{0,6}\\]:)[ \\t]*)?!?(?:sudo[ \\t]+(?:-[A-Za-z]{1,5}[ \\t]+){0,3})?(?:op[ \\t]+read\\b|op[ \\t]+item[ \\t]+get\\b[^\\n]{0,200}?--(?:fields?|reveal)\\b|vault[ \\t]+(?:kv[ \\t]+get|read)\\b[^\\n]{0,200}?[ \\t]-field\\b|aws[ \\t]+(?:configure[ \\t]+get[ \\t]+[A-Za-z0-9_.]{0,60}(?:secret|token|key)|secretsmanager[ \\t]+get-secret-value\\b|ssm[ \\t]+get-parameters?\\b[^\\n]{0,200}?--with-decryption|ecr(?:-public)?[ \\t]+get-login-password\\b|codeartifact[ \\t]+get-authorization-token\\b)|gcloud[ \\t]+(?:auth[ \\t]+(?:application-default[ \\t]+)?print-(?:access|identity)-token|secrets[ \\t]+versions[ \\t]+access)\\b|az[ \\t]+(?:account[ \\t]+get-access-token|keyvault[ \\t]+secret[ \\t]+show|acr[ \\t]+login\\b[^\\n]{0,200}?--expose-token)\\b|(?:gh|glab)[ \\t]+auth[ \\t]+token\\b|heroku[ \\t]+auth:token\\b|kubectl[ \\t]+(?:get[ \\t]+secrets?\\b[^\\n]{0,300}?\\|[ \\t]*base64[ \\t]+(?:-d|-D|--decode)\\b|create[ \\t]+token\\b)|security[ \\t]+find-(?:generic|internet)-password\\b[^\\n]{0,200}?[ \\t]-w\\b|(?:pass|gopass)[ \\t]+(?:show[ \\t]+)?[A-Za-z0-9_.@-]{1,100}/|bw[ \\t]+get[ \\t]+(?:password|totp)\\b|lpass[ \\t]+show\\b[^\\n]{0,200}?--password\\b|keyring[ \\t]+get\\b|secret-tool[ \\t]+lookup\\b|credstash[ \\t]+get\\b|doppler[ \\t]+secrets[ \\t]+get\\b[^\\n]{0,200}?--plain\\b|infisical[ \\t]+secrets[ \\t]+get\\b[^\\n]{0,200}?--plain\\b|terraform[ \\t]+output\\b[^\\n]{0,200}?[ \\t]-raw[ \\t]+[A-Za-z0-9_]{0,60}(?:password|passwd|passphrase|secret|token|api_?key|private_?key|access_?key|credentials?|_pat|_pass|_pwd)\\b|printenv[ \\t]+[A-Za-z0-9_]{0,60}(?:password|passwd|passphrase|secret|token|api_?key|private_?key|access_?key|credentials?|_pat|_pass|_pwd)\\b|echo[ \\t]+['\\\"]?\\$\\{?[A-Za-z0-9_]{0,60}(?:password|passwd|passphrase|secret|token|api_?key|private_?key|access_?key|credentials?|_pat|_pass|_pwd)\\b|cat[ \\t]+[^\\s|;&]{0,200}?(?:password|passwd|secret|token|api[_-]?key|credential)[^\\s|;&/]{0,60}(?=[ \\t]*(?:\\r?\\n|$))|openssl[ \\t]+rand\\b|python3?[ \\t]+-c[ \\t]+['\\\"][^\\n]{0,200}?\\bsecrets\\.token_)[^\\n]{0,300}\\r?\\n[ \\t]*)(?!(?:none|null|nil|true|false|\\(none\\)|\\*+|-+|done|fi|esac|exit|then|else|eof|end|error:?|warning:?|usage:?)[ \\t]*(?:\\r?\\n|$))(?![A-Za-z_][A-Za-z0-9_.]{0,100}[(\\[][^\\s]{0,500}[)\\]](?![^\\r\\n]))(?!(?=[A-Za-z_][A-Za-z0-9_.]{0,100}=(?!=))(?![A-Za-z0-9+/]{16,}={1,2}(?![^\\r\\n])))([^\\s«]{4,4000})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "pwd",
        "secret",
        "token",
        "key",
        "credential",
        "_pat"
      ],
      "pattern": "((?:^|\\n)[ \\t]*(?!(?:password|passwd|passphrase|secret|token|credentials?|pass|pwd)[ \\t])[A-Za-z0-9_]{0,60}(?:password|passwd|passphrase|secret|token|api_?key|private_?key|access_?key|credentials?|_pat|_pass|_pwd)(?:[ \\t]+(?:->|=>|→)[ \\t]+|[ \\t]+|(?:->|=>|→)(?![^\\s«]*[();])))(?![0-9.,_]{1,40}(?:[ \\t]|$|\\r?\\n))((?=[^\\s«]{0,500}[0-9!@#$%^&*+=~?/])[^\\s«]{4,500})(?=[ \\t]*(?:\\r?\\n|$)|[ \\t]+(?:#|;|//|--)[^\\n]{0,500}(?:\\r?\\n|$)|[ \\t]+[^\\s#;«]{1,40}[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "pass",
        "secret",
        "token",
        "key",
        "credential"
      ],
      "pattern": "((?:^|[\\s|>(\\[{$])(?:\\*\\*|__|\\*|_|`|\\\\[A-Za-z]{2,12}\\{)[ \\t]*(?:[A-Za-z0-9]{1,30}[ _-]){0,3}(?:password|passwd|passphrase|secret|token|api[ _-]?key|access[ _-]?key|secret[ _-]?key|private[ _-]?key|credentials?|client[ _-]?secret)[ \\t]*:?[ \\t]*(?:\\*\\*|__|\\*|_|`|\\})[ \\t]*(?::|=|&|→|->|=>|\\\\colon|\\\\to|\\\\rightarrow|\\\\mapsto)?[ \\t]*(?:```?|`|\\*\\*|__|\\*|\\\"|'|\\\\[A-Za-z]{2,12}\\{|\\$)?[ \\t]*)((?=[^\\s`*{}«$\\\\]{0,500}(?:[0-9!@#%^&+=~?/-]|\\.(?=[^\\s`*{}«$\\\\]))|[A-Za-z]{12})[^\\s`*{}«$\\\\]{4,500})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "→",
        "->",
        "=>",
        "⇒"
      ],
      "pattern": "(\\b(?:password|passwd|passphrase|secret|token|api[ _-]?key|access[ _-]?key|secret[ _-]?key|private[ _-]?key|credentials?|client[ _-]?secret)['\\\"]?[ \\t]*(?:→|->|=>|⇒)[ \\t]*['\\\"`]?)((?=[^\\s'\\\"`«]{0,500}[0-9!@#%^&+=~?/.-]|[A-Za-z]{12})[^\\s'\\\"`«]{4,500})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "printed secret",
      "triggers": [
        "\"sensitive\"",
        "payload {"
      ],
      "pattern": "((?:\\\"sensitive\\\"[ \\t]*:[ \\t]*true[ \\t]*,(?:[ \\t\\r\\n]*\\\"[A-Za-z_]{1,40}\\\"[ \\t]*:[ \\t]*(?:\\\"[^\\\"\\n{}]{0,200}\\\"|[a-z0-9.]{1,20})[ \\t]*,){0,5}[ \\t\\r\\n]*\\\"value\\\"[ \\t]*:[ \\t]*\\\"|\\bpayload[ \\t]*\\{[ \\t]*\\r?\\n[ \\t]*data:[ \\t]*\\\"))((?:[^\\\"\\\\\\n«]|\\\\.){1,5000})(?=\\\")",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "printed secret",
      "triggers": [
        "signature:"
      ],
      "pattern": "(\\bSignature:[ \\t]*\\r?\\n)([0-9a-f]{64})(?![0-9A-Za-z])",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "setx"
      ],
      "pattern": "(\\bsetx(?:[ \\t]+/[mM])?[ \\t]+['\\\"]?[A-Za-z0-9_]{0,60}(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|CREDENTIALS?|PASS)[A-Za-z0-9_]{0,60}['\\\"]?[ \\t]+(['\\\"]?))(?![$%])([^\\s'\\\"«]{1,500})(?=\\2)",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "auth ",
        "requirepass",
        "masterauth"
      ],
      "pattern": "((?:(?:^|(?<=\\n)|(?<=> ))AUTH[ \\t]+(?:[A-Za-z0-9_.@-]{1,64}[ \\t]+)?|\\b(?:requirepass|masterauth)[ \\t]+)(['\\\"]?))(?![$%])([^\\s'\\\"«]{4,500})\\2(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 3,
      "flags": ""
    },
    {
      "kind": "Wi-Fi passphrase",
      "triggers": [
        "wpa_passphrase",
        "wpa-psk",
        "nmcli"
      ],
      "pattern": "(\\bwpa_passphrase[ \\t]+(?:'[^'\\n]{1,200}'|\\\"[^\\\"\\n]{1,200}\\\"|[^\\s'\\\"]{1,200})[ \\t]+['\\\"]?|\\bwpa-psk[ \\t]+['\\\"]?|\\bnmcli\\b[^\\n]{0,300}?[ \\t](?:password|wifi-sec\\.psk|802-11-wireless-security\\.psk)[ \\t]+['\\\"]?)((?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "zip",
        "7z",
        "rar"
      ],
      "pattern": "(\\b(?:zip|unzip|zipcloak)\\b[^\\n]{0,200}?[ \\t'\\\"]-P[ \\t]+['\\\"]?|\\b(?:7z|7za|7zr|7zz|rar|unrar)\\b[^\\n]{0,200}?[ \\t'\\\"]-p)((?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "openssl"
      ],
      "pattern": "(\\bopenssl\\b[^\\n]{0,300}?[ \\t](?:-[kK][ \\t]+['\\\"]?|-(?:pass|passin|passout|password|passphrase)[ \\t]+['\\\"]?pass:))((?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "htpasswd"
      ],
      "pattern": "(\\bhtpasswd(?:[ \\t]+-[A-Za-z]{1,6}){0,3}?[ \\t]+-[A-Za-z]{0,5}b[A-Za-z]{0,5}(?:[ \\t]+-[A-Za-z]{1,6}){0,3}(?:[ \\t]+(?:'[^'\\n]{1,200}'|\\\"[^\\\"\\n]{1,200}\\\"|[^\\s'\\\"]{1,200})){1,2}?[ \\t]+['\\\"]?)((?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})(?=['\\\"]?[ \\t]*(?:$|\\r?\\n|[;&|)]))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "net ",
        "/pass",
        "/pwd",
        "schtasks",
        "psexec"
      ],
      "pattern": "((?:^|[\\n>!&|;(`'\\\"])[ \\t]*net[ \\t]+user[ \\t]+(?:'[^'\\n]{1,200}'|\\\"[^\\\"\\n]{1,200}\\\"|[^\\s'\\\"]{1,200})[ \\t]+['\\\"]?|\\bnet[ \\t]+use[ \\t]+(?:[A-Za-z]:[ \\t]+)?\\\\\\\\[^\\s]{1,300}[ \\t]+['\\\"]?|(?:^|[ \\t'\\\"])/(?:pass|passwd|password|pwd):['\\\"]?|\\bschtasks\\b[^\\n]{0,300}?[ \\t]/rp[ \\t]+['\\\"]?|\\bpsexec(?:64)?\\b[^\\n]{0,300}?[ \\t]-p[ \\t]+['\\\"]?)((?!/)(?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "command-line password",
      "triggers": [
        "http",
        "-u",
        "ldap",
        "ssh-keygen",
        "pass "
      ],
      "pattern": "(\\bhttps?(?:[ \\t][^\\n]{0,200}?)?[ \\t](?:-a|--auth)[ \\t]+['\\\"]?[^\\s:'\\\"]{1,100}:|\\b(?:smbclient|rpcclient|smbmap|smbcacls|winexe|crackmapexec|nxc|net)\\b[^\\n]{0,200}?[ \\t](?:-U|--user(?:name)?)(?:[ \\t]+|=)['\\\"]?[^\\s%'\\\"]{1,100}%|\\bldap(?:search|add|modify|delete|passwd|whoami|compare|modrdn|exop)\\b[^\\n]{0,300}?[ \\t]-w[ \\t]+['\\\"]?|\\bssh-keygen\\b[^\\n]{0,200}?[ \\t]-[PN][ \\t]+['\\\"]?|(?:^|[ \\t])-(?:src|dest|new)?(?:store|key)?pass[ \\t]+['\\\"]?)((?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "ssh-keygen"
      ],
      "pattern": "(\\bssh-keygen\\b[^\\n]{0,300}?[ \\t]-N[ \\t]+['\\\"]?)((?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "command-line password",
      "triggers": [
        "<<<",
        "expect"
      ],
      "pattern": "(\\b(?:password|passwd|passphrase|pass|stdin|login)[^\\n]{0,200}?<<<[ \\t]*['\\\"]?|\\bexpect[ \\t][^\\n]{0,60}?(?:password|passphrase|passcode)[^\\n]{0,60}\\r?\\n[ \\t]*send[ \\t]+(?:--[ \\t]+)?['\\\"])((?![$%{<*-])[^\\s'\\\"\\\\«]{1,500})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "command-line token",
      "triggers": [
        "vault",
        "wandb",
        "ngrok",
        "snyk",
        "conda"
      ],
      "pattern": "(\\b(?:vault[ \\t]+login|wandb[ \\t]+login|ngrok[ \\t]+(?:config[ \\t]+add-)?authtoken|snyk[ \\t]+auth|conda[ \\t]+token[ \\t]+set)(?:[ \\t]+-{1,2}[A-Za-z][A-Za-z0-9-]{0,30}(?:=[^\\s]{0,200})?){0,6}[ \\t]+['\\\"]?)(?![A-Za-z_][A-Za-z0-9_.-]*=)(?=[^\\s'\\\"«]{4})(?![^\\s'\\\"]{0,500}://)((?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "config secret",
      "triggers": [
        "config",
        "modify",
        "mc "
      ],
      "pattern": "(\\b(?:npm|yarn|pnpm|git|aws|poetry|pip3?|conda|dvc|gcloud|az|heroku|doppler|bundle|gem|composer|cargo|pdm|hatch|kubectl|firebase|rclone|dbt|databricks|s3cmd|jf|jfrog|gh|glab|nuget|dotnet|twine|uv)(?:[ \\t]+[^\\s]{1,100}){0,3}?[ \\t]+(?:config(?:ure)?(?:[ \\t]+set)?|remote[ \\t]+modify(?:[ \\t]+-{1,2}[A-Za-z][A-Za-z0-9-]{0,30}(?:=[^\\s]{0,200})?){0,6}[ \\t]+[^\\s-][^\\s]{0,200})(?:[ \\t]+-{1,2}[A-Za-z][A-Za-z0-9-]{0,30}(?:=[^\\s]{0,200})?){0,6}[ \\t]+['\\\"]?(?:[^\\s'\\\"=]{0,200}?(?:_auth(?:token)?|authtoken|password|passwd|passphrase|token|secret|api[-_]?key|apikey|access[-_]?key|private[-_]?key|credentials?)(?![A-Za-z0-9_-]*(?:file|path|dir|url|uri|helper|type|name|user|username|ttl|expiry|endpoint|env)(?![A-Za-z0-9]))[A-Za-z0-9_-]{0,40}|pypi-token\\.[A-Za-z0-9_-]{1,60})['\\\"]?(?:[ \\t]+|=)['\\\"]?|\\bpoetry[ \\t]+config(?:[ \\t]+-{1,2}[A-Za-z][A-Za-z0-9-]{0,30}(?:=[^\\s]{0,200})?){0,6}[ \\t]+http-basic\\.[^\\s]{1,100}[ \\t]+(?:'[^'\\n]{1,200}'|\\\"[^\\\"\\n]{1,200}\\\"|[^\\s'\\\"]{1,200})[ \\t]+['\\\"]?|\\brclone[ \\t]+config[ \\t]+(?:create|update)(?:[ \\t]+[^\\s]{1,100}){1,12}?[ \\t]+['\\\"]?(?:[^\\s'\\\"=]{0,200}?(?:_auth(?:token)?|authtoken|password|passwd|passphrase|token|secret|api[-_]?key|apikey|access[-_]?key|private[-_]?key|credentials?)(?![A-Za-z0-9_-]*(?:file|path|dir|url|uri|helper|type|name|user|username|ttl|expiry|endpoint|env)(?![A-Za-z0-9]))[A-Za-z0-9_-]{0,40}|pypi-token\\.[A-Za-z0-9_-]{1,60})['\\\"]?[ \\t]+['\\\"]?|\\bmc[ \\t]+(?:alias|config[ \\t]+host)[ \\t]+(?:set|add)[ \\t]+(?:'[^'\\n]{1,200}'|\\\"[^\\\"\\n]{1,200}\\\"|[^\\s'\\\"]{1,200})[ \\t]+(?:'[^'\\n]{1,200}'|\\\"[^\\\"\\n]{1,200}\\\"|[^\\s'\\\"]{1,200})[ \\t]+(?:(?:'[^'\\n]{1,200}'|\\\"[^\\\"\\n]{1,200}\\\"|[^\\s'\\\"]{1,200})[ \\t]+)?['\\\"]?)((?![$%{<*-])(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\\s'\\\"«]))[^\\s'\\\"«]{1,500})",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "XML entry",
      "triggers": [
        "key=",
        "name="
      ],
      "pattern": "(<[A-Za-z_][A-Za-z0-9_:.-]{0,60}[ \\t\\r\\n](?=[^<>]{0,300}\\b(?:key|name)[ \\t]*=[ \\t]*['\\\"](?![^'\\\"<>]{0,60}(?:hint|min|max|len|polic|prompt|label|field|type|format|regex|pattern|expir|timeout|ttl|url|uri|path|file|enabled|required|count|rule|strength|complex|reset|help|header|name|mode|provider)(?![a-z]))[^'\\\"<>]{0,60}(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|credential|private[_-]?key|access[_-]?key|connection[_-]?string)[^'\\\"<>]{0,60}['\\\"])[^<>]{0,300}?\\bvalue[ \\t]*=[ \\t]*['\\\"])(?!(?:true|false|yes|no|none|null|[0-9]{1,5})(?:['\\\"<]|[ \\t]*</)|\\$\\{|\\{\\{|%[A-Za-z_])([^'\\\"<>«]{1,500})(?=['\\\"])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "config secret",
      "triggers": [
        "value"
      ],
      "pattern": "(['\\\"](?:key|name)['\\\"][ \\t]*:[ \\t]*['\\\"](?![^'\\\"<>]{0,60}(?:hint|min|max|len|polic|prompt|label|field|type|format|regex|pattern|expir|timeout|ttl|url|uri|path|file|enabled|required|count|rule|strength|complex|reset|help|header|name|mode|provider)(?![a-z]))[^'\\\"<>]{0,60}(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|credential|private[_-]?key|access[_-]?key|connection[_-]?string)[^'\\\"<>]{0,60}['\\\"][ \\t]*,\\s{0,40}['\\\"]value['\\\"][ \\t]*:[ \\t]*['\\\"])(?!(?:true|false|yes|no|none|null|[0-9]{1,5})(?:['\\\"<]|[ \\t]*</)|\\$\\{|\\{\\{|%[A-Za-z_])([^'\\\"\\n«]{1,500})(?=['\\\"])",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "XML entry",
      "triggers": [
        "<name>",
        "<key>"
      ],
      "pattern": "(<(name|key)>[ \\t]*(?![^'\\\"<>]{0,60}(?:hint|min|max|len|polic|prompt|label|field|type|format|regex|pattern|expir|timeout|ttl|url|uri|path|file|enabled|required|count|rule|strength|complex|reset|help|header|name|mode|provider)(?![a-z]))[^'\\\"<>]{0,60}(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|credential|private[_-]?key|access[_-]?key|connection[_-]?string)[^'\\\"<>]{0,60}[ \\t]*</\\2>[ \\t\\r\\n]*(?:<description>[^<]{0,300}</description>[ \\t\\r\\n]*)?<(value|string|data)>[ \\t\\r\\n]*)(?!(?:true|false|yes|no|none|null|[0-9]{1,5})(?:['\\\"<]|[ \\t]*</)|\\$\\{|\\{\\{|%[A-Za-z_])([^<\\s«][^<\\n«]{0,500}?)(?=[ \\t\\r\\n]*</\\3>)",
      "group": 4,
      "flags": "i"
    },
    {
      "kind": "XML entry",
      "triggers": [
        "key=",
        "name="
      ],
      "pattern": "(<(?!(?:string|label)[ \\t\\r\\n])[A-Za-z_][A-Za-z0-9_:.-]{0,60}[ \\t\\r\\n][^<>]{0,300}?\\b(?:key|name)[ \\t]*=[ \\t]*['\\\"](?![^'\\\"<>]{0,60}(?:hint|min|max|len|polic|prompt|label|field|type|format|regex|pattern|expir|timeout|ttl|url|uri|path|file|enabled|required|count|rule|strength|complex|reset|help|header|name|mode|provider)(?![a-z]))[^'\\\"<>]{0,60}(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|credential|private[_-]?key|access[_-]?key|connection[_-]?string)[^'\\\"<>]{0,60}['\\\"][^<>/]{0,300}>(?:[ \\t\\r\\n]*<value>)?[ \\t]*)(?!(?:true|false|yes|no|none|null|[0-9]{1,5})(?:['\\\"<]|[ \\t]*</)|\\$\\{|\\{\\{|%[A-Za-z_])([^<\\s«][^<\\n«]{0,500}?)(?=[ \\t]*</)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "XML element",
      "triggers": [
        "signature",
        "salt>",
        "nonce>",
        "hmac>",
        "key>",
        "keyid>"
      ],
      "pattern": "(<((?:[A-Za-z_:-]{0,40}(?:[Ss]ignature|[Ss]alt|[Nn]once|[Hh]mac)|[A-Za-z_:-]{1,40}Key)(?:[A-Z][a-z]{1,20}){0,2})>[ \\t]*)([A-Za-z0-9+/=_.~-]{16,500})(?=[ \\t]*</\\2>)",
      "group": 3,
      "flags": "",
      "check": "random"
    },
    {
      "kind": "cut value",
      "triggers": [
        "pass",
        "pw",
        "secret",
        "token",
        "key",
        "credential",
        "auth"
      ],
      "pattern": "((?:(?<=['\\\"])[A-Za-z0-9_.-]{0,40}?(?:password|passwd|passphrase|pwd|pw|secret|token|api_?key|apikey|credentials?|private_?key|access_?key|auth)(?![_.-](?:santa|sauce|garden|hint|name|type|label|prompt|field|url|uri|path|file|len|length|count|policy|header|format|mode|id|endpoint|expiry|expires|ttl)(?![A-Za-z0-9]))(?:[_.-][A-Za-z0-9_]{1,20})?\\\\?['\\\"][ \\t]*(?::=|=|:)|(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]{0,40}?(?:password|passwd|passphrase|pwd|pw|secret|token|api_?key|apikey|credentials?|private_?key|access_?key|auth)(?![_.-](?:santa|sauce|garden|hint|name|type|label|prompt|field|url|uri|path|file|len|length|count|policy|header|format|mode|id|endpoint|expiry|expires|ttl)(?![A-Za-z0-9]))(?:[_.-][A-Za-z0-9_]{1,20})?[ \\t]*:?=|(?<![A-Za-z0-9_.'\\\"-])[A-Za-z0-9_.-]{0,40}?(?:password|passwd|passphrase|pwd|pw|secret|token|api_?key|apikey|credentials?|private_?key|access_?key|auth)(?![_.-](?:santa|sauce|garden|hint|name|type|label|prompt|field|url|uri|path|file|len|length|count|policy|header|format|mode|id|endpoint|expiry|expires|ttl)(?![A-Za-z0-9]))(?:[_.-][A-Za-z0-9_]{1,20})?[ \\t]*:)[ \\t]*\\\\?['\\\"])(?![ \\t]*[)\\]},;])([^'\\\"\\\\\\n«…]{1,2000})(?=(?:…|\\.\\.\\.)(?![^'\\\"\\n]{0,200}['\\\"])|(?![\\s\\S]))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "URL token",
      "triggers": [
        "://"
      ],
      "pattern": "((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)((?:gh[pousr]_|github_pat_|glpat-|gldt-|hf_|npm_|pypi-|xox[abpr]-|sk-)[A-Za-z0-9_-]{1,200})(?=@[A-Za-z0-9.-])",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "URL token",
      "triggers": [
        "://"
      ],
      "pattern": "((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)((?=[a-fA-F]{0,200}[0-9])(?=[0-9]{0,200}[a-fA-F])[0-9a-fA-F]{16,200})(?=@[A-Za-z0-9.-])",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "URL token",
      "triggers": [
        "://"
      ],
      "pattern": "((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)([A-Za-z0-9_.~!$&*+-]{6,200})(?=@[A-Za-z0-9.-])",
      "group": 2,
      "flags": "",
      "check": "user password"
    },
    {
      "kind": "URL password",
      "triggers": [
        ":%s@"
      ],
      "pattern": "(://[^\\s:/?#@'\\\"«]{0,100}:%s@[^'\\\"\\s]{0,300}(['\\\"])[ \\t]*%[ \\t]*[rbuRBU]?(['\\\"]))((?:(?!\\3)[^\\n\\\\«]){1,500})(?=\\3)",
      "group": 4,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "fromhex(",
        "unhexlify(",
        "a2b_",
        "decode("
      ],
      "pattern": "((?<![A-Za-z0-9_.])(?:[A-Za-z][A-Za-z0-9]{0,30}_){0,3}(?:password|passwd|passphrase|pass|pwd|pw|secret|api_?key|private_?key|access_?key|credentials?|(?<=_)token)s?(?![A-Za-z0-9_])['\\\"]?\\]?[ \\t]*(?::=|=|:)[ \\t]*(?:[A-Za-z_][A-Za-z0-9_]{0,40}\\.){0,2}(?:fromhex|unhexlify|a2b_hex|a2b_base64|b16decode|b32decode|b64decode|urlsafe_b64decode|standard_b64decode|b85decode|a85decode|decodebytes|codecs\\.decode)\\([ \\t]*[rbuRBU]{0,2}(['\\\"]))((?:(?!\\2)[^\\n\\\\«]){4,2000})(?=\\2)",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        " or "
      ],
      "pattern": "((?<![A-Za-z0-9_.])(?:[A-Za-z][A-Za-z0-9]{0,30}_){0,3}(?:password|passwd|passphrase|pass|pwd|pw|secret|api_?key|private_?key|access_?key|credentials?|(?<=_)token)s?(?![A-Za-z0-9_])[ \\t]*(?::=|=)(?!=)(?:[^\\n'\\\"]|'[^'\\n]{0,200}'|\\\"[^\\\"\\n]{0,200}\\\"){1,300}?[ \\t)]or[ \\t]+[rbuRBU]?(['\\\"]))([^'\\\"\\n«]{1,500})(?=\\2[ \\t]*\\)?[ \\t]*(?:#[^\\n]*)?(?:\\r?\\n|$))",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "signing key",
      "triggers": [
        "hmac",
        "aes.new(",
        "des.new(",
        "des3.new(",
        "algorithms.",
        "aesgcm(",
        "chacha",
        "salsa20",
        "blowfish",
        "arc4",
        "serializer(",
        "signer("
      ],
      "pattern": "((?<![A-Za-z0-9_])(?:hmac\\.new|hmac\\.HMAC|HMAC|(?:AES|DES3?|Blowfish|ARC4|ChaCha20(?:_Poly1305)?|Salsa20)\\.new|algorithms\\.(?:AES|TripleDES|ChaCha20|Camellia)|AESGCM|ChaCha20Poly1305|URLSafe(?:Timed)?Serializer|(?:Timestamp)?Signer)\\([ \\t]*(?:key[ \\t]*=[ \\t]*)?[rbuRBU]{0,2}(['\\\"]))((?:(?!\\2)[^\\n\\\\«]){4,2000})(?=\\2)",
      "group": 3,
      "flags": ""
    },
    {
      "kind": "signing key",
      "triggers": [
        "jwt."
      ],
      "pattern": "(\\bjwt\\.(?:encode|decode)\\([ \\t]*[^,()'\\\"\\n]{1,200},[ \\t]*(?:key[ \\t]*=[ \\t]*)?[rbuRBU]{0,2}(['\\\"]))((?:(?!\\2)[^\\n\\\\«]){4,2000})(?=\\2)",
      "group": 3,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "tok=",
        "tok =",
        "tok:",
        "tok :",
        "tok\"",
        "tok'",
        "pat=",
        "pat =",
        "pat:",
        "pat :",
        "pat\"",
        "pat'",
        "sk=",
        "sk =",
        "sk:",
        "sk :",
        "sk\"",
        "sk'",
        "key=",
        "key =",
        "key:",
        "key :",
        "key\"",
        "key'",
        "clave=",
        "clave =",
        "clave:",
        "clave :",
        "clave\"",
        "clave'",
        "chiave=",
        "chiave =",
        "chiave:",
        "chiave :",
        "chiave\"",
        "chiave'",
        "chave=",
        "chave =",
        "chave:",
        "chave :",
        "chave\"",
        "chave'",
        "clé=",
        "clé =",
        "clé:",
        "clé :",
        "clé\"",
        "clé'",
        "cle=",
        "cle =",
        "cle:",
        "cle :",
        "cle\"",
        "cle'",
        "schlüssel=",
        "schlüssel =",
        "schlüssel:",
        "schlüssel :",
        "schlüssel\"",
        "schlüssel'",
        "schluessel=",
        "schluessel =",
        "schluessel:",
        "schluessel :",
        "schluessel\"",
        "schluessel'",
        "sleutel=",
        "sleutel =",
        "sleutel:",
        "sleutel :",
        "sleutel\"",
        "sleutel'",
        "klucz=",
        "klucz =",
        "klucz:",
        "klucz :",
        "klucz\"",
        "klucz'",
        "nyckel=",
        "nyckel =",
        "nyckel:",
        "nyckel :",
        "nyckel\"",
        "nyckel'"
      ],
      "pattern": "((?<![A-Za-z0-9_.$-])(?:(?:tok|Tok|TOK|pat|Pat|PAT|sk|Sk|SK|key|Key|KEY|clave|Clave|CLAVE|chiave|Chiave|CHIAVE|chave|Chave|CHAVE|clé|Clé|CLÉ|cle|Cle|CLE|schlüssel|Schlüssel|SCHLÜSSEL|schluessel|Schluessel|SCHLUESSEL|sleutel|Sleutel|SLEUTEL|klucz|Klucz|KLUCZ|nyckel|Nyckel|NYCKEL)|(['\\\"])(?:tok|Tok|TOK|pat|Pat|PAT|sk|Sk|SK|key|Key|KEY|clave|Clave|CLAVE|chiave|Chiave|CHIAVE|chave|Chave|CHAVE|clé|Clé|CLÉ|cle|Cle|CLE|schlüssel|Schlüssel|SCHLÜSSEL|schluessel|Schluessel|SCHLUESSEL|sleutel|Sleutel|SLEUTEL|klucz|Klucz|KLUCZ|nyckel|Nyckel|NYCKEL)\\2)[ \\t]*(?::=|=|:)[ \\t]*[bBrRuU]?['\\\"])(?=[^'\\\"\\s]{0,63}[!@#$^&*~?])(?![\\^])(?![^'\\\"\\s]{0,63}\\$['\\\"])(?=[^'\\\"\\s]{6,64}['\"])(?=[^'\\\"\\s]{0,63}[A-Za-z])(?=[^'\\\"\\s]{0,63}[0-9!@#$^&*~?])(?![^'\\\"\\s]{0,64}[./\\\\:,;=()\\[\\]{}<>|%])(?![0-9]+(?:[eE][+-]?[0-9]+)?['\"])(?!#[0-9A-Fa-f]{3,8}['\"])(?![A-Za-z_]{1,20}(?:8|16|32|64|128|256|384|512)['\"])(?!(?:tab|Set|Pastel|Dark|Accent|Paired|C)[0-9]{1,2}[bc]?['\"])(?![a-z0-9]{1,30}(?:-[a-z0-9]{1,30}){1,5}['\"])(?![a-z]{1,30}[0-9]{1,4}[a-z]{1,30}['\"])(?!(?:resnet|resnext|wide_resnet|vgg|densenet|efficientnet|mobilenet|inception|xception|alexnet|squeezenet|shufflenet|mnasnet|regnet[xy]?|convnext|vit|deit|swin|beit|yolo|unet|gpt|bert|roberta|distilbert|albert|deberta|electra|xlnet|llama|mistral|mixtral|qwen|gemma|phi|falcon|bloom|opt|t5|bart|whisper|clip|dino|sam|detr|ssd|rcnn|lstm|gru|mlp|cnn|lenet|darknet|hrnet|nasnet|pointnet|wav2vec|stablelm|starcoder|pythia|xgboost|xgb|lightgbm|lgbm|catboost|layer|block|stage|conv|encoder|decoder|head)[_-]?[a-z]?[0-9]{1,4}(?:[_-]?[a-z0-9]{1,8}){0,3}['\"])([^'\\\"\\s]{6,64})(?=['\\\"])",
      "group": 3,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "p=",
        "p =",
        "p:",
        "p :",
        "p\"",
        "p'"
      ],
      "pattern": "((?<![A-Za-z0-9_.$-])(?:[pP]|(['\\\"])[pP]\\2)[ \\t]*(?::=|=|:)[ \\t]*[bBrRuU]?['\\\"])(?=[^'\\\"\\s]{6,64}['\"])(?=[^'\\\"\\s]{0,63}[A-Za-z])(?=[^'\\\"\\s]{0,63}[0-9!@#$^&*~?])(?![^'\\\"\\s]{0,64}[./\\\\:,;=()\\[\\]{}<>|%])(?![0-9]+(?:[eE][+-]?[0-9]+)?['\"])(?!#[0-9A-Fa-f]{3,8}['\"])(?![A-Za-z_]{1,20}(?:8|16|32|64|128|256|384|512)['\"])(?!(?:tab|Set|Pastel|Dark|Accent|Paired|C)[0-9]{1,2}[bc]?['\"])(?![a-z0-9]{1,30}(?:-[a-z0-9]{1,30}){1,5}['\"])(?![a-z]{1,30}[0-9]{1,4}[a-z]{1,30}['\"])(?!(?:resnet|resnext|wide_resnet|vgg|densenet|efficientnet|mobilenet|inception|xception|alexnet|squeezenet|shufflenet|mnasnet|regnet[xy]?|convnext|vit|deit|swin|beit|yolo|unet|gpt|bert|roberta|distilbert|albert|deberta|electra|xlnet|llama|mistral|mixtral|qwen|gemma|phi|falcon|bloom|opt|t5|bart|whisper|clip|dino|sam|detr|ssd|rcnn|lstm|gru|mlp|cnn|lenet|darknet|hrnet|nasnet|pointnet|wav2vec|stablelm|starcoder|pythia|xgboost|xgb|lightgbm|lgbm|catboost|layer|block|stage|conv|encoder|decoder|head)[_-]?[a-z]?[0-9]{1,4}(?:[_-]?[a-z0-9]{1,8}){0,3}['\"])([^'\\\"\\s]{6,64})(?=['\\\"])",
      "group": 3,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "p=",
        "p =",
        "p:",
        "p :",
        "p\"",
        "p'"
      ],
      "pattern": "([(\\[][ \\t]*(['\\\"])[pP]\\2[ \\t]*,[ \\t]*[bBrRuU]?(['\\\"]))(?=[^'\\\"\\s]{6,64}['\"])(?=[^'\\\"\\s]{0,63}[A-Za-z])(?=[^'\\\"\\s]{0,63}[0-9!@#$^&*~?])(?![^'\\\"\\s]{0,64}[./\\\\:,;=()\\[\\]{}<>|%])(?![0-9]+(?:[eE][+-]?[0-9]+)?['\"])(?!#[0-9A-Fa-f]{3,8}['\"])(?![A-Za-z_]{1,20}(?:8|16|32|64|128|256|384|512)['\"])(?!(?:tab|Set|Pastel|Dark|Accent|Paired|C)[0-9]{1,2}[bc]?['\"])(?![a-z0-9]{1,30}(?:-[a-z0-9]{1,30}){1,5}['\"])(?![a-z]{1,30}[0-9]{1,4}[a-z]{1,30}['\"])(?!(?:resnet|resnext|wide_resnet|vgg|densenet|efficientnet|mobilenet|inception|xception|alexnet|squeezenet|shufflenet|mnasnet|regnet[xy]?|convnext|vit|deit|swin|beit|yolo|unet|gpt|bert|roberta|distilbert|albert|deberta|electra|xlnet|llama|mistral|mixtral|qwen|gemma|phi|falcon|bloom|opt|t5|bart|whisper|clip|dino|sam|detr|ssd|rcnn|lstm|gru|mlp|cnn|lenet|darknet|hrnet|nasnet|pointnet|wav2vec|stablelm|starcoder|pythia|xgboost|xgb|lightgbm|lgbm|catboost|layer|block|stage|conv|encoder|decoder|head)[_-]?[a-z]?[0-9]{1,4}(?:[_-]?[a-z0-9]{1,8}){0,3}['\"])([^'\\\"\\s]{6,64})(?=\\3)",
      "group": 4,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "p=",
        "p =",
        "p:",
        "p :",
        "p\"",
        "p'"
      ],
      "pattern": "((?:(?<=[?&;])|(?<=\\\\n)|(?:^|(?<=\\n))[ \\t]*)[pP][ \\t]*[=:][ \\t]*)(?=[^'\\\"\\s&#\\\\]{6,64}(?=[&#'\\\"\\s\\\\]|$))(?=[^'\\\"\\s&#\\\\]{0,63}[A-Za-z])(?=[^'\\\"\\s&#\\\\]{0,63}[0-9!@#$^&*~?])(?![^'\\\"\\s&#\\\\]{0,64}[./\\\\:,;=()\\[\\]{}<>|%])(?![0-9]+(?:[eE][+-]?[0-9]+)?(?=[&#'\\\"\\s\\\\]|$))(?!#[0-9A-Fa-f]{3,8}(?=[&#'\\\"\\s\\\\]|$))(?![A-Za-z_]{1,20}(?:8|16|32|64|128|256|384|512)(?=[&#'\\\"\\s\\\\]|$))(?!(?:tab|Set|Pastel|Dark|Accent|Paired|C)[0-9]{1,2}[bc]?(?=[&#'\\\"\\s\\\\]|$))(?![a-z0-9]{1,30}(?:-[a-z0-9]{1,30}){1,5}(?=[&#'\\\"\\s\\\\]|$))(?![a-z]{1,30}[0-9]{1,4}[a-z]{1,30}(?=[&#'\\\"\\s\\\\]|$))(?!(?:resnet|resnext|wide_resnet|vgg|densenet|efficientnet|mobilenet|inception|xception|alexnet|squeezenet|shufflenet|mnasnet|regnet[xy]?|convnext|vit|deit|swin|beit|yolo|unet|gpt|bert|roberta|distilbert|albert|deberta|electra|xlnet|llama|mistral|mixtral|qwen|gemma|phi|falcon|bloom|opt|t5|bart|whisper|clip|dino|sam|detr|ssd|rcnn|lstm|gru|mlp|cnn|lenet|darknet|hrnet|nasnet|pointnet|wav2vec|stablelm|starcoder|pythia|xgboost|xgb|lightgbm|lgbm|catboost|layer|block|stage|conv|encoder|decoder|head)[_-]?[a-z]?[0-9]{1,4}(?:[_-]?[a-z0-9]{1,8}){0,3}(?=[&#'\\\"\\s\\\\]|$))([^'\\\"\\s&#\\\\]{6,64})(?=[&#'\\\"\\s\\\\]|$)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "p  "
      ],
      "pattern": "((?:^|(?<=\\n))[pP][ \\t]{2,}str[ \\t]{2,})(?=[^\\s]{6,64}(?=[ \\t]*(?:\\r?\\n|$)))(?=[^\\s]{0,63}[A-Za-z])(?=[^\\s]{0,63}[0-9!@#$^&*~?])(?![^\\s]{0,64}[./\\\\:,;=()\\[\\]{}<>|%])(?![0-9]+(?:[eE][+-]?[0-9]+)?(?=[ \\t]*(?:\\r?\\n|$)))(?!#[0-9A-Fa-f]{3,8}(?=[ \\t]*(?:\\r?\\n|$)))(?![A-Za-z_]{1,20}(?:8|16|32|64|128|256|384|512)(?=[ \\t]*(?:\\r?\\n|$)))(?!(?:tab|Set|Pastel|Dark|Accent|Paired|C)[0-9]{1,2}[bc]?(?=[ \\t]*(?:\\r?\\n|$)))(?![a-z0-9]{1,30}(?:-[a-z0-9]{1,30}){1,5}(?=[ \\t]*(?:\\r?\\n|$)))(?![a-z]{1,30}[0-9]{1,4}[a-z]{1,30}(?=[ \\t]*(?:\\r?\\n|$)))(?!(?:resnet|resnext|wide_resnet|vgg|densenet|efficientnet|mobilenet|inception|xception|alexnet|squeezenet|shufflenet|mnasnet|regnet[xy]?|convnext|vit|deit|swin|beit|yolo|unet|gpt|bert|roberta|distilbert|albert|deberta|electra|xlnet|llama|mistral|mixtral|qwen|gemma|phi|falcon|bloom|opt|t5|bart|whisper|clip|dino|sam|detr|ssd|rcnn|lstm|gru|mlp|cnn|lenet|darknet|hrnet|nasnet|pointnet|wav2vec|stablelm|starcoder|pythia|xgboost|xgb|lightgbm|lgbm|catboost|layer|block|stage|conv|encoder|decoder|head)[_-]?[a-z]?[0-9]{1,4}(?:[_-]?[a-z0-9]{1,8}){0,3}(?=[ \\t]*(?:\\r?\\n|$)))([^\\s]{6,64})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "password in text",
      "triggers": [
        "passwort",
        "kennwort",
        "contraseña",
        "contrasena",
        "passe",
        "senha",
        "wachtwoord",
        "hasło",
        "haslo",
        "lösenord",
        "losenord",
        "passord",
        "adgangskode",
        "salasana",
        "şifre",
        "sifre",
        "jelszó",
        "jelszo",
        "heslo",
        "clave",
        "chiave",
        "khẩu",
        "sandi",
        "парол",
        "passwört",
        "passwoert",
        "kennwört",
        "kennwoert",
        "jeton",
        "密码",
        "密碼",
        "口令",
        "パスワード",
        "暗証番号",
        "비밀번호",
        "암호",
        "κωδικ",
        "σύνθημα",
        "סיסמ",
        "المرور",
        "पासवर्ड",
        "รหัสผ่าน",
        "parol",
        "geheim",
        "segreto",
        "secreto",
        "segredo",
        "sekret",
        "rahasia",
        "hemlighet",
        "hemmelighe",
        "salaisuus",
        "sleutel",
        "schlüssel",
        "schluessel",
        "klucz",
        "nyckel",
        "chave",
        "clé",
        "cle_",
        "cle-",
        "cle ",
        "секрет",
        "токен",
        "ключ",
        "密钥",
        "秘钥",
        "私钥",
        "令牌",
        "秘密",
        "トークン",
        "토큰",
        "비밀",
        "mima",
        "miyao",
        "khau"
      ],
      "pattern": "((?<![=!<>])(?:(?:(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ])(?:passw(?:o|ö|oe)rt|kennw(?:o|ö|oe)rt|contrase[ñn]a|mot[ _-]?de[ _-]?passe|senha|wachtwoord|has[łl]o|l[öo]senord|passord|adgangskode|salasana|[şs]ifre|jelsz[óo]|heslo|clave[ _-]?(?:api|secreta)|api[ _-]?clave|chiave[ _-]?(?:api|segreta)|m[ậa]t[ _]?kh[ẩa]u|kata[ _]?sandi|clave[ _-]?de[ _-]?acceso|(?:mima|miyao)(?![a-zà-ÿ])|parol(?![a-zà-ÿ])|parolă|parola[ _-]?d[ _'-]?ordine|geheim(?:nis|e|er|es)?(?![a-zà-ÿ])|segreto|secreto|segredo|sekret|rahasia|hemlighet|hemmelighe[dt]|salaisuus|(?:api|geheim(?:e|er)?|zugangs|zugriffs|secret|privat(?:e|er)?)[ _-]?(?:schl(?:ü|ue)ssel|sleutel|klucz|nyckel)|(?:schl(?:ü|ue)ssel|sleutel|klucz)[ _-]?api|chave[ _-]?(?:api|secreta|de[ _]acesso)|api[ _-]?chave|cl[ée][ _-]?(?:api|secr[èe]te|priv[ée]e|d[e']?[ _-]?acc[èe]s)|api[ _-]?cl[ée]|jeton[ _-]?(?:api|secret|d[e']?[ _-]?(?:acc[èe]s|authentification))|api[ _-]?jeton)|(?:пароль|парол[яюе]|密码|密碼|口令|パスワード|暗証番号|비밀번호|암호|κωδικός|σύνθημα|סיסמה|סיסמא|كلمة[ _]?المرور|पासवर्ड|รหัสผ่าน|секрет|токен|секретный[ _]?ключ|ключ[ _]?api|api[ _]?ключ|密钥|秘钥|私钥|令牌|秘密鍵|秘密|トークン|토큰|비밀[ _]?키))(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40}_(?:policy|policies|hash|hashed|length|len|min|max|rules?|hint|strength|reset|expiry|expires|changed|valid|ok|prompt|label|field|input|form|count|set|type|regel)(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]))[A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40})['\\\"]?[ \\t]*(?:=(?!=)|[:\\uff1a])[ \\t]*[rbRB]?(['\\\"]))([^'\\\"\\n]{1,500})(?=\\2)",
      "group": 3,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "passwort",
        "kennwort",
        "contraseña",
        "contrasena",
        "passe",
        "senha",
        "wachtwoord",
        "hasło",
        "haslo",
        "lösenord",
        "losenord",
        "passord",
        "adgangskode",
        "salasana",
        "şifre",
        "sifre",
        "jelszó",
        "jelszo",
        "heslo",
        "clave",
        "chiave",
        "khẩu",
        "sandi",
        "парол",
        "passwört",
        "passwoert",
        "kennwört",
        "kennwoert",
        "jeton",
        "密码",
        "密碼",
        "口令",
        "パスワード",
        "暗証番号",
        "비밀번호",
        "암호",
        "κωδικ",
        "σύνθημα",
        "סיסמ",
        "المرور",
        "पासवर्ड",
        "รหัสผ่าน",
        "parol",
        "geheim",
        "segreto",
        "secreto",
        "segredo",
        "sekret",
        "rahasia",
        "hemlighet",
        "hemmelighe",
        "salaisuus",
        "sleutel",
        "schlüssel",
        "schluessel",
        "klucz",
        "nyckel",
        "chave",
        "clé",
        "cle_",
        "cle-",
        "cle ",
        "секрет",
        "токен",
        "ключ",
        "密钥",
        "秘钥",
        "私钥",
        "令牌",
        "秘密",
        "トークン",
        "토큰",
        "비밀",
        "mima",
        "miyao",
        "khau"
      ],
      "pattern": "((?<![=!<>])(?:(?:(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ])(?:passw(?:o|ö|oe)rt|kennw(?:o|ö|oe)rt|contrase[ñn]a|mot[ _-]?de[ _-]?passe|senha|wachtwoord|has[łl]o|l[öo]senord|passord|adgangskode|salasana|[şs]ifre|jelsz[óo]|heslo|clave[ _-]?(?:api|secreta)|api[ _-]?clave|chiave[ _-]?(?:api|segreta)|m[ậa]t[ _]?kh[ẩa]u|kata[ _]?sandi|clave[ _-]?de[ _-]?acceso|(?:mima|miyao)(?![a-zà-ÿ])|parol(?![a-zà-ÿ])|parolă|parola[ _-]?d[ _'-]?ordine|geheim(?:nis|e|er|es)?(?![a-zà-ÿ])|segreto|secreto|segredo|sekret|rahasia|hemlighet|hemmelighe[dt]|salaisuus|(?:api|geheim(?:e|er)?|zugangs|zugriffs|secret|privat(?:e|er)?)[ _-]?(?:schl(?:ü|ue)ssel|sleutel|klucz|nyckel)|(?:schl(?:ü|ue)ssel|sleutel|klucz)[ _-]?api|chave[ _-]?(?:api|secreta|de[ _]acesso)|api[ _-]?chave|cl[ée][ _-]?(?:api|secr[èe]te|priv[ée]e|d[e']?[ _-]?acc[èe]s)|api[ _-]?cl[ée]|jeton[ _-]?(?:api|secret|d[e']?[ _-]?(?:acc[èe]s|authentification))|api[ _-]?jeton)|(?:пароль|парол[яюе]|密码|密碼|口令|パスワード|暗証番号|비밀번호|암호|κωδικός|σύνθημα|סיסמה|סיסמא|كلمة[ _]?المرور|पासवर्ड|รหัสผ่าน|секрет|токен|секретный[ _]?ключ|ключ[ _]?api|api[ _]?ключ|密钥|秘钥|私钥|令牌|秘密鍵|秘密|トークン|토큰|비밀[ _]?키))(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40}_(?:policy|policies|hash|hashed|length|len|min|max|rules?|hint|strength|reset|expiry|expires|changed|valid|ok|prompt|label|field|input|form|count|set|type|regel)(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]))[A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40})['\\\"]?[ \\t]*(?:=(?!=)[ \\t]*(?![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ_][A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.]*(?=[ \\t]*(?:\\r?\\n|$)))|[:\\uff1a][ \\t]*))(?![$%]|\\{\\{)([^\\s'\\\"(){}\\[\\]<>,;«]{3,128})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "password in text",
      "triggers": [
        "passwort",
        "kennwort",
        "contraseña",
        "contrasena",
        "passe",
        "senha",
        "wachtwoord",
        "hasło",
        "haslo",
        "lösenord",
        "losenord",
        "passord",
        "adgangskode",
        "salasana",
        "şifre",
        "sifre",
        "jelszó",
        "jelszo",
        "heslo",
        "clave",
        "chiave",
        "khẩu",
        "sandi",
        "парол",
        "passwört",
        "passwoert",
        "kennwört",
        "kennwoert",
        "jeton",
        "密码",
        "密碼",
        "口令",
        "パスワード",
        "暗証番号",
        "비밀번호",
        "암호",
        "κωδικ",
        "σύνθημα",
        "סיסמ",
        "المرور",
        "पासवर्ड",
        "รหัสผ่าน",
        "parol",
        "geheim",
        "segreto",
        "secreto",
        "segredo",
        "sekret",
        "rahasia",
        "hemlighet",
        "hemmelighe",
        "salaisuus",
        "sleutel",
        "schlüssel",
        "schluessel",
        "klucz",
        "nyckel",
        "chave",
        "clé",
        "cle_",
        "cle-",
        "cle ",
        "секрет",
        "токен",
        "ключ",
        "密钥",
        "秘钥",
        "私钥",
        "令牌",
        "秘密",
        "トークン",
        "토큰",
        "비밀",
        "mima",
        "miyao",
        "khau"
      ],
      "pattern": "((?<![=!<>])(?:(?:(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ])(?:passw(?:o|ö|oe)rt|kennw(?:o|ö|oe)rt|contrase[ñn]a|mot[ _-]?de[ _-]?passe|senha|wachtwoord|has[łl]o|l[öo]senord|passord|adgangskode|salasana|[şs]ifre|jelsz[óo]|heslo|clave[ _-]?(?:api|secreta)|api[ _-]?clave|chiave[ _-]?(?:api|segreta)|m[ậa]t[ _]?kh[ẩa]u|kata[ _]?sandi|clave[ _-]?de[ _-]?acceso|(?:mima|miyao)(?![a-zà-ÿ])|parol(?![a-zà-ÿ])|parolă|parola[ _-]?d[ _'-]?ordine|geheim(?:nis|e|er|es)?(?![a-zà-ÿ])|segreto|secreto|segredo|sekret|rahasia|hemlighet|hemmelighe[dt]|salaisuus|(?:api|geheim(?:e|er)?|zugangs|zugriffs|secret|privat(?:e|er)?)[ _-]?(?:schl(?:ü|ue)ssel|sleutel|klucz|nyckel)|(?:schl(?:ü|ue)ssel|sleutel|klucz)[ _-]?api|chave[ _-]?(?:api|secreta|de[ _]acesso)|api[ _-]?chave|cl[ée][ _-]?(?:api|secr[èe]te|priv[ée]e|d[e']?[ _-]?acc[èe]s)|api[ _-]?cl[ée]|jeton[ _-]?(?:api|secret|d[e']?[ _-]?(?:acc[èe]s|authentification))|api[ _-]?jeton)|(?:пароль|парол[яюе]|密码|密碼|口令|パスワード|暗証番号|비밀번호|암호|κωδικός|σύνθημα|סיסמה|סיסמא|كلمة[ _]?المرور|पासवर्ड|รหัสผ่าน|секрет|токен|секретный[ _]?ключ|ключ[ _]?api|api[ _]?ключ|密钥|秘钥|私钥|令牌|秘密鍵|秘密|トークン|토큰|비밀[ _]?키))(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40}_(?:policy|policies|hash|hashed|length|len|min|max|rules?|hint|strength|reset|expiry|expires|changed|valid|ok|prompt|label|field|input|form|count|set|type|regel)(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]))[A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40}|(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ])parola)(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ])(?:[^\\n]{0,60}?|[^\\n]{0,60}\\r?\\n[^\\n]{0,24}?)[\\s'\\\"`=:(<\\[\\uff1a])((?=[A-Za-z!@#$%^&*.~+/-]{0,63}[0-9])[A-Za-z0-9!@#$%^&*.~+/-]{6,64})(?![A-Za-z0-9!@#$%^&*._~+/-]|\\(|\\.[A-Za-z])",
      "group": 2,
      "flags": "i",
      "check": "password"
    },
    {
      "kind": "key in text",
      "triggers": [
        "passwort",
        "kennwort",
        "contraseña",
        "contrasena",
        "passe",
        "senha",
        "wachtwoord",
        "hasło",
        "haslo",
        "lösenord",
        "losenord",
        "passord",
        "adgangskode",
        "salasana",
        "şifre",
        "sifre",
        "jelszó",
        "jelszo",
        "heslo",
        "clave",
        "chiave",
        "khẩu",
        "sandi",
        "парол",
        "passwört",
        "passwoert",
        "kennwört",
        "kennwoert",
        "jeton",
        "密码",
        "密碼",
        "口令",
        "パスワード",
        "暗証番号",
        "비밀번호",
        "암호",
        "κωδικ",
        "σύνθημα",
        "סיסמ",
        "المرور",
        "पासवर्ड",
        "รหัสผ่าน",
        "parol",
        "geheim",
        "segreto",
        "secreto",
        "segredo",
        "sekret",
        "rahasia",
        "hemlighet",
        "hemmelighe",
        "salaisuus",
        "sleutel",
        "schlüssel",
        "schluessel",
        "klucz",
        "nyckel",
        "chave",
        "clé",
        "cle_",
        "cle-",
        "cle ",
        "секрет",
        "токен",
        "ключ",
        "密钥",
        "秘钥",
        "私钥",
        "令牌",
        "秘密",
        "トークン",
        "토큰",
        "비밀",
        "mima",
        "miyao",
        "khau"
      ],
      "pattern": "((?<![=!<>])(?:(?:(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ])(?:passw(?:o|ö|oe)rt|kennw(?:o|ö|oe)rt|contrase[ñn]a|mot[ _-]?de[ _-]?passe|senha|wachtwoord|has[łl]o|l[öo]senord|passord|adgangskode|salasana|[şs]ifre|jelsz[óo]|heslo|clave[ _-]?(?:api|secreta)|api[ _-]?clave|chiave[ _-]?(?:api|segreta)|m[ậa]t[ _]?kh[ẩa]u|kata[ _]?sandi|clave[ _-]?de[ _-]?acceso|(?:mima|miyao)(?![a-zà-ÿ])|parol(?![a-zà-ÿ])|parolă|parola[ _-]?d[ _'-]?ordine|geheim(?:nis|e|er|es)?(?![a-zà-ÿ])|segreto|secreto|segredo|sekret|rahasia|hemlighet|hemmelighe[dt]|salaisuus|(?:api|geheim(?:e|er)?|zugangs|zugriffs|secret|privat(?:e|er)?)[ _-]?(?:schl(?:ü|ue)ssel|sleutel|klucz|nyckel)|(?:schl(?:ü|ue)ssel|sleutel|klucz)[ _-]?api|chave[ _-]?(?:api|secreta|de[ _]acesso)|api[ _-]?chave|cl[ée][ _-]?(?:api|secr[èe]te|priv[ée]e|d[e']?[ _-]?acc[èe]s)|api[ _-]?cl[ée]|jeton[ _-]?(?:api|secret|d[e']?[ _-]?(?:acc[èe]s|authentification))|api[ _-]?jeton)|(?:пароль|парол[яюе]|密码|密碼|口令|パスワード|暗証番号|비밀번호|암호|κωδικός|σύνθημα|סיסמה|סיסמא|كلمة[ _]?المرور|पासवर्ड|รหัสผ่าน|секрет|токен|секретный[ _]?ключ|ключ[ _]?api|api[ _]?ключ|密钥|秘钥|私钥|令牌|秘密鍵|秘密|トークン|토큰|비밀[ _]?키))(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40}_(?:policy|policies|hash|hashed|length|len|min|max|rules?|hint|strength|reset|expiry|expires|changed|valid|ok|prompt|label|field|input|form|count|set|type|regel)(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]))[A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40}|(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ])parola)(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ])[^\\n]{0,40}?[ \\t'\\\"`=:\\uff1a])([A-Za-z0-9+/=_.~-]{16,})",
      "group": 2,
      "flags": "i",
      "check": "random"
    },
    {
      "kind": "wrapped secret",
      "triggers": [],
      "prefilter": "»\\r?\\n[ \\t]*[A-Za-z0-9+/=_.~-]{16}",
      "pattern": "(»\\r?\\n[ \\t]*)([A-Za-z0-9+/=_.~-]{16,4096})(?=[ \\t]*(?:\\r?\\n|$))",
      "group": 2,
      "flags": "",
      "check": "random"
    },
    {
      "kind": "cloud secret key",
      "triggers": [
        "akia",
        "asia",
        "ltai",
        "akid"
      ],
      "prefilter": "»['\\\"][ \\t]*,",
      "pattern": "((['\\\"])«redacted: [^»\\n]{1,40}»\\2[ \\t]*,[ \\t]*(?:[A-Za-z_][A-Za-z0-9_]{0,40}[ \\t]*=[ \\t]*)?[bBrRuU]?(['\\\"]))([A-Za-z0-9+/=_.~-]{16,128})(?=\\3)",
      "group": 4,
      "flags": "",
      "check": "random"
    }
  ],
  "valueTriggers": [
    " or ",
    "!=",
    "\" \"",
    "\"\"\"",
    "\"\", \"",
    "\", \"",
    "\", b\"",
    "\",\"",
    "\"--user\"",
    "\"-u\"",
    "\": \"",
    "\":\"",
    "\"kty\"",
    "\"sensitive\"",
    "# access",
    "# api",
    "# client",
    "# credential",
    "# my",
    "# passphrase",
    "# password",
    "# private",
    "# secret",
    "# the",
    "# token",
    "# your",
    "#code=",
    "$1$",
    "$2",
    "$5$",
    "$6$",
    "$apr1$",
    "$argon2",
    "$scrypt",
    "$y$",
    "%3d",
    "&code=",
    "' '",
    "'''",
    "'', '",
    "', '",
    "', b'",
    "','",
    "'--user'",
    "'-u'",
    "': '",
    "':'",
    "'kty'",
    "-----begin",
    "--stdin",
    "--token",
    "--user",
    "->",
    "-access",
    "-api",
    "-auth",
    "-client",
    "-pass",
    "-pwd",
    "-secret",
    "-token",
    "-u",
    "-u ",
    "-u=",
    "-us",
    ".join(",
    "/api/webhooks/",
    "/incomingwebhook/",
    "/pass",
    "/pwd",
    "/services/t",
    "/t/",
    "1//0",
    "2|1:0|",
    "7z",
    ":",
    ":%s@",
    "://",
    "::add-mask::",
    ":aa",
    ";code=",
    "</b>",
    "</dt>",
    "</label>",
    "</span>",
    "</strong>",
    "</td>",
    "</th>",
    "<<",
    "<<<",
    "<cookie ",
    "<input",
    "<key>",
    "<name>",
    "==",
    "=>",
    "?code=",
    "@",
    "_pat",
    "a2b_",
    "aaaaaaaaaaaaaaaaaaaa",
    "ac",
    "access_token$",
    "accesskey",
    "accountkey",
    "adgangskode",
    "aes.new(",
    "aesgcm(",
    "age-secret-key-",
    "aiza",
    "akia",
    "akid",
    "aklt",
    "algorithms.",
    "api",
    "api_key>",
    "apikey>",
    "appid=",
    "arc4",
    "asia",
    "atatt",
    "atlasv1",
    "attach",
    "auth",
    "auth ",
    "auth=",
    "authorization",
    "aws",
    "az ",
    "b3blbnnzac1rzxktdje",
    "b64encode(",
    "basic",
    "bcp",
    "bearer",
    "blowfish",
    "bw ",
    "cat ",
    "ccipat_",
    "cfpat-",
    "chacha",
    "chave",
    "chave :",
    "chave =",
    "chave\"",
    "chave'",
    "chave:",
    "chave=",
    "chiave",
    "chiave :",
    "chiave =",
    "chiave\"",
    "chiave'",
    "chiave:",
    "chiave=",
    "clave",
    "clave :",
    "clave =",
    "clave\"",
    "clave'",
    "clave:",
    "clave=",
    "cle ",
    "cle :",
    "cle =",
    "cle\"",
    "cle'",
    "cle-",
    "cle:",
    "cle=",
    "cle_",
    "client(",
    "client.create(",
    "clé",
    "clé :",
    "clé =",
    "clé\"",
    "clé'",
    "clé:",
    "clé=",
    "conda",
    "config",
    "conn",
    "contrasena",
    "contraseña",
    "convertto-securestring",
    "cookie",
    "cookie(version=",
    "cred",
    "credential",
    "credential=",
    "credential>",
    "creds",
    "credstash",
    "cx_oracle",
    "dapi",
    "decode(",
    "des.new(",
    "des3.new(",
    "description",
    "digest",
    "discord",
    "doo_v1_",
    "dop_v1_",
    "doppler",
    "dose",
    "dp.",
    "dt0c01.",
    "eaa",
    "echo",
    "expect",
    "eyj",
    "fernet(",
    "fromhex(",
    "fwogzxivyxdz",
    "gcloud",
    "geheim",
    "gho_",
    "ghp_",
    "ghr_",
    "ghs_",
    "ghu_",
    "github_pat_",
    "glagent-",
    "glc_",
    "glcbt-",
    "gldt-",
    "glft-",
    "glimt-",
    "glpat-",
    "glptt-",
    "glrt-",
    "glsa_",
    "glsoat-",
    "gocspx-",
    "gsk_",
    "haslo",
    "hasło",
    "hemlighet",
    "hemmelighe",
    "heslo",
    "hf_",
    "hmac",
    "hmac>",
    "hooks.slack",
    "hrku-",
    "htpasswd",
    "http",
    "hvb.",
    "hvs.",
    "identified",
    "infisical",
    "input_value",
    "iqojb3jpz2lu",
    "jelszo",
    "jelszó",
    "jeton",
    "jwt.",
    "kennwoert",
    "kennwort",
    "kennwört",
    "key",
    "key :",
    "key =",
    "key\"",
    "key'",
    "key-",
    "key:",
    "key=",
    "key>",
    "keyid>",
    "keyname",
    "keyring",
    "khau",
    "khẩu",
    "klucz",
    "klucz :",
    "klucz =",
    "klucz\"",
    "klucz'",
    "klucz:",
    "klucz=",
    "kubectl",
    "ldap",
    "lftp",
    "lin_api_",
    "log in",
    "log on",
    "login",
    "logon",
    "losenord",
    "ls0tls1crudjti",
    "lsv2_",
    "ltai",
    "lösenord",
    "machine",
    "mariadb",
    "masterauth",
    "mc ",
    "mii",
    "mima",
    "miyao",
    "mnemonic",
    "modify",
    "mysql",
    "name:",
    "name=",
    "net ",
    "nfp_",
    "ngrok",
    "nmcli",
    "nonce>",
    "none, \"",
    "none, '",
    "npm_",
    "nrak-",
    "ntn_",
    "nyckel",
    "nyckel :",
    "nyckel =",
    "nyckel\"",
    "nyckel'",
    "nyckel:",
    "nyckel=",
    "op ",
    "openssl",
    "ops_eyj",
    "oracle",
    "osql",
    "oy2",
    "p  ",
    "p :",
    "p =",
    "p\"",
    "p'",
    "p:",
    "p=",
    "parol",
    "pass",
    "pass ",
    "passe",
    "passord",
    "passphrase",
    "passphrase for",
    "passwd",
    "passwd=",
    "passwd>",
    "passwoert",
    "password",
    "password for",
    "password-stdin",
    "password=",
    "password>",
    "passwordmodel",
    "passwordview",
    "passwort",
    "passwört",
    "pat",
    "pat :",
    "pat =",
    "pat\"",
    "pat'",
    "pat-",
    "pat:",
    "pat=",
    "payload {",
    "pbkdf2_",
    "pcsk_",
    "phrase",
    "pk.eyj",
    "placeholder",
    "pmak-",
    "pplx-",
    "pragma",
    "printenv",
    "private key block-----",
    "private key-----",
    "private-lines",
    "prv",
    "psexec",
    "pul-",
    "pw",
    "pwd",
    "pwd=",
    "pypi-",
    "q~",
    "r8_",
    "rahasia",
    "rar",
    "redis-cli",
    "requirepass",
    "rk_",
    "salaisuus",
    "salasana",
    "salsa20",
    "salt>",
    "sandi",
    "sbp_",
    "schluessel",
    "schluessel :",
    "schluessel =",
    "schluessel\"",
    "schluessel'",
    "schluessel:",
    "schluessel=",
    "schlüssel",
    "schlüssel :",
    "schlüssel =",
    "schlüssel\"",
    "schlüssel'",
    "schlüssel:",
    "schlüssel=",
    "schtasks",
    "secret",
    "secret-tool",
    "secret=",
    "secret>",
    "secret_",
    "secreto",
    "secrets.token",
    "security",
    "seed",
    "segredo",
    "segreto",
    "sekret",
    "senha",
    "serializer(",
    "sessid=",
    "session-id=",
    "session_id=",
    "sessionid=",
    "setx",
    "sg.",
    "sharedaccess",
    "shpat_",
    "shpca_",
    "shppa_",
    "shpss_",
    "sifre",
    "sig=",
    "sign in",
    "signature",
    "signature:",
    "signature=",
    "signer(",
    "signin",
    "sk",
    "sk :",
    "sk =",
    "sk\"",
    "sk'",
    "sk-",
    "sk.eyj",
    "sk:",
    "sk=",
    "sk_",
    "sl.",
    "sleutel",
    "sleutel :",
    "sleutel =",
    "sleutel\"",
    "sleutel'",
    "sleutel:",
    "sleutel=",
    "sntrys_",
    "snyk",
    "sq0",
    "sqlcmd",
    "sqlplus",
    "ssh-keygen",
    "sshpass",
    "sudo",
    "terraform",
    "tk.eyj",
    "tok :",
    "tok =",
    "tok\"",
    "tok'",
    "tok:",
    "tok=",
    "token",
    "token for",
    "token-stdin",
    "token=",
    "token>",
    "u+",
    "unhexlify(",
    "use ",
    "using",
    "v1.0-",
    "value",
    "vault",
    "wachtwoord",
    "wandb",
    "webhook.office",
    "whsec_",
    "with-token",
    "wpa-psk",
    "wpa_passphrase",
    "xai-",
    "xapp-",
    "xox",
    "xsrf",
    "ya29.",
    "zip",
    "şifre",
    "κωδικ",
    "σύνθημα",
    "ключ",
    "парол",
    "секрет",
    "токен",
    "סיסמ",
    "المرور",
    "पासवर्ड",
    "รหัสผ่าน",
    "→",
    "⇒",
    "トークン",
    "パスワード",
    "令牌",
    "口令",
    "密码",
    "密碼",
    "密钥",
    "暗証番号",
    "私钥",
    "秘密",
    "秘钥",
    "비밀",
    "비밀번호",
    "암호",
    "토큰"
  ],
  "quotedAssignment": "(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.-])([A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ_][A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.-]*)(?![ \\t]+:(?:'[A-Za-z_][A-Za-z0-9_]{0,62}'|\\\"[A-Za-z_][A-Za-z0-9_]{0,62}\\\"))(['\\\"]?\\]?(?:[ \\t]*:[ \\t]*(?![A-Z][A-Z0-9_]*[ \\t]*=)[A-Za-z_][A-Za-z0-9_.]{0,40}(?:\\[[A-Za-z0-9_., |]{0,60}\\])?(?:[ \\t]*\\|[ \\t]*[A-Za-z_][A-Za-z0-9_.]{0,40})?(?=[ \\t]*=(?!=)))?[ \\t]*(?::=|=>|=|:)[ \\t]*(?:(?:\\\\[ \\t]*)?\\r?\\n[ \\t]*|\\([ \\t]*(?:\\r?\\n[ \\t]*)?)?(?:[rbuRBU]|[fF][rR]?|[rR][fFbB]|[bB][rR])?)(['\\\"]{3}|['\\\"`])((?:(?!\\3)[^\\n\\\\]|\\\\.){1,2000})\\3",
  "bareAssignment": "^([ \\t]*(?:%env[ \\t]+|env:[ \\t]+|%set_env[ \\t]+|!?export[ \\t]+|setx[ \\t]+|set[ \\t]+(?:-[gxU]{1,3}[ \\t]+)?)?)([A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ_][A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.-]*)([ \\t]*[=:][ \\t]*|[ \\t]+)([^\\s'\\\";][^\\s'\\\"]*)[ \\t]*$",
  "inlineAssignment": "(?:(?<=\\\\[ntr])|(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.\\\\])(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.]-))([A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ_](?:[A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.]|-(?!-))*)((?:[ \\t]*\\([A-Za-z0-9 _.-]{1,30}\\))?(?:['\\\"`}]|\\*\\*)?[ \\t]*(?::=|=|:)[ \\t]*(?:\\*\\*[ \\t]*|!![A-Za-z]{1,20}[ \\t]+|&[A-Za-z0-9_-]{1,40}[ \\t]+)?)((?!//)(?![A-Za-z_][A-Za-z0-9_.-]*=[A-Za-z_])(?:[^\\s'\\\"`,;&<>(){}\\[\\]|«=$\\\\]|\\\\(?![ntr]))+)(?![^\\s'\\\"`,;&<>(){}\\[\\]|«=$\\\\]|\\\\(?![ntr]))",
  "containerAssignment": "(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.-])([A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ_][A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.-]*)(['\\\"]?\\]?[ \\t]*(?::=|=|:)[ \\t]*)([\\[({])((?:(?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^\\[\\](){}\\n'\\\"])|[\\[(](?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^\\[\\](){}\\n'\\\"]){0,2000}[\\])]){1,2000})(?=[\\])}])",
  "stringLiteral": "(['\\\"])((?:(?!\\1)[^\\\\\\n]|\\\\.){0,2000})\\1",
  "pairedContainer": "(['\\\"])([^'\\\"\\n]{1,100})\\1([ \\t]*,[ \\t]*)([\\[(])((?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^()\\[\\]{}\\n'\\\"]){1,2000})(?=[)\\]])",
  "bracketPiece": "(?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^\\[\\](){}\\n'\\\"])",
  "firstField": "^(?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^,\\n'\\\"])*,",
  "aliasAssignment": "(?<![A-Za-z0-9_.'\\\"])['\\\"]?([A-Za-z_][A-Za-z0-9_.]*)(?:['\\\"][ \\t]*:|[ \\t]*(?::=|=))[ \\t]*([A-Za-z_][A-Za-z0-9_]*)[ \\t]*(?=$|[\\n;,)}#])",
  "aliasCall": "(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.]{0,100})[ \\t]*(=[ \\t]*)?\\(([^()\\n]{1,400})\\)",
  "urlPasswordField": "[^\\s'\\\"/:{}]*:\\{([A-Za-z_][A-Za-z0-9_]*)\\}@",
  "assignedExpression": "^[ \\t]*([A-Za-z_][A-Za-z0-9_.]*)[ \\t]*(?::=|=)(?!=)[ \\t]*([^\\n]{1,500})$",
  "expressionPart": "[rbuRBU]?([fF]?)[rR]?(['\\\"])((?:(?!\\2)[^\\\\\\n]|\\\\.)*)\\2|(\\.join\\(|str\\()|([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_(])|[ \\t+,()\\[\\]]+",
  "transcript": "^(?:(?:In \\[[0-9]{1,6}\\]:|>>>)[ \\t]+|(?=[^\\n]{1,500}\\r?\\nOut\\[[0-9]{1,6}\\]:))([^\\n]{1,500})\\r?\\n(?!>>>|\\.\\.\\.|In \\[)((?:Out\\[[0-9]{1,6}\\]:[ \\t]*)?)([^\\n]{1,2000})$",
  "formattedAssignment": "(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.-])(([A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ_][A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ0-9_.-]*)['\\\"]?[ \\t]*(?::=|=|:)[ \\t]*[rbuRBUfF]{0,2}(['\\\"])[^'\\\"\\n]{0,200}\\3[ \\t]*(?:%[ \\t]*\\(?|\\.format\\())([^()\\n]{1,2000})",
  "flatList": "[\\[(]((?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^\\[\\]()\\n'\\\"]){1,2000})[\\])]",
  "sqlInsert": "\\binsert[ \\t]+into[ \\t]+[^\\s(]{1,100}[ \\t]*\\(([^()\\n]{1,500})\\)[ \\t\\r\\n]*values[ \\t\\r\\n]*\\(((?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^()\\n'\\\"]){0,2000})\\)",
  "escapedJsonPair": "\\\\\\\"([A-Za-z_][A-Za-z0-9_.-]{0,100})\\\\\\\"[ \\t]*:[ \\t]*\\\\\\\"([^\\\\\\n\\\"]{1,2000})\\\\\\\"",
  "splitColumns": "['\\\"]columns['\\\"][ \\t]*:[ \\t]*\\[((?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^\\[\\]\\n'\\\"]){1,5000})\\]",
  "splitData": "['\\\"]data['\\\"][ \\t]*:[ \\t]*\\[",
  "listRow": "\\[((?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^\\[\\]\\n'\\\"]){0,20000})\\]",
  "structuredDtype": "dtype=\\[((?:\\([ \\t]*['\\\"][^'\\\"\\n]{1,100}['\\\"][ \\t]*,[^()\\n]{1,200}\\)[ \\t]*(?:,[ \\t\\n]*)?){1,500})\\]",
  "tupleRow": "\\(((?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^()\\n'\\\"]){0,20000})\\)",
  "fstringPrefix": "(?:[fF][rR]?|[rR][fF])$",
  "fstringField": "\\{[^{}\\n]{0,200}\\}",
  "fstringRun": "[A-Za-z0-9!#$%^&*+=~_-]{6,}",
  "hashContext": "\\b(?:sha-?(?:1|224|256|384|512)|sha3(?:_[0-9]+)?|md5|digest|hash(?:es)?|checksum|blake2[bs]?|crc32|etag|fingerprint|cache[ _-]?keys?)\\b(?:(?!(?<!checksum )(?<!digest )(?<!hash )key|token|secret|passw|pwd|credential)[\\s\\S])*$",
  "hexDigest": "^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128}|[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64})$",
  "placeholderValue": "^(?:</?[A-Za-z_.-]{1,60}>|<\\|[A-Za-z_.-]{1,60}\\|>|\\[[A-Za-z_.-]{1,60}\\]|\\([A-Za-z_.-]{1,60}\\)|your[-_](?:[a-z]+[-_]?){1,5}|x{3,}|\\*{3,}|\\.{3,}|…|%[sdrif]|%\\([A-Za-z_][A-Za-z0-9_]{0,40}\\)[sdr]|:[a-z_]{1,40}|\\{[A-Za-z0-9_]{0,40}\\}|\\$[0-9]{1,2}|\\*{8,}[A-Za-z0-9]{1,4}|REDACTED|DATA\\+OMITTED|[a-z0-9]{1,10}x{8,}|[a-z0-9]{1,10}(?:[-_][a-z0-9]{1,10}){0,3}[-_](?:x{3,}|\\*{3,}|\\.{3,}|…|<[A-Za-z_.-]{1,60}>|your[-_](?:[a-z]+[-_]?){1,5})|<(?:class[ \\t]+[A-Za-z_][A-Za-z0-9_.]{0,100}|[A-Za-z_][A-Za-z0-9_.]{0,100}[ \\t]+object)>)[,;)]?$",
  "proseValue": "^(?:must|should|shall|will|can|cannot|may|might|needs?|requires?|required|contains?|is|are|was|were|be|been|has|have|had|at|the|an?|and|or|not|never|only|minimum|maximum|policy|rules?|expires?|expired|changed|reset|see|use|enter|your|set|missing|invalid|incorrect|wrong|empty|hidden|optional|same|different|too|least|most|must|does|did|do|if|when|for|from|with|of|in|on|to|by|this|that|it|its|please|check|ask|contact|request|call|email|ping|message|talk|find|get|generate|create|copy|paste|provide|obtain|follow|refer|consult|click|choose|supply|sent|send|comes|lives|stored|kept|go)$",
  "proseRow": "^(?:but|and|or|so|yet|because|although|though|while|which|that|it|its|you|yours|your|we|they|this|these|those|then|if|when|please|see|use|is|are|was|were|has|have|must|should|will|can|not|no|where|how|what|who|why|at[ \\t]+(?:least|most)|min(?:imum)?|max(?:imum)?|required|optional|stored|rotated|generated|created|issued)\\b[^ \\t]*(?:[ \\t]+\\S+){2,}|^your[ \\t]+[A-Za-z][a-z]{1,30}(?:[ \\t]+[A-Za-z][a-z]{1,30}){0,5}[.]?$",
  "proseWord": "^[A-Za-z][a-z]{1,24}$",
  "wordSecretName": "(?:^|_)(?:pass|pwd|pw|pin|creds)(?:_|$)|password|passwd|passphrase|secret|credential",
  "foreignSecretName": "(?:(?<![A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ])(?:passw(?:o|ö|oe)rt|kennw(?:o|ö|oe)rt|contrase[ñn]a|mot[ _-]?de[ _-]?passe|senha|wachtwoord|has[łl]o|l[öo]senord|passord|adgangskode|salasana|[şs]ifre|jelsz[óo]|heslo|clave[ _-]?(?:api|secreta)|api[ _-]?clave|chiave[ _-]?(?:api|segreta)|m[ậa]t[ _]?kh[ẩa]u|kata[ _]?sandi|clave[ _-]?de[ _-]?acceso|(?:mima|miyao)(?![a-zà-ÿ])|parol(?![a-zà-ÿ])|parolă|parola[ _-]?d[ _'-]?ordine|geheim(?:nis|e|er|es)?(?![a-zà-ÿ])|segreto|secreto|segredo|sekret|rahasia|hemlighet|hemmelighe[dt]|salaisuus|(?:api|geheim(?:e|er)?|zugangs|zugriffs|secret|privat(?:e|er)?)[ _-]?(?:schl(?:ü|ue)ssel|sleutel|klucz|nyckel)|(?:schl(?:ü|ue)ssel|sleutel|klucz)[ _-]?api|chave[ _-]?(?:api|secreta|de[ _]acesso)|api[ _-]?chave|cl[ée][ _-]?(?:api|secr[èe]te|priv[ée]e|d[e']?[ _-]?acc[èe]s)|api[ _-]?cl[ée]|jeton[ _-]?(?:api|secret|d[e']?[ _-]?(?:acc[èe]s|authentification))|api[ _-]?jeton)|(?:пароль|парол[яюе]|密码|密碼|口令|パスワード|暗証番号|비밀번호|암호|κωδικός|σύνθημα|סיסמה|סיסמא|كلمة[ _]?المرور|पासवर्ड|รหัสผ่าน|секрет|токен|секретный[ _]?ключ|ключ[ _]?api|api[ _]?ключ|密钥|秘钥|私钥|令牌|秘密鍵|秘密|トークン|토큰|비밀[ _]?키))(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40}_(?:policy|policies|hash|hashed|length|len|min|max|rules?|hint|strength|reset|expiry|expires|changed|valid|ok|prompt|label|field|input|form|count|set|type|regel)(?![A-Za-z0-9_À-ÿĀ-žЀ-ӿ]))[A-Za-z0-9_À-ÿĀ-žЀ-ӿ]{0,40}",
  "nameLetters": "A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ",
  "templateValue": "^(?:\\{\\{[^{}\\n'\\\"`]{1,200}\\}\\}|\\$\\{[{?]?[ \\t]*[A-Za-z_][A-Za-z0-9_. \\t]{0,200}\\}?\\}|\\{\\{[ \\t]*[A-Za-z_][A-Za-z0-9_.]{0,60}\\([ \\t]*(['\\\"])[A-Za-z0-9_.-]{1,100}\\1[ \\t]*\\)[ \\t]*\\}\\}|\\$[A-Z_][A-Z0-9_]{1,60})$",
  "callArguments": "(?<![A-Za-z0-9_])(?<![A-Za-z0-9_]\\.)([A-Za-z_][A-Za-z0-9_.]*)?([(\\[])((?:'(?:[^'\\\\\\n]|\\\\[^\\n])*'|\\\"(?:[^\\\"\\\\\\n]|\\\\[^\\n])*\\\"|'(?![^'\\n]*')|\\\"(?![^\\\"\\n]*\\\")|[^()\\[\\]\\n'\\\"]){1,2000})(?=[)\\]])",
  "callArgument": "(['\\\"])(?:(?!\\1)[^\\\\\\n]|\\\\.)*\\1|[^,'\\\"]+|,",
  "unpacking": "^[ \\t]*['\\\"]?[(\\[]?[ \\t]*((?:[A-Za-z_][A-Za-z0-9_.]{0,100}[ \\t]*,[ \\t]*){1,20}[A-Za-z_][A-Za-z0-9_.]{0,100})[ \\t]*,?[ \\t]*[)\\]]?[ \\t]*=(?!=)[ \\t]*([^\\n]{1,2000})$",
  "unpackingHead": "(?:^|\\n)[ \\t]*['\\\"]?[(\\[]?[ \\t]*(?:[A-Za-z_][A-Za-z0-9_.]{0,100}[ \\t]*,[ \\t]*){1,20}$",
  "nameLikeValue": "^(?:[▁Ġ]|##)?(?:[a-z_][a-z0-9_]*|[a-z]*(?:[A-Z]{1,5}[a-z]{2,})+[A-Z]{0,5}|[A-Z]{2,}(?:_[A-Z0-9]+)*)$",
  "assignedItem": "[=:][ \\t]*(?![Bb]earer[ \\t]*$|[Bb]asic[ \\t]*$|[Tt]oken[ \\t]*$)[^\\s]",
  "itemGlue": "^[ \\t]*,[ \\t]*$",
  "dtypeValue": "^[<>|=]?(?:[biufcOSUVa][0-9]{0,4}|[mM]8(?:\\[[a-z]{1,2}\\])?|object|str|bool|bytes|u?int(?:8|16|32|64)?|float(?:16|32|64)?|complex(?:64|128)?|(?:datetime|timedelta)64(?:\\[[a-z]{1,2}\\])?)$",
  "credentialCalls": [
    "algoliasearch",
    "authenticate",
    "bind",
    "bind_s",
    "gitlab",
    "log_in",
    "login",
    "sign_in",
    "signin",
    "simple_bind",
    "simple_bind_s",
    "starttls_login"
  ],
  "keyCalls": [
    "azure_key_credential",
    "cognitive_services_credentials",
    "cohere.client",
    "cohere.client_v2",
    "deepgram_client",
    "fred",
    "from_key",
    "github",
    "huggingface_hub.login",
    "iam_authenticator",
    "mistral",
    "mistral_client",
    "news_api_client",
    "owm",
    "pinecone",
    "tavily_client",
    "together",
    "wandb.login"
  ],
  "decodeCalls": [
    "a2b_base64",
    "a2b_hex",
    "b16decode",
    "b32decode",
    "b64decode",
    "b85decode",
    "decodebytes",
    "fromhex",
    "standard_b64decode",
    "unhexlify",
    "urlsafe_b64decode"
  ],
  "randomKeyCalls": [
    "alpha_vantage",
    "crypto_currencies",
    "foreign_exchange",
    "fundamental_data",
    "sector_performances",
    "speech_config",
    "speech_translation_config",
    "tech_indicators",
    "time_series"
  ],
  "randomKeyCallSuffix": "[a-z0-9]_(?:client|api)$",
  "assignedBefore": "([A-Za-z_][A-Za-z0-9_]*)['\\\"]?[ \\t]*(?::=|=|:)[ \\t]*(?![\\s\\S])",
  "lateKinds": [
    "wrapped secret",
    "cloud secret key"
  ],
  "idNameBefore": "([A-Za-z_][A-Za-z0-9_]{0,60}(?:_id|_ids|Id|Ids|ID|_uuid|_guid))['\\\"]?[ \\t]*[=:][ \\t]*['\\\"]?(?![\\s\\S])",
  "callWords": [
    "login",
    "connect",
    "bind",
    "ftp",
    "redis",
    "sign",
    "pinecone",
    "owm(",
    "github(",
    "mistral",
    "fred(",
    "deepgram",
    "tavily",
    "newsapi",
    "together(",
    "gitlab(",
    "algoliasearch(",
    "authenticator",
    "credential",
    "timeseries(",
    "fundamentaldata(",
    "foreignexchange(",
    "cryptocurrencies(",
    "techindicators(",
    "sectorperformances(",
    "alphavantage(",
    "speechconfig(",
    "speechtranslationconfig(",
    "client(",
    "api("
  ],
  "envVariableName": "^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$",
  "connectCalls": [
    "connect",
    "connection",
    "ftp",
    "ftp_tls",
    "mysql_connection",
    "redis",
    "strict_redis"
  ],
  "nonCredentialCalls": [
    "cookie",
    "cookies",
    "dsn",
    "otp",
    "session"
  ],
  "getterCall": "^(?:get|load|fetch|read|lookup|find|list|delete|remove|has|check|validate|verify|describe|rotate|revoke)_",
  "keepValue": "^(?:none|null|nil|true|false|undefined|yes|no|on|off|not|lambda|await|yield|break|continue|return|raise|bearer|basic|digest|\\*+|x+|\\.\\.\\.|…|[0-9]{1,5}|[^a-z0-9]*)$",
  "labelName": "(?:Error|Exception|Warning|Exit|Interrupt)$",
  "continuedString": "(«redacted: [^»\\n]{1,80}»['\\\"])([ \\t]*(?:\\+[ \\t]*)?(?:\\\\[ \\t]*)?\\n?[ \\t]*)(['\\\"])([^'\\\"\\n«]{1,2000})(?=['\\\"])",
  "codeValue": "^[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+[,;]?$|^[A-Za-z_][A-Za-z0-9_.]*[(\\[].*[)\\]][,;:]?$|^\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?[,;]?$|^\\{\\{?[^{}]*\\}?\\}[,;]?$",
  "typeValue": "^(?:str|bytes|bytearray|int|float|bool|object|Any|Optional|Union|List|Dict|Tuple|list|dict|tuple|Sequence|Mapping|Literal|Annotated|SecretStr|SecretBytes|Secret|Path|Callable)[,;)=]?$",
  "annotationValue": "^(?:(?:typing|t|pydantic)\\.)?(?:str|bytes|bytearray|int|float|bool|object|Any|None|Optional|Union|List|Dict|Tuple|list|dict|tuple|Sequence|Mapping|Literal|Annotated|SecretStr|SecretBytes|Secret|Path|Callable)(?:\\[[A-Za-z0-9_.,\\[\\] |]{0,120}\\])?(?:[ \\t]*\\|[ \\t]*(?:(?:typing|t|pydantic)\\.)?(?:str|bytes|bytearray|int|float|bool|object|Any|None|Optional|Union|List|Dict|Tuple|list|dict|tuple|Sequence|Mapping|Literal|Annotated|SecretStr|SecretBytes|Secret|Path|Callable))?$",
  "annotationNext": "[ \\t]*(?:\\|[ \\t]*[A-Za-z_]|=(?!=)|[,)\\]])",
  "classHeader": "class[ \\t]+[A-Za-z_][A-Za-z0-9_]*[ \\t]*[(:]",
  "shortNameValue": "^[A-Za-z_][A-Za-z0-9_]?[,;]?$",
  "keyishNamePattern": "(?:^|(?<!public)(?<!pub)_)(?!pub(?:lic)?_?keys?(?:_|$))(?<!cache_)(?<!sort_)(?<!primary_)(?<!foreign_)(?<!partition_)(?<!row_)(?<!object_)(?<!lookup_)(?<!idempotency_)(?<!dedup_)(?<!cursor_)(?<!group_)(?<!join_)(?<!dict_)(?<!index_)(?<!s3_)(?<!blob_)(?<!range_)(?<!composite_)(?<!dedupe_)(?:[a-z0-9]*keys?|sas|sig|signature|salt|hmac|nonce|[a-z0-9]+pass|tok|tkn|pat|subscription$|sleutel|schl(?:_|ue)ssel|clave|chave|chiave|klucz|nyckel)(?:_|$)",
  "keyNotUuidName": "(?:^|_)(?:subscription|idempotency_key)$",
  "uuidValue": "^[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$",
  "envReadName": "(?:getenv\\([ \\t]*|environ(?:\\.get\\([ \\t]*|\\[[ \\t]*)|%env[ \\t]+|\\$\\{?)['\\\"]?([A-Z][A-Z0-9_]{1,60})(?![A-Za-z0-9_])",
  "authSchemeName": "(?:^|_)(?:auth|authorization|authentication|authenticator)$",
  "authSchemeValue": "^(?:oauth(?:[ _-]?2(?:\\.0)?)?|oauth1(?:a)?|basic|bearer|digest|token|jwt|ntlm|kerberos|negotiate|gssapi|spnego|ldap|saml2?|sso|oidc|openid(?:[ _-]?connect)?|api[ _-]?key|hmac|(?:aws[ _-]?)?sigv4|iam|x509|mtls|tls|ssl|cert(?:ificate)?|plain|nosasl|sasl|scram(?:-sha-(?:1|256|512))?|md5|trust|peer|none|anonymous|password|user[ _-]?password|service[ _-]?account|managed[ _-]?identity|msi|default|external[ _-]?browser|cookie|session|custom|local|azure[ _-]?ad|aad|entra|okta|pat|oauth[ _-]?token)[ \\t]*$",
  "shortPasswordNames": [
    "p"
  ],
  "shortNamePasswordValue": "^(?=[^'\\\"\\s]{6,64}$)(?=[^'\\\"\\s]{0,63}[A-Za-z])(?=[^'\\\"\\s]{0,63}[0-9!@#$^&*~?])(?![^'\\\"\\s]{0,64}[./\\\\:,;=()\\[\\]{}<>|%])(?![0-9]+(?:[eE][+-]?[0-9]+)?$)(?!#[0-9A-Fa-f]{3,8}$)(?![A-Za-z_]{1,20}(?:8|16|32|64|128|256|384|512)$)(?!(?:tab|Set|Pastel|Dark|Accent|Paired|C)[0-9]{1,2}[bc]?$)(?![a-z0-9]{1,30}(?:-[a-z0-9]{1,30}){1,5}$)(?![a-z]{1,30}[0-9]{1,4}[a-z]{1,30}$)(?!(?:resnet|resnext|wide_resnet|vgg|densenet|efficientnet|mobilenet|inception|xception|alexnet|squeezenet|shufflenet|mnasnet|regnet[xy]?|convnext|vit|deit|swin|beit|yolo|unet|gpt|bert|roberta|distilbert|albert|deberta|electra|xlnet|llama|mistral|mixtral|qwen|gemma|phi|falcon|bloom|opt|t5|bart|whisper|clip|dino|sam|detr|ssd|rcnn|lstm|gru|mlp|cnn|lenet|darknet|hrnet|nasnet|pointnet|wav2vec|stablelm|starcoder|pythia|xgboost|xgb|lightgbm|lgbm|catboost|layer|block|stage|conv|encoder|decoder|head)[_-]?[a-z]?[0-9]{1,4}(?:[_-]?[a-z0-9]{1,8}){0,3}$)([^'\\\"\\s]{6,64})$",
  "shortNameTriggers": [
    "p=",
    "p =",
    "p:",
    "p :",
    "p\"",
    "p'"
  ],
  "weakQualifiers": [
    "field",
    "header",
    "hint",
    "label",
    "name"
  ],
  "credentialValue": "^(?=\\S{8,}$)(?=[^A-Za-z]*[A-Za-z])(?=[^0-9!@#$%^&*]*[0-9!@#$%^&*])(?![A-Za-z_.-]+[0-9]+$)\\S+$",
  "filePathValue": "^(?:(?:~|\\.{1,2}|\\$\\{?[A-Za-z_][A-Za-z0-9_]{0,40}\\}?|[A-Za-z]:)?[/\\\\]{1,2}|[A-Za-z0-9_.@+ -]{1,80}[/\\\\]{1,2})(?:[A-Za-z0-9_.@+ -]{1,80}[/\\\\]{1,2}){0,30}[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,100}\\.[a-z][a-z0-9]{0,5}$|^(?:~|\\.{1,2}|\\$\\{?[A-Za-z_][A-Za-z0-9_]{0,40}\\}?)?/(?:[a-z0-9_.@+-]{1,80}/){1,30}[a-z0-9_.-]{1,100}$|^[a-z][a-z0-9_.-]{0,80}(?:/[a-z][a-z0-9_.-]{0,80}){1,29}/(?:[a-z0-9_.-]{0,40}[_.-])?(?:password|passwd|pwd|secret|key|token|credentials?|creds)(?:[_.-][a-z0-9_.-]{0,40})?$",
  "highEntropyValue": "^(?:[A-Za-z0-9_.~-]{4,64}:)?(?=[A-Za-z0-9+/=_.~-]{16,}$)(?=[^0-9]*[0-9])(?=[^A-Za-z]*[A-Za-z])(?![^/]*/[A-Za-z0-9+/=_.~-]*\\.[A-Za-z][A-Za-z0-9]{0,7}$)(?:(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])|.{32,}|(?=[A-Z0-9]{16,}$)|(?=(?:[A-Za-z]*[0-9]+[A-Za-z]+){4}))",
  "yamlBlockKey": "^([ \\t]*)(?:- )?([A-Za-z_][A-Za-z0-9_.-]*)[ \\t]*:[ \\t]*([|>][-+0-9]*)?[ \\t]*$",
  "bareAlignedHeader": "^[A-Za-z_][A-Za-z0-9_.-]*(?: {2,}[A-Za-z_][A-Za-z0-9_.-]*)+ *$",
  "alignedKeyValue": "^([A-Za-z_][A-Za-z0-9_.-]*)( {2,})(?!#[ \\t])(\\S.*)$",
  "rowNumber": "^[ \\t]*[0-9]{1,9} {2,}(?=[A-Za-z_])",
  "indexNameLine": "^([A-Za-z_][A-Za-z0-9_.-]*) *$",
  "labelledRow": "^(«[^»\\n]{1,80}»|\\S+)( {2,}\\S.*)$",
  "proseKey": "^(?:for|the|a|an|in|on|with|to|of|if|when|your|my|our|their|and|or|as|by|from|about|enter|use|set|get|no|any|each|every|this|that|where|how|what|why)[ \\t]",
  "htmlToken": "<(/?)(tr|thead|tbody|tfoot|table)\\b[^>]{0,200}>|(<t[hd]\\b[^>]{0,200}>)([^<]{0,2000})(?=</t[hd]>)|\\n",
  "tableDelimiters": [
    ",",
    "\t",
    ";",
    "\\|",
    "[│┆┃║]",
    "&"
  ],
  "tableHeaderField": "^[A-Za-z_][A-Za-z0-9_ -]{0,63}$",
  "tableRuleRow": "^(?:[\\s─═━╞╪╡├┼┤┌┬┐└┴┘╭╮╰╯┏┳┓┡╇┩╔╦╗╠╬╣╚╩╝|+:=-]*|[ \\t]*\\\\(?:hline|midrule|toprule|bottomrule)[ \\t]*)$",
  "seriesFooter": "^Name: ([^,]{1,100}), (?:Length: [0-9,]+, )?dtype: \\S+$",
  "nameTriggers": [
    "pass",
    "_pat",
    "hubpat",
    "labpat",
    "pw",
    "secret",
    "token",
    "auth",
    "credential",
    "cred",
    "psw",
    "pssw",
    "pasw",
    "dsn",
    "cookie",
    "session",
    "bearer",
    "key",
    "otp",
    "conn",
    "sas",
    "sig",
    "salt",
    "hmac",
    "nonce",
    "psk",
    "shared",
    "security",
    "tok=",
    "tok =",
    "tok:",
    "tok\"",
    "tok'",
    "tok  ",
    "pat=",
    "pat =",
    "pat:",
    "pat\"",
    "pat'",
    "pat  ",
    "login",
    "log_in",
    "signin",
    "sign_in",
    "bind",
    ":{",
    "sleutel",
    "clave",
    "chave",
    "chiave",
    "klucz",
    "nyckel",
    "appid",
    "subscription",
    "timeseries(",
    "fundamentaldata(",
    "foreignexchange(",
    "cryptocurrencies(",
    "techindicators(",
    "sectorperformances(",
    "alphavantage(",
    "speechconfig(",
    "speechtranslationconfig(",
    "client(",
    "api("
  ],
  "envAllowNames": [
    "CONDA_DEFAULT_ENV",
    "CONDA_PREFIX",
    "CUDA_VISIBLE_DEVICES",
    "HOME",
    "HOSTNAME",
    "JPY_PARENT_PID",
    "JPY_SESSION_NAME",
    "JUPYTER_CHATKIT_API",
    "JUPYTER_CHATKIT_MODEL",
    "LANG",
    "LANGUAGE",
    "LOGNAME",
    "MPLBACKEND",
    "OMP_NUM_THREADS",
    "PATH",
    "PWD",
    "PYTHONHASHSEED",
    "PYTHONPATH",
    "PYTHONUNBUFFERED",
    "SHELL",
    "SHLVL",
    "TERM",
    "TMPDIR",
    "TZ",
    "USER",
    "VIRTUAL_ENV"
  ],
  "envAllowPrefixes": [
    "LC_"
  ],
  "htmlEntities": {
    "quot": "\"",
    "apos": "'",
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "nbsp": " ",
    "ensp": " ",
    "emsp": " ",
    "thinsp": " ",
    "colon": ":",
    "equals": "=",
    "lpar": "(",
    "rpar": ")",
    "lsqb": "[",
    "rsqb": "]",
    "lbrack": "[",
    "rbrack": "]",
    "lcub": "{",
    "rcub": "}",
    "lbrace": "{",
    "rbrace": "}",
    "comma": ",",
    "semi": ";",
    "period": ".",
    "sol": "/",
    "bsol": "\\",
    "grave": "`",
    "num": "#",
    "dollar": "$",
    "percnt": "%",
    "excl": "!",
    "quest": "?",
    "commat": "@",
    "ast": "*",
    "midast": "*",
    "plus": "+",
    "lowbar": "_",
    "hyphen": "-",
    "dash": "-",
    "vert": "|",
    "verbar": "|",
    "Tab": "\t",
    "NewLine": "\n"
  },
  "entityTriggers": [
    "pass",
    "_pat",
    "hubpat",
    "labpat",
    "pw",
    "secret",
    "token",
    "auth",
    "credential",
    "cred",
    "psw",
    "pssw",
    "pasw",
    "dsn",
    "cookie",
    "session",
    "bearer",
    "key",
    "otp",
    "conn",
    "sas",
    "sig",
    "salt",
    "hmac",
    "nonce",
    "psk",
    "shared",
    "security",
    "tok=",
    "tok =",
    "tok:",
    "tok\"",
    "tok'",
    "tok  ",
    "pat=",
    "pat =",
    "pat:",
    "pat\"",
    "pat'",
    "pat  ",
    "login",
    "log_in",
    "signin",
    "sign_in",
    "bind",
    ":{",
    "sleutel",
    "clave",
    "chave",
    "chiave",
    "klucz",
    "nyckel",
    "appid",
    "subscription",
    "timeseries(",
    "fundamentaldata(",
    "foreignexchange(",
    "cryptocurrencies(",
    "techindicators(",
    "sectorperformances(",
    "alphavantage(",
    "speechconfig(",
    "speechtranslationconfig(",
    "client(",
    "api(",
    "code="
  ],
  "placeholderOpen": "«redacted: ",
  "placeholderClose": "»",
  "elidedTail": "(«redacted: [^«»\\n]{1,80}»)(?:\\.{3}|…)(?:«redacted: [^«»\\n]{1,80}»|[A-Za-z0-9_+/=~.-]*[A-Za-z0-9_+/=~-])",
  "joinedHint": "[\\\"'](?:[ \\t]*(?:\\+[ \\t]*)?(?:\\\\?\\r?\\n[ \\t]*)?[bBrRuU]{0,2}[\\\"']|\\.join\\()|[fF][rR]?[\\\"'][^\\\"'\\n]{0,300}\\{",
  "joinedList": "(?<![A-Za-z0-9_])([\\\"'])([^\\s\\\"'\\\\]{0,3})\\1\\.join\\([ \\t]*[\\[(][ \\t]*([bBrRuU]{0,2}(?:\\\"[^\\s\\\"'\\\\{}]{4,200}\\\"|'[^\\s\\\"'\\\\{}]{4,200}')(?:[ \\t]*,[ \\t]*[bBrRuU]{0,2}(?:\\\"[^\\s\\\"'\\\\{}]{4,200}\\\"|'[^\\s\\\"'\\\\{}]{4,200}')){1,7})[ \\t]*,?[ \\t]*[\\])][ \\t]*\\)",
  "joinedLiterals": "(?<![A-Za-z0-9_])[bBrRuU]{0,2}(?:\\\"[^\\s\\\"'\\\\{}]{4,200}\\\"|'[^\\s\\\"'\\\\{}]{4,200}')(?:[ \\t]*(?:\\+[ \\t]*)?(?:\\\\?\\r?\\n[ \\t]*)?[bBrRuU]{0,2}(?:\\\"[^\\s\\\"'\\\\{}]{4,200}\\\"|'[^\\s\\\"'\\\\{}]{4,200}')){1,7}",
  "joinedFstring": "(?<![A-Za-z0-9_])[fF][rR]?(?:\\\"([^\\s\\\"'\\\\{]{0,300}\\{[^\\s\\\"'\\\\]{0,300})\\\"|'([^\\s\\\"'\\\\{]{0,300}\\{[^\\s\\\"'\\\\]{0,300})')",
  "joinedPiece": "[bBrRuU]{0,2}([\\\"'])([^\\s\\\"'\\\\{}]{4,200})\\1",
  "fstringFieldPart": "\\{[^{}]{0,200}\\}",
  "joinedMinChars": 16,
  "joinedValue": "^[A-Za-z0-9_.~+/-]+={0,2}$"
} as const;
