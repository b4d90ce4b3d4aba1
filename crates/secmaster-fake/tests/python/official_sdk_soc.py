#!/usr/bin/env python3
"""Walks an alert's life on a SecMaster endpoint with the OFFICIAL Huawei Cloud Python SDK
(huaweicloudsdksecmaster, AK/SK signing through huaweicloudsdkcore): create an alert, search for
it, change it, convert it into an incident, relate an indicator to the incident, list the
relations, close the alert with a reason, delete it. Every answer is read through the SDK's own
models, so a shape they do not expect fails here.

Usage: official_sdk_soc.py ENDPOINT AK SK PROJECT_ID WORKSPACE_ID
Prints one JSON object of what it saw on success; exits 1 with the failing step otherwise.
Install: pip install huaweicloudsdksecmaster==3.1.219 huaweicloudsdkcore==3.1.219
(set HOME to a temporary folder: the core writes ~/.huaweicloud on import).
"""
import json
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdksecmaster.v1 import (
    Alert, AlertAlertType, ChangeAlertRequest, ChangeAlertRequestBody, CreateAlertRequest,
    CreateAlertRequestBody, CreateBatchOrderAlertsRequest, CreateDataobjectRelationRequest,
    CreateDataobjectRelationRequestBody, CreateIndicatorDetail, CreateIndicatorDetailDataSource,
    CreateIndicatorDetailEnvironment, CreateIndicatorDetailIndicatorType, CreateIndicatorRequest,
    DataobjectSearch, DataobjectSearchCondition, DataobjectSearchConditionConditions,
    DeleteAlertRequest, DeleteAlertRequestBody, IndicatorCreateRequest, ListAlertsRequest,
    ListDataobjectRelationsRequest, ListIncidentsRequest, OrderAlert, OrderAlertIncidentContent,
    OrderAlertIncidentContentIncidentType, SecMasterClient, ShowAlertRequest,
)

TITLE = "ACK flood on web-01"


def where(field, operator, value):
    return DataobjectSearchCondition(
        conditions=[DataobjectSearchConditionConditions(name="c1", data=[field, operator, value])],
        logics=["c1"])


def main():
    endpoint, ak, sk, project, workspace = sys.argv[1:6]
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
        step = "create an alert"
        created = client.create_alert(CreateAlertRequest(**ids, body=CreateAlertRequestBody(
            data_object=Alert(title=TITLE, severity="High", description="made by the official SDK",
                              alert_type=AlertAlertType(category="DDoS attack", alert_type="ACK Flood")))))
        alert = created.data.id
        seen["created"] = created.data.data_object.handle_status

        step = "search for it"
        found = client.list_alerts(ListAlertsRequest(**ids, body=DataobjectSearch(
            limit=10, offset=0, sort_by="create_time", order="DESC",
            condition=where("title", "=", TITLE))))
        seen["found"] = [d.id for d in found.data] == [alert] and found.total == 1

        step = "change it"
        changed = client.change_alert(ChangeAlertRequest(**ids, alert_id=alert, body=ChangeAlertRequestBody(
            data_object=Alert(verification_state="True_Positive", severity="Fatal"))))
        seen["changed"] = [changed.data.data_object.verification_state, changed.data.data_object.severity]

        step = "convert it into an incident"
        content = OrderAlertIncidentContent(title="DDoS on web-01", incident_type=OrderAlertIncidentContentIncidentType(
            id="t1", category="DDoS attack", incident_type="ACK Flood"))
        converted = client.create_batch_order_alerts(CreateBatchOrderAlertsRequest(
            **ids, body=OrderAlert(ids=[alert], incident_content=content)))
        seen["converted"] = converted.data.success_ids
        incidents = client.list_incidents(ListIncidentsRequest(**ids, body=DataobjectSearch(
            limit=10, offset=0, condition=where("title", "=", "DDoS on web-01"))))
        incident = incidents.data[0].id
        seen["incident"] = incidents.data[0].data_object.title

        step = "create an indicator"
        indicator = client.create_indicator(CreateIndicatorRequest(**ids, body=IndicatorCreateRequest(
            data_object=CreateIndicatorDetail(
                name="c2 server", value="203.0.113.10", verdict="Black", granular_marking="1",
                defanged=False, first_report_time="2025-06-24T10:12:00.000Z+0800", workspace_id=workspace,
                indicator_type=CreateIndicatorDetailIndicatorType(indicator_type="IPv4", id="ipv4"),
                data_source=CreateIndicatorDetailDataSource(
                    source_type=1, domain_id="d", project_id=project, region_id="r",
                    product_name="secmaster", product_feature="indicator"),
                environment=CreateIndicatorDetailEnvironment(
                    vendor_type="HWC", domain_id="d", region_id="r", project_id=project)))))
        seen["indicator"] = indicator.data.data_object.status

        step = "relate the indicator to the incident"
        related = client.create_dataobject_relation(CreateDataobjectRelationRequest(
            **ids, dataclass_type="incidents", data_object_id=incident, related_dataclass_type="indicators",
            body=CreateDataobjectRelationRequestBody(ids=[indicator.data.id])))
        seen["related"] = related.data.success_ids == [indicator.data.id]

        step = "list the relations"
        listed = {}
        for kind in ("alerts", "indicators"):
            page = client.list_dataobject_relations(ListDataobjectRelationsRequest(
                **ids, dataclass_type="incidents", data_object_id=incident, related_dataclass_type=kind,
                body=DataobjectSearch(limit=10, offset=0)))
            listed[kind] = page.total
        seen["relations"] = listed

        step = "close the alert"
        closed = client.change_alert(ChangeAlertRequest(**ids, alert_id=alert, body=ChangeAlertRequestBody(
            data_object=Alert(handle_status="Closed", close_reason="Resolved", close_comment="blocked"))))
        seen["closed"] = [closed.data.data_object.handle_status, closed.data.data_object.close_reason]

        step = "delete it"
        deleted = client.delete_alert(DeleteAlertRequest(**ids, body=DeleteAlertRequestBody(batch_ids=[alert, "nope"])))
        seen["deleted"] = [deleted.data.success_ids, deleted.data.error_ids]
        try:
            client.show_alert(ShowAlertRequest(**ids, alert_id=alert))
            seen["gone"] = None
        except exceptions.ClientRequestException as e:
            seen["gone"] = [e.status_code, e.error_code]
    except exceptions.ClientRequestException as e:
        print(f"{step}: {e.status_code} {e.error_code} {e.error_msg}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # a model that could not read the answer
        print(f"{step}: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(seen, sort_keys=True))


if __name__ == "__main__":
    main()
