//! The journal over HTTP is scoped to the caller's projects: a token for project B neither sees
//! nor clears what was sent to project A.

use secmaster_fake::{DataClass, FAKE_TOKEN, FakeSecMaster, SeedWorkflow, Token};
use serde_json::Value;

const B: &str = "0000000000000000000000000000000b";
const B_TOKEN: &str = "token-of-project-b";

fn page() -> (String, String, String) {
    let seed = SeedWorkflow::page_example();
    (
        seed.project_id,
        seed.workspace_id,
        seed.workflow.id.unwrap(),
    )
}

async fn journal(fake: &FakeSecMaster, method: reqwest::Method, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(method, format!("{}/_fake/journal", fake.endpoint()))
        .header("X-Auth-Token", token)
        .send()
        .await
        .unwrap()
}

async fn paths_seen(fake: &FakeSecMaster, token: &str) -> (Value, Vec<String>) {
    let answer = journal(fake, reqwest::Method::GET, token).await;
    assert_eq!(answer.status(), 200);
    let json: Value = answer.json().await.unwrap();
    let paths = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect();
    (json, paths)
}

#[tokio::test]
async fn another_projects_token_neither_sees_nor_clears_its_journal() {
    let fake = FakeSecMaster::start().await.unwrap();
    fake.add_token(Token {
        token: B_TOKEN.to_owned(),
        projects: Some(vec![B.to_owned()]),
    });
    fake.add_dataclass(DataClass {
        project_id: B.to_owned(),
        workspace_id: "ws-b".to_owned(),
        id: "class-b".to_owned(),
        name: "B".to_owned(),
    });
    let (p, w, f) = page();
    let http = reqwest::Client::new();
    let secret = "a secret of project A";
    let a_path = format!("/v1/{p}/workspaces/{w}/soc/workflows/{f}");
    let answer = http
        .put(format!("{}{a_path}", fake.endpoint()))
        .header("X-Auth-Token", FAKE_TOKEN)
        .header("Content-Type", "application/json")
        .body(format!("{{\"description\":\"{secret}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let b_path = format!("/v1/{B}/workspaces/ws-b/soc/workflows");
    let answer = http
        .get(format!("{}{b_path}", fake.endpoint()))
        .header("X-Auth-Token", B_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let nowhere = http
        .get(format!("{}/nowhere", fake.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 404);

    let (json, paths) = paths_seen(&fake, B_TOKEN).await;
    assert_eq!(paths, [b_path.clone(), "/nowhere".to_owned()], "{json}");
    assert!(!json.to_string().contains(secret), "{json}");
    assert_eq!(json["stats"]["entries"], 2);
    let (_, paths) = paths_seen(&fake, FAKE_TOKEN).await;
    assert_eq!(paths, [a_path.clone(), "/nowhere".to_owned()]);

    assert_eq!(
        journal(&fake, reqwest::Method::DELETE, B_TOKEN)
            .await
            .status(),
        204
    );
    let (_, paths) = paths_seen(&fake, B_TOKEN).await;
    assert!(paths.is_empty(), "{paths:?}");
    let (json, paths) = paths_seen(&fake, FAKE_TOKEN).await;
    assert_eq!(paths, [a_path], "project A's entry is untouched");
    assert!(json.to_string().contains(secret), "its body too");
    assert_eq!(fake.journal().len(), 1);
}
