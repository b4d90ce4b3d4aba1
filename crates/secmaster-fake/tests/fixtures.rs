//! The fake carries its own copy of the API page's example answer (so that the published crate
//! has it); it must stay the spec's.

#[test]
fn the_fakes_page_example_is_the_specs() {
    assert_eq!(
        include_str!("../src/page-example-200.json"),
        include_str!("../../../spec/examples/update-workflow-200.json"),
        "copy spec/examples/update-workflow-200.json to crates/secmaster-fake/src/page-example-200.json"
    );
}
