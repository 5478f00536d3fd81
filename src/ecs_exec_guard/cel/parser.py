"""Lexer and recursive-descent parser for the CEL grammar (cel-go's
``CEL.g4``), with macro expansion and optional syntax (``a.?b``,
``a[?k]``, ``[?x]``, ``{?k: v}``).

``parse(text)`` returns the :mod:`.ast` tree or raises
:class:`CelCompileError` with cel-go's ``ERROR: <input>:L:C: ...`` prefix.
Nesting is limited so that no Python recursion error can escape.
"""

from __future__ import annotations

import re

from . import ast as A
from .errors import CelCompileError
from .values import INT64_MAX, UINT64_MAX, UInt

MAX_DEPTH = 120
MAX_LENGTH = 100_000

RESERVED = frozenset(
    "as break const continue else for function if import let loop package namespace return var void while".split()
)

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n\f]+|//[^\n]*)
  | (?P<float>(?:[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|\.[0-9]+(?:[eE][+-]?[0-9]+)?))
  | (?P<hex>0[xX][0-9a-fA-F]+[uU]?)
  | (?P<int>[0-9]+[uU]?)
  | (?P<str>(?:[rR][bB]?|[bB][rR]?)?(?:\"\"\"|'''|"|'))
  | (?P<ident>[_a-zA-Z][_a-zA-Z0-9]*)
  | (?P<quoted>`[^`]*`)
  | (?P<op>==|!=|<=|>=|&&|\|\||\.\?|\[\?|[-+*/%!<>?:.,()\[\]{}])
    """,
    re.VERBOSE,
)


def error(text: str, pos: int, message: str) -> CelCompileError:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return CelCompileError(f"ERROR: <input>:{line}:{col}: {message}")


class Token:
    __slots__ = ("kind", "value", "pos")

    def __init__(self, kind: str, value, pos: int) -> None:
        self.kind = kind
        self.value = value
        self.pos = pos

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.value!r})"


_SIMPLE_ESCAPES = {
    "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
    "\\": "\\", "'": "'", '"': '"', "`": "`", "?": "?",
}


def _read_string(text: str, pos: int, prefix: str, quote: str) -> tuple:
    """Read a string/bytes literal whose opening quote ends at ``pos``."""
    raw = "r" in prefix.lower()
    is_bytes = "b" in prefix.lower()
    out: list = []  # str pieces, or ints for raw bytes escapes
    i = pos
    n = len(text)
    triple = len(quote) == 3
    while True:
        if i >= n:
            raise error(text, pos - len(quote) - len(prefix), "Syntax error: unterminated string literal")
        if text.startswith(quote, i):
            i += len(quote)
            break
        c = text[i]
        if c == "\n" and not triple:
            raise error(text, i, "Syntax error: newline in string literal")
        if c == "\\" and not raw:
            if i + 1 >= n:
                raise error(text, i, "Syntax error: unterminated string literal")
            e = text[i + 1]
            if e in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[e])
                i += 2
                continue
            if e in "xX":
                digits = text[i + 2:i + 4]
                if not re.fullmatch(r"[0-9a-fA-F]{2}", digits):
                    raise error(text, i, "Syntax error: invalid \\x escape")
                code = int(digits, 16)
                out.append(code if is_bytes else chr(code))
                i += 4
                continue
            if e in "uU":
                width = 4 if e == "u" else 8
                digits = text[i + 2:i + 2 + width]
                if is_bytes or not re.fullmatch("[0-9a-fA-F]{" + str(width) + "}", digits):
                    raise error(text, i, f"Syntax error: invalid \\{e} escape")
                code = int(digits, 16)
                if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    raise error(text, i, "Syntax error: invalid unicode code point")
                out.append(chr(code))
                i += 2 + width
                continue
            if e in "0123":
                digits = text[i + 1:i + 4]
                if not re.fullmatch(r"[0-3][0-7]{2}", digits):
                    raise error(text, i, "Syntax error: invalid octal escape")
                code = int(digits, 8)
                out.append(code if is_bytes else chr(code))
                i += 4
                continue
            raise error(text, i, f"Syntax error: invalid escape sequence \\{e}")
        out.append(c)
        i += 1
    if is_bytes:
        buf = bytearray()
        for piece in out:
            if isinstance(piece, int):
                buf.append(piece)
            else:
                buf += piece.encode("utf-8")
        return bytes(buf), i
    return "".join(out), i


def tokenize(text: str) -> list:
    tokens: list = []
    pos = 0
    n = len(text)
    match = _TOKEN.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            raise error(text, pos, f"Syntax error: token recognition error at: '{text[pos]}'")
        kind = m.lastgroup
        value = m.group(kind)
        start = pos
        pos = m.end()
        if kind == "ws":
            continue
        if kind == "str":
            quote = value.lstrip("rRbB")
            prefix = value[: len(value) - len(quote)]
            lit, pos = _read_string(text, pos, prefix, quote)
            tokens.append(Token("bytes" if "b" in prefix.lower() else "string", lit, start))
            continue
        if kind in ("int", "hex"):
            unsigned = value[-1] in "uU"
            digits = value[:-1] if unsigned else value
            number = int(digits, 16) if kind == "hex" else int(digits)
            if unsigned:
                if number > UINT64_MAX:
                    raise error(text, start, "invalid uint literal")
                tokens.append(Token("uint", UInt(number), start))
            else:
                tokens.append(Token("int", number, start))
            continue
        if kind == "float":
            if pos < n and text[pos] in "uU":
                raise error(text, pos, "Syntax error: invalid literal")
            tokens.append(Token("double", float(value), start))
            continue
        if kind == "ident":
            if value in ("true", "false"):
                tokens.append(Token("bool", value == "true", start))
            elif value == "null":
                tokens.append(Token("null", None, start))
            else:
                tokens.append(Token("ident", value, start))
            continue
        if kind == "quoted":
            tokens.append(Token("quoted", value[1:-1], start))
            continue
        tokens.append(Token(value, value, start))
    tokens.append(Token("eof", None, n))
    return tokens


_RELATIONS = {"<": "_<_", "<=": "_<=_", ">": "_>_", ">=": "_>=_", "==": "_==_", "!=": "_!=_", "in": "@in"}
_BINARY_PREC = {"||": 1, "&&": 2, **dict.fromkeys(_RELATIONS, 3), "+": 4, "-": 4, "*": 5, "/": 5, "%": 5}
_BINARY_FN = {"||": "_||_", "&&": "_&&_", "+": "_+_", "-": "_-_", "*": "_*_", "/": "_/_", "%": "_%_", **_RELATIONS}

ONE_VAR_MACROS = {"all": 2, "exists": 2, "exists_one": 2, "existsOne": 2, "map": (2, 3), "filter": 2, "sortBy": 2}
TWO_VAR_MACROS = {
    "all": 3, "exists": 3, "exists_one": 3, "existsOne": 3,
    "transformList": (3, 4), "transformMap": (3, 4), "transformMapEntry": (3, 4),
}


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    # -- helpers ----------------------------------------------------------
    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, kind: str) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != kind:
            raise self.unexpected(tok, f"expecting '{kind}'")
        self.i += 1
        return tok

    def unexpected(self, tok: Token, hint: str = "") -> CelCompileError:
        found = "<EOF>" if tok.kind == "eof" else self.text[tok.pos:tok.pos + 20].split()[0] if self.text[tok.pos:].strip() else tok.kind
        message = f"Syntax error: mismatched input '{found}'"
        if hint:
            message += f" {hint}"
        return error(self.text, tok.pos, message)

    # -- grammar ----------------------------------------------------------
    def parse(self) -> A.Node:
        node = self.expr()
        tok = self.peek()
        if tok.kind != "eof":
            raise error(self.text, tok.pos, f"Syntax error: extraneous input '{tok.value}' expecting <EOF>")
        return node

    def expr(self) -> A.Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise error(self.text, self.peek().pos, f"expression nesting exceeds the limit of {MAX_DEPTH}")
        cond = self.binary(1)
        tok = self.peek()
        if tok.kind == "?":
            self.i += 1
            yes = self.binary(1)
            self.expect(":")
            no = self.expr()
            cond = A.Call(tok.pos, "_?_:_", None, [cond, yes, no])
        self.depth -= 1
        return cond

    def binary(self, min_prec: int) -> A.Node:
        left = self.unary()
        while True:
            tok = self.peek()
            op = tok.value if tok.kind in _BINARY_PREC or (tok.kind == "ident" and tok.value == "in") else None
            if op is None:
                return left
            prec = _BINARY_PREC[op]
            if prec < min_prec:
                return left
            self.i += 1
            if op in ("&&", "||"):
                # Collect the whole chain and balance it, as cel-go does, so
                # long chains do not make deep trees.
                terms = [left, self.binary(prec + 1)]
                while self.peek().kind == op:
                    self.i += 1
                    terms.append(self.binary(prec + 1))
                left = _balance(_BINARY_FN[op], tok.pos, terms)
                continue
            right = self.binary(prec + 1)
            left = A.Call(tok.pos, _BINARY_FN[op], None, [left, right])

    def unary(self) -> A.Node:
        tok = self.peek()
        if tok.kind == "!":
            count = 0
            while self.peek().kind == "!":
                self.i += 1
                count += 1
            operand = self.member()
            return A.Call(tok.pos, "!_", None, [operand]) if count % 2 else operand
        if tok.kind == "-":
            count = 0
            while self.peek().kind == "-":
                self.i += 1
                count += 1
            nxt = self.peek()
            if nxt.kind in ("int", "double"):
                # A negative literal (keeps -9223372036854775808 representable).
                self.i += 1
                value = -nxt.value
                if nxt.kind == "int" and value < -(INT64_MAX + 1):
                    raise error(self.text, nxt.pos, "invalid int literal")
                node = self.member_suffix(A.Lit(tok.pos, value))
                count -= 1
            else:
                node = self.member()
            return A.Call(tok.pos, "-_", None, [node]) if count % 2 else node
        return self.member()

    def member(self) -> A.Node:
        return self.member_suffix(self.primary())

    def member_suffix(self, node: A.Node) -> A.Node:
        while True:
            tok = self.peek()
            if tok.kind == "." or tok.kind == ".?":
                self.i += 1
                name_tok = self.next()
                if name_tok.kind not in ("quoted", "ident"):
                    raise self.unexpected(name_tok, "expecting IDENTIFIER")
                name = name_tok.value
                if tok.kind == "." and self.peek().kind == "(" and name_tok.kind != "quoted":
                    self.i += 1
                    args = self.arguments(")")
                    node = self.make_call(name_tok.pos, name, node, args)
                else:
                    node = A.Select(name_tok.pos, node, name, optional=tok.kind == ".?")
                continue
            if tok.kind == "[" or tok.kind == "[?":
                self.i += 1
                index = self.expr()
                self.expect("]")
                node = A.Index(tok.pos, node, index, optional=tok.kind == "[?")
                continue
            return node

    def arguments(self, close: str) -> list:
        args: list = []
        if self.peek().kind == close:
            self.i += 1
            return args
        while True:
            args.append(self.expr())
            tok = self.next()
            if tok.kind == close:
                return args
            if tok.kind != ",":
                self.i -= 1
                raise self.unexpected(tok, f"expecting {{',', '{close}'}}")

    def primary(self) -> A.Node:
        tok = self.next()
        kind = tok.kind
        if kind in ("int", "uint", "double", "string", "bytes", "bool", "null"):
            if kind == "int" and tok.value > INT64_MAX:
                raise error(self.text, tok.pos, "invalid int literal")
            return A.Lit(tok.pos, tok.value)
        if kind == ".":
            tok = self.next()
            if tok.kind != "ident":
                raise self.unexpected(tok, "expecting IDENTIFIER")
            kind = "ident"
        if kind == "ident":
            name = tok.value
            if name in RESERVED or name == "in":
                raise error(self.text, tok.pos, f"reserved identifier: {name}")
            if self.peek().kind == "(":
                self.i += 1
                args = self.arguments(")")
                return self.make_call(tok.pos, name, None, args)
            if self.peek().kind == "{":
                raise error(self.text, self.peek().pos, "message construction is not supported (no protobuf types)")
            return A.Ident(tok.pos, name)
        if kind == "(":
            node = self.expr()
            self.expect(")")
            return node
        if kind == "[":
            return self.list_literal(tok)
        if kind == "[?":
            # `[?x, ...]`: the lexer joined '[' with the optional marker.
            self.i -= 1
            self.tokens[self.i] = Token("?", "?", tok.pos + 1)
            return self.list_literal(tok)
        if kind == "{":
            return self.map_literal(tok)
        self.i -= 1
        raise self.unexpected(tok)

    def list_literal(self, open_tok: Token) -> A.Node:
        elements: list = []
        optional: set = set()
        while True:
            if self.peek().kind == "]":
                self.i += 1
                break
            if self.peek().kind == "?":
                self.i += 1
                optional.add(len(elements))
            elements.append(self.expr())
            tok = self.next()
            if tok.kind == "]":
                break
            if tok.kind != ",":
                self.i -= 1
                raise self.unexpected(tok, "expecting {',', ']'}")
        return A.ListLit(open_tok.pos, elements, frozenset(optional))

    def map_literal(self, open_tok: Token) -> A.Node:
        entries: list = []
        while True:
            if self.peek().kind == "}":
                self.i += 1
                break
            opt = False
            if self.peek().kind == "?":
                self.i += 1
                opt = True
            key = self.expr()
            self.expect(":")
            value = self.expr()
            entries.append((key, value, opt))
            tok = self.next()
            if tok.kind == "}":
                break
            if tok.kind != ",":
                self.i -= 1
                raise self.unexpected(tok, "expecting {',', '}'}")
        return A.MapLit(open_tok.pos, entries)

    # -- macros -----------------------------------------------------------
    def simple_name(self, node: A.Node) -> str:
        if isinstance(node, A.Ident):
            return node.name
        raise error(self.text, node.pos, "argument must be a simple name")

    def make_call(self, pos: int, name: str, target, args: list) -> A.Node:
        n = len(args)
        if target is None:
            if name == "has" and n == 1:
                arg = args[0]
                if not isinstance(arg, A.Select) or arg.optional:
                    raise error(self.text, arg.pos, "invalid argument to has() macro")
                return A.Select(arg.pos, arg.operand, arg.field, test=True)
            return A.Call(pos, name, None, args)
        if name == "bind" and n == 3 and isinstance(target, A.Ident) and target.name == "cel":
            return A.Bind(pos, "bind", self.simple_name(args[0]), args[1], args[2])
        if name in ("optMap", "optFlatMap") and n == 2:
            return A.Bind(pos, name, self.simple_name(args[0]), target, args[1])
        arity = ONE_VAR_MACROS.get(name)
        if arity is not None and (n == arity or (isinstance(arity, tuple) and n in arity)):
            var = self.simple_name(args[0])
            kind = "exists_one" if name == "existsOne" else name
            return A.Comp(pos, kind, target, var, None, args[1:])
        arity = TWO_VAR_MACROS.get(name)
        if arity is not None and (n == arity or (isinstance(arity, tuple) and n in arity)):
            var = self.simple_name(args[0])
            var2 = self.simple_name(args[1])
            if var == var2:
                raise error(self.text, args[1].pos, f"duplicate variable name: {var}")
            kind = "exists_one" if name == "existsOne" else name
            return A.Comp(pos, kind, target, var, var2, args[2:])
        return A.Call(pos, name, target, args)


def _balance(function: str, pos: int, terms: list) -> A.Node:
    if len(terms) == 1:
        return terms[0]
    mid = len(terms) // 2
    return A.Call(pos, function, None, [_balance(function, pos, terms[:mid]), _balance(function, pos, terms[mid:])])


def parse(text: str) -> A.Node:
    if not isinstance(text, str):
        raise CelCompileError(f"expression must be a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise CelCompileError(f"expression is longer than {MAX_LENGTH} characters")
    try:
        return Parser(text).parse()
    except RecursionError:
        raise CelCompileError("expression is nested too deeply") from None
