#!/usr/bin/env python3
"""Walks a playbook's life on a SecMaster endpoint with the OFFICIAL Huawei Cloud Python SDK
(huaweicloudsdksecmaster, AK/SK signing through huaweicloudsdkcore): enable a workflow on its
activated version (the one the action runs, so the instance ends FINISHED), create a playbook, a version of it for
alerts, a rule that picks High alerts, an action running the workflow; submit the version,
approve it, enable the playbook on it; create a High alert that triggers it, list the
instance and show its topology; disable the playbook, deactivate the version, delete its
action and rule, the version and the playbook. Every answer is read through the SDK's own
models, so a shape they do not expect fails here.

Usage: official_sdk_playbook.py ENDPOINT AK SK PROJECT_ID WORKSPACE_ID ALERT_DATACLASS_ID WORKFLOW_ID VERSION_ID
Prints one JSON object of what it saw on success; exits 1 with the failing step otherwise.
Install: pip install huaweicloudsdksecmaster==3.1.219 huaweicloudsdkcore==3.1.219
(set HOME to a temporary folder: the core writes ~/.huaweicloud on import).
"""
import json
import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdksecmaster.v1 import (
    Alert, ApprovePlaybookInfo, ConditionInfo, ConditionItem, CreateAction, CreateAlertRequest,
    CreateAlertRequestBody, CreatePlaybookActionRequest,
    ListPlaybookActionsRequest,
    CreatePlaybookApproveRequest, CreatePlaybookInfo, CreatePlaybookRequest, CreatePlaybookRuleRequest,
    CreatePlaybookVersionInfo, CreatePlaybookVersionRequest, CreateRuleInfo, DeletePlaybookActionRequest,
    DeletePlaybookRequest, DeletePlaybookRuleRequest, DeletePlaybookVersionRequest,
    ListPlaybookInstancesRequest, ModifyAopWorkflowInfo, ModifyPlaybookInfo, UpdateAopWorkflowRequest, ModifyPlaybookVersionInfo, SecMasterClient,
    ShowPlaybookRequest, ShowPlaybookTopologyRequest, UpdatePlaybookRequest, UpdatePlaybookVersionRequest,
)

NAME = "official-sdk-playbook"


def main():
    endpoint, ak, sk, project, workspace, alert_class, workflow, workflow_version = sys.argv[1:9]
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
        step = "enable the workflow"
        client.update_aop_workflow(UpdateAopWorkflowRequest(
            **ids, workflow_id=workflow,
            body=ModifyAopWorkflowInfo(enabled=True, version_id=workflow_version)))

        step = "create a playbook"
        playbook = client.create_playbook(CreatePlaybookRequest(**ids, body=CreatePlaybookInfo(
            name=NAME, description="High alerts", workspace_id=workspace))).data
        seen["created"] = playbook.enabled

        step = "create a version"
        version = client.create_playbook_version(CreatePlaybookVersionRequest(
            **ids, playbook_id=playbook.id, body=CreatePlaybookVersionInfo(
                description="v1", workspace_id=workspace, playbook_id=playbook.id, dataclass_id=alert_class,
                rule_enable=True, trigger_type="EVENT", dataobject_create=True, dataobject_update=False,
                action_strategy="ASYNC"))).data
        seen["version"] = version.status

        step = "create a rule"
        rule = client.create_playbook_rule(CreatePlaybookRuleRequest(
            **ids, version_id=version.id, body=CreateRuleInfo(rule=ConditionInfo(
                expression_type="common", logics=["high"],
                conditions=[ConditionItem(name="high", detail="severity is High",
                                          data=["severity", "==", "High"])])))).data

        step = "create an action"
        client.create_playbook_action(CreatePlaybookActionRequest(
            **ids, version_id=version.id, body=[CreateAction(
                name="run it", description="the workflow", action_type="AOP_WORKFLOW",
                action_id=workflow, sort_order="1")]))

        step = "list its action"
        actions = client.list_playbook_actions(ListPlaybookActionsRequest(
            **ids, version_id=version.id, offset=0, limit=10)).data
        seen["action"] = [a.action_id == workflow for a in actions]

        step = "submit the version"
        submitted = client.update_playbook_version(UpdatePlaybookVersionRequest(
            **ids, version_id=version.id, body=ModifyPlaybookVersionInfo(
                status="APPROVING", dataclass_id=alert_class, trigger_type="EVENT",
                dataobject_create=True, rule_enable=True))).data
        seen["submitted"] = submitted.status

        step = "approve it"
        approved = client.create_playbook_approve(CreatePlaybookApproveRequest(
            **ids, version_id=version.id, body=ApprovePlaybookInfo(result="PASS", content="ok"))).data
        seen["approved"] = approved.result

        step = "enable the playbook"
        enabled = client.update_playbook(UpdatePlaybookRequest(
            **ids, playbook_id=playbook.id, body=ModifyPlaybookInfo(
                name=NAME, enabled=True, active_version_id=version.id))).data
        seen["enabled"] = [enabled.enabled, enabled.version_id == version.id]

        step = "create a High alert"
        client.create_alert(CreateAlertRequest(**ids, body=CreateAlertRequestBody(
            data_object=Alert(title="brute force on web-01", severity="High"))))
        client.create_alert(CreateAlertRequest(**ids, body=CreateAlertRequestBody(
            data_object=Alert(title="a port scan", severity="Low"))))

        step = "list the instances"
        listed = client.list_playbook_instances(ListPlaybookInstancesRequest(
            **ids, playbook_name=NAME, offset=0, limit=10))
        seen["instances"] = listed.count
        instance = listed.instances[0]
        seen["instance"] = [instance.playbook.id == playbook.id, instance.dataobject.name, instance.trigger_type]

        step = "show its topology"
        topology = client.show_playbook_topology(ShowPlaybookTopologyRequest(**ids, instance_id=instance.id))
        seen["topology"] = [node.action.action_id == workflow for node in topology.action_instances]

        step = "wait for it to end"
        for _ in range(100):
            listed = client.list_playbook_instances(ListPlaybookInstancesRequest(
                **ids, playbook_name=NAME, offset=0, limit=10))
            if listed.instances[0].status != "RUNNING":
                break
            time.sleep(0.1)
        seen["ended"] = listed.instances[0].status

        step = "disable the playbook"
        disabled = client.update_playbook(UpdatePlaybookRequest(
            **ids, playbook_id=playbook.id, body=ModifyPlaybookInfo(enabled=False))).data
        seen["disabled"] = disabled.enabled

        step = "deactivate the version, delete the action, the rule, the version"
        client.update_playbook_version(UpdatePlaybookVersionRequest(
            **ids, version_id=version.id, body=ModifyPlaybookVersionInfo(enabled=False)))
        client.delete_playbook_action(DeletePlaybookActionRequest(
            **ids, version_id=version.id, action_id=actions[0].id))
        client.delete_playbook_rule(DeletePlaybookRuleRequest(**ids, version_id=version.id, rule_id=rule.id))
        client.delete_playbook_version(DeletePlaybookVersionRequest(**ids, version_id=version.id))

        step = "delete the playbook"
        client.delete_playbook(DeletePlaybookRequest(**ids, playbook_id=playbook.id))
        try:
            client.show_playbook(ShowPlaybookRequest(**ids, playbook_id=playbook.id))
            seen["gone"] = None
        except exceptions.ClientRequestException as e:
            seen["gone"] = e.status_code
    except exceptions.ClientRequestException as e:
        print(f"{step}: {e.status_code} {e.error_code} {e.error_msg}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # a model that could not read the answer
        print(f"{step}: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(seen, sort_keys=True))


if __name__ == "__main__":
    main()
