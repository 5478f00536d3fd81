"""The Kubernetes CEL libraries Kyverno loads (``k8s.io/apiserver``
``pkg/cel/library``): lists, regex, quantity, URLs, IP and CIDR, semver
and named formats."""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import re
from urllib.parse import parse_qsl, quote

from ..jp import semver as _semver
from ..jp.quantity import DECIMAL_SI, Quantity, QuantityError, parse_quantity
from . import regex
from .errors import CelEvalError
from .library import Library, no_overload
from .stdlib import parse_timestamp
from .values import INT64_MAX, INT64_MIN, NONE, Duration, UInt, _Unordered, compare, equal, kind, some

# ---------------------------------------------------------------------------
# lists
# ---------------------------------------------------------------------------

_COMPARABLE = ("int", "uint", "double", "string", "bytes", "bool", "google.protobuf.Timestamp",
               "google.protobuf.Duration", "kubernetes.Quantity", "kubernetes.Semver")


def _check_comparable(lst, name):
    kinds = {kind(v) for v in lst}
    if len(kinds) > 1:
        raise CelEvalError(f"{name}: list elements must have the same type, found {', '.join(sorted(kinds))}")
    if kinds and next(iter(kinds)) not in _COMPARABLE:
        raise no_overload(name, (lst,))


def _cmp(a, b):
    if hasattr(a, "compare_to"):
        return a.compare_to(b)
    try:
        return compare(a, b)
    except _Unordered:
        return 0


def is_sorted(lst):
    _check_comparable(lst, "isSorted")
    return all(_cmp(lst[i], lst[i + 1]) <= 0 for i in range(len(lst) - 1))


def list_sum(lst):
    if not lst:
        return 0
    _check_comparable(lst, "sum")
    k = kind(lst[0])
    if k == "int":
        total = sum(lst)
        if not (INT64_MIN <= total <= INT64_MAX):
            raise CelEvalError("integer overflow")
        return total
    if k == "uint":
        total = sum(int(v) for v in lst)
        if total >= 2**64:
            raise CelEvalError("unsigned integer overflow")
        return UInt(total)
    if k == "double":
        total = 0.0
        for v in lst:
            total += v
        return total
    if k == "google.protobuf.Duration":
        return Duration(sum(v.ns for v in lst))
    raise no_overload("sum", (lst,))


def _extreme(name, want):
    def fn(lst):
        if not lst:
            raise CelEvalError(f"{name} called on empty list")
        _check_comparable(lst, name)
        best = lst[0]
        for v in lst[1:]:
            if _cmp(v, best) == want:
                best = v
        return best

    return fn


def list_index_of(lst, x):
    for i, v in enumerate(lst):
        if equal(v, x):
            return i
    return -1


def list_last_index_of(lst, x):
    for i in range(len(lst) - 1, -1, -1):
        if equal(lst[i], x):
            return i
    return -1


# ---------------------------------------------------------------------------
# regex
# ---------------------------------------------------------------------------


def find(s, pattern):
    m = regex.compile_pattern(pattern).search(s)
    return "" if m is None else m.group(0)


def find_all(s, pattern, n=-1):
    if n == 0:
        return []
    return [m.group(0) for m in regex.find_all(regex.compile_pattern(pattern), s, n)]


# ---------------------------------------------------------------------------
# quantity
# ---------------------------------------------------------------------------


class CelQuantity:
    cel_type_name = "kubernetes.Quantity"
    __slots__ = ("q",)

    def __init__(self, q: Quantity) -> None:
        self.q = q

    def compare_to(self, other) -> int:
        a, b, _ = self.q._aligned(other.q)
        return (a > b) - (a < b)

    def __eq__(self, other) -> bool:
        return type(other) is CelQuantity and self.compare_to(other) == 0

    def __hash__(self) -> int:
        return hash(str(self.q))

    def __str__(self) -> str:
        return str(self.q)

    def __repr__(self) -> str:
        return f"quantity({str(self.q)!r})"


def to_quantity(s):
    try:
        return CelQuantity(parse_quantity(s))
    except QuantityError as exc:
        raise CelEvalError(f"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' ({exc})") from None


def is_quantity(s):
    try:
        parse_quantity(s)
        return True
    except QuantityError:
        return False


def _q_int(v: int) -> CelQuantity:
    return CelQuantity(Quantity(v, 0, DECIMAL_SI))


def q_add(a, b):
    if type(b) is not CelQuantity:
        b = _q_int(b)
    return CelQuantity(a.q.add(b.q))


def q_sub(a, b):
    if type(b) is not CelQuantity:
        b = _q_int(b)
    return CelQuantity(a.q.sub(b.q))


def q_as_integer(a):
    v = a.q.as_integer()
    if v is None or not (INT64_MIN <= v <= INT64_MAX):
        raise CelEvalError("cannot convert value to integer")
    return v


def q_is_integer(a):
    v = a.q.as_integer()
    return v is not None and INT64_MIN <= v <= INT64_MAX


def q_sign(a):
    u = a.q.unscaled
    return (u > 0) - (u < 0)


# ---------------------------------------------------------------------------
# URLs (Go url.ParseRequestURI)
# ---------------------------------------------------------------------------


class CelURL:
    cel_type_name = "kubernetes.URL"
    __slots__ = ("scheme", "host", "path", "raw_query", "text")

    def __init__(self, scheme, host, path, raw_query, text) -> None:
        self.scheme = scheme
        self.host = host
        self.path = path
        self.raw_query = raw_query
        self.text = text

    def __eq__(self, other) -> bool:
        return type(other) is CelURL and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __str__(self) -> str:
        return self.text


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def parse_url(s: str) -> CelURL:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in s):
        raise CelEvalError(f"URL parse error during conversion from string: parse {s!r}: net/url: invalid control character in URL")
    rest = s
    raw_query = ""
    if "?" in rest:
        rest, raw_query = rest.split("?", 1)
    if "#" in s and "#" in rest:
        raise CelEvalError(f"URL parse error during conversion from string: parse {s!r}: invalid URI for request")
    scheme = ""
    m = _SCHEME.match(rest)
    if m:
        scheme = m.group(1).lower()
        rest = rest[m.end():]
    elif rest and not rest.startswith("/"):
        raise CelEvalError(f"URL parse error during conversion from string: parse {s!r}: invalid URI for request")
    if not rest and not scheme:
        raise CelEvalError(f"URL parse error during conversion from string: parse {s!r}: empty url")
    host = ""
    path = rest
    if scheme and not rest.startswith("/"):
        # opaque URL such as mailto:x; Go accepts it with an opaque part.
        path = ""
    elif rest.startswith("//"):
        authority, slash, tail = rest[2:].partition("/")
        if "@" in authority:
            authority = authority.rsplit("@", 1)[1]
        host = authority
        path = slash + tail
        if host.startswith("["):
            if "]" not in host:
                raise CelEvalError(f"URL parse error during conversion from string: parse {s!r}: missing ']' in host")
        elif host.count(":") > 1:
            raise CelEvalError(f"URL parse error during conversion from string: parse {s!r}: invalid port after host")
        if ":" in host.rsplit("]", 1)[-1]:
            port = host.rsplit(":", 1)[1]
            if port and not re.fullmatch(r"[0-9]+", port):
                raise CelEvalError(f"URL parse error during conversion from string: parse {s!r}: invalid port {':' + port!r} after host")
    elif not scheme and not rest.startswith("/"):
        raise CelEvalError(f"URL parse error during conversion from string: parse {s!r}: invalid URI for request")
    return CelURL(scheme, host, path, raw_query, s)


def is_url(s):
    try:
        parse_url(s)
        return True
    except CelEvalError:
        return False


def url_hostname(u):
    host = u.host
    if host.startswith("["):
        return host[1:host.index("]")]
    return host.rsplit(":", 1)[0] if ":" in host else host


def url_port(u):
    host = u.host
    if host.startswith("["):
        tail = host[host.index("]") + 1:]
        return tail[1:] if tail.startswith(":") else ""
    return host.rsplit(":", 1)[1] if ":" in host else ""


def url_escaped_path(u):
    return quote(u.path, safe="/!$&'()*+,;=:@~-._%")


def url_query(u):
    out: dict = {}
    for k, v in parse_qsl(u.raw_query, keep_blank_values=True):
        out.setdefault(k, []).append(v)
    return out


# ---------------------------------------------------------------------------
# IP and CIDR
# ---------------------------------------------------------------------------


class CelIP:
    cel_type_name = "net.IP"
    __slots__ = ("addr",)

    def __init__(self, addr) -> None:
        self.addr = addr

    def __eq__(self, other) -> bool:
        return type(other) is CelIP and other.addr == self.addr

    def __hash__(self) -> int:
        return hash(self.addr)

    def __str__(self) -> str:
        return str(self.addr)


class CelCIDR:
    cel_type_name = "net.CIDR"
    __slots__ = ("addr", "prefix")

    def __init__(self, addr, prefix: int) -> None:
        self.addr = addr
        self.prefix = prefix

    def network(self):
        return ipaddress.ip_network(f"{self.addr}/{self.prefix}", strict=False)

    def __eq__(self, other) -> bool:
        return type(other) is CelCIDR and other.addr == self.addr and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash((self.addr, self.prefix))

    def __str__(self) -> str:
        return f"{self.addr}/{self.prefix}"


def _parse_addr(s: str):
    if "%" in s:
        raise CelEvalError(f"IP address with zone value is not allowed: {s}")
    try:
        if ":" not in s and not re.fullmatch(r"(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}", s):
            raise ValueError
        addr = ipaddress.ip_address(s)
    except ValueError:
        raise CelEvalError(f"IP Address {s!r} parse error during conversion from string: ParseAddr({s!r}): invalid IP address") from None
    if addr.version == 6 and addr.ipv4_mapped is not None:
        raise CelEvalError(f"IPv4-mapped IPv6 address {s!r} is not allowed")
    return addr


def to_ip(s):
    return CelIP(_parse_addr(s))


def is_ip(s):
    try:
        _parse_addr(s)
        return True
    except CelEvalError:
        return False


def ip_is_canonical(s):
    return str(_parse_addr(s)) == s


def _ip_flags(addr):
    return addr


def is_global_unicast(ip):
    a = ip.addr
    if a.version == 4:
        return not (a.is_unspecified or a.is_loopback or a.is_multicast or a.is_link_local
                    or a == ipaddress.IPv4Address("255.255.255.255"))
    return not (a.is_unspecified or a.is_loopback or a.is_multicast or a in ipaddress.ip_network("fe80::/10"))


def is_link_local_multicast(ip):
    a = ip.addr
    if a.version == 4:
        return a in ipaddress.ip_network("224.0.0.0/24")
    return a in ipaddress.ip_network("ff02::/16")


def is_link_local_unicast(ip):
    a = ip.addr
    if a.version == 4:
        return a in ipaddress.ip_network("169.254.0.0/16")
    return a in ipaddress.ip_network("fe80::/10")


def to_cidr(s):
    addr_text, slash, bits = s.partition("/")
    if not slash or not re.fullmatch(r"0|[1-9][0-9]*", bits):
        raise CelEvalError(f"network address parse error during conversion from string: netip.ParsePrefix({s!r}): no '/'" if not slash else f"network address parse error during conversion from string: netip.ParsePrefix({s!r}): bad bits after slash: {bits!r}")
    if "%" in addr_text:
        raise CelEvalError(f"network address parse error during conversion from string: netip.ParsePrefix({s!r}): IPv6 zones cannot be present in a prefix")
    addr = _parse_addr(addr_text)
    prefix = int(bits)
    if prefix > (32 if addr.version == 4 else 128):
        raise CelEvalError(f"network address parse error during conversion from string: netip.ParsePrefix({s!r}): prefix length out of range")
    return CelCIDR(addr, prefix)


def is_cidr(s):
    try:
        to_cidr(s)
        return True
    except CelEvalError:
        return False


def cidr_contains_ip(c, ip):
    if type(ip) is str:
        ip = to_ip(ip)
    return ip.addr.version == c.addr.version and ip.addr in c.network()


def cidr_contains_cidr(c, other):
    if type(other) is str:
        other = to_cidr(other)
    if other.addr.version != c.addr.version or other.prefix < c.prefix:
        return False
    return other.network().network_address in c.network()


def cidr_masked(c):
    return CelCIDR(c.network().network_address, c.prefix)


# ---------------------------------------------------------------------------
# semver
# ---------------------------------------------------------------------------


class CelSemver:
    cel_type_name = "kubernetes.Semver"
    __slots__ = ("v",)

    def __init__(self, v) -> None:
        self.v = v

    def compare_to(self, other) -> int:
        return _semver.compare(self.v, other.v)

    def __eq__(self, other) -> bool:
        return type(other) is CelSemver and self.compare_to(other) == 0

    def __hash__(self) -> int:
        return hash(self.v[:3])


def _normalize(s: str) -> str:
    if s.startswith("v"):
        s = s[1:]
    core, sep, rest = s, "", ""
    for mark in ("-", "+"):
        if mark in core:
            idx = core.index(mark)
            core, sep, rest = core[:idx], core[idx], core[idx + 1:] + (sep + rest if sep else "")
            break
    parts = core.split(".")
    while len(parts) < 3:
        parts.append("0")
    parts = [p.lstrip("0") or "0" if p.isascii() and p.isdigit() else p for p in parts]
    return ".".join(parts) + (sep + rest if sep else "")


def to_semver(s, normalize=False):
    try:
        return CelSemver(_semver.parse_version(_normalize(s) if normalize else s))
    except _semver.SemverError as exc:
        raise CelEvalError(f"could not parse semver: {exc}") from None


def is_semver(s, normalize=False):
    try:
        to_semver(s, normalize)
        return True
    except CelEvalError:
        return False


# ---------------------------------------------------------------------------
# named formats
# ---------------------------------------------------------------------------

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
_UUID = re.compile(r"^(?i:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})\Z")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _max_len(n):
    return f"must be no more than {n} characters"


def _label(s):
    errs = []
    if len(s) > 63:
        errs.append(_max_len(63))
    if not _DNS1123_LABEL.match(s):
        errs.append("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                    "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
    return errs


def _subdomain(s):
    errs = []
    if len(s) > 253:
        errs.append(_max_len(253))
    if not _DNS1123_SUBDOMAIN.match(s):
        errs.append("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    return errs


def _dns1035(s):
    errs = []
    if len(s) > 63:
        errs.append(_max_len(63))
    if not _DNS1035_LABEL.match(s):
        errs.append("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
                    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
    return errs


def _prefix(validate):
    def fn(s):
        if s.endswith("-"):
            s = s[:-1] + "a"
        return validate(s)

    return fn


def _qualified_name(s):
    errs = []
    parts = s.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + e for e in _subdomain(prefix))
    else:
        return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
                "and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + _max_len(63))
    if name and not _QUALIFIED.match(name):
        errs.append("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                    "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
    return errs


def _label_value(s):
    errs = []
    if len(s) > 63:
        errs.append(_max_len(63))
    if not _LABEL_VALUE.match(s):
        errs.append("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
    return errs


def _uri(s):
    try:
        parse_url(s)
        return []
    except CelEvalError as exc:
        return [exc.message.replace("URL parse error during conversion from string: ", "")]


def _byte(s):
    try:
        base64.b64decode(s.encode("utf-8"), validate=True)
        return []
    except (binascii.Error, ValueError):
        return ["invalid base64"]


def _date(s):
    if not _DATE.match(s):
        return ["invalid date"]
    try:
        parse_timestamp(s + "T00:00:00Z")
        return []
    except CelEvalError:
        return ["invalid date"]


def _datetime(s):
    try:
        parse_timestamp(s)
        return []
    except CelEvalError:
        return ["invalid datetime"]


FORMATS = {
    "dns1123Label": _label,
    "dns1123Subdomain": _subdomain,
    "dns1035Label": _dns1035,
    "qualifiedName": _qualified_name,
    "dns1123LabelPrefix": _prefix(_label),
    "dns1123SubdomainPrefix": _prefix(_subdomain),
    "dns1035LabelPrefix": _prefix(_dns1035),
    "labelValue": _label_value,
    "uri": _uri,
    "uuid": lambda s: [] if _UUID.match(s) else ["does not match the UUID format"],
    "byte": _byte,
    "date": _date,
    "datetime": _datetime,
}


class CelFormat:
    cel_type_name = "kubernetes.NamedFormat"
    __slots__ = ("name", "validate")

    def __init__(self, name, validate) -> None:
        self.name = name
        self.validate = validate

    def __eq__(self, other) -> bool:
        return type(other) is CelFormat and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def format_named(name):
    fn = FORMATS.get(name)
    return NONE if fn is None else some(CelFormat(name, fn))


def format_validate(f, s):
    errs = f.validate(s)
    return some(list(errs)) if errs else NONE


def install(lib: Library) -> None:
    add = lib.add
    # lists
    add("isSorted", ("list(A)",), "bool", is_sorted, "member")
    for t in ("int", "uint", "double", "duration"):
        add("sum", (f"list({t})",), t, list_sum, "member")
    add("min", ("list(A)",), "A", _extreme("min", -1), "member")
    add("max", ("list(A)",), "A", _extreme("max", 1), "member")
    add("indexOf", ("list(A)", "A"), "int", list_index_of, "member")
    add("lastIndexOf", ("list(A)", "A"), "int", list_last_index_of, "member")
    # regex
    add("find", ("string", "string"), "string", find, "member")
    add("findAll", ("string", "string"), "list(string)", find_all, "member")
    add("findAll", ("string", "string", "int"), "list(string)", find_all, "member")
    # quantity
    Q = "kubernetes.Quantity"
    add("quantity", ("string",), Q, to_quantity)
    add("isQuantity", ("string",), "bool", is_quantity)
    add("sign", (Q,), "int", q_sign, "member")
    add("isInteger", (Q,), "bool", q_is_integer, "member")
    add("asInteger", (Q,), "int", q_as_integer, "member")
    add("asApproximateFloat", (Q,), "double", lambda a: a.q.as_approximate_float(), "member")
    for name, fn in (("add", q_add), ("sub", q_sub)):
        add(name, (Q, Q), Q, fn, "member")
        add(name, (Q, "int"), Q, fn, "member")
    add("isGreaterThan", (Q, Q), "bool", lambda a, b: a.compare_to(b) > 0, "member")
    add("isLessThan", (Q, Q), "bool", lambda a, b: a.compare_to(b) < 0, "member")
    add("compareTo", (Q, Q), "int", lambda a, b: a.compare_to(b), "member")
    # URLs
    U = "kubernetes.URL"
    add("url", ("string",), U, parse_url)
    add("isURL", ("string",), "bool", is_url)
    add("getScheme", (U,), "string", lambda u: u.scheme, "member")
    add("getHost", (U,), "string", lambda u: u.host, "member")
    add("getHostname", (U,), "string", url_hostname, "member")
    add("getPort", (U,), "string", url_port, "member")
    add("getEscapedPath", (U,), "string", url_escaped_path, "member")
    add("getQuery", (U,), "map(string, list(string))", url_query, "member")
    # IP / CIDR
    IP, CIDR = "net.IP", "net.CIDR"
    add("ip", ("string",), IP, to_ip)
    add("isIP", ("string",), "bool", is_ip)
    add("ip.isCanonical", ("string",), "bool", ip_is_canonical)
    add("family", (IP,), "int", lambda ip: ip.addr.version, "member")
    add("isUnspecified", (IP,), "bool", lambda ip: ip.addr.is_unspecified, "member")
    add("isLoopback", (IP,), "bool", lambda ip: ip.addr.is_loopback, "member")
    add("isLinkLocalMulticast", (IP,), "bool", is_link_local_multicast, "member")
    add("isLinkLocalUnicast", (IP,), "bool", is_link_local_unicast, "member")
    add("isGlobalUnicast", (IP,), "bool", is_global_unicast, "member")
    add("string", (IP,), "string", str)
    add("cidr", ("string",), CIDR, to_cidr)
    add("isCIDR", ("string",), "bool", is_cidr)
    add("containsIP", (CIDR, IP), "bool", cidr_contains_ip, "member")
    add("containsIP", (CIDR, "string"), "bool", cidr_contains_ip, "member")
    add("containsCIDR", (CIDR, CIDR), "bool", cidr_contains_cidr, "member")
    add("containsCIDR", (CIDR, "string"), "bool", cidr_contains_cidr, "member")
    add("ip", (CIDR,), IP, lambda c: CelIP(c.addr), "member")
    add("masked", (CIDR,), CIDR, cidr_masked, "member")
    add("prefixLength", (CIDR,), "int", lambda c: c.prefix, "member")
    add("string", (CIDR,), "string", str)
    # semver
    S = "kubernetes.Semver"
    add("semver", ("string",), S, to_semver)
    add("semver", ("string", "bool"), S, to_semver)
    add("isSemver", ("string",), "bool", is_semver)
    add("isSemver", ("string", "bool"), "bool", is_semver)
    add("major", (S,), "int", lambda v: v.v[0], "member")
    add("minor", (S,), "int", lambda v: v.v[1], "member")
    add("patch", (S,), "int", lambda v: v.v[2], "member")
    add("isGreaterThan", (S, S), "bool", lambda a, b: a.compare_to(b) > 0, "member")
    add("isLessThan", (S, S), "bool", lambda a, b: a.compare_to(b) < 0, "member")
    add("compareTo", (S, S), "int", lambda a, b: a.compare_to(b), "member")
    # named formats
    F = "kubernetes.NamedFormat"
    add("format.named", ("string",), f"optional_type({F})", format_named)
    for name, fn in FORMATS.items():
        add(f"format.{name}", (), F, functools.partial(CelFormat, name, fn))
    add("validate", (F, "string"), "optional_type(list(string))", format_validate, "member")
