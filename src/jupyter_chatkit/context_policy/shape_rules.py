"""What a value under a secret's name looks like, for the table of :mod:`.rules`:
digests beside a hash's name, placeholders and templates, prose, code and type
annotations, a credential's shape and a random key's. Plain data, rendered into the
TypeScript copy with the rest of the table."""

from __future__ import annotations

# A random-looking hex word right after a hash's name is a digest, not a key
# (``the key: sha256 = "e3b0…"``, ``cache_key: ds-9f2c…``). Group 1 of a "random" rule
# is read for these words.
# The hash's name must be the last name before it: in ``checksum ok, api key 0a1b…``
# the word is named a key.
HASH_CONTEXT = (
    r"\b(?:sha-?(?:1|224|256|384|512)|sha3(?:_[0-9]+)?|md5|digest|hash(?:es)?|checksum"
    r"|blake2[bs]?|crc32|etag|fingerprint|cache[ _-]?keys?)\b"
    # ``checksum key``, ``digest key``: a name for the digest; ``sha256 of the key``:
    # what was hashed, not a key given.
    r"(?:(?!(?<!of the )(?<!of a )(?<!of an )(?<!of your )(?<!of this )"
    r"(?:(?<!checksum )(?<!digest )(?<!hash )key|token|secret|passw|pwd|credential))[\s\S])*$"
)
# A digest in base64 (16, 20, 32, 48 or 64 bytes: MD5 to SHA-512), as ssh-keygen prints a
# key's fingerprint (``SHA256:rcr4…``), a Subresource Integrity value (``sha384-…``) or
# a storage header (``md5=…``) write it: after its algorithm's name and ":", "-" or "=".
B64_DIGEST = (
    r"^(?:[A-Za-z0-9+/_-]{22}(?:==)?|[A-Za-z0-9+/_-]{27}=?|[A-Za-z0-9+/_-]{43}=?"
    r"|[A-Za-z0-9+/_-]{64}|[A-Za-z0-9+/_-]{86}(?:==)?)$"
)
B64_DIGEST_LABEL = r"\b(?:sha-?(?:1|256|384|512)|md5)[:=-]$"
HEX_DIGEST = (
    r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128}"
    r"|[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64})$"
)
# A column's type as pandas, Arrow and Spark name it (``object``, ``Int64``,
# ``datetime64[ns, UTC]``, ``string``, ``long``), read case-blind.
TYPE_NAME = (
    r"(?:object|string|boolean|category|u?int(?:8|16|32|64)|float(?:16|32|64)|long|double"
    r"|integer|timestamp|binary"
    r"|(?:datetime|timedelta)64\[[a-z]{1,2}(?:,[ \t]*[A-Za-z_/+-]{1,40})?\])"
)
# What ``df.info()`` prints after a column's name (``1000 non-null   object``), or a
# schema's type alone (``df.dtypes``): the column's count and type, never its values.
SCHEMA_CELLS = rf"^(?:[0-9]+[ \t]+non-null[ \t]+)?{TYPE_NAME}[ \t]*$"
# Placeholders where a value goes (``--token <TOKEN>``, ``your-api-key``, ``xxxx``), and
# query and format parameters (``password = %s``, ``:pw``, ``$1``, ``%(pw)s``). A word in
# brackets is one when it has no digit (``<Hunt3rXy9>`` is a password in brackets), in
# parentheses too (a prompt's echo ``Password: (hidden)``).
PLACEHOLDER_VALUE = (
    # A tokenizer's special tokens too (``</s>``, ``<|endoftext|>``).
    r"^(?:</?[A-Za-z_.-]{1,60}>|<\|[A-Za-z_.-]{1,60}\|>|\[[A-Za-z_.-]{1,60}\]|\([A-Za-z_.-]{1,60}\)|your[-_](?:[a-z]+[-_]?){1,5}|x{3,}|\*+"
    r"|\.{3,}|…|%[sdrif]|%\([A-Za-z_][A-Za-z0-9_]{0,40}\)[sdr]|:[a-z_]{1,40}|\{[A-Za-z0-9_]{0,40}\}"
    r"|\$[0-9]{1,2}"
    # Words for one in camelCase or after "example" (``YourApiKey``, ``exampleApiKey``,
    # ``example-token``), and a URL whose user is one (Sentry's documented DSN
    # ``https://examplePublicKey@o0.ingest.sentry.io/0``, ``https://public@sentry…``).
    r"|(?:[Yy]our|[Ee]xample)(?:[A-Z][a-z]+|[A-Z]{2,5}){1,5}|example[-_](?:[a-z]+[-_]?){1,5}"
    r"|[a-z][a-z0-9+.-]{0,20}://(?:[Yy]our|[Ee]xample|[Pp]ublic)(?:[A-Z][a-z]+|[A-Z]{2,5}"
    r"|[-_][a-z]+){0,5}@[^\s'\"@]{1,200}"
    # A mask showing a key's last characters (``aws configure list``'s
    # ``****************WXYZ``), and tools' words for a value left out (``kubectl config
    # view``'s ``DATA+OMITTED`` and ``REDACTED``).
    r"|\*{8,}[A-Za-z0-9]{1,4}|REDACTED|DATA\+OMITTED"
    # A key's prefix, then its body masked (``AKIAXXXXXXXXXXXXXXXX``, ``dapi********``).
    r"|[a-z0-9]{1,10}(?:x{8,}|\*{8,})"
    # A key's prefix before one of them (``sk-...``, ``sk-proj-xxxx``, ``ghp_<token>``).
    r"|[a-z0-9]{1,10}(?:[-_][a-z0-9]{1,10}){0,3}[-_](?:x{3,}|\*{3,}|\.{3,}|…|<[A-Za-z_.-]{1,60}>"
    # ... or words for one (``xoxb-your-bot-token``, ``sk-your-key-here``).
    r"|your[-_](?:[a-z]+[-_]?){1,5})"
    # ... with the key's last characters shown after it (``sk-...a1B2``, ``sk-proj-****wXyZ``),
    # or its last 4 and up to 3 of its first (``sk-p...9xQ2``: ``key[:4]...key[-4:]``).
    r"|[a-z0-9]{1,10}(?:[-_][a-z0-9]{1,10}){0,3}[-_](?:\*{3,}|\.{3}|…)[A-Za-z0-9]{1,6}"
    r"|[a-z0-9]{1,10}(?:[-_][a-z0-9]{1,10}){0,3}[-_][A-Za-z0-9]{1,3}(?:\*{3,}|\.{3}|…)[A-Za-z0-9]{1,4}"
    # How the kernel names a value it does not show (``<class str>``, an annotation's
    # ``<typing._UnionGenericAlias object>``): a type, not a secret.
    r"|<(?:class[ \t]+[A-Za-z_][A-Za-z0-9_.]{0,100}|[A-Za-z_][A-Za-z0-9_.]{0,100}[ \t]+object)>"
    # A column's type where a schema lists a secret-named column (``df.dtypes``' and
    # ``df.info()``'s ``password  object``, Spark's ``|-- password: string``, a JSON
    # schema's ``"type": "string"``): its type, not its value.
    rf"|{TYPE_NAME}"
    r")[,;).]?$"
)
# A quoted value that only refers to a secret kept elsewhere: a Jinja/Ansible or GitHub
# Actions expression, a shell variable (``password: "{{ vault_db_password }}"``), HOCON's
# optional ``${?DB_PASSWORD}``. Not
# one holding a literal or a default (``{{ pw | default('x') }}``, ``${PW:-x}``): that
# is the secret itself.
TEMPLATE_VALUE = (
    r"^(?:\{\{[^{}\n'\"`]{1,200}\}\}|\$\{[{?]?[ \t]*[A-Za-z_][A-Za-z0-9_. \t]{0,200}\}?\}"
    # dbt's and Airflow's lookups by name (``{{ env_var("DBT_PASSWORD") }}``, ``{{
    # var('password') }}``): one quoted name, no default (a default may be the secret).
    r"|\{\{[ \t]*[A-Za-z_][A-Za-z0-9_.]{0,60}\([ \t]*(['\"])[A-Za-z0-9_.-]{1,100}\1[ \t]*\)"
    r"[ \t]*\}\}"
    r"|\$[A-Z_][A-Z0-9_]{1,60})$"
)
# An unquoted word under a secret name followed by more words is prose when it is one
# of these (``Password: must have 12 characters``, ``password policy: …``).
PROSE_VALUE = (
    r"^(?:must|should|shall|will|can|cannot|may|might|needs?|requires?|required|contains?"
    r"|is|are|was|were|be|been|has|have|had|at|the|an?|and|or|not|never|only|minimum"
    r"|maximum|policy|rules?|expires?|expired|changed|reset|see|use|enter|your|set|missing"
    r"|invalid|incorrect|wrong|empty|hidden|optional|same|different|too|least|most|must"
    r"|does|did|do|if|when|for|from|with|of|in|on|to|by|this|that|it|its|please|check"
    # Where to get one (``token: ask an admin``, ``API key: request one from IT``).
    r"|ask|contact|request|call|email|ping|message|talk|find|get|generate|create|copy"
    r"|paste|provide|obtain|follow|refer|consult|click|choose|supply|sent|send|comes"
    r"|lives|stored|kept|go)$"
)
# One word of prose (``valid``, ``Authorization``). After ``name:`` and before more words,
# under a name whose value is never a plain word (a token's, a key's: not one of
# WORD_SECRET_NAME, read on the normalised name), it starts a sentence about the secret
# (``refresh token: valid for 30 days``, ``bearer token: Authorization header``).
PROSE_WORD = r"^[A-Za-z][a-z]{1,24}$"
WORD_SECRET_NAME = (
    r"(?:^|_)(?:pass|pwd|pw|pin|creds)(?:_|$)|password|passwd|passphrase|secret|credential"
)
# A file's path under a secret's name (``GOOGLE_APPLICATION_CREDENTIALS=/keys/sa.json``,
# ``private_key = "~/.ssh/id_rsa"``, ``DB_PASSWORD_FILE``-like values): where a secret
# is kept, not the secret (its content would be). A root (``/``, ``~/``, ``./``,
# ``$HOME/``, ``C:\\``) or a first folder, file names' characters only, and a last
# part with a lower-case extension; or, without one, a lower-case path of 2+ parts.
FILE_PATH_VALUE = (
    r"^(?:(?:~|\.{1,2}|\$\{?[A-Za-z_][A-Za-z0-9_]{0,40}\}?|[A-Za-z]:)?[/\\]{1,2}"
    r"|[A-Za-z0-9_.@+ -]{1,80}[/\\]{1,2})(?:[A-Za-z0-9_.@+ -]{1,80}[/\\]{1,2}){0,30}"
    r"[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,100}\.[a-z][a-z0-9]{0,5}$"
    r"|^(?:~|\.{1,2}|\$\{?[A-Za-z_][A-Za-z0-9_]{0,40}\}?)?/(?:[a-z0-9_.@+-]{1,80}/){1,30}"
    r"[a-z0-9_.-]{1,100}$"
    # A secret manager's name for one, a lower-case path of 3+ words with no root whose
    # last part names what it keeps (``prod/db/password``, ``team/ml/openai-key``):
    # where it is kept. Any other last part may be a passphrase (``correct/horse/battery``).
    r"|^[a-z][a-z0-9_.-]{0,80}(?:/[a-z][a-z0-9_.-]{0,80}){1,29}"
    r"/(?:[a-z0-9_.-]{0,40}[_.-])?(?:password|passwd|pwd|secret|key|token|credentials?|creds)"
    r"(?:[_.-][a-z0-9_.-]{0,40})?$"
)
# A key/value row's value that is a clause of a sentence: a prose word, then 2+ words.
PROSE_ROW = (
    r"^(?:but|and|or|so|yet|because|although|though|while|which|that|it|its|you|yours|your"
    r"|we|they|this|these|those|then|if|when|please|see|use|is|are|was|were|has|have|must"
    r"|should|will|can|not|no"
    # A docs table's cell about the secret (``| API key | where to get it |``, ``| Password
    # | at least twelve characters |``): a question word, a bound, a state. Not articles or
    # prepositions alone: a passphrase starts with them too (``password,in the garden 42
    # blue``, ``| password | a horse battery staple |``).
    r"|where|how|what|who|why|at[ \t]+(?:least|most)"
    r"|min(?:imum)?|max(?:imum)?|required|optional|stored|rotated|generated|created"
    r"|issued)\b[^ \t]*(?:[ \t]+\S+){2,}"
    # Where it is kept (``| OPENAI_API_KEY | set via Vault |``, ``kept in CI secrets``).
    r"|^(?:set|kept|managed|injected|loaded|fetched|read|pulled|provided)[ \t]+(?:via|in|from"
    r"|by|through|with|at)(?:[ \t]+\S+)+"
    # Whose the value is, in words (``| OPENAI_API_KEY | your key |``): a
    # placeholder's words, where ``your-api-key`` glues them.
    r"|^your[ \t]+[A-Za-z][a-z]{1,30}(?:[ \t]+[A-Za-z][a-z]{1,30}){0,5}[.]?$"
)

# Unquoted values under a secret name that are not secrets: empties, flags, masks,
# punctuation (``AUTH_MAP = {``) and short numbers (ports, counts), in lower case.
KEEP_VALUE = (
    r"^(?:none|null|nil|true|false|undefined|yes|no|on|off|not|lambda|await|yield"
    # ``if '<eos>' == token: break``: a statement after the colon, not a value.
    r"|break|continue|return|raise"
    # An HTTP authorization scheme's word (``Authorization: Bearer <token>``): its token
    # follows, read by the header rule.
    r"|bearer|basic|digest"
    r"|\*+|x+|\.\.\.|…|[0-9]{1,5}"
    r"|[^a-z0-9]*)$"
)
# After ``name =`` or ``name:`` a value like this is code, not a literal: an attribute
# (``cfg.pw``), a call or an index (``b64encode(x)``, ``os.environ["PW"]``) or a reference
# (``${PW}``, ``{{ pw }}``). Any other bare word is hidden: ``password: letmein`` in YAML
# is a password, and hiding ``password=pw`` in code costs less than leaking one.
CODE_VALUE = (
    r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+[,;]?$"
    r"|^[A-Za-z_][A-Za-z0-9_.]*[(\[].*[)\]][,;:]?$"
    r"|^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?[,;]?$|^\{\{?[^{}]*\}?\}[,;]?$"
)
# A name that says how a client authenticates (``auth``, ``Authorization``,
# ``authenticator``; normalised) and a value that is a scheme's or mechanism's name
# (``auth="oauth"``, ``hive.connect(auth="LDAP")``, ``"Bearer "`` before ``+ token``):
# the way in, not a secret. Compared in lower case.
AUTH_SCHEME_NAME = r"(?:^|_)(?:auth|authorization|authentication|authenticator)$"
AUTH_SCHEME_VALUE = (
    r"^(?:oauth(?:[ _-]?2(?:\.0)?)?|oauth1(?:a)?|basic|bearer|digest|token|jwt|ntlm|kerberos"
    r"|negotiate|gssapi|spnego|ldap|saml2?|sso|oidc|openid(?:[ _-]?connect)?|api[ _-]?key"
    r"|hmac|(?:aws[ _-]?)?sigv4|iam|x509|mtls|tls|ssl|cert(?:ificate)?|plain|nosasl|sasl"
    r"|scram(?:-sha-(?:1|256|512))?|md5|trust|peer|none|anonymous|password|user[ _-]?password"
    r"|service[ _-]?account|managed[ _-]?identity|msi|default|external[ _-]?browser|cookie"
    r"|session|custom|local|azure[ _-]?ad|aad|entra|okta|pat|oauth[ _-]?token)[ \t]*$"
)

# A bare name of one or two characters under a lower-case secret name is a variable
# (``passphrase = p0``, ``password=pw``), not a credential: no password that short is
# worth a guess, and hiding them made ordinary code unreadable. Quoted literals and
# upper-case names (``PASSWORD=p0`` in a .env file) are still hidden.
SHORT_NAME_VALUE = r"^[A-Za-z_][A-Za-z0-9_]?[,;]?$"
# After ``name:`` (only there), a type annotation: ``password: str``, ``SecretStr``.
TYPE_VALUE = (
    r"^(?:str|bytes|bytearray|int|float|bool|object|Any|Optional|Union|List|Dict|Tuple"
    r"|list|dict|tuple|Sequence|Mapping|Literal|Annotated|SecretStr|SecretBytes|Secret"
    r"|Path|Callable)[,;)=]?$"
)

# A whole value that is a type annotation's text (a class's ``__annotations__`` under
# ``from __future__ import annotations``, a schema's field types): ``str``,
# ``Optional[str]``, ``typing.Union[str, None]``, ``str | None``. A type, not a secret.
_TYPE_NAME = (
    r"(?:(?:typing|t|pydantic)\.)?(?:str|bytes|bytearray|int|float|bool|object|Any|None"
    r"|Optional|Union|List|Dict|Tuple|list|dict|tuple|Sequence|Mapping|Literal|Annotated"
    r"|SecretStr|SecretBytes|Secret|Path|Callable)"
)
ANNOTATION_VALUE = (
    r"^" + _TYPE_NAME + r"(?:\[[A-Za-z0-9_.,\[\] |]{0,120}\])?"
    r"(?:[ \t]*\|[ \t]*" + _TYPE_NAME + r")?$"
)

# After ``name: Type``, what makes it an annotation: a union (``| None``), a default
# (``= None``), the end of a parameter or a subscript (``,``, ``)``, ``]``).
ANNOTATION_NEXT = r"[ \t]*(?:\|[ \t]*[A-Za-z_]|=(?!=)|[,)\]])"
# A class's header: an indented ``name: Type`` line in its body is a field's annotation
# (``token: TokenType`` in a dataclass or a pydantic model), never a YAML value.
CLASS_HEADER = r"class[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*[(:]"

# Of the qualifiers, these often name where a secret goes (``session_token_header``,
# ``secret_field``) and sometimes hold it: a value shaped like a credential (below) under
# such a name is hidden all the same.
WEAK_QUALIFIERS: list[str] = ["field", "header", "hint", "label", "name"]
# Of those, these name a thing: a UUID under them (``JPY_SESSION_NAME = "<uuid>"``, a
# ``secret_label`` made by ``uuid4()``) is the thing's generated name, not a credential.
NAMING_QUALIFIERS: list[str] = ["label", "name"]
# Of the qualifiers, these name a secret's ends or its mask (``api_key_last4 = "Xy12"``,
# ``token_prefix = "sk-proj-"``, ``password_masked = "********"``): shown. A whole
# credential under one is hidden all the same (a split secret's halves as
# ``secret_first``/``secret_last``, a password kept as ``password_last``): longer than
# ENDS_MAX_CHARS, shaped like a credential (below), and no mask in it.
ENDS_QUALIFIERS: list[str] = ["first", "last", "masked", "prefix", "suffix"]
ENDS_MAX_CHARS = 8
MASK_IN_VALUE = r"[*\u2022\u2026]|\.\.\."
# A credential's shape: 8+ characters without spaces, letters and digits or symbols, not
# only a trailing number (``field2``, ``X-Auth-Token`` stay; ``hunter2hunter2`` does not).
CREDENTIAL_VALUE = (
    r"^(?=\S{8,}$)(?=[^A-Za-z]*[A-Za-z])(?=[^0-9!@#$%^&*]*[0-9!@#$%^&*])"
    r"(?![A-Za-z_.-]+[0-9]+$)\S+$"
)

# Names that hold a key only sometimes (``STRIPE_KEY``, ``account_key``, ``sas``), and
# ``sort_key = "created_at"`` is no secret: under these names a value is hidden only
# when it looks random (below). Compared after normalisation, like the secret names.
# Also a password's or a token's name run together or cut short (``dbpass``, ``rootpass``,
# ``tok``, ``pswd``), a personal access token's (``pat``, ``ado_pat``): ``bypass`` and
# ``lowpass`` hold no random strings, nor ``pat`` a pattern.
KEYISH_NAME_PATTERN = (
    # Not a public key's name (``pubkey``, ``public_key``): an address, not a secret.
    # Nor its last part: ``public_key`` holds no key-ish ``key`` after ``public_``.
    r"(?:^|(?<!public)(?<!pub)_)(?!pub(?:lic)?_?keys?(?:_|$))"
    # Nor a key that finds data (``cache_key``, ``sort_key``, ``object_key``,
    # ``idempotency_key``): a lookup's key, never a credential.
    r"(?<!cache_)(?<!sort_)(?<!primary_)(?<!foreign_)(?<!partition_)(?<!row_)(?<!object_)"
    r"(?<!lookup_)(?<!idempotency_)(?<!dedup_)(?<!cursor_)(?<!group_)(?<!join_)(?<!dict_)"
    r"(?<!index_)(?<!s3_)(?<!blob_)(?<!range_)(?<!composite_)(?<!dedupe_)"
    r"(?:[a-z0-9]*keys?|sas|sig|signature|salt|hmac|nonce|[a-z0-9]+pass|tok|tkn|pat"
    # Azure's Speech and Cognitive Services clients' key (``SpeechConfig(subscription=
    # "<hex>")``); an Azure subscription's id is a UUID (values.KEY_NOT_UUID).
    r"|subscription$"
    # A key's word in another language (``sleutel``, ``schlüssel``, ``clave``, ``chave``,
    # ``chiave``, ``klucz``, ``nyckel``): random values only, as under ``key``.
    r"|sleutel|schl(?:_|ue)ssel|clave|chave|chiave|klucz|nyckel)(?:_|$)"
)
# Of the key-ish names, those whose UUID is an id, not a key (Azure's ``subscription``:
# ``az account set --subscription <uuid>``; an HTTP request's ``Idempotency-Key``, which
# only tells retries apart); their other random values are keys.
KEY_NOT_UUID_NAME = r"(?:^|_)(?:subscription|idempotency_key)$"
UUID_VALUE = r"^[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$"
# An environment variable a line reads (``os.getenv("OPENAI_KEY")``, ``os.environ["X"]``,
# ``os.environ.get('X')``, ``%env X``, ``!echo $X``): upper-case names only. One that is
# key-ish (``STRIPE_KEY``) holds a key there, so what the line shows is hidden.
ENV_READ_NAME = (
    r"(?:getenv\([ \t]*|environ(?:\.get\([ \t]*|\[[ \t]*)|%env[ \t]+|\$\{?)['\"]?"
    r"([A-Z][A-Z0-9_]{1,60})(?![A-Za-z0-9_])"
)
# A value that looks random: 16+ characters of a key's alphabet with digits, and mixed
# case or 32+ characters. Git hashes and UUIDs shown as data stay (no secret name), and
# so does a file's path (a "/" and a file's extension at the end: an S3 object's ``Key``,
# ``data/2024/05/01/part-0000.parquet``; a key's base64 has no ".").
# A key's id and a colon may come first (``<uuid>:<hex>``, fal's and others' id:secret
# keys): the secret after it is what is judged. One case with digits is random too when
# letters and digits take turns 4+ times from its start (``cq8m2vlp7nwr3ty9bk4g``), where
# a word with a number (``created_at_2024``, ``gpt4o2024mini``) takes fewer; or upper
# case and digits alone, with no separator (Alpha Vantage's ``Q7ZK3M9XW2PLB8RT``; a
# constant's name has "_").
HIGH_ENTROPY_VALUE = (
    r"^(?:[A-Za-z0-9_.~-]{4,64}:)?"
    r"(?=[A-Za-z0-9+/=_.~-]{16,}$)(?=[^0-9]*[0-9])(?=[^A-Za-z]*[A-Za-z])"
    r"(?![^/]*/[A-Za-z0-9+/=_.~-]*\.[A-Za-z][A-Za-z0-9]{0,7}$)"
    r"(?:(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])|.{32,}|(?=[A-Z0-9]{16,}$)|(?=(?:[A-Za-z]*[0-9]+[A-Za-z]+){4}))"
)

# An SSH public key's type right before a run (``ssh-ed25519 AAAAC3Nz…``, ``ecdsa-sha2-
# nistp256 AAAA…``, ``sk-ssh-ed25519@openssh.com AAAA…``): the run is the public key's
# blob, which a ``deploy key:`` or ``host key`` before it does not make a secret.
SSH_PUBLIC_KEY_TYPE_BEFORE = (
    r"(?<!ssh-rsa )(?<!ssh-dss )(?<!ssh-ed25519 )(?<!ssh-ed448 )(?<!nistp256 )"
    r"(?<!nistp384 )(?<!nistp521 )(?<!@openssh\.com )"
)
