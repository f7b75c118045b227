// Generated from src/jupyter_chatkit/kernel/uncaught_rules.py: do not edit.
// Regenerate: python -m jupyter_chatkit.kernel.uncaught_rules --write
export const UNCAUGHT_RULES = {
  "runCodeTrigger": "run_code",
  "runCode": "(?:^|(?<=\\n))[ |+-]*File \"[^\"\\n]{0,400}[/\\\\]IPython[/\\\\]core[/\\\\]interactiveshell\\.py\", line [0-9]+, in run_code(?=\\n|$)",
  "tracebackHeader": "(?:^|(?<=\\n))[ |+]*(?:Exception Group )?Traceback \\(most recent call last\\):(?=\\n|$)",
  "finalLine": "^([A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0391-\u03ce\u0400-\u04ff_][A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0391-\u03ce\u0400-\u04ff0-9_.]{0,200})(?:: ([^\\n]*))?$",
  "groupLine": "(?:^|(?<=\\n)) {2}\\| ([A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0391-\u03ce\u0400-\u04ff_][A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0391-\u03ce\u0400-\u04ff0-9_.]{0,200})(?:: ?([^\\n]*))?(?=\\n|$)",
  "space": " \t\n\u000b\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff",
  "defaultName": "ExceptionGroup"
} as const;
