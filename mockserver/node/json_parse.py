"""``JSON.parse``'s SyntaxError messages: Node 20's (Medusa 2.21) exactly, Node's older wording
(Medusa 1.20) as far as Python's decoder says where the error is.

Node 20's is a small port of V8 11's JSON parser error reporting (``json-parser.cc``): the same grammar, the
same message templates, the same positions and the same source excerpts. Positions count
characters (V8 counts UTF-16 units; they differ only for characters outside the BMP).
"""

from __future__ import annotations

import re

_WHITESPACE = " \t\n\r"
_DIGITS = "0123456789"
_HEX = "0123456789abcdefABCDEF"
_ESCAPES = '"\\/bfnrt'
_LITERALS = {"t": "true", "f": "false", "n": "null"}
_SPECIAL_SOURCES = ("undefined", "NaN", "Infinity", "[object Object]")
_CONTEXT = 10  # characters of source shown on each side of the bad token
_MIN_LENGTH_FOR_CONTEXT = 2 * _CONTEXT + 1
END_OF_INPUT = "Unexpected end of JSON input"


class _SyntaxError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unexpected_token(source: str, pos: int) -> str:
    token = source[pos]
    length = len(source)
    if length < _MIN_LENGTH_FOR_CONTEXT:
        excerpt = f'"{source}"'
    elif pos < _CONTEXT:
        excerpt = f'"{source[: pos + _CONTEXT]}"...'
    elif pos < length - _CONTEXT:
        excerpt = f'..."{source[pos - _CONTEXT : pos + _CONTEXT]}"...'
    else:
        excerpt = f'..."{source[pos - _CONTEXT :]}"'
    return f"Unexpected token '{token}', {excerpt} is not valid JSON"


class _Parser:
    def __init__(self, source: str) -> None:
        self.s = source
        self.n = len(source)
        self.i = 0

    # -- reporting -------------------------------------------------------------------------------

    def fail_at(self, template: str) -> None:
        """A message with its own template: used even at the end of the input."""
        raise _SyntaxError(f"{template} at position {self.i}")

    def unexpected(self) -> None:
        """The character at the cursor is the wrong token; strings and numbers are named as such."""
        if self.i >= self.n:
            raise _SyntaxError(END_OF_INPUT)
        c = self.s[self.i]
        if c == '"':
            self.fail_at("Unexpected string in JSON")
        if c == "-" or c in _DIGITS:
            self.fail_at("Unexpected number in JSON")
        if self.s in _SPECIAL_SOURCES:
            raise _SyntaxError(f'"{self.s}" is not valid JSON')
        raise _SyntaxError(_unexpected_token(self.s, self.i))

    # -- grammar -------------------------------------------------------------------------------------

    def peek(self) -> str:
        return self.s[self.i] if self.i < self.n else ""

    def skip_whitespace(self) -> None:
        while self.i < self.n and self.s[self.i] in _WHITESPACE:
            self.i += 1

    def document(self) -> None:
        self.value()
        self.skip_whitespace()
        if self.i < self.n:
            self.fail_at("Unexpected non-whitespace character after JSON")

    def value(self) -> None:
        self.skip_whitespace()
        c = self.peek()
        if c == '"':
            self.string()
        elif c == "{":
            self.object()
        elif c == "[":
            self.array()
        elif c == "-" or (c and c in _DIGITS):
            self.number()
        elif c and c in _LITERALS:
            self.literal(_LITERALS[c])
        else:
            self.unexpected()

    def literal(self, word: str) -> None:
        for expected in word:
            if self.peek() != expected:
                self.unexpected()
            self.i += 1

    def digits(self) -> None:
        while self.peek() and self.peek() in _DIGITS:
            self.i += 1

    def number(self) -> None:
        if self.peek() == "-":
            self.i += 1
            if not (self.peek() and self.peek() in _DIGITS):
                self.fail_at("No number after minus sign in JSON")
        if self.peek() == "0":
            self.i += 1
            if self.peek() and self.peek() in _DIGITS:
                self.unexpected()
        else:
            self.digits()
        if self.peek() == ".":
            self.i += 1
            if not (self.peek() and self.peek() in _DIGITS):
                self.fail_at("Unterminated fractional number in JSON")
            self.digits()
        if self.peek() and self.peek() in "eE":
            self.i += 1
            if self.peek() and self.peek() in "+-":
                self.i += 1
            if not (self.peek() and self.peek() in _DIGITS):
                self.fail_at("Exponent part is missing a number in JSON")
            self.digits()

    def string(self) -> None:
        self.i += 1  # the opening quote
        while True:
            if self.i >= self.n:
                self.fail_at("Unterminated string in JSON")
            c = self.s[self.i]
            if c == '"':
                self.i += 1
                return
            if c == "\\":
                self.i += 1
                escape = self.peek()
                if not escape:
                    raise _SyntaxError(END_OF_INPUT)
                if escape == "u":
                    self.i += 1
                    for _ in range(4):
                        if not (self.peek() and self.peek() in _HEX):
                            self.fail_at("Bad Unicode escape in JSON")
                        self.i += 1
                    continue
                if escape not in _ESCAPES:
                    self.fail_at("Bad escaped character in JSON")
                self.i += 1
                continue
            if ord(c) < 0x20:
                self.fail_at("Bad control character in string literal in JSON")
            self.i += 1

    def object(self) -> None:
        self.i += 1
        self.skip_whitespace()
        if self.peek() == "}":
            self.i += 1
            return
        if self.peek() != '"':
            self.fail_at("Expected property name or '}' in JSON")
        first = True
        while True:
            self.string()
            self.skip_whitespace()
            if self.peek() != ":":
                # Only the first key has a dedicated message; later ones are a plain unexpected token.
                if first:
                    self.fail_at("Expected ':' after property name in JSON")
                self.unexpected()
            first = False
            self.i += 1
            self.value()
            self.skip_whitespace()
            c = self.peek()
            if c == "}":
                self.i += 1
                return
            if c != ",":
                self.fail_at("Expected ',' or '}' after property value in JSON")
            self.i += 1
            self.skip_whitespace()
            if self.peek() != '"':
                self.fail_at("Expected double-quoted property name in JSON")

    def array(self) -> None:
        self.i += 1
        self.skip_whitespace()
        if self.peek() == "]":
            self.i += 1
            return
        while True:
            self.value()
            self.skip_whitespace()
            c = self.peek()
            if c == "]":
                self.i += 1
                return
            if c != ",":
                self.fail_at("Expected ',' or ']' after array element in JSON")
            self.i += 1


def json_parse_error(source: str) -> str | None:
    """``JSON.parse(source)``'s SyntaxError message in Node 20, or ``None`` if it parses."""
    try:
        _Parser(source).document()
    except _SyntaxError as error:
        return error.message
    return None


_PYTHON_POSITION = re.compile(r"\(char (\d+)\)")


def position_message(detail: str) -> str:
    """The older V8 wording, ``Unexpected token in JSON at position N``, from the position in
    Python's decoder message (``... (char N)``); the end of the input when it names none."""
    match = _PYTHON_POSITION.search(detail)
    if match is None:
        return END_OF_INPUT
    return f"Unexpected token in JSON at position {match.group(1)}"
