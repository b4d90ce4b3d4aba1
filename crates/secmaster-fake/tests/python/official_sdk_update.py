#!/usr/bin/env python3
"""Calls Update a Workflow on a SecMaster endpoint with the OFFICIAL Huawei Cloud Python SDK
(huaweicloudsdksecmaster + huaweicloudsdkcore, which sign with AK/SK), so that the fake's
signature verifier is tested against the official signer, not only against ours.

Usage: official_sdk_update.py ENDPOINT AK SK PROJECT_ID WORKSPACE_ID WORKFLOW_ID
Prints the response's data as JSON on success; exits 1 with the SDK's error otherwise.
Install: pip install huaweicloudsdksecmaster==3.1.219 huaweicloudsdkcore==3.1.219
(set HOME to a temporary folder: the core writes ~/.huaweicloud on import).
"""
import json
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdksecmaster.v1 import ModifyAopWorkflowInfo, SecMasterClient, UpdateAopWorkflowRequest


def main():
    endpoint, ak, sk, project_id, workspace_id, workflow_id = sys.argv[1:7]
    client = (
        SecMasterClient.new_builder()
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoints([endpoint])
        .build()
    )
    request = UpdateAopWorkflowRequest(
        project_id=project_id,
        workspace_id=workspace_id,
        workflow_id=workflow_id,
        body=ModifyAopWorkflowInfo(
            name="renamed by the official SDK",
            description="中文 description ✓",
            enabled=True,
            version_id="ver-0001",
            labels="DOMAIN",
        ),
    )
    try:
        response = client.update_aop_workflow(request)
    except exceptions.SdkException as e:
        print(f"official SDK call failed: {e}", file=sys.stderr)
        return 1
    print(json.dumps(response.data.to_dict(), ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
