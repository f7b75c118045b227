// Generated from src/jupyter_chatkit/context_policy/rules.py: do not edit.
// Regenerate: python -m jupyter_chatkit.context_policy.rules --write
export const RULES = {
  "secretNamePattern": "(?:^|_)(?:passwords?|passwd|pwd|passphrase|secrets?|token|auth|authorization|credentials?|creds|dsn|cookies?|session|session_?id|bearer|otp|(?:api|private|access|secret|signing|encryption|client)_?keys?|client_?secret|conn(?:ection)?_?str(?:ing)?)(?:_|$)|(?:^|_)[a-z0-9]*(?:password|passwd|passphrase|secret|token|apikey|credentials?)(?:_|$)",
  "valueRules": [
    {
      "kind": "PEM private key",
      "pattern": "-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----|[A-Za-z0-9+/=\\s\\\\]*)",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "DER key body",
      "pattern": "(?<![A-Za-z0-9+/])MII[A-Za-z0-9+/]{60,}={0,2}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "JWT",
      "pattern": "eyJ[A-Za-z0-9_-]{6,}\\.eyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "API key",
      "pattern": "(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{16,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Stripe key",
      "pattern": "(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "GitHub token",
      "pattern": "(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Hugging Face token",
      "pattern": "(?<![A-Za-z0-9])hf_[A-Za-z0-9]{20,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Slack token",
      "pattern": "(?<![A-Za-z0-9])xox[abpr]-[A-Za-z0-9-]{10,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "AWS key id",
      "pattern": "(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "Google API key",
      "pattern": "(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{30,}",
      "group": 0,
      "flags": ""
    },
    {
      "kind": "bearer token",
      "pattern": "(\\b(?:bearer|token|basic)[ \\t]+)((?=[A-Za-z0-9._~+/=-]{12,})[A-Za-z._~+/=-]*[0-9][A-Za-z0-9._~+/=-]*)",
      "group": 2,
      "flags": "i"
    },
    {
      "kind": "URL password",
      "pattern": "(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s:/?#@'\\\"]*:)([^\\s@/'\\\"]+)(?=@)",
      "group": 2,
      "flags": ""
    },
    {
      "kind": "query secret",
      "pattern": "([?&;](?:password|passwd|pwd|token|secret|api_?key|access_token|auth|sig|signature)=)([^&\\s'\\\"#]+)",
      "group": 2,
      "flags": "i"
    }
  ],
  "valueTriggers": [
    "-----begin",
    "mii",
    "eyj",
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
    "akia",
    "asia",
    "aiza",
    "bearer",
    "token",
    "basic",
    "://",
    "password=",
    "passwd=",
    "pwd=",
    "secret=",
    "key=",
    "auth=",
    "sig=",
    "signature="
  ],
  "quotedAssignment": "([A-Za-z_][A-Za-z0-9_.-]*)(['\\\"]?\\]?[ \\t]*(?::=|=|:)[ \\t]*[rbuRBU]?)(['\\\"])((?:(?!\\3)[^\\n\\\\]|\\\\.){1,2000})\\3",
  "bareAssignment": "^([ \\t]*(?:%env[ \\t]+|%set_env[ \\t]+|!?export[ \\t]+|set[ \\t]+)?)([A-Za-z_][A-Za-z0-9_.-]*)([ \\t]*[=:][ \\t]*|[ \\t]+)([^\\s'\\\"]+)[ \\t]*$",
  "nameTriggers": [
    "pass",
    "pwd",
    "secret",
    "token",
    "auth",
    "credential",
    "creds",
    "dsn",
    "cookie",
    "session",
    "bearer",
    "key",
    "otp",
    "conn"
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
  "placeholderOpen": "«redacted: ",
  "placeholderClose": "»"
} as const;
