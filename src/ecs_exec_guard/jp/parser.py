"""Lexing and parsing of expressions into a dict AST.

The grammar is JMESPath Community Edition.  The lexer and Pratt parser of the
``jmespath`` (jmespath-community) package are reused, with the few places
where they differ from the reference corrected here:

* JSON literals must be strict JSON (no ``NaN``/``Infinity``);
* ``a[0][1:2]`` keeps the slice as its own projection instead of folding it
  into the preceding index expression.
"""

from __future__ import annotations

import json
from typing import Any

from jmespath import exceptions as jp_exceptions
from jmespath import lexer as jp_lexer
from jmespath import parser as jp_parser

from .errors import JPSyntaxError
from .values import may_hold_surrogates, scrub_surrogates


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON constant {name}")


# numbers in a JSON literal are float64, as Go's encoding/json decodes them
_strict_json = json.JSONDecoder(parse_constant=_reject_constant, parse_int=float)


class _Lexer(jp_lexer.Lexer):
    def _consume_literal(self):
        start = self._position
        token = self._consume_until("`")
        lexeme = token.replace("\\`", "`")
        try:
            parsed = _strict_json.decode(lexeme)
            if may_hold_surrogates(lexeme):
                parsed = scrub_surrogates(parsed)
        except ValueError as exc:
            raise jp_exceptions.LexerError(
                lexer_position=start,
                lexer_value=self._expression[start:],
                message=f"invalid JSON literal `{token}`: {exc}",
            ) from None
        return {
            "type": "literal",
            "value": parsed,
            "start": start,
            "end": self._position - start,
        }


class _Parser(jp_parser.Parser):
    def parse(self, expression, options=None):  # no shared class-level cache
        return self._do_parse(expression, options)

    def _parse(self, expression, options=None):
        self.tokenizer = _Lexer().tokenize(expression, options)
        self._tokens = list(self.tokenizer)
        self._index = 0
        parsed = self._expression(binding_power=0)
        if not self._current_token() == "eof":
            t = self._lookahead_token(0)
            raise jp_exceptions.ParseError(
                t["start"], t["value"], t["type"], f"Unexpected token: {t['value']}"
            )
        return parsed

    def _token_led_lbracket(self, left):
        token = self._lookahead_token(0)
        if token["type"] in ("number", "colon"):
            right = self._parse_index_expression()
            if left["type"] == "index_expression" and right["type"] != "slice":
                left["children"].append(right)
                return left
            return self._project_if_slice(left, right)
        self._match("star")
        self._match("rbracket")
        right = self._parse_projection_rhs(self.BINDING_POWER["star"])
        return {"type": "projection", "children": [left, right]}


def _describe(exc: jp_exceptions.JMESPathError, text: str) -> str:
    if isinstance(exc, jp_exceptions.EmptyExpressionError):
        return "syntax error: empty expression"
    if isinstance(exc, jp_exceptions.IncompleteExpressionError):
        return f"syntax error: incomplete expression {text!r}"
    if isinstance(exc, jp_exceptions.LexerError):
        return f"syntax error at column {exc.lexer_position}: {exc.message} in {text!r}"
    if isinstance(exc, jp_exceptions.ParseError):
        value = exc.token_value
        where = f"column {exc.lex_position}"
        if value not in (None, ""):
            return f"syntax error at {where}: {exc.msg} (token {value!r}) in {text!r}"
        return f"syntax error at {where}: {exc.msg} in {text!r}"
    return f"syntax error: {exc} in {text!r}"


def parse(text: str) -> dict:
    """Parse ``text`` into a dict AST or raise :class:`JPSyntaxError`."""
    if not isinstance(text, str):
        raise JPSyntaxError(f"expression must be a string, not {type(text).__name__}")
    try:
        return _Parser().parse(text)
    except jp_exceptions.JMESPathError as exc:
        raise JPSyntaxError(_describe(exc, text)) from None
    except RecursionError:
        raise JPSyntaxError(f"syntax error: expression is nested too deeply in {text!r}") from None
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise JPSyntaxError(f"syntax error: {exc} in {text!r}") from None
