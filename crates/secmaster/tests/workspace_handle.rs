//! `client.workspace(p, w)`: the same operations without the project and workspace, putting the
//! same requests on the wire as the client's own methods.

use secmaster::{Client, Credentials};
use secmaster_testkit::examples::{IMPORT_200, LIST_WORKFLOWS_200, UPDATE_200};
use secmaster_testkit::ids::{PROJECT, WORKFLOW, WORKSPACE};
use secmaster_testkit::{Reply, TestServer};

#[tokio::test]
async fn a_workspace_handle_sends_what_the_client_sends() {
    let answers = || {
        vec![
            Reply::json(200, LIST_WORKFLOWS_200),
            Reply::json(200, UPDATE_200),
            Reply::json(200, IMPORT_200),
        ]
    };
    let (theirs, ours) = (
        TestServer::start(answers()).await,
        TestServer::start(answers()).await,
    );
    let client = |server: &TestServer| {
        Client::builder()
            .endpoint(&server.url)
            .credentials(Credentials::token("handle-token"))
            .build()
            .unwrap()
    };
    let c = client(&theirs);
    c.list_workflows(PROJECT, WORKSPACE)
        .name("a b")
        .send()
        .await
        .unwrap();
    c.update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .disable()
        .send()
        .await
        .unwrap();
    c.import_workflows(PROJECT, WORKSPACE, "f.json", b"{}".to_vec())
        .send()
        .await
        .unwrap();
    let ws = client(&ours).workspace(PROJECT, WORKSPACE);
    assert_eq!((ws.project_id(), ws.workspace_id()), (PROJECT, WORKSPACE));
    ws.list_workflows().name("a b").send().await.unwrap();
    ws.update_workflow(WORKFLOW).disable().send().await.unwrap();
    ws.import_workflows("f.json", b"{}".to_vec())
        .send()
        .await
        .unwrap();
    let wire = |server: &TestServer| -> Vec<(String, String)> {
        server
            .requests()
            .into_iter()
            .map(|r| (r.method, r.target))
            .collect()
    };
    assert_eq!(wire(&ours), wire(&theirs));
    assert_eq!(wire(&ours).len(), 3);
    assert!(wire(&ours)[0].1.starts_with(&format!(
        "/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows?"
    )));
}
