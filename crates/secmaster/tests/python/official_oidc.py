"""Runs the official Python core's default chain with OIDC federation configured in the
environment (HUAWEICLOUD_OIDC_*, HUAWEICLOUD_SDK_STS_ENDPOINT at a local STS the Rust test
started), printing the keys it got as JSON: the Rust side compares the requests both sent
(tests/official_formats.rs)."""
import json
import logging

from huaweicloudsdkcore.auth.provider import CredentialProviderChain
from huaweicloudsdkcore.http.http_client import HttpClient
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler

c = CredentialProviderChain.get_basic().get_credentials()
client = HttpClient(HttpConfig.get_default_config(), HttpHandler(), None, logging.getLogger("oidc"))
c.process_sts(client)
print(json.dumps({"ak": c.ak, "sk": c.sk, "security_token": c.security_token,
                  "project_id": c.project_id}))
