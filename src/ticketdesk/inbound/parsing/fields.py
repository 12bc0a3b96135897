"""Header blocks and fields of parsed parts, read as the stdlib reads them but faster.

The stdlib's feed parser reads a header block line by line in Python, and
policy.default parses a structured field with a recursive-descent parser again on
every lookup: together most of the time of parsing a short message. Most blocks
and fields are simple (`Subject: ...` lines, `text/plain; charset="utf-8"`,
`Anna Berg <anna@example.com>`), and for those the stdlib's result is known
without running it. Each fast path here answers only for such forms, with exactly
what the stdlib gives (tests/inbound/parsing compares them on generated and corpus
input), and hands anything else to the stdlib.
"""

from __future__ import annotations

import re
from email import policy
from email.headerregistry import AddressHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import Policy


class ParsedPart(EmailMessage):
    """An EmailMessage that finds its fields by name in one look and parses each once.

    Under policy.default every lookup parses the field again, and the parser asks a
    part for its Content-Type a dozen times (type, charset, boundary, filename, the
    loop checks), and a message for some thirty fields, most of them absent.
    """

    def __init__(self, policy: Policy | None = None) -> None:
        super().__init__(policy=policy)
        self._by_name: dict[str, list[tuple[str, str]]] = {}
        self._indexed: list[tuple[str, str]] | None = None
        self._indexed_count = 0
        self._parsed: dict[tuple[str, str], object] = {}
        self._params: dict[tuple[str, bool, object], list[tuple[str, object]]] = {}

    def fields(self, name: str) -> list[tuple[str, str]]:
        """The (name, value) pairs of the fields called `name`, as written, in order."""
        headers = self._headers
        if self._indexed is not headers or self._indexed_count != len(headers):
            # Built once parsed; rebuilt only if the field list changed since.
            self._by_name = {}
            for key, value in headers:
                self._by_name.setdefault(key.lower(), []).append((key, value))
            self._indexed, self._indexed_count = headers, len(headers)
        return self._by_name.get(name.lower(), [])

    def replace_header(self, _name: str, _value: str) -> None:
        self._indexed = None  # the one change that keeps the list and its length
        super().replace_header(_name, _value)

    def get(self, name: str, failobj: object = None) -> object:
        if self.policy is not policy.default:
            # The generator lends a message its own policy while writing it out.
            return super().get(name, failobj)
        found = self.fields(name)
        if not found:
            return failobj
        key, value = found[0]
        parsed = self._parsed.get((key, value))
        if parsed is None:
            # A plain str where that is what the header object would read as: the
            # Message methods (get_content_type, get_param...) only read it as text.
            parsed = mime_field_text(key, value) or self.policy.header_fetch_parse(key, value)
            self._parsed[key, value] = parsed
        return parsed

    def get_param(
        self,
        param: str,
        failobj: object = None,
        header: str = "content-type",
        unquote: bool = True,
    ) -> object:
        # Charset, boundary and file name are asked for again and again, and the
        # stdlib splits the field into its parameters anew for each; the first
        # parameter of the name is the answer, as there.
        field = self.get(header)
        if field is None:
            return failobj
        key = (header.lower(), unquote, field)
        params = self._params.get(key)
        if params is None:
            params = self._params[key] = super().get_params([], header, unquote)
        wanted = param.lower()
        return next((value for name, value in params if name.lower() == wanted), failobj)


_HEADER_PARSER = BytesHeaderParser(_class=ParsedPart, policy=policy.default)
_LINE_END = r"(?:\r\n|\r(?!\n)|\n)"
# One field with its continuation lines, and the line break that ends it.
_FIELD_LINES = re.compile(rf"([!-9;-~]+):([^\r\n]*(?:{_LINE_END}[ \t][^\r\n]*)*)({_LINE_END}|\Z)")
_UNIX_FROM = re.compile(rf"From [^\r\n]*({_LINE_END}|\Z)")
_BLANK_LINE_AT_END = re.compile(rf"{_LINE_END}?\Z")


def parse_header_block(data: bytes) -> ParsedPart:
    """The header block `data` (with its blank line, if any) as BytesHeaderParser reads it.

    A block of well-formed fields, after an mbox `From ` line or not, is cut with
    one regex per field; any other line (a stray body line, a field without a name,
    a continuation first) goes to the stdlib with the defects it records.
    """
    text = data.decode("ascii", errors="surrogateescape")
    unix_from = _UNIX_FROM.match(text)
    position = unix_from.end() if unix_from else 0
    fields = []
    while position < len(text) and (found := _FIELD_LINES.match(text, position)):
        # As policy.default's header_source_parse: blanks after the colon go.
        fields.append((found[1], (found[2] + found[3]).lstrip(" \t").rstrip("\r\n")))
        position = found.end()
    if position < len(text) and not _BLANK_LINE_AT_END.match(text, position):
        return _HEADER_PARSER.parsebytes(data)
    msg = ParsedPart(policy=policy.default)
    if unix_from:
        msg.set_unixfrom(unix_from[0][: unix_from.start(1)])
    for name, value in fields:
        msg.set_raw(name, value)
    msg.set_payload("")
    return msg


def raw_fields(msg: Message, name: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of `msg`'s fields called `name`, as written."""
    if isinstance(msg, ParsedPart):
        return msg.fields(name)
    wanted = name.lower()
    return [(key, value) for key, value in msg.raw_items() if key.lower() == wanted]


_LINESEP = re.compile(r"\r|\n")
# RFC 2045 token characters (ASCII), as the stdlib's token ends them; parameter names
# and unquoted values leave out what RFC 2231 gives a meaning: * ' and, in names, %.
_MIME_WORD = r"[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+"
_ATTRIBUTE = r"[A-Za-z0-9!#$&+\-.^_`{|}~]+"
_BARE_VALUE = r"[A-Za-z0-9!#$%&+\-.^_`{|}~]+"
# A quoted string without quoted pairs: printable ASCII but " and \, space and tab.
_QUOTED = r'"[\t !#-\[\]-~]+"'
_WSP = r"[ \t]*"
_MIME_HEADS = {
    "content-type": re.compile(rf"{_WSP}{_MIME_WORD}{_WSP}/{_WSP}{_MIME_WORD}{_WSP}"),
    "content-disposition": re.compile(rf"{_WSP}{_MIME_WORD}{_WSP}"),
}
_PARAMETER = re.compile(
    rf"{_WSP};{_WSP}(?P<name>{_ATTRIBUTE})=(?:(?P<token>{_BARE_VALUE})|(?P<quoted>{_QUOTED})){_WSP}"
)
_TRAILING_SEMICOLON = re.compile(rf"{_WSP};{_WSP}")
_CTE = re.compile(rf"{_WSP}{_MIME_WORD}{_WSP}")


def mime_field_text(name: str, value: str) -> str | None:
    """The text of the header object policy.default makes of a MIME field, or None.

    That text is the field as written with its parameters rewritten as
    `; name="value"`, which is what Message.get_param and its kin then read;
    Content-Transfer-Encoding comes back as written.
    """
    value = _LINESEP.sub("", value)
    if "=?" in value:  # encoded-words are decoded, even inside quoted strings
        return None
    key = name.lower()
    if key == "content-transfer-encoding":
        return value if _CTE.fullmatch(value) else None
    head = _MIME_HEADS.get(key)
    found = head.match(value) if head else None
    if found is None:
        return None
    position = found.end()
    if position == len(value):
        return value
    if value[position] != ";":
        return None
    params: list[str] = []
    seen: set[str] = set()
    while (param := _PARAMETER.match(value, position)) is not None:
        name = param["name"]
        # The registry keeps the first of a repeated name, but both of Name and name.
        if name.lower() in seen:
            return None
        seen.add(name.lower())
        text = param["token"] or param["quoted"][1:-1]
        params.append(f'{name}="{text}"')
        position = param.end()
    if position < len(value) and not _TRAILING_SEMICOLON.fullmatch(value, position):
        return None
    head_text = value[: found.end() + 1]
    return f"{head_text} {'; '.join(params)}" if params else head_text


_ADDRESS_FIELDS = {
    name for name, cls in HeaderRegistry().registry.items() if issubclass(cls, AddressHeader)
}
_ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+"
_DOT_ATOM = rf"{_ATEXT}(?:\.{_ATEXT})*"
_MAILBOX = re.compile(
    rf"{_WSP}(?:(?:(?P<phrase>{_ATEXT}(?:[ \t]+{_ATEXT})*)|(?P<quoted>{_QUOTED})){_WSP}"
    rf"<(?P<angle>{_DOT_ATOM}@{_DOT_ATOM})>|(?P<bare>{_DOT_ATOM}@{_DOT_ATOM})){_WSP}"
)


def simple_addresses(name: str, value: str) -> list[tuple[str, str]] | None:
    """(display name, address) of each mailbox, as policy.default reads them, or None.

    Answers for lists of `local@domain`, `Display Name <local@domain>` and
    `"Quoted, Name" <local@domain>` with dot-atom addresses; comments, groups,
    quoted local parts, encoded-words and anything not ASCII go to the registry.
    """
    if name.lower() not in _ADDRESS_FIELDS or "=?" in value:
        return None
    pairs: list[tuple[str, str]] = []
    position = 0
    while (mailbox := _MAILBOX.match(value, position)) is not None:
        if mailbox["bare"]:
            pairs.append(("", mailbox["bare"]))
        elif mailbox["quoted"]:
            pairs.append((mailbox["quoted"][1:-1], mailbox["angle"]))
        else:
            pairs.append((" ".join(mailbox["phrase"].split()), mailbox["angle"]))
        position = mailbox.end()
        if position == len(value):
            return pairs
        if value[position] != ",":
            return None
        position += 1
    return None
