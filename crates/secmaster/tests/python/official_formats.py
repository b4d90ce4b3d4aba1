"""Reads a profile file and a credential answer with the official Python core, printing what it
found as JSON: the Rust side reads the same inputs and compares (tests/official_formats.rs)."""
import json
import os
import sys

from huaweicloudsdkcore.auth.internal import StsAccessor
from huaweicloudsdkcore.auth.provider import ProfileCredentialProvider

profile, answer = sys.argv[1], sys.argv[2]
os.environ["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] = profile
c = ProfileCredentialProvider.get_basic().get_credentials()
with open(answer, encoding="utf-8") as f:
    cred = StsAccessor._process_credential(f.read())
print(json.dumps({
    "ak": c.ak, "sk": c.sk, "security_token": c.security_token,
    "project_id": c.project_id, "iam_endpoint": c.iam_endpoint,
    "answer": [cred.access, cred.secret, cred.security_token, int(cred.expire_at)],
}))
