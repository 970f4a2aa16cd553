"""body-parser's JSON parser as Express runs it in front of Medusa: strict mode (objects and arrays
only), its SyntaxError messages, and what it says about a body over the limit."""

from __future__ import annotations

import re

from .json_parse import END_OF_INPUT, json_parse_error

TOO_LARGE_MESSAGE = "request entity too large"
#: bodyParser.json()'s default `limit` ("100kb"), which both Medusa releases keep: a body of one
#: byte more is refused with 413 before any route sees it.
JSON_LIMIT_BYTES = 100 * 1024


def is_json_mimetype(content_type: str) -> bool:
    """Whether body-parser's ``json()`` (``type: "application/json"`` and ``+json``) reads it."""
    mimetype = content_type.split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or mimetype.endswith("+json")


_FIRST_CHAR = re.compile(r"^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])")


def body_parser_error(raw: bytes) -> str:
    """The message of body-parser's JSON parser (strict mode) for a body it refuses.

    Strict mode accepts only objects and arrays: for anything else it parses the body with every
    character from the first non-blank one replaced by ``#`` and puts the body back into the
    message, as ``body-parser/lib/types/json.js`` does.
    """
    text = raw.decode("utf-8", "replace")
    match = _FIRST_CHAR.match(text)
    first = match.group(1) if match else None
    if first not in ("{", "["):
        index = text.find(first) if first else -1
        partial = "" if index < 0 else text[:index] + "#" * (len(text) - index)
        message = json_parse_error(partial) or END_OF_INPUT
        return re.sub(r"#+", lambda run: text[index : index + len(run.group())], message)
    return json_parse_error(text) or END_OF_INPUT
