//! Project discovery against a local IAM: the credentials' IAM endpoint, else
//! `HUAWEICLOUD_SDK_IAM_ENDPOINT` (in a child process, whose environment it sets), one project
//! or an error, cached per key and region.

mod support;

use std::process::Command;

use secmaster::{Client, Credentials, Error};
use support::{Answer, Local};

const ONE: &str = r#"{"projects":[{"id":"0123456789abcdef0123456789abcdef","name":"cn-north-4"}]}"#;
const CHILD_IAM: &str = "SECMASTER_DISCOVERY_TEST_IAM";

#[tokio::test]
async fn the_configured_project_needs_no_iam() {
    let client = Client::builder()
        .endpoint("http://127.0.0.1:9")
        .region("cn-north-4")
        .credentials(Credentials::ak_sk("AK", "SK").with_project_id("configured"))
        .build()
        .unwrap();
    assert_eq!(client.discover_project_id().await.unwrap(), "configured");
}

#[tokio::test]
async fn the_credentials_iam_is_asked_signed_once_per_key_and_region() {
    let iam = Local::start(|_| Answer::json(200, ONE)).await;
    let client = |ak: &str| {
        Client::builder()
            .endpoint("http://127.0.0.1:9")
            .region("cn-north-4")
            .credentials(Credentials::ak_sk(ak, "SK").with_iam_endpoint(&iam.url))
            .build()
            .unwrap()
    };
    let first = client("AKDISCOVER1");
    for _ in 0..2 {
        let project = first.discover_project_id().await.unwrap();
        assert_eq!(project, "0123456789abcdef0123456789abcdef");
    }
    assert_eq!(iam.requests().len(), 1, "cached");
    client("AKDISCOVER1").discover_project_id().await.unwrap();
    assert_eq!(iam.requests().len(), 1, "cached per key, not per client");
    let seen = &iam.requests()[0];
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/v3/projects")
    );
    assert_eq!(seen.query, "name=cn-north-4");
    let authorization = seen.header("authorization").unwrap();
    assert!(
        authorization.contains("Access=AKDISCOVER1,"),
        "{authorization}"
    );
    assert_eq!(
        seen.header("host"),
        Some(iam.url.trim_start_matches("http://"))
    );
    assert_eq!(seen.header("x-project-id"), None);
}

#[tokio::test]
async fn no_project_or_several_is_an_error_naming_the_region() {
    for (body, expected) in [
        (r#"{"projects":[]}"#, "no project named `cn-north-4`"),
        (
            r#"{"projects":[{"id":"a","name":"cn-north-4"},{"id":"b","name":"cn-north-4"}]}"#,
            "2 projects named `cn-north-4`",
        ),
    ] {
        let iam = Local::start(move |_| Answer::json(200, body)).await;
        let client = Client::builder()
            .endpoint("http://127.0.0.1:9")
            .region("cn-north-4")
            .credentials(Credentials::ak_sk("AKNONE", "SK").with_iam_endpoint(&iam.url))
            .build()
            .unwrap();
        let e = client.discover_project_id().await.unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e:?}");
        assert!(e.to_string().contains(expected), "{e}");
    }
}

#[tokio::test]
async fn the_iam_variable_and_the_region_variable_in_a_child_process() {
    let iam = Local::start(|_| Answer::json(200, ONE)).await;
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["child", "--exact", "--nocapture", "--test-threads=1"]);
    for (name, _) in std::env::vars() {
        if name.starts_with("HUAWEICLOUD_") || name.starts_with("HC_CONTAINER") {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", std::env::temp_dir().join("secmaster-no-home"))
        .env("HUAWEICLOUD_SDK_AK", "AKCHILD")
        .env("HUAWEICLOUD_SDK_SK", "SKCHILD")
        .env("HUAWEICLOUD_SDK_REGION", "cn-north-4")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam.url)
        .env(CHILD_IAM, &iam.url);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.contains("1 passed"), "{said}");
    let seen = &iam.requests()[0];
    assert!(
        seen.header("authorization")
            .unwrap()
            .contains("Access=AKCHILD,")
    );
    assert_eq!(seen.query, "name=cn-north-4");
}

/// The child's side: does nothing unless run by the test above.
#[tokio::test]
async fn child() {
    if std::env::var(CHILD_IAM).is_err() {
        return;
    }
    // Neither region nor endpoint: HUAWEICLOUD_SDK_REGION's; no credentials: the chain's, whose
    // first source (the environment) has them, so the metadata service is never asked.
    assert!(
        std::env::var("HUAWEICLOUD_SDK_AK").is_ok() && std::env::var("HUAWEICLOUD_SDK_SK").is_ok()
    );
    let client = Client::builder().build().unwrap();
    assert_eq!(
        client.endpoint(),
        "https://secmaster.cn-north-4.myhuaweicloud.com"
    );
    let project = client.discover_project_id().await.unwrap();
    assert_eq!(project, "0123456789abcdef0123456789abcdef");
}
