//! The official Python core and this crate read the same profile file and the same credential
//! answers (pod identity, metadata) the same way. CI installs the core and sets
//! SECMASTER_OFFICIAL_PYTHON and runs the ignored tests; run with `--include-ignored` without it,
//! the test fails.

mod support;

use secmaster::{Credentials, EcsMetadataProvider, ProfileProvider, ProvideCredentials, Provided};
use support::{Answer, Local};

const PROFILE: &str = "\
# as the official SDKs' documentation shows it
[basic]
ak = AKPROFILE
SK = SKPROFILE
security_token = STPROFILE
project_id: 0123456789abcdef0123456789abcdef
iam_endpoint = https://iam.cn-north-4.myhuaweicloud.com
; a comment
[global]
ak = AKGLOBAL
sk = SKGLOBAL
";

const ANSWERS: [&str; 3] = [
    r#"{"credential":{"access":"A1","secret":"S1","securitytoken":"T1","expires_at":"2030-01-02T03:04:05.000000Z"}}"#,
    r#"{"credentials":{"accessKeyId":"A2","secretAccessKey":"S2","securityToken":"T2","expiration":"2030-01-02T03:04:05.123456Z"}}"#,
    r#"{"access_key_id":"A3","secret_access_key":"S3","security_token":"T3","expires_at":"2030-06-30T23:59:59.999999Z"}"#,
];

async fn found(provider: &impl ProvideCredentials) -> Credentials {
    match provider.provide().await {
        Ok(Provided::Found(c)) => c,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs the official Huawei Python SDK: set SECMASTER_OFFICIAL_PYTHON"]
async fn the_official_core_and_this_crate_read_the_same_files_and_answers_alike() {
    let python = std::env::var_os("SECMASTER_OFFICIAL_PYTHON")
        .expect("SECMASTER_OFFICIAL_PYTHON must name a python with huaweicloudsdkcore installed");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/official_formats.py"
    );
    let dir = std::env::temp_dir().join(format!("secmaster-official-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("credentials");
    std::fs::write(&profile, PROFILE).unwrap();
    let ours = found(&ProfileProvider::file(&profile)).await;
    for (i, answer) in ANSWERS.iter().enumerate() {
        let answer_file = dir.join(format!("answer-{i}.json"));
        std::fs::write(&answer_file, answer).unwrap();
        // The core reads `...Z` with time.mktime, as local time: compared in UTC.
        let out = std::process::Command::new(&python)
            .env("TZ", "UTC")
            .args([
                script.as_ref(),
                profile.as_os_str(),
                answer_file.as_os_str(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(theirs["ak"], "AKPROFILE");
        assert_eq!(ours.access_key_id(), Some("AKPROFILE"));
        assert_eq!(theirs["project_id"].as_str(), ours.project_id());
        assert_eq!(theirs["iam_endpoint"].as_str(), ours.iam_endpoint());
        assert_eq!(
            format!("{ours:?}").contains("***"),
            theirs["sk"] == "SKPROFILE" && theirs["security_token"] == "STPROFILE"
        );

        let body = answer.to_string();
        let metadata = Local::start(move |seen| match seen.path.as_str() {
            "/meta-data/latest/api/token" => Answer::json(404, "{}"),
            _ => Answer::json(200, body.clone()),
        })
        .await;
        let c = found(&EcsMetadataProvider::new().base_url(&metadata.url)).await;
        let n = i + 1;
        assert_eq!(theirs["answer"][0].as_str(), c.access_key_id(), "{answer}");
        assert_eq!(theirs["answer"][0], format!("A{n}"));
        assert_eq!(theirs["answer"][1], format!("S{n}"));
        assert_eq!(theirs["answer"][2], format!("T{n}"));
        let expiry = c.expires_at().unwrap().as_second();
        assert_eq!(theirs["answer"][3].as_i64(), Some(expiry), "{answer}");
    }
}
