//! The official Huawei Python SDK against the fake's binary: an alert's life from creation to
//! deletion through the conversion and relations, every answer read through the SDK's models.

use secmaster_fake::codes;
use serde_json::json;

use super::page;

/// Ignored without the SDK (`common/official_sdk.rs` says how CI runs it).
#[test]
#[ignore = "needs the official Huawei Python SDK: set SECMASTER_OFFICIAL_PYTHON"]
fn the_official_python_sdk_walks_an_alerts_life_against_the_binary() {
    let (p, w) = page();
    let seen = crate::official_sdk::walk("official_sdk_soc.py", &[&p, &w]);
    let alert = seen["converted"][0].clone();
    assert!(alert.is_string(), "{seen}");
    assert_eq!(
        seen,
        json!({
            "created": "Open", "found": true, "changed": ["True_Positive", "Fatal"],
            "converted": [alert], "incident": "DDoS on web-01", "indicator": "Open", "related": true,
            "relations": {"alerts": 1, "indicators": 1}, "closed": ["Closed", "Resolved"],
            "deleted": [[alert], ["nope"]], "gone": [400, codes::UNKNOWN_OBJECT]
        })
    );
}
