// Generated from src/jupyter_chatkit/context_policy/error_rules.py: do not edit.
// Regenerate: python -m jupyter_chatkit.context_policy.error_rules --write
export const ERROR_RULES = {
  "ansi": "\\x1b\\[[0-?]*[ -/]*[@-~]?|\\x1b\\][^\\x07\\x1b]*(?:\\x07|\\x1b\\\\|(?![\\s\\S]))|\\x1b[@-Z\\\\-_]?",
  "control": "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]",
  "userHeader": "^[ \\t\\n\\r\\f\\v]*(?:Cell In ?\\[|Input In ?\\[|File <ipython-input|<ipython-input)",
  "frameHeader": "^(?:Cell In|Input In|File |<ipython-input)",
  "inFunction": ", in (?!<module>|<cell line|(?:[A-Za-z0-9_]+\\.)*_(?:repr_[A-Za-z_]*|ipython_display_)\\()",
  "shownByOtherCode": "Not the cell's own error: its traceback starts in a function, so code other than the cell's top level caught it and showed it while the cell ran (a thread, a callback such as a widget's handler or an event hook, or a function that shows the errors it catches). The cell did not stop at it.",
  "libPath": "(?:site-packages|dist-packages)[/\\\\]|/lib/python[0-9]|\\.p(?:yx|xi|xd)(?![A-Za-z0-9_])",
  "pythonTraceback": "(?:^|(?<=\\n))[ \\t\\n\\r\\f\\v]*(?:Cell In|Input In|File |<ipython-input|Traceback \\(most recent call last\\))|/ipykernel_",
  "cellFile": "\\((?:[0-9]+\\.py|<ipython-input-[^>\\n]{0,100}>), line ([0-9]+)\\)|File \\\"?(?:[^\\\" \\t\\n\\r\\f\\v]{0,300}[/\\\\]ipykernel_[0-9]+[/\\\\][0-9]+\\.py|<ipython-input-[^>\\n]{0,100}>)\\\"?(?:, line |:)([0-9]+)|(?<![^ \\t\\n\\r\\f\\v\\\"'(])[^\\\"' \\t\\n\\r\\f\\v]{0,300}[/\\\\]ipykernel_[0-9]+[/\\\\][0-9]+\\.py:([0-9]+)(?=:)",
  "chainMarkers": [
    "The above exception was the direct cause of the following exception",
    "During handling of the above exception, another exception occurred"
  ],
  "cutBoundary": "[^A-Za-z0-9_\\-+/=.~%]",
  "cutTiers": [
    "\\n",
    "[ \\t\\n\\v\\f\\r\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]",
    "[\\\"'`,;<>\\[\\]{}|]"
  ],
  "cutSpace": "[ \\t\\n\\v\\f\\r\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]",
  "trimSpace": " \t\n\u000b\f\r\u001c\u001d\u001e\u001f\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff",
  "dataUri": "(data:[A-Za-z0-9_.+/-]{1,100};base64,)[A-Za-z0-9+/=\\r\\n]{100,}",
  "base64Run": "(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{400,}={0,2}",
  "defaultRepr": "^<[A-Za-z0-9_.]{1,200} object(?: at 0x[0-9A-Fa-f]{1,16})?>(?![\\s\\S])",
  "htmlHidden": "<!--[\\s\\S]*?(?:-->|(?![\\s\\S]))|<(script|style|template)(?=[ \\t\\n\\r\\f\\v/>]|(?![\\s\\S]))[^>]*>?[\\s\\S]*?(?:</\\1[ \\t\\n\\r\\f\\v]*>|(?![\\s\\S]))",
  "htmlCellGap": "</t[dh][ \\t\\n\\r\\f\\v]*>[ \\t\\n\\r\\f\\v]*(?=<t[dh](?=[ \\t\\n\\r\\f\\v/>]|(?![\\s\\S])))",
  "htmlBreak": "<br(?=[ \\t\\n\\r\\f\\v/>]|(?![\\s\\S]))[^>]*>?|</?(?:tr|thead|tbody|tfoot|table|caption|p|div|pre|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|section|article|header|footer|details|summary|hr)(?=[ \\t\\n\\r\\f\\v/>]|(?![\\s\\S]))[^>]*>?",
  "htmlTag": "<[A-Za-z/!?][^>]*>?",
  "htmlEntity": "&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));",
  "htmlNamed": {
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "quot": "\"",
    "apos": "'",
    "nbsp": " "
  },
  "limits": {
    "tracebackChars": 2000,
    "messageChars": 600,
    "frameChars": 500,
    "chainLinks": 3,
    "linkChars": 700,
    "cycleFrames": 4,
    "cutWindow": 200,
    "enameChars": 200,
    "htmlChars": 100000
  }
} as const;
