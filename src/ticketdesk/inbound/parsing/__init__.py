"""The pure e-mail parser: bytes in, ParsedMessage out, no database."""

from .message import ParsedMessage, ParseError, parse_message
from .parts import ParsedAttachment
from .quotes import split_reply

__all__ = ["ParseError", "ParsedAttachment", "ParsedMessage", "parse_message", "split_reply"]
