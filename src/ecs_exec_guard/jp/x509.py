"""Decode PEM certificates and certificate requests into the object the
reference produces: the JSON encoding of Go's ``x509.Certificate`` /
``x509.CertificateRequest`` (field names and value shapes included), with
``PublicKey`` replaced by ``{"N": "<decimal>", "E": <int>}``.  Only RSA keys
are accepted, as in the reference.

The DER is parsed by the ``cryptography`` package; this module only maps
its objects onto Go's field names and values.  The one thing it reads
itself is the deprecated ``Attributes`` list of a request (Go's view of
each attribute as sets of type/value pairs), with a small bounded reader.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import warnings
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID


class X509Error(ValueError):
    pass


def _b64(data: bytes | None) -> str | None:
    if data is None:
        return None
    return base64.b64encode(data).decode("ascii")


def _oid(oid: x509.ObjectIdentifier) -> list[int]:
    return [int(part) for part in oid.dotted_string.split(".")]


def _time(value) -> str:
    out = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        out += ("." + f"{value.microsecond:06d}").rstrip("0")
    return out + "Z"


# -- names ---------------------------------------------------------------------

_NAME_FIELDS = {
    "2.5.4.6": "Country",
    "2.5.4.10": "Organization",
    "2.5.4.11": "OrganizationalUnit",
    "2.5.4.7": "Locality",
    "2.5.4.8": "Province",
    "2.5.4.9": "StreetAddress",
    "2.5.4.17": "PostalCode",
}


def _name(value: x509.Name) -> dict:
    """pkix.Name filled from an RDN sequence."""
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
    for rdn in value.rdns:
        for attribute in rdn:
            text = attribute.value
            if not isinstance(text, str):  # Go reads only string types here
                raise X509Error("x509: invalid RDNSequence: invalid attribute value: unsupported string type")
            dotted = attribute.oid.dotted_string
            names.append({"Type": _oid(attribute.oid), "Value": text})
            if dotted == "2.5.4.3":
                name["CommonName"] = text
            elif dotted == "2.5.4.5":
                name["SerialNumber"] = text
            elif dotted in _NAME_FIELDS:
                key = _NAME_FIELDS[dotted]
                name[key] = (name[key] or []) + [text]
    name["Names"] = names or None
    return name


# -- algorithms ----------------------------------------------------------------

# Go's x509.SignatureAlgorithm and PublicKeyAlgorithm values
_SIG_ALGS = {
    "1.2.840.113549.1.1.2": 1,  # MD2WithRSA
    "1.2.840.113549.1.1.4": 2,  # MD5WithRSA
    "1.2.840.113549.1.1.5": 3,  # SHA1WithRSA
    "1.3.14.3.2.29": 3,
    "1.2.840.113549.1.1.11": 4,  # SHA256WithRSA
    "1.2.840.113549.1.1.12": 5,
    "1.2.840.113549.1.1.13": 6,
    "1.2.840.10040.4.3": 7,  # DSAWithSHA1
    "2.16.840.1.101.3.4.3.2": 8,
    "1.2.840.10045.4.1": 9,  # ECDSAWithSHA1
    "1.2.840.10045.4.3.2": 10,
    "1.2.840.10045.4.3.3": 11,
    "1.2.840.10045.4.3.4": 12,
    "1.3.101.112": 16,  # PureEd25519
}
_PSS = "1.2.840.113549.1.1.10"
_PSS_BY_HASH = {"sha256": 13, "sha384": 14, "sha512": 15}
_PK_ALGS = {
    "1.2.840.113549.1.1.1": 1,  # RSA
    "1.2.840.10040.4.1": 2,  # DSA
    "1.2.840.10045.2.1": 3,  # ECDSA
    "1.3.101.112": 4,  # Ed25519
}


def _signature_algorithm(obj) -> int:
    dotted = obj.signature_algorithm_oid.dotted_string
    if dotted == _PSS:
        try:
            params = obj.signature_algorithm_parameters
            hash_alg = obj.signature_hash_algorithm
        except (ValueError, UnsupportedAlgorithm):
            return 0
        if isinstance(params, padding.PSS) and hash_alg is not None:
            return _PSS_BY_HASH.get(hash_alg.name, 0)
        return 0
    return _SIG_ALGS.get(dotted, 0)


def _public_key(obj) -> tuple[int, dict, bytes]:
    alg = _PK_ALGS.get(obj.public_key_algorithm_oid.dotted_string, 0)
    if alg != 1:
        raise X509Error("certificate should use rsa algorithm")
    try:
        key = obj.public_key()
    except (ValueError, UnsupportedAlgorithm):
        raise X509Error("failed to parse subject public key info") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise X509Error("certificate should use rsa algorithm")
    numbers = key.public_numbers()
    spki = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return alg, {"N": str(numbers.n), "E": numbers.e}, spki


# -- extensions ----------------------------------------------------------------

_EXT_KEY_USAGE = {
    "2.5.29.37.0": 0,
    "1.3.6.1.5.5.7.3.1": 1,
    "1.3.6.1.5.5.7.3.2": 2,
    "1.3.6.1.5.5.7.3.3": 3,
    "1.3.6.1.5.5.7.3.4": 4,
    "1.3.6.1.5.5.7.3.5": 5,
    "1.3.6.1.5.5.7.3.6": 6,
    "1.3.6.1.5.5.7.3.7": 7,
    "1.3.6.1.5.5.7.3.8": 8,
    "1.3.6.1.5.5.7.3.9": 9,
    "1.3.6.1.4.1.311.10.3.3": 10,
    "2.16.840.1.113730.4.1": 11,
    "1.3.6.1.4.1.311.2.1.22": 12,
    "1.3.6.1.4.1.311.61.1.1": 13,
}


def _url(text: str) -> dict:
    """The JSON of Go's url.URL for the fields a certificate URI sets."""
    parts = urlsplit(text)
    return {
        "Scheme": parts.scheme,
        "Opaque": "",
        "User": {} if parts.username is not None else None,
        "Host": parts.netloc.rpartition("@")[2],
        "Path": parts.path,
        "RawPath": "",
        "OmitHost": False,
        "ForceQuery": False,
        "RawQuery": parts.query,
        "Fragment": parts.fragment,
        "RawFragment": "",
    }


def _general_names(names, out: dict) -> int:
    count = 0
    for gn in names:
        if isinstance(gn, x509.RFC822Name):
            out["EmailAddresses"].append(gn.value)
        elif isinstance(gn, x509.DNSName):
            out["DNSNames"].append(gn.value)
        elif isinstance(gn, x509.UniformResourceIdentifier):
            out["URIs"].append(_url(gn.value))
        elif isinstance(gn, x509.IPAddress):
            out["IPAddresses"].append(str(gn.value))
        else:
            continue
        count += 1
    return count


def _key_usage(ku: x509.KeyUsage) -> int:
    bits = [
        ku.digital_signature,
        ku.content_commitment,
        ku.key_encipherment,
        ku.data_encipherment,
        ku.key_agreement,
        ku.key_cert_sign,
        ku.crl_sign,
        ku.key_agreement and ku.encipher_only,
        ku.key_agreement and ku.decipher_only,
    ]
    return sum(1 << i for i, bit in enumerate(bits) if bit)


def _uri_values(names) -> list[str]:
    return [gn.value for gn in names or () if isinstance(gn, x509.UniformResourceIdentifier)]


def _name_constraints(nc: x509.NameConstraints, critical: bool, cert: dict) -> None:
    cert["PermittedDNSDomainsCritical"] = critical
    for prefix, subtrees in (("Permitted", nc.permitted_subtrees), ("Excluded", nc.excluded_subtrees)):
        for gn in subtrees or ():
            if isinstance(gn, x509.DNSName):
                key, item = prefix + "DNSDomains", gn.value
            elif isinstance(gn, x509.RFC822Name):
                key, item = prefix + "EmailAddresses", gn.value
            elif isinstance(gn, x509.UniformResourceIdentifier):
                key, item = prefix + "URIDomains", gn.value
            elif isinstance(gn, x509.IPAddress):
                network = gn.value
                if not isinstance(network, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
                    continue
                mask = network.netmask.packed
                item = {"IP": str(network.network_address), "Mask": _b64(mask)}
                key = prefix + "IPRanges"
            else:
                continue
            cert[key] = (cert[key] or []) + [item]


def _extensions(extensions: x509.Extensions, cert: dict, is_cert: bool) -> list[dict] | None:
    out = []
    unhandled_critical = []
    san: dict[str, list] = {"DNSNames": [], "EmailAddresses": [], "IPAddresses": [], "URIs": []}
    for ext in extensions:
        value = ext.value
        oid = ext.oid
        out.append({"Id": _oid(oid), "Critical": ext.critical, "Value": _b64(value.public_bytes())})
        handled = True
        if oid == ExtensionOID.SUBJECT_ALTERNATIVE_NAME:
            handled = _general_names(value, san) > 0
        elif not is_cert:
            handled = False
        elif oid == ExtensionOID.KEY_USAGE:
            cert["KeyUsage"] = _key_usage(value)
        elif oid == ExtensionOID.BASIC_CONSTRAINTS:
            max_path = -1 if value.path_length is None else value.path_length
            cert["IsCA"] = value.ca
            cert["MaxPathLen"] = max_path
            cert["BasicConstraintsValid"] = True
            cert["MaxPathLenZero"] = max_path == 0
        elif oid == ExtensionOID.SUBJECT_KEY_IDENTIFIER:
            cert["SubjectKeyId"] = _b64(value.digest)
        elif oid == ExtensionOID.AUTHORITY_KEY_IDENTIFIER:
            cert["AuthorityKeyId"] = _b64(value.key_identifier)
        elif oid == ExtensionOID.EXTENDED_KEY_USAGE:
            known, unknown = [], []
            for usage in value:
                code = _EXT_KEY_USAGE.get(usage.dotted_string)
                if code is None:
                    unknown.append(_oid(usage))
                else:
                    known.append(code)
            cert["ExtKeyUsage"] = known or None
            cert["UnknownExtKeyUsage"] = unknown or None
        elif oid == ExtensionOID.CRL_DISTRIBUTION_POINTS:
            points = [uri for dp in value for uri in _uri_values(dp.full_name)]
            cert["CRLDistributionPoints"] = points or None
        elif oid == ExtensionOID.CERTIFICATE_POLICIES:
            policies = [_oid(info.policy_identifier) for info in value]
            cert["PolicyIdentifiers"] = policies or None
            cert["Policies"] = [".".join(map(str, p)) for p in policies] or None
        elif oid == ExtensionOID.AUTHORITY_INFORMATION_ACCESS:
            for access in value:
                location = access.access_location
                if not isinstance(location, x509.UniformResourceIdentifier):
                    continue
                if access.access_method == AuthorityInformationAccessOID.OCSP:
                    cert["OCSPServer"] = (cert["OCSPServer"] or []) + [location.value]
                elif access.access_method == AuthorityInformationAccessOID.CA_ISSUERS:
                    cert["IssuingCertificateURL"] = (cert["IssuingCertificateURL"] or []) + [location.value]
        elif oid == ExtensionOID.NAME_CONSTRAINTS:
            _name_constraints(value, ext.critical, cert)
        else:
            handled = False
        if ext.critical and not handled:
            unhandled_critical.append(_oid(oid))
    for key, values in san.items():
        cert[key] = values or None
    if is_cert:
        cert["UnhandledCriticalExtensions"] = unhandled_critical or None
    return out or None


# -- certificates and requests --------------------------------------------------------


def _certificate(der: bytes) -> dict:
    cert = x509.load_der_x509_certificate(der)
    pk_alg, public_key, spki = _public_key(cert)
    serial = cert.serial_number
    out: dict[str, Any] = {
        "Raw": _b64(der),
        "RawTBSCertificate": _b64(cert.tbs_certificate_bytes),
        "RawSubjectPublicKeyInfo": _b64(spki),
        "RawSubject": _b64(cert.subject.public_bytes()),
        "RawIssuer": _b64(cert.issuer.public_bytes()),
        "Signature": _b64(cert.signature),
        "SignatureAlgorithm": _signature_algorithm(cert),
        "PublicKeyAlgorithm": pk_alg,
        "PublicKey": public_key,
        "Version": cert.version.value + 1,
        # a *big.Int: a JSON number, a float64 once read back past int64
        "SerialNumber": serial if -(1 << 63) <= serial < (1 << 63) else float(serial),
        "Issuer": _name(cert.issuer),
        "Subject": _name(cert.subject),
        "NotBefore": _time(cert.not_valid_before_utc),
        "NotAfter": _time(cert.not_valid_after_utc),
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
    out["Extensions"] = _extensions(cert.extensions, out, True)
    return out


def _certificate_request(der: bytes) -> dict:
    csr = x509.load_der_x509_csr(der)
    pk_alg, public_key, spki = _public_key(csr)
    out: dict[str, Any] = {
        "Raw": _b64(der),
        "RawTBSCertificateRequest": _b64(csr.tbs_certrequest_bytes),
        "RawSubjectPublicKeyInfo": _b64(spki),
        "RawSubject": _b64(csr.subject.public_bytes()),
        "Version": 0,  # the only version there is (cryptography refuses others)
        "Signature": _b64(csr.signature),
        "SignatureAlgorithm": _signature_algorithm(csr),
        "PublicKeyAlgorithm": pk_alg,
        "PublicKey": public_key,
        "Subject": _name(csr.subject),
        "Attributes": _attributes(csr),
        "Extensions": None,
        "ExtraExtensions": None,
        "DNSNames": None,
        "EmailAddresses": None,
        "IPAddresses": None,
        "URIs": None,
    }
    out["Extensions"] = _extensions(csr.extensions, out, False)
    return out


# -- the Attributes of a request, as Go reads them ----------------------------------
#
# Go unmarshals each attribute into {Type, Value [][]AttributeTypeAndValue}:
# an attribute whose value is a SEQUENCE of SEQUENCEs {OID, value} (the
# extension request) is listed, any other is skipped.

_MAX_ARC_BITS = 31  # Go refuses larger object identifier arcs


def _tlvs(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(tag byte, content, whole element) of each DER element in ``data``."""
    out = []
    pos = 0
    n = len(data)
    while pos < n:
        start = pos
        tag = data[pos]
        if tag & 0x1F == 0x1F or pos + 1 >= n:  # no high tag numbers in these structures
            raise X509Error("x509: malformed attribute")
        length = data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4 or pos + count > n:
                raise X509Error("x509: malformed attribute")
            length = int.from_bytes(data[pos:pos + count], "big")
            pos += count
        if pos + length > n:
            raise X509Error("x509: malformed attribute")
        out.append((tag, data[pos:pos + length], data[start:pos + length]))
        pos += length
    return out


def _der_oid(content: bytes) -> list[int]:
    """An OBJECT IDENTIFIER's arcs; each arc is at most 31 bits (as in Go),
    so the work is linear in the length."""
    if not content:
        raise X509Error("x509: malformed OID")
    arcs = []
    value = 0
    for b in content:
        value = (value << 7) | (b & 0x7F)
        if value >> _MAX_ARC_BITS:
            raise X509Error("x509: malformed OID")
        if not b & 0x80:
            arcs.append(value)
            value = 0
    if content[-1] & 0x80:
        raise X509Error("x509: malformed OID")
    first = arcs[0]
    head = [first // 40, first % 40] if first < 80 else [2, first - 80]
    return head + arcs[1:]


_STRING_TAGS = {0x0C, 0x13, 0x14, 0x16, 0x12}  # UTF8, Printable, T61, IA5, Numeric


def _attribute_value(tag: int, content: bytes, raw: bytes) -> Any:
    if tag in _STRING_TAGS:
        return content.decode("latin-1" if tag == 0x14 else "utf-8", "replace")
    if tag == 0x1E:  # BMPString
        return content.decode("utf-16-be", "replace")
    if tag == 0x01:
        return content != b"\x00"
    if tag == 0x02:
        if len(content) > 8:
            raise X509Error("x509: malformed attribute")
        return int.from_bytes(content, "big", signed=True) if content else 0
    if tag == 0x04:
        return _b64(content)
    return _b64(raw)


def _attributes(csr: x509.CertificateSigningRequest) -> list | None:
    out = []
    for attribute in csr.attributes:
        if attribute._type != 0x30:  # not a SEQUENCE: Go cannot read it as pairs
            continue
        try:
            entries = []
            for tag, content, _ in _tlvs(attribute.value):
                parts = _tlvs(content)
                if tag != 0x30 or len(parts) < 2 or parts[0][0] != 0x06:
                    raise X509Error("x509: malformed attribute")
                entries.append({"Type": _der_oid(parts[0][1]), "Value": _attribute_value(*parts[1])})
        except X509Error:
            continue
        out.append({"Type": _oid(attribute.oid), "Value": [entries]})
    return out or None


# -- PEM -----------------------------------------------------------------------------


# BEGIN lines looked at before giving up (each may search for its END)
_MAX_PEM_BEGINS = 1000


def _pem_decode(text: str) -> tuple[str, bytes] | None:
    """The first PEM block of ``text`` that decodes: (type, DER bytes), or None
    (Go's pem.Decode).  Linear: the end marker of a type is searched once
    from each place, and a block that holds another BEGIN line is skipped
    without decoding (that line cannot be base64); after 1000 BEGIN lines
    that led nowhere the text is not PEM."""
    pos = 0
    end_of: dict[str, int] = {}
    for _ in range(_MAX_PEM_BEGINS):
        begin = text.find("-----BEGIN ", pos)
        if begin < 0:
            return None
        if begin > 0 and text[begin - 1] != "\n":
            pos = begin + 1
            continue
        line_end = text.find("\n", begin)
        if line_end < 0:
            return None
        header = text[begin + len("-----BEGIN "):line_end].rstrip("\r").rstrip(" \t")
        if not header.endswith("-----"):
            pos = line_end
            continue
        kind = header[:-5]
        end = end_of.get(kind, -1)
        if end < line_end:
            end = text.find(f"\n-----END {kind}-----", line_end)
            end_of[kind] = end
        if end < 0:
            return None
        inner = text.find("\n-----BEGIN ", line_end, end)
        if inner >= 0 and ":" not in text[inner:text.find("\n", inner + 1)]:
            pos = line_end
            continue
        body = text[line_end + 1:end]
        lines = [line for line in body.split("\n") if ":" not in line]
        payload = "".join("".join(lines).split())
        try:
            return kind, base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            pos = line_end
    return None


def decode(text: str) -> dict:
    block = _pem_decode(text)
    if block is None:
        raise X509Error("failed to decode PEM block")
    kind, der = block
    if kind not in ("CERTIFICATE", "CERTIFICATE REQUEST"):
        raise X509Error("PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. negative serial numbers
            if kind == "CERTIFICATE":
                return _certificate(der)
            return _certificate_request(der)
    except X509Error:
        raise
    except (
        ValueError,
        TypeError,
        UnsupportedAlgorithm,
        x509.DuplicateExtension,
        x509.UnsupportedGeneralNameType,
        x509.InvalidVersion,
    ):
        what = "certificate" if kind == "CERTIFICATE" else "certificate request"
        raise X509Error(f"x509: malformed {what}") from None
