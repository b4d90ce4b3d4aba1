#!/usr/bin/env python3
"""Drives a workflow's whole life on a SecMaster endpoint with the OFFICIAL Huawei Cloud Python SDK
(huaweicloudsdksecmaster, signing with AK/SK through huaweicloudsdkcore): create a workflow,
create a version, submit, approve, activate, enable, run, list and show instances, terminate,
export, disable, delete, and import the export back. Every answer is read through the SDK's own
models, so a shape they do not expect fails here.

Usage: official_sdk_lifecycle.py ENDPOINT AK SK PROJECT_ID WORKSPACE_ID DATACLASS_ID
Prints one JSON object of what it saw on success; exits 1 with the failing step otherwise.
Install: pip install huaweicloudsdksecmaster==3.1.219 huaweicloudsdkcore==3.1.219
(set HOME to a temporary folder: the core writes ~/.huaweicloud on import).
"""
import base64
import json
import os
import sys
import tempfile

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdksecmaster.v1 import (
    AopInstanceEventData, AopInstanceUpdateDataPojo, CreateAopWorkflowInfo,
    CreateAopWorkflowRequest, CreateAopWorkflowVersionApprovelInfo,
    CreateAopWorkflowVersionApprovelRequest, CreateAopWorkflowVersionInfo,
    CreateAopWorkflowVersionRequest, CreateWorkflowInstanceRequest, DataClassRef,
    DataObjectRefInfo, DeleteAopWorkflowRequest, ExportAopworkflowInfo, ExportAopworkflowRequest,
    ImportAopworkflowRequest, ImportAopworkflowRequestBody, ListAopWorkflowInstanceRequest,
    ListWorkflowsRequest, ModifyAopWorkflowInfo, ModifyAopWorkflowVersionInfo, PlaybookcontextRef,
    SecMasterClient, ShowAopWorkflowInstanceRequest, UpdateAopWorkflowRequest,
    UpdateAopWorkflowVersionRequest, UpdateWorkflowInstanceRequest,
)

TOPOLOGY = b'{"nodes":[{"id":"start","type":"start"}],"edges":[]}'
NAME = "made by the official SDK"


def main():
    endpoint, ak, sk, project, workspace, dataclass = sys.argv[1:7]
    client = (
        SecMasterClient.new_builder()
        .with_credentials(BasicCredentials(ak, sk, project))
        .with_endpoints([endpoint])
        .build()
    )
    ids = dict(project_id=project, workspace_id=workspace)
    seen = {}
    step = "start"
    try:
        step = "create a workflow"
        created = client.create_aop_workflow(CreateAopWorkflowRequest(**ids, body=CreateAopWorkflowInfo(
            name=NAME, description="lifecycle", engine_type="public_engine", aop_type="NORMAL",
            dataclass_id=dataclass, labels="IP")))
        assert created.success, created
        workflow = created.data.id

        step = "create a version"
        version = client.create_aop_workflow_version(CreateAopWorkflowVersionRequest(
            **ids, workflow_id=workflow, body=CreateAopWorkflowVersionInfo(
                name="v", description="a version", taskconfig="{}",
                taskflow=base64.b64encode(TOPOLOGY).decode(), taskflow_type="JSON",
                aop_type="NORMAL"))).data
        seen["created_version"] = version.status

        step = "submit it"
        submitted = client.update_aop_workflow_version(UpdateAopWorkflowVersionRequest(
            **ids, version_id=version.id,
            body=ModifyAopWorkflowVersionInfo(status="pending_approval"))).data
        seen["submitted"] = submitted.status

        step = "approve it"
        review = client.create_aop_workflow_version_approvel(CreateAopWorkflowVersionApprovelRequest(
            **ids, version_id=version.id,
            body=CreateAopWorkflowVersionApprovelInfo(content="fine", result="PASS")))
        seen["review"] = review.data.result

        step = "activate it"
        active = client.update_aop_workflow_version(UpdateAopWorkflowVersionRequest(
            **ids, version_id=version.id,
            body=ModifyAopWorkflowVersionInfo(status="activated"))).data
        seen["activated"] = active.status

        step = "enable the workflow"
        enabled = client.update_aop_workflow(UpdateAopWorkflowRequest(
            **ids, workflow_id=workflow,
            body=ModifyAopWorkflowInfo(enabled=True, version_id=version.id))).data
        seen["enabled"] = enabled.enabled

        step = "run it"
        run = client.create_workflow_instance(CreateWorkflowInstanceRequest(
            **ids, workflow_id=workflow, body=AopInstanceEventData(
                command_type="ActionInstanceRunCommand", action_type="workflow", action_id=workflow,
                playbook_context=PlaybookcontextRef(data_object=DataObjectRefInfo(
                    content={"alert": "a-1"}, dataclass=DataClassRef(id=dataclass))))))
        instance = run.action_instance_id

        step = "list its instances"
        listed = client.list_aop_workflow_instance(ListAopWorkflowInstanceRequest(
            **ids, workflow_id=workflow, limit=10))
        seen["instances"] = listed.count

        step = "show the instance"
        shown = client.show_aop_workflow_instance(ShowAopWorkflowInstanceRequest(
            **ids, instance_id=instance, show_topology=True))
        seen["running"] = shown.status
        seen["nodes"] = len(shown.topology.audit_logs)

        step = "terminate it"
        client.update_workflow_instance(UpdateWorkflowInstanceRequest(
            **ids, instance_id=instance,
            body=AopInstanceUpdateDataPojo(command_type="ActionInstanceTerminateCommand")))
        seen["terminated"] = client.show_aop_workflow_instance(ShowAopWorkflowInstanceRequest(
            **ids, instance_id=instance)).status

        step = "export it"
        exported = client.export_aopworkflow(ExportAopworkflowRequest(
            **ids, body=ExportAopworkflowInfo(id=[workflow])))
        chunks = []
        exported.consume_download_stream(lambda response: chunks.append(response.content))
        file = b"".join(chunks)
        seen["export_bytes"] = len(file)

        step = "disable it"
        client.update_aop_workflow(UpdateAopWorkflowRequest(
            **ids, workflow_id=workflow, body=ModifyAopWorkflowInfo(enabled=False)))

        step = "delete it"
        client.delete_aop_workflow(DeleteAopWorkflowRequest(**ids, workflow_id=workflow))

        step = "import the export back"
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "workflows.json")
            with open(path, "wb") as out:
                out.write(file)
            with open(path, "rb") as upload:
                imported = client.import_aopworkflow(ImportAopworkflowRequest(
                    **ids, body=ImportAopworkflowRequestBody(upload_file=FormFile(upload))))
        seen["imported"] = imported.code

        step = "find it again"
        back = client.list_workflows(ListWorkflowsRequest(**ids, name=NAME))
        seen["back"] = [w.name for w in back.data]
    except (exceptions.SdkException, AssertionError, AttributeError, TypeError) as e:
        print(f"step '{step}' failed: {e!r}", file=sys.stderr)
        return 1
    print(json.dumps(seen, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
