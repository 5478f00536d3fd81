"""Kyverno's CEL extensions on top of the standard library."""

from __future__ import annotations

from . import ext_go, ext_k8s
from .library import Library, no_overload

# Kyverno's own libraries that need a cluster, the network or data outside
# the payload: a policy calling them is rejected when it is compiled.
_OUTSIDE = "it needs a cluster or the network, which a payload check does not have"
_NOT_YET = "this Kyverno library is not implemented by this tool"
UNSUPPORTED = {
    **dict.fromkeys(
        ("resource.Get", "resource.List", "resource.Post", "resource.get", "resource.list", "resource.post",
         "http.Get", "http.Post", "http.Client", "http.get", "http.post", "http.client",
         "globalContext.Get", "globalContext.get", "image.GetMetadata", "imagedata.Get"),
        _OUTSIDE,
    ),
    **dict.fromkeys(
        ("json.unmarshal", "json.marshal", "yaml.parse", "x509.decode", "random", "time.now", "time.truncate",
         "time.toCron", "gzip.compress", "gzip.decompress", "sha1", "sha256", "md5", "parseServiceAccount",
         "image", "isImage", "parseImageReference", "listObjToMap"),
        _NOT_YET,
    ),
}


def _resolve(bindings, name):
    resolve = getattr(bindings, "resolve", None)
    if resolve is None:
        raise no_overload("resolve", (bindings, name))
    return resolve(name)


def install(lib: Library, name: str) -> None:
    ext_go.install(lib)
    ext_k8s.install(lib)
    if name == "kyverno-json":
        # kyverno-json declares `bindings` (an opaque type) whose
        # resolve('name') returns the binding $name; the host passes an
        # object with a resolve(name) method.
        lib.add("resolve", ("bindings", "string"), "dyn", _resolve, "member")
    for function, why in UNSUPPORTED.items():
        if not lib.has_function(function):
            lib.mark_unsupported(function, why)
