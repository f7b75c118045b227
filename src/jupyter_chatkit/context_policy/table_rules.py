"""Shapes of tables printed as text, for the table of :mod:`.rules` (read by
:mod:`.tables`): YAML blocks, pandas' aligned repr, Series and index lines, HTML tables,
CSV/TSV, Markdown, polars and LaTeX rows. Plain data, rendered into the TypeScript copy
with the rest of the table."""

from __future__ import annotations

from .foreign_rules import NAME_LETTERS

# YAML: a secret-named key with nothing after it but a block indicator
# (``password: |``) or nothing (a list below): the more-indented lines under it are
# its value. Groups: 1 indent, 2 name, 3 block indicator.
YAML_BLOCK_KEY = r"^([ \t]*)(?:- )?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*:[ \t]*([|>][-+0-9]*)?[ \t]*$"
# A line of code, no table's header: a statement keyword, one blank, then what it takes
# (``return dsn``, ``import wandb, tiktoken``, ``raise ValueError(token)``), maybe after a
# traceback's line number and arrow (``      6     return dsn``, ``----> 5 del key``).
# Read as a header, its secret-named word made a column of every line below it: a
# traceback's frames were cut at that column's place.
CODE_STATEMENT = (
    r"^[ \t]*(?:-*> ?)?(?:\d+[ \t]+)?(?:assert|async|await|class|def|del|elif|except|for|"
    r"from|global|if|import|lambda|nonlocal|raise|return|while|with|yield) [^ \t]"
)
# A header of names apart by 2+ spaces from the line's start (``df.to_string(index=False)``).
BARE_ALIGNED_HEADER = r"^[A-Za-z_][A-Za-z0-9_.-]*(?: {2,}[A-Za-z_][A-Za-z0-9_.-]*)+ *$"
# A row of aligned text led by a name, 2+ spaces, then values (a Series, a transposed
# frame: ``api_token    x``). Groups: 1 the name, 2 the gap, 3 the values. A comment
# after a name is none (``conn.password  # never printed``: a line of code).
ALIGNED_KEY_VALUE = r"^([A-Za-z_][A-Za-z0-9_.-]*)( {2,})(?!#[ \t])(\S.*)$"
# pandas' index name on a line of its own (``df.value_counts()``, a groupby's frame),
# then rows led by a label, 2+ spaces and the rest: the labels are values of that name.
INDEX_NAME_LINE = r"^([A-Za-z_][A-Za-z0-9_.-]*) *$"
LABELLED_ROW = r"^(«[^»\n]{1,80}»|\S+)( {2,}\S.*)$"
# A frame's row number before such a row (``1    db_password    x``: a frame of names and
# values printed with its default index).
ROW_NUMBER = r"^[ \t]*[0-9]{1,9} {2,}(?=[A-Za-z_])"
# A one-line key/value row whose "key" opens a sentence (``For the password, use X``).
PROSE_KEY = (
    r"^(?:for|the|a|an|in|on|with|to|of|if|when|your|my|our|their|and|or|as|by|from"
    r"|about|enter|use|set|get|no|any|each|every|this|that|where|how|what|why)[ \t]"
)
# HTML tables (``DataFrame.to_html()`` in a source, a Markdown cell, a file): a row
# of ``<th>`` names a secret column, whose cells in later rows are hidden; a row whose
# first cell names a secret hides its second. Read as one scan of tokens: a row is what
# stands between ``<tr>``/``</tr>``/``<thead>``… tags, or on one line outside ``<tr>``
# (``<th>user</th><th>password</th>`` without a ``<tr>``). Groups: 1 "/" of a closing
# tag, 2 the tag, 3 a cell's opening tag, 4 its text.
HTML_TOKEN = (
    r"<(/?)(tr|thead|tbody|tfoot|table)\b[^>]{0,200}>"
    r"|(<t[hd]\b[^>]{0,200}>)([^<]{0,2000})(?=</t[hd]>)|\n"
)
# Tables in text (CSV/TSV, Markdown, polars boxes, pandas' aligned repr): a header
# naming a secret column hides that column's cells in the rows below it.
# Box-drawing bars: light, dashed (polars), heavy (rich's header), double (grids).
TABLE_DELIMITERS: list[str] = [",", "\t", ";", "\\|", "[│┆┃║]", "&"]
# Every header field must look like a column name (no code, no sentences), in any
# script a name is written in (``contraseña``, ``пароль``, ``密码``, ``パスワード``, ``비밀번호``).
_HEADER_LETTERS = NAME_LETTERS + "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af"
TABLE_HEADER_FIELD = rf"^[{_HEADER_LETTERS}_][{_HEADER_LETTERS}0-9_ -]{{0,63}}$"
# Separator rows (``|---|``, ``╞═══╡``, rich's heavy ``┡━━━╇━━━┩``) between the header
# and the rows.
TABLE_RULE_ROW = (
    r"^(?:[\s─═━╞╪╡├┼┤┌┬┐└┴┘╭╮╰╯┏┳┓┡╇┩╔╦╗╠╬╣╚╩╝|+:=-]*"
    r"|[ \t]*\\(?:hline|midrule|toprule|bottomrule)[ \t]*)$"
)
# pandas' Series footer: ``Name: password, dtype: object``. Group 1: the name.
SERIES_FOOTER = r"^Name: ([^,]{1,100}), (?:Length: [0-9,]+, )?dtype: \S+$"
