"""Request bodies as Express's body-parser reads them: inflated, then decoded from their charset.

body-parser inflates ``Content-Encoding: gzip`` and ``deflate`` (zlib) bodies and refuses any other
encoding with 415; it decodes the charset named in ``Content-Type`` when it is a ``utf-*`` one
(``utf-16`` with its byte-order mark, as both Medusa releases log in with) and refuses others with
415. The body limit applies to the inflated size, so a small gzip bomb is refused like a big body.
"""

from __future__ import annotations

import codecs
import zlib

# wbits: zlib's header for deflate (what Node's zlib.createInflate expects), gzip's for gzip.
_INFLATE_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class UnsupportedBody(ValueError):
    """An encoding or charset body-parser does not know: 415."""


class UndecodableBody(ValueError):
    """Bytes that do not inflate: 400 (zlib's own message, as Node reports it)."""


class InflatedTooLarge(ValueError):
    """More than the body limit once inflated: 413."""


def inflate(raw: bytes, content_encoding: str, limit: int) -> bytes:
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "identity":
        return raw
    wbits = _INFLATE_WBITS.get(encoding)
    if wbits is None:
        raise UnsupportedBody(f'unsupported content encoding "{encoding}"')
    inflater = zlib.decompressobj(wbits)
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise UndecodableBody(_node_zlib_message(str(exc))) from None
    if len(data) > limit:
        raise InflatedTooLarge(f"more than {limit} bytes once inflated")
    if not inflater.eof:
        raise UndecodableBody("unexpected end of file")
    return data


def _node_zlib_message(python_message: str) -> str:
    # "Error -3 while decompressing data: incorrect header check" -> Node's "incorrect header check"
    return python_message.rpartition(": ")[2] or python_message


def json_text(data: bytes, charset: str | None) -> bytes:
    """The body re-encoded as UTF-8 for the JSON parser, from the ``utf-*`` charset it was sent in.
    UTF-8 (the usual case) is returned as is; the parser checks it strictly."""
    name = (charset or "utf-8").strip().lower()
    if name in ("utf-8", "utf8"):
        return data
    if not name.startswith("utf-"):
        raise UnsupportedBody(f'unsupported charset "{name.upper()}"')
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise UnsupportedBody(f'unsupported charset "{name.upper()}"') from None
    try:
        return data.decode(codec.name).encode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        raise UndecodableBody(str(exc)) from None
