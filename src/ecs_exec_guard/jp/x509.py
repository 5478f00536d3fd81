"""Decode PEM certificates and certificate requests into the object the
reference produces: the JSON encoding of Go's ``x509.Certificate`` /
``x509.CertificateRequest`` (field names and value shapes included), with
``PublicKey`` replaced by ``{"N": "<decimal>", "E": <int>}``.  Only RSA keys
are accepted, as in the reference.  Pure standard library DER reading.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit


class X509Error(ValueError):
    pass


# -- DER ---------------------------------------------------------------------


class _Node:
    __slots__ = ("cls", "constructed", "tag", "raw", "content")

    def __init__(self, cls: int, constructed: bool, tag: int, raw: bytes, content: bytes) -> None:
        self.cls = cls
        self.constructed = constructed
        self.tag = tag
        self.raw = raw
        self.content = content

    def children(self) -> list[_Node]:
        return _read_all(self.content)

    def is_(self, cls: int, tag: int) -> bool:
        return self.cls == cls and self.tag == tag


UNIVERSAL, CONTEXT = 0, 2


def _read(data: bytes, pos: int) -> tuple[_Node, int]:
    start = pos
    if pos + 2 > len(data):
        raise X509Error("x509: malformed certificate")
    first = data[pos]
    pos += 1
    cls = first >> 6
    constructed = bool(first & 0x20)
    tag = first & 0x1F
    if tag == 0x1F:
        tag = 0
        while True:
            if pos >= len(data):
                raise X509Error("x509: malformed certificate")
            b = data[pos]
            pos += 1
            tag = (tag << 7) | (b & 0x7F)
            if not b & 0x80:
                break
    if pos >= len(data):
        raise X509Error("x509: malformed certificate")
    length = data[pos]
    pos += 1
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise X509Error("x509: malformed certificate")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    end = pos + length
    if end > len(data):
        raise X509Error("x509: malformed certificate")
    return _Node(cls, constructed, tag, data[start:end], data[pos:end]), end


def _read_all(data: bytes) -> list[_Node]:
    nodes = []
    pos = 0
    while pos < len(data):
        node, pos = _read(data, pos)
        nodes.append(node)
    return nodes


def _parse_one(data: bytes) -> _Node:
    node, end = _read(data, 0)
    if end != len(data):
        raise X509Error("x509: trailing data")
    return node


def _oid(node: _Node) -> list[int]:
    data = node.content
    if not data:
        raise X509Error("x509: malformed OID")
    values = []
    value = 0
    for b in data:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            values.append(value)
            value = 0
    first = values[0]
    if first < 80:
        head = [first // 40, first % 40]
    else:
        head = [2, first - 80]
    return head + values[1:]


def _int(node: _Node) -> int:
    return int.from_bytes(node.content, "big", signed=True) if node.content else 0


def _bitstring(node: _Node) -> tuple[bytes, int]:
    if not node.content:
        raise X509Error("x509: malformed bit string")
    unused = node.content[0]
    return node.content[1:], (len(node.content) - 1) * 8 - unused


def _b64(data: bytes | None) -> str | None:
    if data is None:
        return None
    return base64.b64encode(data).decode("ascii")


_STRING_TAGS = {12, 19, 20, 22, 18, 30, 28}  # UTF8, Printable, T61, IA5, Numeric, BMP, Universal


def _asn1_string(node: _Node) -> str:
    if node.cls != UNIVERSAL or node.tag not in _STRING_TAGS:
        raise X509Error("x509: invalid RDNSequence: invalid attribute value: unsupported string type")
    data = node.content
    if node.tag == 30:
        return data.decode("utf-16-be", "replace")
    if node.tag == 28:
        return data.decode("utf-32-be", "replace")
    if node.tag == 20:
        return data.decode("latin-1")
    return data.decode("utf-8", "replace")


def _time(node: _Node) -> str:
    text = node.content.decode("ascii", "replace")
    try:
        if node.tag == 23:  # UTCTime
            dt = datetime.strptime(text, "%y%m%d%H%M%SZ")
            if dt.year >= 2050:
                dt = dt.replace(year=dt.year - 100)
        else:
            fmt = "%Y%m%d%H%M%S.%fZ" if "." in text else "%Y%m%d%H%M%SZ"
            dt = datetime.strptime(text, fmt)
    except ValueError:
        raise X509Error("x509: malformed validity") from None
    dt = dt.replace(tzinfo=timezone.utc)
    out = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        out += ("." + f"{dt.microsecond:06d}").rstrip("0")
    return out + "Z"


# -- names ---------------------------------------------------------------------

_NAME_FIELDS = {
    6: "Country",
    10: "Organization",
    11: "OrganizationalUnit",
    7: "Locality",
    8: "Province",
    9: "StreetAddress",
    17: "PostalCode",
}


def _name(node: _Node) -> dict:
    name: dict[str, Any] = {
        "Country": None,
        "Organization": None,
        "OrganizationalUnit": None,
        "Locality": None,
        "Province": None,
        "StreetAddress": None,
        "PostalCode": None,
        "SerialNumber": "",
        "CommonName": "",
        "Names": None,
        "ExtraNames": None,
    }
    names = []
    for rdn in node.children():
        for atv in rdn.children():
            parts = atv.children()
            if len(parts) != 2:
                raise X509Error("x509: invalid RDNSequence")
            oid = _oid(parts[0])
            value = _asn1_string(parts[1])
            names.append({"Type": oid, "Value": value})
            if len(oid) == 4 and oid[:3] == [2, 5, 4]:
                if oid[3] == 3:
                    name["CommonName"] = value
                elif oid[3] == 5:
                    name["SerialNumber"] = value
                elif oid[3] in _NAME_FIELDS:
                    key = _NAME_FIELDS[oid[3]]
                    name[key] = (name[key] or []) + [value]
    name["Names"] = names or None
    return name


# -- algorithms ----------------------------------------------------------------

_SIG_ALGS = {
    (1, 2, 840, 113549, 1, 1, 2): 1,
    (1, 2, 840, 113549, 1, 1, 4): 2,
    (1, 2, 840, 113549, 1, 1, 5): 3,
    (1, 3, 14, 3, 2, 29): 3,
    (1, 2, 840, 113549, 1, 1, 11): 4,
    (1, 2, 840, 113549, 1, 1, 12): 5,
    (1, 2, 840, 113549, 1, 1, 13): 6,
    (1, 2, 840, 10040, 4, 3): 7,
    (2, 16, 840, 1, 101, 3, 4, 3, 2): 8,
    (1, 2, 840, 10045, 4, 1): 9,
    (1, 2, 840, 10045, 4, 3, 2): 10,
    (1, 2, 840, 10045, 4, 3, 3): 11,
    (1, 2, 840, 10045, 4, 3, 4): 12,
    (1, 3, 101, 112): 16,
}
_PSS_HASHES = {
    (2, 16, 840, 1, 101, 3, 4, 2, 1): 13,
    (2, 16, 840, 1, 101, 3, 4, 2, 2): 14,
    (2, 16, 840, 1, 101, 3, 4, 2, 3): 15,
}
_PK_ALGS = {
    (1, 2, 840, 113549, 1, 1, 1): 1,
    (1, 2, 840, 10040, 4, 1): 2,
    (1, 2, 840, 10045, 2, 1): 3,
    (1, 3, 101, 112): 4,
}


def _signature_algorithm(node: _Node) -> int:
    parts = node.children()
    oid = tuple(_oid(parts[0]))
    if oid == (1, 2, 840, 113549, 1, 1, 10):
        try:
            params = parts[1].children()
            hash_alg = params[0].children()[0].children()[0]
            return _PSS_HASHES.get(tuple(_oid(hash_alg)), 0)
        except (IndexError, X509Error):
            return 0
    return _SIG_ALGS.get(oid, 0)


def _public_key(spki: _Node) -> tuple[int, dict]:
    parts = spki.children()
    alg = _PK_ALGS.get(tuple(_oid(parts[0].children()[0])), 0)
    if alg != 1:
        return alg, {}
    try:
        key_bytes, _ = _bitstring(parts[1])
        n_node, e_node = _parse_one(key_bytes).children()[:2]
        return alg, {"N": str(_int(n_node)), "E": _int(e_node)}
    except (X509Error, ValueError, IndexError):
        raise X509Error("failed to parse subject public key info") from None


# -- extensions ----------------------------------------------------------------

_EXT_KEY_USAGE = {
    (2, 5, 29, 37, 0): 0,
    (1, 3, 6, 1, 5, 5, 7, 3, 1): 1,
    (1, 3, 6, 1, 5, 5, 7, 3, 2): 2,
    (1, 3, 6, 1, 5, 5, 7, 3, 3): 3,
    (1, 3, 6, 1, 5, 5, 7, 3, 4): 4,
    (1, 3, 6, 1, 5, 5, 7, 3, 5): 5,
    (1, 3, 6, 1, 5, 5, 7, 3, 6): 6,
    (1, 3, 6, 1, 5, 5, 7, 3, 7): 7,
    (1, 3, 6, 1, 5, 5, 7, 3, 8): 8,
    (1, 3, 6, 1, 5, 5, 7, 3, 9): 9,
    (1, 3, 6, 1, 4, 1, 311, 10, 3, 3): 10,
    (2, 16, 840, 1, 113730, 4, 1): 11,
    (1, 3, 6, 1, 4, 1, 311, 2, 1, 22): 12,
    (1, 3, 6, 1, 4, 1, 311, 61, 1, 1): 13,
}


def _url(text: str) -> dict:
    parts = urlsplit(text)
    user = None
    if parts.username is not None:
        user = {}
    return {
        "Scheme": parts.scheme,
        "Opaque": "",
        "User": user,
        "Host": parts.netloc.rpartition("@")[2],
        "Path": parts.path,
        "RawPath": "",
        "OmitHost": False,
        "ForceQuery": False,
        "RawQuery": parts.query,
        "Fragment": parts.fragment,
        "RawFragment": "",
    }


def _general_names(node: _Node, out: dict) -> None:
    for gn in node.children():
        if gn.cls != CONTEXT:
            continue
        if gn.tag == 1:
            out["EmailAddresses"].append(gn.content.decode("ascii", "replace"))
        elif gn.tag == 2:
            out["DNSNames"].append(gn.content.decode("ascii", "replace"))
        elif gn.tag == 6:
            out["URIs"].append(_url(gn.content.decode("ascii", "replace")))
        elif gn.tag == 7:
            if len(gn.content) in (4, 16):
                out["IPAddresses"].append(str(ipaddress.ip_address(gn.content)))
            else:
                raise X509Error(f"x509: cannot parse IP address of length {len(gn.content)}")


def _extensions(nodes: list[_Node], cert: dict, is_cert: bool) -> list[dict]:
    extensions = []
    unhandled_critical = []
    san = {"DNSNames": [], "EmailAddresses": [], "IPAddresses": [], "URIs": []}
    for ext in nodes:
        parts = ext.children()
        oid = _oid(parts[0])
        critical = False
        value_node = parts[-1]
        if len(parts) == 3 and parts[1].is_(UNIVERSAL, 1):
            critical = parts[1].content != b"\x00"
        value = value_node.content
        extensions.append({"Id": oid, "Critical": critical, "Value": _b64(value)})
        handled = True
        t = tuple(oid)
        try:
            if t == (2, 5, 29, 17):
                before = sum(len(v) for v in san.values())
                _general_names(_parse_one(value), san)
                if sum(len(v) for v in san.values()) == before:
                    handled = False
            elif not is_cert:
                handled = False
            elif t == (2, 5, 29, 15):
                bits, nbits = _bitstring(_parse_one(value))
                usage = 0
                for i in range(min(9, nbits)):
                    if bits[i // 8] & (0x80 >> (i % 8)):
                        usage |= 1 << i
                cert["KeyUsage"] = usage
            elif t == (2, 5, 29, 19):
                items = _parse_one(value).children()
                is_ca = False
                max_path = -1
                for item in items:
                    if item.is_(UNIVERSAL, 1):
                        is_ca = item.content != b"\x00"
                    elif item.is_(UNIVERSAL, 2):
                        max_path = _int(item)
                cert["IsCA"] = is_ca
                cert["MaxPathLen"] = max_path
                cert["BasicConstraintsValid"] = True
                cert["MaxPathLenZero"] = max_path == 0
            elif t == (2, 5, 29, 14):
                cert["SubjectKeyId"] = _b64(_parse_one(value).content)
            elif t == (2, 5, 29, 35):
                for item in _parse_one(value).children():
                    if item.cls == CONTEXT and item.tag == 0:
                        cert["AuthorityKeyId"] = _b64(item.content)
            elif t == (2, 5, 29, 37):
                known, unknown = [], []
                for item in _parse_one(value).children():
                    usage_oid = _oid(item)
                    if tuple(usage_oid) in _EXT_KEY_USAGE:
                        known.append(_EXT_KEY_USAGE[tuple(usage_oid)])
                    else:
                        unknown.append(usage_oid)
                cert["ExtKeyUsage"] = known or None
                cert["UnknownExtKeyUsage"] = unknown or None
            elif t == (2, 5, 29, 31):
                points = []
                for dp in _parse_one(value).children():
                    for item in dp.children():
                        if item.cls == CONTEXT and item.tag == 0:
                            for name in item.children():
                                if name.cls == CONTEXT and name.tag == 0:
                                    for gn in name.children():
                                        if gn.cls == CONTEXT and gn.tag == 6:
                                            points.append(gn.content.decode("ascii", "replace"))
                cert["CRLDistributionPoints"] = points or None
            elif t == (2, 5, 29, 32):
                policies = []
                for info in _parse_one(value).children():
                    policies.append(_oid(info.children()[0]))
                cert["PolicyIdentifiers"] = policies or None
                cert["Policies"] = [".".join(map(str, p)) for p in policies] or None
            elif t == (1, 3, 6, 1, 5, 5, 7, 1, 1):
                for access in _parse_one(value).children():
                    method, location = access.children()[:2]
                    if location.cls != CONTEXT or location.tag != 6:
                        continue
                    url = location.content.decode("ascii", "replace")
                    method_oid = tuple(_oid(method))
                    if method_oid == (1, 3, 6, 1, 5, 5, 7, 48, 1):
                        cert["OCSPServer"] = (cert["OCSPServer"] or []) + [url]
                    elif method_oid == (1, 3, 6, 1, 5, 5, 7, 48, 2):
                        cert["IssuingCertificateURL"] = (cert["IssuingCertificateURL"] or []) + [url]
            elif t == (2, 5, 29, 30):
                _name_constraints(_parse_one(value), cert)
            else:
                handled = False
        except (IndexError, ValueError) as exc:
            if isinstance(exc, X509Error):
                raise
            raise X509Error("x509: malformed extension") from None
        if critical and not handled:
            unhandled_critical.append(oid)
    for key, values in san.items():
        cert[key] = values or None
    if is_cert:
        cert["UnhandledCriticalExtensions"] = unhandled_critical or None
    return extensions


def _name_constraints(node: _Node, cert: dict) -> None:
    for subtrees in node.children():
        if subtrees.cls != CONTEXT or subtrees.tag not in (0, 1):
            continue
        prefix = "Permitted" if subtrees.tag == 0 else "Excluded"
        for subtree in subtrees.children():
            base = subtree.children()[0]
            if base.cls != CONTEXT:
                continue
            text = base.content.decode("ascii", "replace")
            if base.tag == 2:
                key, item = prefix + "DNSDomains", text
            elif base.tag == 1:
                key, item = prefix + "EmailAddresses", text
            elif base.tag == 6:
                key, item = prefix + "URIDomains", text
            elif base.tag == 7:
                size = len(base.content) // 2
                ip = str(ipaddress.ip_address(base.content[:size]))
                key, item = prefix + "IPRanges", {"IP": ip, "Mask": _b64(base.content[size:])}
            else:
                continue
            cert[key] = (cert[key] or []) + [item]


# -- certificates and requests --------------------------------------------------------


def _certificate(der: bytes) -> dict:
    root = _parse_one(der)
    tbs, sig_alg, sig = root.children()[:3]
    fields = tbs.children()
    i = 0
    version = 0
    if fields[0].cls == CONTEXT and fields[0].tag == 0:
        version = _int(fields[0].children()[0])
        i = 1
    serial = _int(fields[i])
    issuer = fields[i + 2]
    validity = fields[i + 3].children()
    subject = fields[i + 4]
    spki = fields[i + 5]
    pk_alg, public_key = _public_key(spki)
    if pk_alg != 1:
        raise X509Error("certificate should use rsa algorithm")
    signature, _ = _bitstring(sig)
    cert: dict[str, Any] = {
        "Raw": _b64(root.raw),
        "RawTBSCertificate": _b64(tbs.raw),
        "RawSubjectPublicKeyInfo": _b64(spki.raw),
        "RawSubject": _b64(subject.raw),
        "RawIssuer": _b64(issuer.raw),
        "Signature": _b64(signature),
        "SignatureAlgorithm": _signature_algorithm(sig_alg),
        "PublicKeyAlgorithm": pk_alg,
        "PublicKey": public_key,
        "Version": version + 1,
        "SerialNumber": serial if -(1 << 63) <= serial < (1 << 63) else float(serial),
        "Issuer": _name(issuer),
        "Subject": _name(subject),
        "NotBefore": _time(validity[0]),
        "NotAfter": _time(validity[1]),
        "KeyUsage": 0,
        "Extensions": None,
        "ExtraExtensions": None,
        "UnhandledCriticalExtensions": None,
        "ExtKeyUsage": None,
        "UnknownExtKeyUsage": None,
        "BasicConstraintsValid": False,
        "IsCA": False,
        "MaxPathLen": 0,
        "MaxPathLenZero": False,
        "SubjectKeyId": None,
        "AuthorityKeyId": None,
        "OCSPServer": None,
        "IssuingCertificateURL": None,
        "DNSNames": None,
        "EmailAddresses": None,
        "IPAddresses": None,
        "URIs": None,
        "PermittedDNSDomainsCritical": False,
        "PermittedDNSDomains": None,
        "ExcludedDNSDomains": None,
        "PermittedIPRanges": None,
        "ExcludedIPRanges": None,
        "PermittedEmailAddresses": None,
        "ExcludedEmailAddresses": None,
        "PermittedURIDomains": None,
        "ExcludedURIDomains": None,
        "CRLDistributionPoints": None,
        "PolicyIdentifiers": None,
        "Policies": None,
    }
    for extra in fields[i + 6:]:
        if extra.cls == CONTEXT and extra.tag == 3:
            ext_nodes = extra.children()[0].children()
            cert["Extensions"] = _extensions(ext_nodes, cert, True) or None
    return cert


def _attributes(node: _Node) -> tuple[list | None, list[_Node]]:
    attributes = []
    extension_nodes: list[_Node] = []
    for attr in node.children():
        try:
            parts = attr.children()
            oid = _oid(parts[0])
            values = []
            for value_set in parts[1].children():
                entries = []
                for atv in value_set.children():
                    atv_parts = atv.children()
                    entries.append({"Type": _oid(atv_parts[0]), "Value": _attribute_value(atv_parts[1])})
                values.append(entries)
            if oid == [1, 2, 840, 113549, 1, 9, 14]:
                for value_set in parts[1].children():
                    extension_nodes.extend(value_set.children())
            attributes.append({"Type": oid, "Value": values})
        except (X509Error, IndexError, ValueError):
            continue
    return attributes or None, extension_nodes


def _attribute_value(node: _Node) -> Any:
    if node.cls == UNIVERSAL:
        if node.tag in _STRING_TAGS:
            return _asn1_string(node)
        if node.tag == 1:
            return node.content != b"\x00"
        if node.tag == 2:
            return _int(node)
        if node.tag == 4:
            return _b64(node.content)
    return _b64(node.raw)


def _certificate_request(der: bytes) -> dict:
    root = _parse_one(der)
    info, sig_alg, sig = root.children()[:3]
    fields = info.children()
    version = _int(fields[0])
    subject = fields[1]
    spki = fields[2]
    pk_alg, public_key = _public_key(spki)
    if pk_alg != 1:
        raise X509Error("certificate should use rsa algorithm")
    attributes, ext_nodes = (None, [])
    if len(fields) > 3 and fields[3].cls == CONTEXT and fields[3].tag == 0:
        attributes, ext_nodes = _attributes(fields[3])
    signature, _ = _bitstring(sig)
    csr: dict[str, Any] = {
        "Raw": _b64(root.raw),
        "RawTBSCertificateRequest": _b64(info.raw),
        "RawSubjectPublicKeyInfo": _b64(spki.raw),
        "RawSubject": _b64(subject.raw),
        "Version": version,
        "Signature": _b64(signature),
        "SignatureAlgorithm": _signature_algorithm(sig_alg),
        "PublicKeyAlgorithm": pk_alg,
        "PublicKey": public_key,
        "Subject": _name(subject),
        "Attributes": attributes,
        "Extensions": None,
        "ExtraExtensions": None,
        "DNSNames": None,
        "EmailAddresses": None,
        "IPAddresses": None,
        "URIs": None,
    }
    if ext_nodes:
        csr["Extensions"] = _extensions(ext_nodes, csr, False) or None
    return csr


_PEM_BEGIN = re.compile(r"(?:^|\n)-----BEGIN ([^\n]*?)-----[ \t]*\r?\n")


def _pem_decode(text: str) -> tuple[str, bytes] | None:
    """The first PEM block of ``text``: (type, DER bytes), or None."""
    pos = 0
    while True:
        m = _PEM_BEGIN.search(text, pos)
        if m is None:
            return None
        kind = m.group(1)
        end_marker = f"\n-----END {kind}-----"
        end = text.find(end_marker, m.end() - 1)
        if end < 0:
            return None
        body = text[m.end():end]
        lines = [line for line in body.split("\n") if ":" not in line]
        payload = "".join("".join(lines).split())
        try:
            return kind, base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            pos = m.end()


def decode(text: str) -> dict:
    block = _pem_decode(text)
    if block is None:
        raise X509Error("failed to decode PEM block")
    kind, der = block
    try:
        if kind == "CERTIFICATE":
            return _certificate(der)
        if kind == "CERTIFICATE REQUEST":
            return _certificate_request(der)
    except X509Error:
        raise
    except (IndexError, ValueError, UnicodeError):
        raise X509Error("x509: malformed certificate") from None
    raise X509Error("PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST")
