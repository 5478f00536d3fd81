"""x509_decode on the cryptography package: Go's x509.Certificate shape,
and one clear error for anything malformed."""

from __future__ import annotations

import base64
import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_exec_guard.cli import main
from ecs_exec_guard.jp import JPRuntimeError, compile_expression

UTC = datetime.timezone.utc
NAME = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Platform"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Security"),
    x509.NameAttribute(NameOID.SERIAL_NUMBER, "42"),
    x509.NameAttribute(NameOID.COMMON_NAME, "n\u00e9.example.test"),
])


def run(expression, **bindings):
    return compile_expression(expression).search({}, bindings)


def error_of(pem):
    with pytest.raises(JPRuntimeError) as info:
        run("x509_decode($p)", p=pem)
    return str(info.value)


def _pem(obj) -> str:
    return obj.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


@pytest.fixture(scope="module")
def rich_cert(key):
    builder = (
        x509.CertificateBuilder()
        .subject_name(NAME)
        .issuer_name(NAME)
        .public_key(key.public_key())
        .serial_number(2**70 + 5)
        .not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime.datetime(2060, 1, 1, 12, 30, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, True, True, True, True, False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING, x509.ObjectIdentifier("1.2.3.4.5")]),
            critical=False,
        )
        .add_extension(
            x509.NameConstraints(
                permitted_subtrees=[
                    x509.DNSName("example.com"),
                    x509.IPAddress(ipaddress.ip_network("10.0.0.0/8")),
                    x509.RFC822Name("x@example.com"),
                    x509.UniformResourceIdentifier(".u.example"),
                ],
                excluded_subtrees=[x509.DNSName("bad.example.com"), x509.IPAddress(ipaddress.ip_network("fd00::/8"))],
            ),
            critical=True,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier("http://crl.example/a.crl")], None, None, None)]
            ),
            critical=False,
        )
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier("2.23.140.1.2.1"), None)]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityInformationAccess([
                x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier("http://ocsp.example")),
                x509.AccessDescription(
                    AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier("http://ca.example/ca.crt")
                ),
            ]),
            critical=False,
        )
        .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4.99"), b"\x05\x00"), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DirectoryName(NAME)]), critical=True)
    )
    cert = builder.sign(key, hashes.SHA384(), rsa_padding=padding.PSS(padding.MGF1(hashes.SHA384()), 32))
    return _pem(cert)


def test_certificate_fields_have_go_names_and_values(rich_cert, key):
    cert = run("x509_decode($p)", p=rich_cert)
    assert cert["Version"] == 3
    assert cert["SignatureAlgorithm"] == 14  # SHA384WithRSAPSS
    assert cert["PublicKeyAlgorithm"] == 1
    assert cert["PublicKey"] == {"N": str(key.public_key().public_numbers().n), "E": 65537}
    assert cert["SerialNumber"] == float(2**70 + 5)  # a big.Int read back as a float64
    subject = cert["Subject"]
    assert subject["CommonName"] == "n\u00e9.example.test" and subject["SerialNumber"] == "42"
    assert subject["OrganizationalUnit"] == ["Platform", "Security"]
    assert subject["Names"][1] == {"Type": [2, 5, 4, 11], "Value": "Platform"}
    assert cert["NotBefore"] == "2020-01-01T00:00:00Z" and cert["NotAfter"] == "2060-01-01T12:30:00Z"
    # digitalSignature | keyAgreement | keyCertSign | cRLSign | encipherOnly
    assert cert["KeyUsage"] == 1 | 16 | 32 | 64 | 128
    assert (cert["IsCA"], cert["MaxPathLen"], cert["MaxPathLenZero"], cert["BasicConstraintsValid"]) == (
        True, 0, True, True,
    )
    assert cert["ExtKeyUsage"] == [3] and cert["UnknownExtKeyUsage"] == [[1, 2, 3, 4, 5]]
    assert cert["PermittedDNSDomainsCritical"] is True
    assert cert["PermittedDNSDomains"] == ["example.com"]
    assert cert["ExcludedDNSDomains"] == ["bad.example.com"]
    assert cert["PermittedIPRanges"] == [{"IP": "10.0.0.0", "Mask": base64.b64encode(b"\xff\0\0\0").decode()}]
    assert cert["ExcludedIPRanges"][0]["IP"] == "fd00::"
    assert cert["PermittedEmailAddresses"] == ["x@example.com"] and cert["PermittedURIDomains"] == [".u.example"]
    assert cert["CRLDistributionPoints"] == ["http://crl.example/a.crl"]
    assert cert["PolicyIdentifiers"] == [[2, 23, 140, 1, 2, 1]] and cert["Policies"] == ["2.23.140.1.2.1"]
    assert cert["OCSPServer"] == ["http://ocsp.example"]
    assert cert["IssuingCertificateURL"] == ["http://ca.example/ca.crt"]
    # a critical extension Go does not handle, and a name list with no name Go reads
    assert cert["UnhandledCriticalExtensions"] == [[1, 2, 3, 4, 99], [2, 5, 29, 17]]
    assert cert["DNSNames"] is None
    assert [e["Id"] for e in cert["Extensions"]][:2] == [[2, 5, 29, 19], [2, 5, 29, 15]]
    assert cert["Extensions"][-2] == {"Id": [1, 2, 3, 4, 99], "Critical": True, "Value": "BQA="}
    der = base64.b64decode("".join(rich_cert.strip().splitlines()[1:-1]))
    assert base64.b64decode(cert["Raw"]) == der


def test_certificate_request_attributes_as_go_reads_them(key):
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(NAME)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("a.example"), x509.IPAddress(ipaddress.ip_address("::1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_attribute(x509.ObjectIdentifier("1.2.840.113549.1.9.7"), b"secret")  # challengePassword
        .sign(key, hashes.SHA256())
    )
    out = run("x509_decode($p)", p=_pem(csr))
    assert out["Version"] == 0 and out["SignatureAlgorithm"] == 4
    assert out["DNSNames"] == ["a.example"] and out["IPAddresses"] == ["::1"]
    # only the extension request is a list of type/value pairs; the password is skipped
    assert len(out["Attributes"]) == 1
    attribute = out["Attributes"][0]
    assert attribute["Type"] == [1, 2, 840, 113549, 1, 9, 14]
    assert attribute["Value"][0][0]["Type"] == [2, 5, 29, 17]
    assert attribute["Value"][0][1] == {"Type": [2, 5, 29, 19], "Value": True}  # the critical flag
    assert [e["Id"] for e in out["Extensions"]] == [[2, 5, 29, 17], [2, 5, 29, 19]]


def test_non_rsa_keys_are_refused():
    ec_key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(NAME).issuer_name(NAME).public_key(ec_key.public_key())
        .serial_number(1).not_valid_before(datetime.datetime(2020, 1, 1))
        .not_valid_after(datetime.datetime(2030, 1, 1)).sign(ec_key, hashes.SHA256())
    )
    assert error_of(_pem(cert)) == "certificate should use rsa algorithm"


def _block(kind: str, der: bytes) -> str:
    return f"-----BEGIN {kind}-----\n{base64.b64encode(der).decode()}\n-----END {kind}-----\n"


@pytest.mark.parametrize(
    "pem, message",
    [
        ("not pem", "failed to decode PEM block"),
        (_block("PUBLIC KEY", b"\0"), "PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST"),
        (_block("CERTIFICATE", b""), "x509: malformed certificate"),
        (_block("CERTIFICATE", b"\x30\x03\x02\x01\x01"), "x509: malformed certificate"),
        (_block("CERTIFICATE", b"\x30\x84\x00\x10\x00\x00\x06\x83" + b"\x81" * 100_000), "x509: malformed certificate"),
        (_block("CERTIFICATE REQUEST", b"\x30\x00"), "x509: malformed certificate request"),
        ("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "failed to decode PEM block"),
        (("-----BEGIN CERTIFICATE-----\nAAAA\n") * 5000 + "-----END CERTIFICATE-----\n", "failed to decode PEM block"),
    ],
)
def test_malformed_input_is_one_clear_error(pem, message):
    assert error_of(pem) == message


def test_a_later_block_is_found_after_a_broken_one(rich_cert):
    text = "-----BEGIN CERTIFICATE-----\n!!\n" + rich_cert
    assert run("x509_decode($p).Version", p=text) == 3


def test_malformed_certificate_through_the_cli(tmp_path, capsys):
    data = tmp_path / "in.json"
    data.write_text('{"pem": ' + __import__("json").dumps(_block("CERTIFICATE", b"\x30\x00")) + "}")
    assert main(["jp", "query", "-i", str(data), "x509_decode(pem)"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "x509: malformed certificate" in err


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_certificates_never_raise_anything_else(rich_cert, data):
    der = bytearray(base64.b64decode("".join(rich_cert.strip().splitlines()[1:-1])))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(der) - 1))
        action = data.draw(st.sampled_from(["set", "cut", "insert"]))
        if action == "set":
            der[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del der[at:at + data.draw(st.integers(1, 40))]
        else:
            der[at:at] = data.draw(st.binary(min_size=1, max_size=6))
    try:
        out = run("x509_decode($p)", p=_block("CERTIFICATE", bytes(der)))
    except JPRuntimeError as exc:
        assert "\n" not in str(exc)
    else:
        assert out["Version"] in (1, 2, 3)
