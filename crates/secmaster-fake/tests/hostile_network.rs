//! The fake against a client on the same network that means harm, over real sockets: memory
//! that no request can grow without bound, connections that cannot be held open, refusals that
//! come at once, and the protocol's rules. Timeouts are configured short so the suite stays
//! fast; the bounds asserted on them are generous (they prove a connection is closed, not how
//! quickly).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use secmaster_fake::{Config, FAKE_TOKEN, FakeSecMaster, Limits, SeedWorkflow};

const WAIT: Duration = Duration::from_secs(10);

fn path() -> String {
    let seed = SeedWorkflow::page_example();
    format!(
        "/v1/{}/workspaces/{}/soc/workflows/{}",
        seed.project_id,
        seed.workspace_id,
        seed.workflow.id.unwrap()
    )
}

/// The default limits with some changed.
fn limits(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut limits = Limits::default();
    change(&mut limits);
    limits
}

async fn start(limits: Limits) -> FakeSecMaster {
    let mut config = Config::default();
    config.limits = limits;
    FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s
}

/// Writes `bytes` (ignoring a connection the server already closed) and reads until the server
/// closes or [`WAIT`] passes; returns what was read and whether the server closed.
fn exchange(addr: SocketAddr, bytes: &[u8]) -> (String, bool) {
    let mut s = connect(addr);
    let _ = s.write_all(bytes);
    read_to_close(&mut s)
}

fn read_to_close(s: &mut TcpStream) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = loop {
        match s.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    (String::from_utf8_lossy(&got).into_owned(), closed)
}

fn put(body: &str) -> Vec<u8> {
    put_bytes(body.as_bytes())
}

/// A complete, authenticated update with `body`, on a connection the client then closes.
fn put_bytes(body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "PUT {} HTTP/1.1\r\nHost: fake\r\nX-Auth-Token: {FAKE_TOKEN}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        path(),
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn admin(method: &str, token: Option<&str>) -> Vec<u8> {
    let auth = token
        .map(|t| format!("X-Auth-Token: {t}\r\n"))
        .unwrap_or_default();
    format!("{method} /_fake/journal HTTP/1.1\r\nHost: fake\r\n{auth}Connection: close\r\n\r\n")
        .into_bytes()
}

fn json_body(response: &str) -> serde_json::Value {
    serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap_or("")).unwrap()
}

fn status(response: &str) -> Option<u16> {
    response.split(' ').nth(1)?.parse().ok()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test]
async fn unrouted_and_unauthenticated_requests_cost_one_line_of_journal() {
    let fake = start(Limits::default()).await;
    let addr = fake.addr();
    let big_header = "h".repeat(60 * 1024);
    blocking(move || {
        for i in 0..50 {
            let unrouted = format!(
                "POST /nowhere/{i} HTTP/1.1\r\nHost: fake\r\nX-Big: {big_header}\r\nContent-Length: 1048576\r\n\r\n{}",
                "b".repeat(64 * 1024)
            );
            assert_eq!(status(&exchange(addr, unrouted.as_bytes()).0), Some(404));
            let wrong_token = format!(
                "PUT {} HTTP/1.1\r\nHost: fake\r\nX-Auth-Token: nope\r\nX-Big: {big_header}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
                path()
            );
            assert_eq!(status(&exchange(addr, wrong_token.as_bytes()).0), Some(401));
        }
    })
    .await;
    let journal = fake.journal();
    assert_eq!(journal.len(), 100, "each is still recorded");
    assert!(
        journal
            .iter()
            .all(|e| !e.admitted && e.headers.is_empty() && e.body.is_empty()),
        "as a line only"
    );
    let stats = fake.journal_stats();
    assert!(stats.bytes < 100 * 512, "{stats:?}");
}

#[tokio::test]
async fn the_journal_stays_within_its_limits_whatever_is_sent() {
    let limits = limits(|l| {
        l.journal_entries = 50;
        l.journal_bytes = 1024 * 1024;
    });
    let fake = start(limits).await;
    let addr = fake.addr();
    let body = format!("{{\"description\":\"{}\"}}", "d".repeat(1024 * 1024));
    blocking(move || {
        for _ in 0..40 {
            assert_eq!(status(&exchange(addr, &put(&body)).0), Some(200));
        }
        for _ in 0..100 {
            assert_eq!(status(&exchange(addr, &put("{}")).0), Some(200));
        }
    })
    .await;
    let stats = fake.journal_stats();
    assert!(
        stats.bytes <= 1024 * 1024 && stats.entries <= 50,
        "{stats:?}"
    );
    assert_eq!(stats.dropped, 140 - stats.entries as u64);
    let newest = fake.journal().pop().unwrap();
    assert!(newest.admitted && newest.header("x-auth-token") == Some(FAKE_TOKEN));
    let big = Limits::default().journal_body_bytes;
    let kept: Vec<_> = fake
        .journal()
        .into_iter()
        .filter(|e| e.body_len > big)
        .collect();
    assert!(kept.iter().all(|e| e.body.len() == big && e.truncated));
    fake.clear_journal();
    assert_eq!(fake.journal_stats().bytes, 0);
}

#[tokio::test]
async fn an_idle_connection_is_closed() {
    let fake = start(limits(|l| {
        l.idle_timeout = Duration::from_millis(300);
        l.header_read_timeout = Duration::from_secs(60);
    }))
    .await;
    let addr = fake.addr();
    let (started, (_, closed)) = blocking(move || {
        let mut s = connect(addr);
        (Instant::now(), read_to_close(&mut s))
    })
    .await;
    assert!(closed, "still open after {WAIT:?}");
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn half_sent_headers_are_cut_off_even_when_they_trickle() {
    let fake = start(limits(|l| {
        l.header_read_timeout = Duration::from_millis(400);
        l.idle_timeout = Duration::from_secs(60);
    }))
    .await;
    let addr = fake.addr();
    let (answer, closed) = blocking(move || {
        let mut s = connect(addr);
        let started = Instant::now();
        s.write_all(format!("PUT {} HTTP/1.1\r\nHost: fake\r\nX-Slow: ", path()).as_bytes())
            .unwrap();
        // One byte every 50 ms: never idle, never done.
        while started.elapsed() < WAIT {
            if s.write_all(b"a").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        read_to_close(&mut s)
    })
    .await;
    assert!(closed, "the server closed the connection");
    assert!(!answer.contains(" 200 "), "{answer}");
}

#[tokio::test]
async fn a_half_sent_body_gets_408_and_changes_nothing() {
    let fake = start(limits(|l| {
        l.body_read_timeout = Duration::from_millis(300);
    }))
    .await;
    let addr = fake.addr();
    let (answer, closed) = blocking(move || {
        let mut s = connect(addr);
        let head = format!(
            "PUT {} HTTP/1.1\r\nHost: fake\r\nX-Auth-Token: {FAKE_TOKEN}\r\nContent-Length: 100\r\n\r\n{{\"name\":\"half",
            path()
        );
        s.write_all(head.as_bytes()).unwrap();
        read_to_close(&mut s)
    })
    .await;
    assert_eq!(status(&answer), Some(408), "{answer}");
    assert!(closed);
    let seed = SeedWorkflow::page_example();
    let stored = fake
        .workflow(
            &seed.project_id,
            &seed.workspace_id,
            seed.workflow.id.as_deref().unwrap(),
        )
        .unwrap();
    assert_eq!(stored.name, seed.workflow.name);
    assert!(!fake.journal()[0].admitted);
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_at_once() {
    let fake = start(limits(|l| {
        l.body_read_timeout = Duration::from_secs(120);
    }))
    .await;
    let addr = fake.addr();
    let answer = blocking(move || {
        let mut s = connect(addr);
        let head = format!(
            "PUT {} HTTP/1.1\r\nHost: fake\r\nX-Auth-Token: {FAKE_TOKEN}\r\nContent-Length: 104857600\r\n\r\n",
            path()
        );
        s.write_all(head.as_bytes()).unwrap();
        // No body follows: an answer that waited for it would come only after WAIT.
        read_to_close(&mut s).0
    })
    .await;
    assert_eq!(status(&answer), Some(413), "{answer}");
    assert!(answer.contains("APIGW.0201"), "gateway-shaped: {answer}");
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_and_others_are_served_again_once_freed() {
    let fake = start(limits(|l| {
        l.max_connections = 4;
        l.idle_timeout = Duration::from_millis(1500);
    }))
    .await;
    let addr = fake.addr();
    // A freed slot is seen by the fake when it notices the close: asked again until served.
    let served_again = move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let (answer, _) = exchange(addr, &put("{}"));
            if status(&answer) == Some(200) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "never served again");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    blocking(move || {
        let held: Vec<TcpStream> = (0..4).map(|_| connect(addr)).collect();
        // Accepted by now, and not yet idle for the timeout.
        std::thread::sleep(Duration::from_millis(300));
        let (answer, closed) = exchange(addr, &put("{}"));
        assert!(closed && answer.is_empty(), "over the cap: {answer}");
        drop(held);
        served_again();
        // Idle attackers are closed by the idle timeout, and the slots come back.
        let held: Vec<TcpStream> = (0..4).map(|_| connect(addr)).collect();
        std::thread::sleep(Duration::from_millis(1500));
        served_again();
        drop(held);
    })
    .await;
}

#[tokio::test]
async fn http_1_1_needs_host_and_an_empty_update_changes_nothing() {
    let fake = start(Limits::default()).await;
    let addr = fake.addr();
    let seed = SeedWorkflow::page_example();
    let ids = (
        seed.project_id,
        seed.workspace_id,
        seed.workflow.id.unwrap(),
    );
    let stored = || {
        let w = fake.workflow(&ids.0, &ids.1, &ids.2).unwrap();
        serde_json::to_value(w).unwrap()
    };
    let before = stored();
    let (no_host, _) = blocking(move || {
        let request = format!(
            "PUT {} HTTP/1.1\r\nX-Auth-Token: {FAKE_TOKEN}\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{{\"name\":\"nh\"}}",
            path()
        );
        exchange(addr, request.as_bytes())
    })
    .await;
    assert_eq!(status(&no_host), Some(400), "{no_host}");
    let (http10, _) = blocking(move || {
        let request = format!(
            "PUT {} HTTP/1.0\r\nX-Auth-Token: {FAKE_TOKEN}\r\nContent-Length: 2\r\n\r\n{{}}",
            path()
        );
        exchange(addr, request.as_bytes())
    })
    .await;
    assert_eq!(
        status(&http10),
        Some(200),
        "HTTP/1.0 needs no Host: {http10}"
    );
    let (empty, _) = blocking(move || exchange(addr, &put("{}"))).await;
    assert_eq!(status(&empty), Some(200), "{empty}");
    assert_eq!(stored(), before, "update_time and modifier untouched");
}

/// The admin path, and memory, on the binary a tool on the network would run.
#[test]
fn the_binarys_memory_stays_bounded_and_its_journal_is_served_over_http() {
    let mut fake = Binary::start(&["--journal-bytes", "2000000"]);
    let addr = fake.addr;
    let rss_start = fake.rss_kib();
    let header = "h".repeat(64 * 1024);
    for _ in 0..2000 {
        let request = format!(
            "GET /nowhere HTTP/1.1\r\nHost: fake\r\nX-Big: {header}\r\nConnection: close\r\n\r\n"
        );
        exchange(addr, request.as_bytes());
    }
    let big = vec![b'x'; 12 * 1024 * 1024];
    for i in 0..20 {
        let mut unrouted = format!(
            "POST /nowhere/{i} HTTP/1.1\r\nHost: fake\r\nContent-Length: {}\r\n\r\n",
            big.len()
        )
        .into_bytes();
        unrouted.extend_from_slice(&big);
        exchange(addr, &unrouted);
        let admitted = put_bytes(&big);
        assert_eq!(status(&exchange(addr, &admitted).0), Some(400), "not JSON");
    }
    let grown_mib = (fake.rss_kib() - rss_start) / 1024;
    // Before the journal was bounded this grew by about 420 MB.
    eprintln!("the binary grew by {grown_mib} MiB");
    assert!(grown_mib < 100, "the binary grew by {grown_mib} MiB");

    let (journal, _) = exchange(addr, &admin("GET", Some(FAKE_TOKEN)));
    assert_eq!(status(&journal), Some(200), "{journal}");
    let json = json_body(&journal);
    let stats = &json["stats"];
    assert!(stats["bytes"].as_u64().unwrap() <= 2_000_000, "{stats}");
    assert!(stats["entries"].as_u64().unwrap() <= 1000, "{stats}");
    let entries = json["entries"].as_array().unwrap();
    let admitted: Vec<_> = entries.iter().filter(|e| e["admitted"] == true).collect();
    assert!(!admitted.is_empty());
    assert!(admitted.iter().all(|e| {
        e["headers"]
            .to_string()
            .contains(r#"["x-auth-token","***"]"#)
    }));
    assert!(
        !journal.contains(FAKE_TOKEN),
        "credentials never leave over HTTP"
    );

    assert_eq!(status(&exchange(addr, &admin("GET", None)).0), Some(401));
    assert_eq!(
        status(&exchange(addr, &admin("DELETE", Some(FAKE_TOKEN))).0),
        Some(204)
    );
    let json = json_body(&exchange(addr, &admin("GET", Some(FAKE_TOKEN))).0);
    assert_eq!(
        json["stats"]["entries"], 0,
        "cleared, and admin calls are not journaled: {json}"
    );
    fake.stop();
}
struct Binary {
    child: Child,
    addr: SocketAddr,
}

impl Binary {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_secmaster-fake"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("secmaster-fake listening on http://")
            .unwrap_or_else(|| panic!("first line: {line:?}"));
        let addr = url.parse().unwrap();
        // Keep reading its output so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Self { child, addr }
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        self.stop();
    }
}
