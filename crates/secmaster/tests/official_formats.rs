//! The official Python core and this crate read the same profile file and the same credential
//! answers (pod identity, metadata) the same way, and send STS the same OIDC exchange. CI installs the core and sets
//! SECMASTER_OFFICIAL_PYTHON and runs the ignored tests; run with `--include-ignored` without it,
//! the test fails.

mod support;

use secmaster::{Credentials, EcsMetadataProvider, ProfileProvider, ProvideCredentials, Provided};
use support::Seen;
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

const OIDC_ENV: [(&str, &str); 5] = [
    (
        "HUAWEICLOUD_OIDC_PROVIDER_URN",
        "iam::0123456789abcdef:identityprovider:github",
    ),
    (
        "HUAWEICLOUD_OIDC_AGENCY_URN",
        "iam::0123456789abcdef:agency:deployer",
    ),
    (
        "HUAWEICLOUD_OIDC_ID_TOKEN",
        "eyJhbGciOiJSUzI1NiJ9.id-token.signature",
    ),
    ("HUAWEICLOUD_OIDC_POLICY_IDS", "p1,p2"),
    (
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "0123456789abcdef0123456789abcdef",
    ),
];

#[tokio::test]
#[ignore = "needs the official Huawei Python SDK: set SECMASTER_OFFICIAL_PYTHON"]
async fn the_official_core_and_this_crate_send_sts_the_same_oidc_exchange() {
    let python = std::env::var_os("SECMASTER_OFFICIAL_PYTHON")
        .expect("SECMASTER_OFFICIAL_PYTHON must name a python with huaweicloudsdkcore installed");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/official_oidc.py");
    let answer = r#"{"credentials":{"access_key_id":"AKOIDC","secret_access_key":"SKOIDC","security_token":"STOIDC","expiration":"2030-01-01T00:00:00.000Z"}}"#;
    let sts = Local::start(move |_| Answer::json(200, answer)).await;
    let home = std::env::temp_dir().join(format!("secmaster-official-oidc-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut command = std::process::Command::new(&python);
    command.arg(script).env("HOME", &home);
    for (name, _) in std::env::vars() {
        if name.starts_with("HUAWEICLOUD_") || name.starts_with("HC_CONTAINER") {
            command.env_remove(name);
        }
    }
    command
        .envs(OIDC_ENV)
        .env("HUAWEICLOUD_SDK_STS_ENDPOINT", &sts.url);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let url = sts.url.clone();
    let vars = move |name: &str| {
        OIDC_ENV
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
            .or_else(|| (name == "HUAWEICLOUD_SDK_STS_ENDPOINT").then(|| url.clone()))
    };
    let chain = Credentials::default_chain()
        .without_metadata()
        .with_env(vars);
    let ours = found(&chain).await;
    assert_eq!(theirs["ak"].as_str(), ours.access_key_id());
    assert_eq!(theirs["project_id"].as_str(), ours.project_id());
    assert_eq!(theirs["security_token"], "STOIDC");

    let [python_sent, we_sent]: [Seen; 2] = sts.requests().try_into().unwrap();
    for header in ["content-type", "authorization", "x-sdk-date"] {
        assert_eq!(
            python_sent.header(header),
            we_sent.header(header),
            "{header}"
        );
    }
    assert_eq!(
        (python_sent.method.as_str(), python_sent.path.as_str()),
        ("POST", "/v5/agencies/assume-with-oidc")
    );
    assert_eq!(
        (we_sent.method.as_str(), we_sent.path.as_str()),
        ("POST", "/v5/agencies/assume-with-oidc")
    );
    let value = |body: &[u8]| serde_json::from_slice::<serde_json::Value>(body).unwrap();
    assert_eq!(value(&python_sent.body), value(&we_sent.body));
    // The members in the same order (serde_json's map sorts them: compared in the text).
    let members = [
        "provider_urn",
        "agency_urn",
        "agency_session_name",
        "id_token",
        "duration_seconds",
        "policy_ids",
    ];
    for sent in [&python_sent, &we_sent] {
        let text = String::from_utf8_lossy(&sent.body);
        let at: Vec<usize> = members
            .iter()
            .map(|m| text.find(&format!("\"{m}\"")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    }
}
