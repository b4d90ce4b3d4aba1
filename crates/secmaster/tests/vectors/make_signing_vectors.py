#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Generate AK/SK (SDK-HMAC-SHA256) signing conformance vectors with the OFFICIAL
Huawei Cloud Python SDK core (PyPI package ``huaweicloudsdkcore``).

What it is
    Every expected value in the output (canonical request, string to sign, signed
    headers, Authorization header, signed Host value) is computed by the SDK's own
    code: ``huaweicloudsdkcore.auth.credentials.BasicCredentials.sign_request``,
    which adds X-Security-Token (temporary credentials) and calls
    ``huaweicloudsdkcore.signer.signer.Signer.sign``. Nothing of the algorithm is
    re-implemented here. The intermediate values are obtained by wrapping (not
    replacing) the SDK's private helpers ``Signer._process_signed_headers``,
    ``Signer._process_canonical_request`` and ``Signer._process_string_to_sign``:
    the wrappers call the originals and only record their return values.
    The request is an ``huaweicloudsdkcore.sdk_request.SdkRequest`` built the way
    ``huaweicloudsdkcore.client.Client.build_future_request`` builds it:
    host = urlparse(endpoint).netloc (port kept as written), resource_path = the
    already percent-encoded path, query_params = list of raw (decoded) (key, value)
    tuples, header_params = dict, body = str. The fixed X-Sdk-Date is passed as a
    request header, which the signer uses instead of the current time.

How to run (only PyPI is needed)
    python3 -m venv /tmp/sdkvenv
    /tmp/sdkvenv/bin/pip install huaweicloudsdkcore==3.1.219
    HOME=$(mktemp -d) /tmp/sdkvenv/bin/python make_signing_vectors.py > signing_vectors.json

    HOME is pointed at a temp dir because the core writes ~/.huaweicloud/application_id
    when imported (the script also redirects HOME itself, as a safeguard).
    Output: JSON on stdout, UTF-8, sort_keys=True, indent=2, ensure_ascii=False.
    Exit status 1 if the documented reference vector (doc_vector) is not reproduced.

Reproducible
    The output depends only on the inputs below and on the core's version (fixed dates, keys and
    bodies; no clock, no randomness; JSON with sorted keys). The ignored test
    ``signing_vectors_are_what_the_official_core_makes`` in xtask/tests/official_sdk.rs runs this
    script with the Python named by SECMASTER_OFFICIAL_PYTHON (.ci/run installs
    huaweicloudsdkcore==3.1.219 there) and fails unless its output is byte for byte the
    checked-in signing_vectors.json. After changing CASES, regenerate the file with the command
    above; ``the_official_python_cores_vectors`` in crates/secmaster/src/signer.rs then checks
    the Rust signer against every vector.

Output format
    {"generator": "huaweicloudsdkcore <version>",
     "vectors": [{"name", "ak", "sk", "sdk_date", "method", "url",
                  "headers": [[name, value], ...],   # as handed to the SDK signer,
                                                     # without X-Sdk-Date/Host/Authorization
                  "body",
                  "expected": {"canonical_request", "string_to_sign",
                               "signed_headers", "authorization", "host"}}]}
    "url" is scheme://host[:port] + resource_path (+ "?" + query in the order given,
    each key/value percent-encoded, so that decoding the query gives back exactly the
    raw tuples the SDK received). The wire URL the SDK sends uses the canonical
    (sorted, re-encoded) query string instead.
"""

import json
import os
import sys
import tempfile

# The core writes $HOME/.huaweicloud/application_id on import: never touch the real HOME.
_TMP_HOME = tempfile.TemporaryDirectory(prefix="hwsdk-home-")
os.environ["HOME"] = _TMP_HOME.name

from importlib.metadata import version as _pkg_version  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.client import Client  # noqa: E402
from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402
from huaweicloudsdkcore.signer.signer import Signer  # noqa: E402

SDK_VERSION = _pkg_version("huaweicloudsdkcore")

# ---------------------------------------------------------------------------
# Recording wrappers around the SDK's own helpers (they call the originals).
# ---------------------------------------------------------------------------
_captured = {}

_orig_sign = Signer.sign
_orig_signed_headers = Signer._process_signed_headers.__func__  # classmethod
_orig_canonical_request = Signer._process_canonical_request
_orig_string_to_sign = Signer._process_string_to_sign


def _rec_sign(self, request):
    # headers exactly as the signer receives them (after Credentials.sign_request
    # added X-Security-Token / X-Project-Id), before it adds Host/Authorization.
    _captured["headers_at_sign"] = [[k, v] for k, v in request.header_params.items()]
    return _orig_sign(self, request)


def _rec_signed_headers(cls, request):
    result = _orig_signed_headers(cls, request)
    _captured["signed_headers"] = ";".join(result)
    return result


def _rec_canonical_request(self, request, signed_headers):
    result = _orig_canonical_request(self, request, signed_headers)
    _captured["canonical_request"] = result
    return result


def _rec_string_to_sign(self, canonical_request, t):
    result = _orig_string_to_sign(self, canonical_request, t)
    _captured["string_to_sign"] = result
    return result


Signer.sign = _rec_sign
Signer._process_signed_headers = classmethod(_rec_signed_headers)
Signer._process_canonical_request = _rec_canonical_request
Signer._process_string_to_sign = _rec_string_to_sign

# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------
AK = "AKTESTEXAMPLE0000001"
SK = "SKtestExampleSecretKey0000000000000000001"
AK2 = "HPUAEXAMPLE2NDKEY0002"
SK2 = "Zm9vYmFyLXNlY29uZC1zZWNyZXQta2V5LWZvci10ZXN0czIyMg"
DATE = "20240101T000000Z"
DATE2 = "20261127T235959Z"
ENDPOINT = "https://secmaster.cn-north-4.myhuaweicloud.com"
PROJECT = "0123456789abcdef0123456789abcdef"
WS = "ws-11111111-2222-3333-4444-555555555555"
WF = "wf-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
UA = "huaweicloud-usdk-python/3.0; rust-anchor-test"
TOKEN = ("gQpjbi1ub3J0aC00EXAMPLEtemporarySecurityToken+/=0123456789"
         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ==")


def wf_path(workflow_id=WF, project=PROJECT, workspace=WS):
    return "/v1/%s/workspaces/%s/soc/workflows/%s" % (project, workspace, workflow_id)


BASE_HEADERS = [
    ("Content-Type", "application/json"),
    ("User-Agent", UA),
    ("X-Project-Id", PROJECT),
]
DOC_BODY = ('{"name": "my-workflow", "description": "updated by test", "enabled": true, '
            '"version_id": "ver-0001", "labels": "IP"}')
DOC_SIGNATURE = "f225334e759850db1d93f5d601a0c140cad0579cbedeef396e6d2f4caffb30f2"


def soc_path(rest, project=PROJECT, workspace=WS):
    return "/v1/%s/workspaces/%s/soc/%s" % (project, workspace, rest)


SOC_HEADERS = [
    ("Content-Type", "application/json;charset=UTF-8"),
    ("User-Agent", UA),
    ("X-Project-Id", PROJECT),
]
# ListAlerts' request example in spec/secmaster.yaml, compact; the values carry the characters a
# body is most likely to get wrong (spaces, '=', ':', '.').
SEARCH_BODY = ('{"limit":10,"offset":0,"sort_by":"create_time","order":"DESC",'
               '"from_date":"2025-06-01T00:00:00.000Z","to_date":"2025-06-30T23:59:59.999Z",'
               '"condition":{"conditions":[{"name":"c1","data":["handle_status","=","Open"]},'
               '{"name":"c2","data":["severity","=","High"]}],"logics":["c1","AND","c2"]}}')
DELETE_BODY = ('{"batch_ids":["909494e3-558e-46b6-a9eb-07a8e18ca62f",'
               '"5f3a1c2e-7d4b-4e8a-9c6f-0b1d2e3f4a5b"]}')


def case(name, method="PUT", endpoint=ENDPOINT, path=None, query=(), headers=BASE_HEADERS,
         body=DOC_BODY, ak=AK, sk=SK, date=DATE, token=None):
    return dict(name=name, method=method, endpoint=endpoint, path=path or wf_path(),
                query=list(query), headers=list(headers), body=body, ak=ak, sk=sk,
                date=date, token=token)


CASES = [
    # a. the reference vector of official-sdk.md
    case("doc_vector"),
    # b. temporary credentials: the SDK's Credentials adds X-Security-Token before signing
    case("security_token_temporary_credentials", token=TOKEN),
    # c. body variants
    case("empty_json_object_body", body="{}"),
    case("empty_body", body=""),
    case("partial_body_without_name",
         body='{"description": "only description and enabled", "enabled": false}'),
    # d. query strings (raw tuples, as Client._parse_query_params hands them to the signer)
    case("query_unsorted_repeated_special_chars", query=[
        ("offset", "0"),
        ("limit", "10"),
        ("name", "a b+c/d=e~f*g"),
        ("label", "流程"),
        ("label", "IP"),
        ("Sort", "desc"),
        ("label", "~tilde*star"),
        ("description", "café & co"),
        ("empty", ""),
    ]),
    case("query_sorted_on_raw_values_not_encoded", query=[
        ("k", "é"),
        ("k", "z"),
        ("a", "3"),
        ("A", "2"),
        ("[x]", "1"),
        ("_u", "4"),
        ("-h", "5"),
        ("~t", "6"),
    ]),
    case("get_list_with_query", method="GET",
         path="/v1/%s/workspaces/%s/soc/workflows" % (PROJECT, WS),
         query=[("offset", "0"), ("limit", "100"), ("name", "my workflow"), ("enabled", "true")],
         body=""),
    # e. percent-encoded path segments (resource_path is already encoded, as after
    #    Client._parse_path_params which uses quote(value, safe=''))
    case("path_encoded_slash_in_segment", path=wf_path("a%2Fb")),
    case("path_encoded_space_in_segment", path=wf_path("a%20b")),
    case("path_non_ascii_utf8_escapes_upper_hex", path=wf_path("wf-%E6%B5%81%E7%A8%8B")),
    case("path_non_ascii_utf8_escapes_lower_hex", path=wf_path("wf-%c3%a9")),
    case("path_encoded_unreserved_and_reserved", path=wf_path("wf%2Dx%7Ey%2Az%3Dq%2Bp")),
    case("path_trailing_slash", path=wf_path() + "/"),
    # f. endpoints with ports
    case("https_ip_with_port", endpoint="https://127.0.0.1:8443"),
    case("http_loopback_with_port", endpoint="http://127.0.0.1:8080"),
    case("http_localhost_with_port", endpoint="http://localhost:18080"),
    case("https_explicit_default_port_443", endpoint=ENDPOINT + ":443"),
    # g. header names/values
    case("headers_whitespace_mixed_case_and_underscore", headers=[
        ("Content-Type", "application/json"),
        ("user-AGENT", "  " + UA + "\t "),
        ("x-PROJECT-id", "\t" + PROJECT + "  "),
        ("X-Custom-Inner", "  a   b  c  "),
        ("X_Custom_Underscore", "not signed"),
        ("X-Empty-Value", "   "),
    ]),
    case("content_type_with_charset", headers=[
        ("Content-Type", "application/json;charset=UTF-8"),
        ("User-Agent", UA),
        ("X-Project-Id", PROJECT),
    ]),
    # h. non-ASCII body
    case("body_non_ascii_utf8",
         body='{"name": "my-workflow", "description": "由测试更新 — café 🚀🔒", "enabled": true}'),
    case("body_non_ascii_as_sdk_serializes_it",
         body=Client._parse_body({"name": "my-workflow", "description": "由测试更新 — café 🚀🔒",
                                  "enabled": True})),
    # i. other date / other key pair
    case("other_date", date=DATE2),
    case("other_ak_sk_and_leap_day_date", ak=AK2, sk=SK2, date="20280229T123456Z"),
    case("other_ak_sk_with_token_and_query", ak=AK2, sk=SK2, date=DATE2, token=TOKEN,
         query=[("b", "2"), ("a", "1")], body="{}"),
    # j. the chapter's other shapes: a version list filtered by status, a DELETE, a review POST
    #    on a nested path, a list with every ListWorkflows filter and spaces in a value
    case("get_versions_with_status_query", method="GET", path=wf_path() + "/versions",
         query=[("status", "pending_approval")], body=""),
    case("delete_version_without_body", method="DELETE",
         path="/v1/%s/workspaces/%s/soc/workflows/versions/ver-0002" % (PROJECT, WS), body=""),
    case("post_review_on_nested_path", method="POST",
         path="/v1/%s/workspaces/%s/soc/workflows/versions/ver-0002/approval" % (PROJECT, WS),
         body='{"content":"Checked the notification node","result":"PASS"}'),
    case("get_list_with_every_filter", method="GET",
         path="/v1/%s/workspaces/%s/soc/workflows" % (PROJECT, WS),
         query=[("sortby", "update_time"), ("order", "ASC"), ("aop_type", "SURVEY"),
                ("dataclass_name", "Alert log"), ("dataclass_id", "e410ae50"),
                ("description", "a b"), ("name", "Test_aop"), ("enabled", "false"),
                ("limit", "100"), ("offset", "9900")],
         body=""),
    # k. an upload as the core signs it: a Content-Type other than JSON makes it sign
    #    X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD in place of the body's hash (given here too, so
    #    that the vector's input headers are what the core signs)
    case("upload_unsigned_payload", method="POST",
         path="/v1/%s/workspaces/%s/soc/workflows/import" % (PROJECT, WS),
         headers=[("Content-Type", "multipart/form-data; boundary=b0undary"), ("User-Agent", UA),
                  ("X-Project-Id", PROJECT), ("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")],
         body='--b0undary\r\nContent-Disposition: form-data; name="uploadFile"; filename="Test.json"\r\n\r\n{"format":"x"}\r\n--b0undary--\r\n'),
    # l. the SOC chapters (issue 25): a search that pages in its JSON body (ListAlerts, POST
    #    .../soc/alerts/search) and a DELETE with a JSON body (DeleteAlert, DELETE .../soc/alerts
    #    {"batch_ids": [..]}), plain and with temporary credentials. The bodies are the spec's
    #    examples, compact, as the Rust client serializes them; the Content-Type is the one the
    #    spec declares for these operations and the client sends.
    case("soc_search_post_with_paging_body", method="POST", path=soc_path("alerts/search"),
         headers=SOC_HEADERS, body=SEARCH_BODY),
    case("soc_search_post_with_paging_body_and_security_token", method="POST",
         path=soc_path("alerts/search"), headers=SOC_HEADERS, body=SEARCH_BODY, ak=AK2, sk=SK2,
         date=DATE2, token=TOKEN),
    case("soc_delete_with_json_body", method="DELETE", path=soc_path("alerts"),
         headers=SOC_HEADERS, body=DELETE_BODY),
    case("soc_delete_with_json_body_and_security_token", method="DELETE", path=soc_path("alerts"),
         headers=SOC_HEADERS, body=DELETE_BODY, token=TOKEN),
]


def _quote_input(s):
    # Only used to write the *input* URL so that it decodes back to the raw tuples.
    return Signer._url_encode(s)


def build_vector(c):
    _captured.clear()
    parsed = urlparse(c["endpoint"])  # as Client._url_parse does
    header_params = {k: v for k, v in c["headers"]}
    header_params["X-Sdk-Date"] = c["date"]
    request = SdkRequest(method=c["method"], schema=parsed.scheme, host=parsed.netloc,
                         resource_path=c["path"], query_params=list(c["query"]),
                         header_params=header_params, body=c["body"])
    credentials = BasicCredentials(c["ak"], c["sk"])
    if c["token"] is not None:
        credentials.with_security_token(c["token"])
    signed = credentials.sign_request(request)

    url = "%s://%s%s" % (parsed.scheme, parsed.netloc, c["path"])
    if c["query"]:
        url += "?" + "&".join("%s=%s" % (_quote_input(k), _quote_input(v)) for k, v in c["query"])

    headers = [[k, v] for k, v in _captured["headers_at_sign"] if k != "X-Sdk-Date"]
    return {
        "name": c["name"],
        "ak": c["ak"],
        "sk": c["sk"],
        "sdk_date": c["date"],
        "method": c["method"],
        "url": url,
        "headers": headers,
        "body": c["body"],
        "expected": {
            "canonical_request": _captured["canonical_request"],
            "string_to_sign": _captured["string_to_sign"],
            "signed_headers": _captured["signed_headers"],
            "authorization": signed.header_params["Authorization"],
            "host": signed.header_params["Host"],
        },
    }


def main():
    vectors = [build_vector(c) for c in CASES]
    names = [v["name"] for v in vectors]
    assert len(names) == len(set(names)), "duplicate vector names"
    doc = vectors[0]
    if not doc["expected"]["authorization"].endswith("Signature=" + DOC_SIGNATURE):
        sys.stderr.write("doc_vector NOT reproduced: %s\n" % doc["expected"]["authorization"])
        return 1
    out = json.dumps({"generator": "huaweicloudsdkcore %s" % SDK_VERSION, "vectors": vectors},
                     sort_keys=True, indent=2, ensure_ascii=False)
    sys.stdout.buffer.write((out + "\n").encode("utf-8"))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        _TMP_HOME.cleanup()
