"""The Node.js and Express behaviours both Medusa releases show through, one module each.

Medusa 1.20 and 2.21 run on Express; what a client sees of that stack (``JSON.parse``'s messages,
body-parser's strict mode, ``qs``'s reading of a query string, express-session's cookie,
class-validator's and zod's wording, the default 404 page) is reproduced here once, named for
what it reproduces, and used by both Medusa families. Nothing here knows a family or Flask.
"""
