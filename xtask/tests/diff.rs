//! The API change report on real edits of the spec, one of each kind, checked line by line.

use xtask::diff::{Impact, json, text};
use xtask::{SPEC_PATH, api_changes};

fn real_spec() -> String {
    let root = xtask::workspace_root().expect("the tests run inside the checkout");
    std::fs::read_to_string(root.join(SPEC_PATH)).unwrap()
}

/// The report of `edit` applied to the real spec (the edit must apply).
fn report(edit: impl Fn(&str) -> String) -> String {
    let before = real_spec();
    let after = edit(&before);
    assert_ne!(before, after, "the test's edit must apply to the spec");
    let changes = api_changes(&before, &after).unwrap();
    text(&changes, "before", "after")
}

#[test]
fn an_unchanged_spec_reports_no_change() {
    let spec = real_spec();
    assert_eq!(
        text(&api_changes(&spec, &spec).unwrap(), "a", "b"),
        "API change report: a → b\n  no change to operations, parameters, fields, enum values or rules\n"
    );
}

#[test]
fn an_enum_value_added_is_additive_everywhere() {
    let got = report(|s| {
        s.replacen(
            "        - EASE\n",
            "        - EASE\n        - CONTAINMENT\n",
            1,
        )
    });
    assert_eq!(
        got,
        "API change report: before → after
  wire      rust      change
  additive  additive  AopType: enum value `CONTAINMENT`: added
  1 change: 0 breaking on the wire, 0 breaking for the Rust API of secmaster-bindings
"
    );
}

#[test]
fn enum_values_retyped_as_the_pages_did_show_as_removals_and_additions() {
    // ListWorkflows' `order` went from asc|desc to ASC|DESC between page versions: undone here.
    let got = report(|s| {
        s.replacen(
            "        - ASC\n        - DESC\n",
            "        - asc\n        - desc\n",
            1,
        )
    });
    assert_eq!(
        got,
        "API change report: before → after
  wire      rust      change
  breaking  breaking  SortOrder: enum value `ASC`: removed
  breaking  breaking  SortOrder: enum value `DESC`: removed
  additive  additive  SortOrder: enum value `asc`: added
  additive  additive  SortOrder: enum value `desc`: added
  4 changes: 2 breaking on the wire, 2 breaking for the Rust API of secmaster-bindings
"
    );
}

#[test]
fn a_request_field_removed_breaks_the_wire_and_the_rust_api() {
    let field = "        description:\n          type: string\n          description: Workflow description.\n        enabled:\n";
    let got = report(|s| s.replacen(field, "        enabled:\n", 1));
    assert_eq!(
        got,
        "API change report: before → after
  wire      rust      change
  breaking  breaking  ModifyAopWorkflowInfo: field `description`: removed
  1 change: 1 breaking on the wire, 1 breaking for the Rust API of secmaster-bindings
"
    );
}

#[test]
fn a_parameter_renamed_is_a_removal_and_an_addition() {
    let got = report(|s| s.replacen("        - name: sortby\n", "        - name: sort_by\n", 1));
    assert_eq!(
        got,
        "API change report: before → after
  wire      rust      change
  additive  additive  ListWorkflows: query parameter `sort_by`: added
  breaking  breaking  ListWorkflows: query parameter `sortby`: removed
  2 changes: 1 breaking on the wire, 1 breaking for the Rust API of secmaster-bindings
"
    );
}

#[test]
fn required_ness_changes_are_judged_by_where_the_type_travels() {
    // A request body's field made optional: old clients still send it (wire additive); the
    // generated struct's field becomes an `Option` (Rust breaking).
    let got = report(|s| s.replacen("      required:\n        - id\n", "", 1));
    assert_eq!(
        got,
        "API change report: before → after
  wire      rust      change
  additive  breaking  ExportAopworkflowInfo: field `id`: now optional
  1 change: 0 breaking on the wire, 1 breaking for the Rust API of secmaster-bindings
"
    );
    // A query parameter made required: old clients do not send it.
    let limit = "        - name: limit\n          in: query\n          required: false\n";
    let got = report(|s| {
        s.replacen(
            limit,
            "        - name: limit\n          in: query\n          required: true\n",
            1,
        )
    });
    assert!(
        got.contains(
            "  breaking  breaking  ListWorkflows: query parameter `limit`: now required\n"
        ),
        "{got}"
    );
}

#[test]
fn operations_added_removed_and_moved() {
    let got = report(|s| {
        s.replacen(
            "      operationId: ExportAopworkflow\n",
            "      operationId: ExportWorkflows\n",
            1,
        )
    });
    assert!(
        got.contains("  additive  additive  operation ExportWorkflows: added\n"),
        "{got}"
    );
    assert!(
        got.contains("  breaking  breaking  operation ExportAopworkflow: removed\n"),
        "{got}"
    );
    let got = report(|s| s.replacen("/soc/workflows/export:", "/soc/workflows/exports:", 1));
    assert!(
        got.contains("  breaking  additive  operation ExportAopworkflow: moved from POST /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/export to POST /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/exports\n"),
        "{got}"
    );
}

#[test]
fn a_response_field_added_breaks_only_struct_literals_and_a_rule_added_breaks_the_wire() {
    let got = report(|s| {
        s.replacen(
            "        version:\n          type: string\n          description: Version of the activated workflow.\n",
            "        version:\n          type: string\n          description: Version of the activated workflow.\n        priority:\n          type: integer\n",
            1,
        )
    });
    assert!(
        got.contains("  additive  breaking  AopWorkflowInfo: field `priority`: added\n"),
        "{got}"
    );
    let rule = "      x-required-when:\n        - field: version_id\n";
    let got = report(|s| {
        s.replacen(
            rule,
            "      x-required-when:\n        - field: labels\n          when:\n            field: enabled\n            equals: true\n          reason: r\n        - field: version_id\n",
            1,
        )
    });
    assert!(
        got.contains("  breaking  additive  ModifyAopWorkflowInfo: rule `labels` required when `enabled` is true: added\n"),
        "{got}"
    );
}

#[test]
fn the_json_report_carries_the_same_changes() {
    let before = real_spec();
    let after = before.replacen(
        "        - EASE\n",
        "        - EASE\n        - CONTAINMENT\n",
        1,
    );
    let changes = api_changes(&before, &after).unwrap();
    assert_eq!(changes[0].wire, Impact::Additive);
    let value: serde_json::Value =
        serde_json::from_str(&json(&changes, "HEAD", "working tree")).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "from": "HEAD",
            "to": "working tree",
            "changes": [{"subject": "AopType: enum value `CONTAINMENT`", "what": "added", "wire": "additive", "rust": "additive"}]
        })
    );
}

#[test]
fn a_narrowed_bound_is_a_retyping_and_a_field_made_optional_in_answers_breaks_the_wire() {
    let got = report(|s| {
        s.replacen(
            "            minimum: 1\n            maximum: 100\n",
            "            minimum: 1\n            maximum: 50\n",
            1,
        )
    });
    assert!(
        got.contains("  breaking  breaking  ListWorkflows: query parameter `limit`: retyped from integer (int32) 1..=100 to integer (int32) 1..=50\n"),
        "{got}"
    );
    // `ListWorkflowsResponse` travels in answers: a field made optional may be missing for an
    // old client that counts on it.
    let got = report(|s| {
        s.replacen(
            "    ListWorkflowsResponse:\n      type: object\n",
            "    ListWorkflowsResponse:\n      type: object\n      required:\n        - total\n",
            1,
        )
    });
    assert!(
        got.contains("  additive  breaking  ListWorkflowsResponse: field `total`: now required\n"),
        "{got}"
    );
}

#[test]
fn a_rule_that_comes_with_a_new_schema_breaks_nothing() {
    let schema = "    Extra:\n      type: object\n      x-required-when:\n        - field: b\n          when:\n            field: a\n            equals: true\n          reason: r\n      properties:\n        a:\n          type: boolean\n        b:\n          type: string\n";
    let got = report(|s| s.replacen("  schemas:\n", &format!("  schemas:\n{schema}"), 1));
    assert!(
        got.contains("  additive  additive  Extra: rule `b` required when `a` is true: added\n"),
        "{got}"
    );
}

#[test]
fn an_operation_the_service_deprecates_is_reported_additive() {
    let got = report(|s| {
        s.replacen(
            "      operationId: ListWorkflows\n",
            "      operationId: ListWorkflows\n      deprecated: true\n",
            1,
        )
    });
    assert_eq!(
        got,
        "API change report: before → after
  wire      rust      change
  additive  additive  operation ListWorkflows: deprecated by the service
  1 change: 0 breaking on the wire, 0 breaking for the Rust API of secmaster-bindings
"
    );
}

#[test]
fn a_paging_window_set_or_narrowed_breaks_the_wire_and_widened_does_not() {
    let with = |s: &str, w: &str| {
        s.replacen(
            "      operationId: ListWorkflows\n",
            &format!("      operationId: ListWorkflows\n      x-paging-window: {w}\n"),
            1,
        )
    };
    let got = report(|s| with(s, "10000"));
    assert!(
        got.contains(
            "  breaking  additive  operation ListWorkflows: paging window (offset + limit) from none to below 10000\n"
        ),
        "{got}"
    );
    let spec = real_spec();
    let between = |a: &str, b: &str| text(&api_changes(a, b).unwrap(), "before", "after");
    let (narrow, wide) = (with(&spec, "10000"), with(&spec, "20000"));
    for (got, wire, what) in [
        (
            between(&narrow, &wide),
            "additive",
            "from below 10000 to below 20000",
        ),
        (
            between(&wide, &narrow),
            "breaking",
            "from below 20000 to below 10000",
        ),
        (
            between(&narrow, &spec),
            "additive",
            "from below 10000 to none",
        ),
    ] {
        let line = format!(
            "  {wire}  additive  operation ListWorkflows: paging window (offset + limit) {what}\n"
        );
        assert!(got.contains(&line), "{line} in {got}");
    }
}

#[test]
fn a_field_marked_as_the_paths_breaks_the_wire_and_unmarked_does_not() {
    let marked = "        workspace_id:\n          x-from-path: workspace_id\n";
    let plain = "        workspace_id:\n";
    let got = report(|s| s.replacen(marked, plain, 1));
    assert!(
        got.contains("is the path's `workspace_id`: removed\n")
            && got.contains("  additive  additive"),
        "{got}"
    );
    let spec = real_spec();
    let unmarked = spec.replacen(marked, plain, 1);
    let got = text(&api_changes(&unmarked, &spec).unwrap(), "before", "after");
    assert!(
        got.contains("  breaking  additive  ")
            && got.contains("is the path's `workspace_id`: added\n"),
        "{got}"
    );
}
