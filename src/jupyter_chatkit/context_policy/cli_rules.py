"""Credentials on command lines and in config files of tools: a password or token that
a tool takes by position or after a flag of its own (``zip -P``, ``7z -p``, ``htpasswd
-b``, ``net user``, ``vault login``, ``npm config set …:_authToken``), XML entries
whose key attribute names a secret, and a secret's quoted value cut short by a preview.
Part of the table of :mod:`.rules` (see :mod:`.value_rules` for the fields of a rule),
rendered into the TypeScript copy with the rest.

Every pattern starts at a literal word and reads a bounded stretch of its line, so
each stays linear on long adversarial texts."""

from __future__ import annotations

from typing import Any

# The value a flag or a position holds: not a reference to one kept elsewhere
# (``$PW``, ``%PW%``, ``{pw}``, ``<password>``, ``-`` for stdin, ``*`` for a prompt),
# nor a word of prose about the flag (``the zip -P option is insecure``, ``vault login
# with a token``).
_PROSE = (
    r"(?!(?:options?|flags?|switch(?:es)?|arguments?|parameters?|to|with|and|or|is|are"
    r"|in|for|the|an?|on|as|if|then|when|here|below|above)(?![^\s'\"«]))"
)
_VALUE = r"((?![$%{<*-])" + _PROSE + r"[^\s'\"«]{1,500})"
# A word, quoted or not, of a command line (a file, a user, an SSID).
_WORD = r"(?:'[^'\n]{1,200}'|\"[^\"\n]{1,200}\"|[^\s'\"]{1,200})"
# A tool's flags before its arguments (``-nbc``, ``--relogin``, ``-method=userpass``).
_FLAGS = r"(?:[ \t]+-{1,2}[A-Za-z][A-Za-z0-9-]{0,30}(?:=[^\s]{0,200})?){0,6}"
# Tools whose ``config set KEY VALUE`` may hold a secret (prose such as ``the config
# token is …`` must not read as one).
_CONFIG_TOOLS = (
    r"(?:npm|yarn|pnpm|git|aws|poetry|pip3?|conda|dvc|gcloud|az|heroku|doppler|bundle|gem"
    r"|composer|cargo|pdm|hatch|kubectl|firebase|rclone|dbt|databricks|s3cmd|jf|jfrog|gh|glab"
    r"|nuget|dotnet|twine|uv)"
)
# A config key naming a secret (``//registry/:_authToken``, ``npmAuthToken``,
# ``aws_secret_access_key``, ``pypi-token.pypi``); not one about a secret's place
# (``credential.helper``, ``auth/access_token_file``).
_SECRET_KEY = (
    r"(?:[^\s'\"=]{0,200}?(?:_auth(?:token)?|authtoken|password|passwd|passphrase|token|secret"
    r"|api[-_]?key|apikey|access[-_]?key|private[-_]?key|credentials?)"
    r"(?![A-Za-z0-9_-]*(?:file|path|dir|url|uri|helper|type|name|user|username|ttl|expiry"
    r"|endpoint|env)(?![A-Za-z0-9]))[A-Za-z0-9_-]{0,40}|pypi-token\.[A-Za-z0-9_-]{1,60})"
)

# An XML key attribute's value naming a secret, not something about one
# (``password_hint``, ``PasswordMinLength``, ``MinPasswordLength``).
_XML_SECRET_KEY = (
    r"(?![^'\"<>]{0,60}(?:hint|min|max|len|polic|prompt|label|field|type|format|regex|pattern"
    r"|expir|timeout|ttl|url|uri|path|file|enabled|required|count|rule|strength|complex|reset"
    r"|help|header|name|mode|provider)(?![a-z]))[^'\"<>]{0,60}(?:password|passwd|passphrase"
    r"|secret|token|api[_-]?key|apikey|credential|private[_-]?key|access[_-]?key"
    r"|connection[_-]?string)[^'\"<>]{0,60}"
)
# Flags and numbers under such a key are settings, not secrets.
# So are references to a value kept elsewhere (``${DB_PASSWORD}``, ``{{ csrf_token }}``).
_XML_KEEP = (
    r"(?!(?:true|false|yes|no|none|null|[0-9]{1,5})(?:['\"<]|[ \t]*</)|\$\{|\{\{|%[A-Za-z_])"
)

# A name of a secret whose value a preview may cut.
_CUT_NAME = (
    r"[A-Za-z0-9_.-]{0,40}?(?:password|passwd|passphrase|pwd|pw|secret|token|api_?key|apikey"
    r"|credentials?|private_?key|access_?key|auth)"
    # Not a name about a secret (``secret_santa``, ``token_hint``, ``password_prompt``).
    r"(?![_.-](?:santa|sauce|garden|hint|name|type|label|prompt|field|url|uri|path|file|len"
    r"|length|count|policy|header|format|mode|id|endpoint|expiry|expires|ttl)(?![A-Za-z0-9]))"
    r"(?:[_.-][A-Za-z0-9_]{1,20})?"
)

CLI_RULES: list[dict[str, Any]] = [
    {
        "kind": "password in text",
        # Windows' ``setx DB_PASSWORD "x"`` (``/M`` for the machine): a secret's name, a
        # blank, its value.
        "triggers": ["setx"],
        "pattern": r"(\bsetx(?:[ \t]+/[mM])?[ \t]+['\"]?[A-Za-z0-9_]{0,60}(?:PASSWORD|PASSWD|PWD"
        r"|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|CREDENTIALS?|PASS)[A-Za-z0-9_]{0,60}['\"]?[ \t]+"
        r"(['\"]?))(?![$%])([^\s'\"«]{1,500})(?=\2)",
        "group": 3,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # Redis: ``AUTH [user] pw`` on a line of its own (redis-cli's ``host:6379> AUTH pw``)
        # and the configuration's ``requirepass pw`` / ``masterauth pw`` (``CONFIG SET``).
        "triggers": ["auth ", "requirepass", "masterauth"],
        "pattern": r"((?:(?:^|(?<=\n)|(?<=> ))AUTH[ \t]+(?:[A-Za-z0-9_.@-]{1,64}[ \t]+)?"
        r"|\b(?:requirepass|masterauth)[ \t]+)(['\"]?))(?![$%])([^\s'\"«]{4,500})\2"
        r"(?=[ \t]*(?:\r?\n|$))",
        "group": 3,
        "flags": "",
    },
    {
        "kind": "Wi-Fi passphrase",
        # ``wpa_passphrase SSID pw`` (its second word), Debian's ``wpa-psk pw``, ``nmcli
        # dev wifi connect SSID password pw`` / ``wifi-sec.psk pw``.
        "triggers": ["wpa_passphrase", "wpa-psk", "nmcli"],
        "pattern": r"(\bwpa_passphrase[ \t]+" + _WORD + r"[ \t]+['\"]?|\bwpa-psk[ \t]+['\"]?"
        r"|\bnmcli\b[^\n]{0,300}?[ \t](?:password|wifi-sec\.psk|802-11-wireless-security\.psk)"
        r"[ \t]+['\"]?)" + _VALUE,
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # Archives: ``zip -P pw``, ``unzip -P pw``, ``7z a -ppw``, ``rar a -ppw`` (``-p``
        # alone prompts), also as list items (``["7z", "x", "-ppw"]``).
        "triggers": ["zip", "7z", "rar"],
        "pattern": r"(\b(?:zip|unzip|zipcloak)\b[^\n]{0,200}?[ \t'\"]-P[ \t]+['\"]?"
        r"|\b(?:7z|7za|7zr|7zz|rar|unrar)\b[^\n]{0,200}?[ \t'\"]-p)" + _VALUE,
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # ``openssl enc -k pw`` / ``-K hex``, ``-passin pass:pw``, ``-passout pass:pw``.
        "triggers": ["openssl"],
        "pattern": r"(\bopenssl\b[^\n]{0,300}?[ \t](?:-[kK][ \t]+['\"]?"
        r"|-(?:pass|passin|passout|password|passphrase)[ \t]+['\"]?pass:))" + _VALUE,
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # ``htpasswd -b file user pw``, ``htpasswd -nb user pw``: the last word of the line.
        "triggers": ["htpasswd"],
        "pattern": r"(\bhtpasswd(?:[ \t]+-[A-Za-z]{1,6}){0,3}?[ \t]+-[A-Za-z]{0,5}b[A-Za-z]{0,5}"
        r"(?:[ \t]+-[A-Za-z]{1,6}){0,3}(?:[ \t]+"
        + _WORD
        + r"){1,2}?[ \t]+['\"]?)"
        + _VALUE
        + r"(?=['\"]?[ \t]*(?:$|\r?\n|[;&|)]))",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # Windows: ``net user ada pw /add``, ``net use \\\\host\\share pw /user:ada``,
        # ``cmdkey /pass:pw``, ``schtasks … /rp pw``, ``psexec -u ada -p pw``.
        "triggers": ["net ", "/pass", "/pwd", "schtasks", "psexec"],
        "pattern": r"((?:^|[\n>!&|;(`'\"])[ \t]*net[ \t]+user[ \t]+" + _WORD + r"[ \t]+['\"]?"
        r"|\bnet[ \t]+use[ \t]+(?:[A-Za-z]:[ \t]+)?\\\\[^\s]{1,300}[ \t]+['\"]?"
        r"|(?:^|[ \t'\"])/(?:pass|passwd|password|pwd):['\"]?"
        r"|\bschtasks\b[^\n]{0,300}?[ \t]/rp[ \t]+['\"]?"
        r"|\bpsexec(?:64)?\b[^\n]{0,300}?[ \t]-p[ \t]+['\"]?)((?!/)" + _VALUE[1:],
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "command-line password",
        # ``http -a ada:pw`` (HTTPie; ``ada:'pw'`` too), ``smbclient -U ada%pw``,
        # ``ldapsearch -w pw``, ``ssh-keygen -P old -N new``, ``keytool -storepass pw`` /
        # ``-keypass pw``.
        "triggers": ["http", "-u", "ldap", "ssh-keygen", "pass "],
        "pattern": r"(\bhttps?(?:[ \t][^\n]{0,200}?)?[ \t](?:-a|--auth)[ \t]+['\"]?"
        r"[^\s:'\"]{1,100}:['\"]?"
        r"|\b(?:smbclient|rpcclient|smbmap|smbcacls|winexe|crackmapexec|nxc|net)\b[^\n]{0,200}?"
        r"[ \t](?:-U|--user(?:name)?)(?:[ \t]+|=)['\"]?[^\s%'\"]{1,100}%"
        r"|\bldap(?:search|add|modify|delete|passwd|whoami|compare|modrdn|exop)\b[^\n]{0,300}?"
        r"[ \t]-w[ \t]+['\"]?"
        r"|\bssh-keygen\b[^\n]{0,200}?[ \t]-[PN][ \t]+['\"]?"
        r"|(?:^|[ \t])-(?:src|dest|new)?(?:store|key)?pass[ \t]+['\"]?)" + _VALUE,
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # ``ssh-keygen -p -P old -N new``: the new passphrase too (the rule above stops at
        # the first flag).
        "triggers": ["ssh-keygen"],
        "pattern": r"(\bssh-keygen\b[^\n]{0,300}?[ \t]-N[ \t]+['\"]?)" + _VALUE,
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # A here-string into a password prompt: ``… --password-file=/dev/stdin <<< pw``,
        # ``passwd --stdin ada <<< pw``; and an expect script's answer to one (``expect
        # "Password:"`` then ``send "pw\\r"``).
        "triggers": ["<<<", "expect"],
        "pattern": r"(\b(?:password|passwd|passphrase|pass|stdin|login)[^\n]{0,200}?<<<[ \t]*['\"]?"
        r"|\bexpect[ \t][^\n]{0,60}?(?:password|passphrase|passcode)[^\n]{0,60}\r?\n[ \t]*"
        r"send[ \t]+(?:--[ \t]+)?['\"])((?![$%{<*-])[^\s'\"\\«]{1,500})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "command-line token",
        # A token by position: ``vault login TOKEN``, ``wandb login KEY``, ``ngrok
        # authtoken TOKEN``, ``ngrok config add-authtoken TOKEN``, ``snyk auth TOKEN``,
        # ``conda token set TOKEN``. A ``name=value`` argument is a method's field.
        "triggers": ["vault", "wandb", "ngrok", "snyk", "conda"],
        "pattern": r"(\b(?:vault[ \t]+login|wandb[ \t]+login|ngrok[ \t]+(?:config[ \t]+add-)?"
        r"authtoken|snyk[ \t]+auth|conda[ \t]+token[ \t]+set)" + _FLAGS + r"[ \t]+['\"]?)"
        r"(?![A-Za-z_][A-Za-z0-9_.-]*=)(?=[^\s'\"«]{4})(?![^\s'\"]{0,500}://)" + _VALUE,
        "group": 2,
        "flags": "",
    },
    {
        "kind": "config secret",
        # ``npm config set //registry/:_authToken TOKEN``, ``yarn config set npmAuthToken
        # TOKEN``, ``aws configure set aws_secret_access_key KEY``, ``git config
        # user.password PW``, ``poetry config pypi-token.pypi TOKEN``, ``dvc remote modify
        # r password PW``; ``poetry config http-basic.pypi user PW`` (after the user).
        "triggers": ["config", "modify", "mc "],
        "pattern": r"(\b" + _CONFIG_TOOLS + r"(?:[ \t]+[^\s]{1,100}){0,3}?[ \t]+"
        r"(?:config(?:ure)?(?:[ \t]+set)?|remote[ \t]+modify"
        + _FLAGS
        + r"[ \t]+[^\s-][^\s]{0,200})"
        + _FLAGS
        + r"[ \t]+['\"]?"
        + _SECRET_KEY
        + r"['\"]?(?:[ \t]+|=)['\"]?"
        r"|\bpoetry[ \t]+config"
        + _FLAGS
        + r"[ \t]+http-basic\.[^\s]{1,100}[ \t]+"
        + _WORD
        + r"[ \t]+['\"]?"
        # ``rclone config create NAME TYPE KEY VALUE …``: a secret key among the pairs.
        r"|\brclone[ \t]+config[ \t]+(?:create|update)(?:[ \t]+[^\s]{1,100}){1,12}?[ \t]+['\"]?"
        + _SECRET_KEY
        + r"['\"]?[ \t]+['\"]?"
        # MinIO's ``mc alias set NAME URL ACCESS_KEY SECRET_KEY``: the last two.
        r"|\bmc[ \t]+(?:alias|config[ \t]+host)[ \t]+(?:set|add)[ \t]+"
        + _WORD
        + r"[ \t]+"
        + _WORD
        + r"[ \t]+(?:"
        + _WORD
        + r"[ \t]+)?['\"]?)"
        + _VALUE,
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "XML entry",
        # An element whose key names a secret, its value in an attribute: .NET's ``<add
        # key="ApiKey" value="x"/>``, ``<Parameter Name="password" Value="x"/>``.
        "triggers": ["key=", "name="],
        "pattern": r"(<[A-Za-z_][A-Za-z0-9_:.-]{0,60}[ \t\r\n]"
        r"(?=[^<>]{0,300}\b(?:key|name)[ \t]*=[ \t]*"
        r"['\"]" + _XML_SECRET_KEY + r"['\"])"
        r"[^<>]{0,300}?\bvalue[ \t]*=[ \t]*['\"])" + _XML_KEEP + r"([^'\"<>«]{1,500})(?=['\"])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "config secret",
        # A name/value entry named like a secret, in JSON or a repr: a Postman environment's
        # ``{"key": "apiKey", "value": "x"}``, a HAR file's ``{"name": "api_key", "value":
        # "x"}``, AWS tags' ``{'Key': 'DbPassword', 'Value': 'x'}``.
        "triggers": ["value"],
        "pattern": r"(['\"](?:key|name)['\"][ \t]*:[ \t]*['\"]" + _XML_SECRET_KEY + r"['\"][ \t]*,"
        r"\s{0,40}['\"]value['\"][ \t]*:[ \t]*['\"])" + _XML_KEEP + r"([^'\"\n«]{1,500})(?=['\"])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "XML entry",
        # Hadoop's and Hive's ``<property>``: ``<name>fs.s3a.secret.key</name>`` then, on
        # the next lines, ``<value>x</value>``; an Apple plist's ``<key>APIToken</key>``
        # then ``<string>x</string>`` (or ``<data>``).
        "triggers": ["<name>", "<key>"],
        "pattern": r"(<(name|key)>[ \t]*" + _XML_SECRET_KEY + r"[ \t]*</\2>[ \t\r\n]*"
        r"(?:<description>[^<]{0,300}</description>[ \t\r\n]*)?<(value|string|data)>[ \t\r\n]*)"
        + _XML_KEEP
        + r"([^<\s«][^<\n«]{0,500}?)(?=[ \t\r\n]*</\3>)",
        "group": 4,
        "flags": "i",
    },
    {
        "kind": "XML entry",
        # ... or as its text: Java's ``<entry key="password">x</entry>``, ``<param
        # name="secret">x</param>``, .NET settings' ``<setting name="Password"><value>x``.
        "triggers": ["key=", "name="],
        # Not a UI text resource (Android's ``<string name="password">Password</string>``).
        "pattern": r"(<(?!(?:string|label)[ \t\r\n])[A-Za-z_][A-Za-z0-9_:.-]{0,60}[ \t\r\n]"
        r"[^<>]{0,300}?\b(?:key|name)[ \t]*=[ \t]*"
        r"['\"]" + _XML_SECRET_KEY + r"['\"]"
        r"[^<>/]{0,300}>(?:[ \t\r\n]*<value>)?[ \t]*)"
        + _XML_KEEP
        + r"([^<\s«][^<\n«]{0,500}?)(?=[ \t]*</)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "XML element",
        # An element named like a key only sometimes, holding a random-looking value: S3's
        # error ``<SignatureProvided>9a8b…</SignatureProvided>``, ``<AccountKey>``,
        # ``<Salt>``, ``<Nonce>``. ``<Key>`` alone (an S3 object's name), ``<KeyMarker>``
        # and words (``<SignatureMethod>HMAC-SHA1</SignatureMethod>``) stay.
        "triggers": ["signature", "salt>", "nonce>", "hmac>", "key>", "keyid>"],
        "pattern": r"(<((?:[A-Za-z_:-]{0,40}(?:[Ss]ignature|[Ss]alt|[Nn]once|[Hh]mac)"
        r"|[A-Za-z_:-]{1,40}Key)(?:[A-Z][a-z]{1,20}){0,2})>[ \t]*)"
        r"([A-Za-z0-9+/=_.~-]{16,500})(?=[ \t]*</\2>)",
        "group": 3,
        "flags": "",
        "check": "random",
    },
    {
        "kind": "cut value",
        # A quoted value under a secret's name whose closing quote a preview cut off
        # (``'{\\"password\\": \\"letmein…``, ``pw = "letmein…`` at a text's end): the
        # other rules need the closing quote.
        "triggers": ["pass", "pw", "secret", "token", "key", "credential", "auth"],
        # A quoted name ends with its quote; a name right after a quote takes "=" only
        # (``"source": "pw = \\"x…``; ``getpass("Password: ")`` names nothing). A name
        # starts where its run does (from inside a long ``a.b.c…`` run it was read again).
        "pattern": r"((?:(?<=['\"])" + _CUT_NAME + r"\\?['\"][ \t]*(?::=|=|:)"
        r"|(?<![A-Za-z0-9_.-])" + _CUT_NAME + r"[ \t]*:?="
        r"|(?<![A-Za-z0-9_.'\"-])" + _CUT_NAME + r"[ \t]*:)[ \t]*\\?['\"])"
        # Cut where the text ends, or at an ellipsis no quote follows on its line
        # (``password_prompt = "Enter password..."`` is whole).
        # The text's very end: Python's "$" also matches before a last newline, so
        # ``input("Password: ")`` then "\n" read ")" as a cut value (JavaScript's not).
        # Not a call's or a container's closing punctuation alone (``getpass("Password:
        # ")``: the quote read was the prompt's closing one).
        r"(?![ \t]*[)\]},;])([^'\"\\\n«…]{1,2000})"
        r"(?=(?:…|\.\.\.)(?![^'\"\n]{0,200}['\"])|(?![\s\S]))",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "URL token",
        # A token of a known vendor as a URL's user, however short (``https://ghp_x@…``).
        "triggers": ["://"],
        "pattern": r"((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)"
        r"((?:gh[pousr]_|github_pat_|glpat-|gldt-|hf_|npm_|pypi-|xox[abpr]-|sk-)[A-Za-z0-9_-]{1,200})"
        r"(?=@[A-Za-z0-9.-])",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "URL token",
        # ... or hex, 16+ digits and letters (a Sentry DSN's key:
        # ``https://f0e1d2c3b4a59687@o1.ingest.sentry.io/42``): ``git``, ``postgres``,
        # ``cafe``, ``deadbeefcafebabe`` (no digit) stay users.
        "triggers": ["://"],
        "pattern": r"((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)"
        r"((?=[a-fA-F]{0,200}[0-9])(?=[0-9]{0,200}[a-fA-F])[0-9a-fA-F]{16,200})"
        r"(?=@[A-Za-z0-9.-])",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "URL token",
        # ... or shaped like a password (a digit, and mixed case or a symbol, or of one
        # case often switching between letters and digits): ``Ada``, ``git``, ``ada99``,
        # ``ada1990smith2024`` stay users.
        "triggers": ["://"],
        "pattern": r"((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)([A-Za-z0-9_.~!$&*+-]{6,200})"
        r"(?=@[A-Za-z0-9.-])",
        "group": 2,
        "flags": "",
        "check": "user password",
    },
]

# Passwords after common flags (``curl -u a:pw``, ``--password x``, ``mysql -ppw``,
# ``sshpass -p``), spliced into :mod:`.context_rules` where they always stood.
FLAG_RULES: list[dict[str, Any]] = [
    {
        "kind": "command-line password",
        "triggers": ["papermill"],
        # An option taking a parameter's name and value as two words: papermill's ``-p
        # api_token x`` (``-r``, ``--parameters``, ``--parameters_raw``); ``$TOKEN`` and
        # ``<token>`` are references.
        "pattern": r"((?:^|\s)(?:-p|-r|--parameters|--parameters_raw)[ \t]+['\"]?"
        r"(?:[A-Za-z0-9]{1,30}[_.-]){0,3}(?:password|passwd|passphrase|pwd|secret|token"
        r"|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credentials?)s?['\"]?[ \t]+['\"]?)"
        r"((?![${%])(?!<[A-Za-z_.-]{1,60}>)[^\s'\"«]{4,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "command-line password",
        "triggers": ["-u ", "--user"],
        # ``curl -u admin:hunter2``, ``--user admin:hunter2``, ``-u admin:'hunter2'`` (the
        # password alone quoted, as a shell needs for ``&`` or ``!``).
        # A shell variable as the password (``-u "$USER:$PASSWORD"``) is a reference.
        "pattern": r"((?:^|\s)(?:-u|--user)[ \t]+['\"]?[^\s:'\"]+:['\"]?)"
        r"((?!//)(?!\$\{?[A-Za-z_][A-Za-z0-9_]*\}?(?:[\s'\"]|$))[^\s'\"@«]+)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        "triggers": ["-pass", "-pwd", "-token", "-secret", "-api", "-access", "-auth", "-client"],
        # ``--password letmein``, ``--token=abc``; an upper-case metavar (``--password
        # PASSWORD`` in a help text) and ``$PW`` / ``<pw>`` references stay.
        "pattern": r"((?:^|[\s'\"])--?(?:password|passwd|passphrase|pass|pwd|token|secret"
        r"|api[-_]?key|access[-_]token|auth[-_]token|client[-_]secret)(?:=|[ \t]+)['\"]?)"
        r"((?![${%-])(?!<[A-Za-z_.-]{1,60}>)(?![A-Z][A-Z0-9_]*(?:[\s'\"\]]|$))[^\s'\"«]{4,})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # The same as a list of arguments (``subprocess.run(['curl', '-u', 'ada:pw', …])``).
        "triggers": ["'-u'", '"-u"', "'--user'", '"--user"'],
        "pattern": r"((['\"])(?:-u|--user)\2[ \t]*,[ \t]*(['\"])[^\s:'\"]{1,200}:)"
        r"((?!//)(?![${%])[^\s'\"@«]{1,500})(?=\3)",
        "group": 4,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # ``lftp -u ada,pw sftp://host``: lftp's user and password after a comma.
        "triggers": ["lftp"],
        "pattern": r"(\blftp\b[^\n]{0,200}?[ \t]-u[ \t]+['\"]?[^\s,'\"]{1,200},)"
        r"((?![${%<])[^\s'\"«]{1,500})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        "triggers": ["mysql", "mariadb"],
        # ``mysql -u root -pletmein``: the password glued to ``-p`` (``-p`` alone prompts),
        # quoted for the shell too (``-p'let me in'``, ``-p"$(cat pw)"`` is no literal; in
        # single quotes a "$" is one: ``-p'Sup3r$ecret'``).
        # Bounded: unbounded, a long ``mysql-a-a-…`` or ``mysql mysql …`` line was read to
        # its end from each start (quadratic).
        "pattern": r"(\b(?:mysql|mariadb)[a-z-]{0,40}\b[^\n]{0,200}?[ \t]-p)"
        r"([^\s'\"«]+|(?<=-p)'[^'\n«]{1,200}'|(?<=-p)\"[^\"\n«$]{1,200}\")",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # ``sshpass -p pw``, ``redis-cli -a pw``, quoted or not.
        "triggers": ["sshpass", "redis-cli"],
        "pattern": r"(\b(?:sshpass[ \t]+-p|redis-cli\b[^\n]{0,200}?[ \t](?:-a|--pass))[ \t]*['\"]?)"
        r"([^\s'\"«-][^\s'\"«]*)",
        "group": 2,
        "flags": "",
    },
]
