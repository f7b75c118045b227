"""``%chat`` and ``%%chat``: the assistant from IPython, one conversation per session.

- ``%chat`` shows the chat widget of this session's conversation.
- ``%chat QUESTION`` asks and shows the answer inline.
- ``%%chat`` asks the cell's body; ``%%chat --new`` (or ``%chat --new ...``) starts a new
  conversation first.

Questions end with ``?``, which IPython reads as a request for help on the last word
(``%chat what does df have?`` would look up ``have``). The extension therefore adds an
input transformer that hands ``%chat ...?`` lines to the magic untouched.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from .executions import install as install_execution_log

if TYPE_CHECKING:
    # Loaded when %chat shows the chat: %load_ext and the questions (%%chat, %chat
    # QUESTION) need neither anywidget nor ipywidgets, nor a widget's comm.
    from .conversation import Conversation
    from .widget import Chat

USAGE = """\
%chat                 show the chat (this session's conversation)
%chat QUESTION        ask, and show the answer here
%chat --new           show the chat on a new, empty conversation
%chat --new QUESTION  start a new conversation, then ask
%%chat [--new]        ask the cell's text"""


@magics_class
class ChatMagics(Magics):
    """The ``%chat`` line and cell magic; all uses share one conversation."""

    def __init__(self, shell: Any = None) -> None:
        """Magics for ``shell``; the shared conversation is created on first use."""
        super().__init__(shell)
        # Asks until the chat is shown; then the chat asks (its views follow the turns).
        self._conversation: Conversation | None = None
        self._chat: Chat | None = None

    @property
    def session(self) -> Chat | Conversation:
        """What asks this session's questions: its chat once shown, else a conversation
        shown nowhere else (no widget, no comm: nothing would read them)."""
        if self._chat is not None:
            return self._chat
        if self._conversation is None:
            from .conversation import Conversation

            self._conversation = Conversation()
        return self._conversation

    @property
    def session_chat(self) -> Chat:
        """This session's chat widget (its ``thread_id`` is the shared conversation),
        created, with its comm, on first use."""
        if self._chat is None:
            from .widget import Chat

            asked = self._conversation
            self._chat = Chat(
                thread_id=asked.thread_id if asked else "",
                # %chat --new before the chat was shown: it shows that new conversation.
                new_conversation=asked.new_conversation if asked else False,
            )
            self._conversation = None
        return self._chat

    @magic_arguments()
    @argument("--new", action="store_true", help="Start a new conversation first.")
    # The question is the user's text, verbatim: IPython's {expr} / $name expansion would
    # run code quoted in it (user code) and, on a long line, take seconds.
    @no_var_expand
    @line_cell_magic
    def chat(self, line: str, cell: str | None = None) -> None:
        """Show the chat, or ask a question (see ``%chat --help``)."""
        flags, rest = _split_flags(line)
        if flags.strip() in ("-h", "--help"):
            # Asked for: shown as output (an error would say "UsageError:" above it).
            print(f"{USAGE}\n\n--new  start a new conversation first")
            return
        try:
            args = parse_argstring(self.chat, flags)
        except UsageError as exc:
            raise UsageError(f"{exc}\n{USAGE}") from None
        if cell is None:
            question = rest
        else:
            if rest:
                raise UsageError(f"%%chat takes no text after the flags; got {rest!r}.\n{USAGE}")
            question = cell.strip()
        if args.new:
            self.session.new_thread()
        if not question:
            from IPython.display import display

            display(self.session_chat)
            return
        self.session.ask(question, display=True)


def _split_flags(line: str) -> tuple[str, str]:
    """(the leading ``-`` options, the rest of the line verbatim as the question).

    Only the options go through ``magic_arguments``: its shell-style splitting would
    choke on a question's apostrophes (``what's in df?``) and reflow its spacing.
    ``--`` ends the options, so ``%chat -- --new means what?`` asks exactly that.
    A rest that starts with ``#`` is a comment, as in Python (``%chat  # the chat``
    shows the chat); after ``--`` it is the question.
    """
    flags: list[str] = []
    rest = line.strip()
    while rest.startswith("-"):
        token, _, after = rest.partition(" ")
        rest = after.strip()
        if token == "--":
            return " ".join(flags), rest
        flags.append(token)
    if rest.startswith("#"):
        rest = ""
    return " ".join(flags), rest


# The text starts at its first non-blank (one scan of the line: ``.*\S.*`` backtracked
# quadratically on a long line that does not end in ``?``).
_QUESTION_LINE = re.compile(r"^(?P<indent>[ \t]*)%chat[ \t]+(?P<text>\S.*\?)[ \t]*$")


def keep_question_marks(lines: list[str]) -> list[str]:
    """Input transformer: ``%chat text?`` becomes a plain ``run_line_magic`` call.

    Runs before IPython's help syntax would turn a trailing ``?`` into ``%pinfo``.
    ``%chat?`` (help on the magic itself) and ``%%chat`` cells are left alone.
    """
    if lines and lines[0].lstrip().startswith("%%"):
        return lines
    out = []
    for line in lines:
        match = _QUESTION_LINE.match(line.rstrip("\r\n"))
        if match is None:
            out.append(line)
            continue
        ending = line[len(line.rstrip("\r\n")) :]
        text = match["text"].strip()
        out.append(f"{match['indent']}get_ipython().run_line_magic('chat', {text!r}){ending}")
    return out


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%chat`` / ``%%chat`` (``%load_ext jupyter_chatkit``)."""
    ipython.register_magics(ChatMagics)
    cleanup = ipython.input_transformers_cleanup
    if keep_question_marks not in cleanup:
        cleanup.append(keep_question_marks)
    # Record every cell's error from now on, for the context tools.
    install_execution_log(ipython)
