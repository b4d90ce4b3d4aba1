//! What a client that means harm can make the fake spend, measured on the process itself (the
//! fake runs in it): memory under many large bodies, and the time a plain request waits beside
//! heavy ones. The tests take turns (one lock), so that each measures only itself; peak memory
//! is read from `/proc/self/status` after resetting it (`/proc/self/clear_refs`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use secmaster_fake::{Config, FAKE_TOKEN, FakeSecMaster, Fault, Limits, SeedWorkflow};

const MIB: usize = 1024 * 1024;

/// One test at a time: each measures the whole process.
static TURN: Mutex<()> = Mutex::new(());

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Resets the process's peak RSS to its current RSS, and returns that.
fn reset_peak() -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("clear_refs resets VmHWM (Linux 4.0+)");
    status_kib("VmRSS:")
}

/// How far the peak RSS rose above `base` (KiB), in MiB.
fn peak_growth_mib(base: u64) -> f64 {
    (status_kib("VmHWM:").saturating_sub(base)) as f64 / 1024.0
}

fn path() -> String {
    let seed = SeedWorkflow::page_example();
    format!(
        "/v1/{}/workspaces/{}/soc/workflows/{}",
        seed.project_id,
        seed.workspace_id,
        seed.workflow.id.unwrap()
    )
}

fn status(response: &[u8]) -> Option<u16> {
    String::from_utf8_lossy(response)
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}

/// Sends `head` then `body` on a new connection (a second thread writes, so that an answer
/// given before the body is read is seen), and returns the answer.
fn send(addr: SocketAddr, head: String, body: Arc<Vec<u8>>) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut writer = s.try_clone().unwrap();
    writer
        .set_write_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let sending = std::thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes());
        let _ = writer.write_all(&body);
    });
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        if got.windows(4).any(|w| w == b"\r\n\r\n") && complete(&got) {
            break;
        }
    }
    drop(s);
    let _ = sending.join();
    got
}

/// Whether `got` holds a whole answer (its head and `Content-Length` bytes of body).
fn complete(got: &[u8]) -> bool {
    let text = String::from_utf8_lossy(got);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    body.len() >= length
}

fn sdk_date() -> String {
    let now = jiff::Timestamp::try_from(SystemTime::now()).unwrap();
    now.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// 64 connections each send a 12 MiB body signed with a key the fake does not know: each is
/// refused on its headers, and the fake reads none of the bodies (it used to read them all,
/// about 450 MiB more at the peak).
#[test]
fn bogus_signatures_are_refused_before_their_bodies_are_read() {
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let rt = runtime();
    let fake = rt.block_on(FakeSecMaster::start()).unwrap();
    let addr = fake.addr();
    let body = Arc::new(vec![b'x'; 12 * MIB]);
    let head = |len: usize| {
        format!(
            "PUT {} HTTP/1.1\r\nHost: fake\r\nContent-Type: application/json\r\nX-Sdk-Date: {}\r\nAuthorization: SDK-HMAC-SHA256 Access=NOSUCHKEY0000000000, SignedHeaders=content-type;host;x-sdk-date, Signature=00\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
            path(),
            sdk_date()
        )
    };
    // The answer comes with no byte of body sent: for an unknown key, a malformed
    // Authorization, an X-Sdk-Date an hour off or none.
    let bogus =
        "Access=NOSUCHKEY0000000000, SignedHeaders=content-type;host;x-sdk-date, Signature=00";
    let known = bogus.replace("NOSUCHKEY0000000000", secmaster_fake::FAKE_AK);
    let hour_ago =
        jiff::Timestamp::try_from(SystemTime::now()).unwrap() - jiff::SignedDuration::from_hours(1);
    let stale = hour_ago.strftime("%Y%m%dT%H%M%SZ").to_string();
    let base = head(12 * MIB);
    let date = base.lines().find(|l| l.starts_with("X-Sdk-Date:")).unwrap();
    let signed = base.replace(bogus, &known);
    let cases = [
        base.clone(),
        base.replace(bogus, "Acc3ss=x"),
        signed.replace(date, &format!("X-Sdk-Date: {stale}")),
        signed.replace(&format!("{date}\r\n"), ""),
    ];
    assert!(
        cases.iter().skip(2).all(|c| *c != signed),
        "each case changes the date"
    );
    for head in cases {
        let alone = send(addr, head.clone(), Arc::new(Vec::new()));
        let text = String::from_utf8_lossy(&alone);
        assert_eq!(status(&alone), Some(401), "{head}\n{text}");
    }

    let base = reset_peak();
    let clients: Vec<_> = (0..64)
        .map(|_| {
            let (head, body) = (head(body.len()), body.clone());
            std::thread::spawn(move || send(addr, head, body))
        })
        .collect();
    for client in clients {
        let answer = client.join().unwrap();
        assert_eq!(
            status(&answer),
            Some(401),
            "{}",
            String::from_utf8_lossy(&answer)
        );
    }
    let grown = peak_growth_mib(base);
    eprintln!("64 bogus-signature 12 MiB bodies: peak RSS +{grown:.1} MiB");
    assert!(grown < 128.0, "peak RSS +{grown:.1} MiB");
    drop(fake);
}

/// 64 connections each send a 12 MiB body with a valid token: the fake holds at most its body
/// budget (64 MiB) of them at once, and answers every one (400: not JSON). Without the budget it
/// would hold 768 MiB; the bound leaves room for the allocator, which keeps freed buffers (with
/// `MALLOC_MMAP_THRESHOLD_=1048576` the peak is about 50 MiB, with glibc's defaults about 120).
#[test]
fn bodies_in_flight_stay_within_the_shared_budget() {
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let rt = runtime();
    let fake = rt.block_on(FakeSecMaster::start()).unwrap();
    let addr = fake.addr();
    let body = Arc::new(vec![b'x'; 12 * MIB - 1024]);
    let base = reset_peak();
    let clients: Vec<_> = (0..64)
        .map(|_| {
            let head = format!(
                "PUT {} HTTP/1.1\r\nHost: fake\r\nX-Auth-Token: {FAKE_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                path(),
                body.len()
            );
            let body = body.clone();
            std::thread::spawn(move || send(addr, head, body))
        })
        .collect();
    for client in clients {
        let answer = client.join().unwrap();
        assert_eq!(
            status(&answer),
            Some(400),
            "{}",
            String::from_utf8_lossy(&answer)
        );
    }
    let grown = peak_growth_mib(base);
    eprintln!("64 authenticated 12 MiB bodies: peak RSS +{grown:.1} MiB");
    assert!(grown < 160.0, "peak RSS +{grown:.1} MiB");
    drop(fake);
}

/// A body that cannot get room in the budget within the body timeout is answered 503 with
/// `Retry-After`, unread.
#[test]
fn a_body_that_finds_no_room_in_time_gets_503() {
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let rt = runtime();
    let mut config = Config::default();
    config.limits = {
        let mut l = Limits::default();
        l.max_body_bytes = MIB;
        l.body_budget_bytes = MIB;
        l.body_read_timeout = Duration::from_millis(800);
        l
    };
    let fake = rt
        .block_on(FakeSecMaster::start_with(
            config,
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let addr = fake.addr();
    let head = |len: usize| {
        format!(
            "PUT {} HTTP/1.1\r\nHost: fake\r\nX-Auth-Token: {FAKE_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
            path()
        )
    };
    // One request takes the whole budget, and holds it while a delay keeps it from its answer.
    // (Seconds of margin: on a busy machine the holder must be admitted before the small request
    // comes, and still be held when the small one gives up.)
    fake.inject(Fault::Delay(Duration::from_secs(5)), 1);
    let holding = {
        let head = head(MIB);
        std::thread::spawn(move || send(addr, head, Arc::new(vec![b' '; MIB])))
    };
    std::thread::sleep(Duration::from_millis(1000));
    let started = Instant::now();
    let answer = send(addr, head(10), Arc::new(b"{\"a\":1234}".to_vec()));
    let text = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert_eq!(status(&answer), Some(503), "{text}");
    assert!(text.contains("retry-after: 1"), "{text}");
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert_eq!(
        status(&holding.join().unwrap()),
        Some(400),
        "the holder is answered"
    );
    // Once the budget is free, the same request goes through.
    let answer = send(addr, head(2), Arc::new(b"{}".to_vec()));
    assert_eq!(
        status(&answer),
        Some(200),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    drop(fake);
}

/// A 10 MiB validation: a topology of 125,000 nodes in a chain, Base64 in JSON.
fn big_validation(workflow: &str) -> Vec<u8> {
    use base64::Engine as _;
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for i in 0..125_000 {
        nodes.push(serde_json::json!({"id": format!("n{i}"), "type": "task"}));
        edges.push(serde_json::json!({"from": format!("n{i}"), "to": format!("n{}", i + 1)}));
    }
    let topology = serde_json::json!({"nodes": nodes, "edges": edges}).to_string();
    let taskflow = base64::engine::general_purpose::STANDARD.encode(topology);
    let body = serde_json::json!({"mode": "CIRCLE", "taskconfig": "{}", "taskflow": taskflow, "aopworkflow_id": workflow});
    body.to_string().into_bytes()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Two clients send 10 MiB validations over and over; a plain GET beside them is answered in
/// its own time (it used to wait behind them for the store's lock: a median of 1.4 s beside
/// four).
#[test]
fn a_plain_get_is_not_held_up_by_big_validations() {
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let rt = runtime();
    let fake = rt.block_on(FakeSecMaster::start()).unwrap();
    let addr = fake.addr();
    let seed = SeedWorkflow::page_example();
    let workflow = seed.workflow.id.clone().unwrap();
    let body = Arc::new(big_validation(&workflow));
    assert!(body.len() > 10 * MIB - MIB / 2, "{} bytes", body.len());
    let validation = format!(
        "POST /v1/{}/workspaces/{}/soc/workflows/validation HTTP/1.1\r\nHost: fake\r\nX-Auth-Token: {FAKE_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        seed.project_id,
        seed.workspace_id,
        body.len()
    );
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Validations sent and not yet answered.
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let validators: Vec<_> = (0..2)
        .map(|_| {
            let (head, body, stop, done) =
                (validation.clone(), body.clone(), stop.clone(), done.clone());
            let in_flight = in_flight.clone();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let answer = send(addr, head.clone(), body.clone());
                    in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    assert_eq!(
                        status(&answer),
                        Some(200),
                        "{}",
                        String::from_utf8_lossy(&answer[..answer.len().min(300)])
                    );
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            })
        })
        .collect();
    // Let both validations be under way.
    while done.load(std::sync::atomic::Ordering::Relaxed) == 0 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let get = format!(
        "GET {} HTTP/1.1\r\nHost: fake\r\nX-Auth-Token: {FAKE_TOKEN}\r\nConnection: close\r\n\r\n",
        path()
    );
    let before = done.load(std::sync::atomic::Ordering::Relaxed);
    let mut times = Vec::new();
    let mut beside_one = 0;
    for _ in 0..21 {
        let started = Instant::now();
        let busy = in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0;
        let answer = send(addr, get.clone(), Arc::new(Vec::new()));
        times.push(started.elapsed());
        beside_one += usize::from(busy && in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0);
        assert_eq!(status(&answer), Some(200));
        std::thread::sleep(Duration::from_millis(100));
    }
    let beside = done.load(std::sync::atomic::Ordering::Relaxed) - before;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for v in validators {
        v.join().unwrap();
    }
    let median = median(times);
    eprintln!(
        "GET median beside two 10 MiB validations: {median:?} ({beside} validations answered meanwhile, {beside_one} of 21 GETs beside one)"
    );
    assert!(
        beside_one >= 15,
        "the validations ran beside the GETs: {beside_one} GETs beside one"
    );
    assert!(median < Duration::from_millis(400), "median {median:?}");
    drop(fake);
}

const DATACLASS: &str = "e410ae50-43fa-343e-807a-a2a9edb8018e";

fn client(fake: &FakeSecMaster) -> secmaster::Client {
    secmaster::Client::builder()
        .endpoint(fake.endpoint())
        .credentials(secmaster::Credentials::token(FAKE_TOKEN))
        .build()
        .unwrap()
}

fn page() -> (String, String, String) {
    let seed = SeedWorkflow::page_example();
    (
        seed.project_id,
        seed.workspace_id,
        seed.workflow.id.unwrap(),
    )
}

/// An export file of `n` workflows named `{prefix}{i}`, each with `versions` versions whose
/// `taskconfig` has `config` bytes.
fn export_file(prefix: &str, n: usize, versions: usize, config: usize) -> Vec<u8> {
    let config = format!("{{\"a\":\"{}\"}}", "x".repeat(config));
    let workflows: Vec<_> = (0..n)
        .map(|i| {
            let versions: Vec<_> = (0..versions)
                .map(|j| serde_json::json!({"id": format!("v{j}"), "name": format!("{prefix}{i}"), "version": format!("v{j}"), "status": "pending_submit", "taskconfig": config, "taskflow": "e30="}))
                .collect();
            serde_json::json!({"workflow": {"name": format!("{prefix}{i}"), "dataclass_id": DATACLASS}, "versions": versions})
        })
        .collect();
    serde_json::json!({"format": "secmaster-fake/workflows", "version": 1, "workflows": workflows})
        .to_string()
        .into_bytes()
}

/// The fake's binary, on a free loopback port, for figures no other test's memory blurs.
struct Binary {
    child: std::process::Child,
    endpoint: String,
}

impl Binary {
    fn start(args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_secmaster-fake"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let endpoint = line
            .trim()
            .strip_prefix("secmaster-fake listening on ")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_owned();
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Self { child, endpoint }
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the store grows by, per object created over HTTP or imported, measured on the binary
/// (its own process); every figure is printed.
#[test]
fn the_store_grows_by_what_it_holds() {
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let rt = runtime();
    let fake = Binary::start(&["--run-time-ms", "600000"]);
    let c = secmaster::Client::builder()
        .endpoint(&fake.endpoint)
        .credentials(secmaster::Credentials::token(FAKE_TOKEN))
        .build()
        .unwrap();
    let (p, w, f) = page();
    let per = |before: u64, n: usize| (fake.rss_kib().saturating_sub(before)) as f64 / n as f64;
    rt.block_on(async {
        c.update_workflow(&p, &w, &f).enable("ver-0001").send().await.unwrap();
        let rss = fake.rss_kib();
        let mut ids = Vec::new();
        for i in 0..900 {
            let created = c
                .create_workflow(&p, &w)
                .name(format!("w{i}"))
                .aop_type(secmaster::AopType::Normal)
                .dataclass_id(DATACLASS)
                .send()
                .await
                .unwrap();
            ids.push(created.id.clone().unwrap());
        }
        let workflow = per(rss, 900);
        let rss = fake.rss_kib();
        for id in ids.iter().take(200) {
            for _ in 0..5 {
                c.create_workflow_version(&p, &w, id)
                    .name("v")
                    .description("a version")
                    .taskflow(r#"{"nodes":[{"id":"start","type":"start"}],"edges":[]}"#)
                    .taskconfig("{}")
                    .aop_type(secmaster::AopType::Normal)
                    .send()
                    .await
                    .unwrap();
            }
        }
        let version = per(rss, 1000);
        let rss = fake.rss_kib();
        for i in 0..990 {
            c.run_workflow(&p, &w, &f)
                .dataclass_id(DATACLASS)
                .context(serde_json::json!({"alert": i, "note": "x".repeat(1000)}))
                .send()
                .await
                .unwrap();
        }
        let run = per(rss, 990);
        for id in ids.iter().skip(800) {
            c.delete_workflow(&p, &w, id).send().await.unwrap();
        }
        let rss = fake.rss_kib();
        let file = export_file("imported", 90, 4, 100);
        c.import_workflows(&p, &w, "f.json", file).send().await.unwrap();
        let imported = per(rss, 450);
        eprintln!(
            "growth per object: workflow {workflow:.2} KiB, version {version:.2} KiB, run (1 KB context) {run:.2} KiB, imported object {imported:.2} KiB"
        );
        for (what, kib) in [("workflow", workflow), ("version", version), ("run", run), ("imported", imported)] {
            assert!(kib < 32.0, "{what}: {kib:.1} KiB each");
        }
    });
}

/// A 4 MB import of 900 workflows, then one-field updates: each costs what it touches (it used to
/// copy the whole workspace: over 1 s each after such an import). And a 4 MB file of `{}` versions
/// is refused without being read whole (it used to grow the fake by 1.1 GiB).
#[test]
fn a_one_field_update_stays_fast_after_a_big_import() {
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let rt = runtime();
    let fake = rt.block_on(FakeSecMaster::start()).unwrap();
    let c = client(&fake);
    let (p, w, f) = page();
    rt.block_on(async {
        let file = export_file("big", 900, 1, 4000);
        assert!(file.len() > 3_500_000 && file.len() < 4 * MIB, "{}", file.len());
        let started = Instant::now();
        c.import_workflows(&p, &w, "f.json", file).send().await.unwrap();
        let import = started.elapsed();
        let mut times = Vec::new();
        for i in 0..21 {
            let started = Instant::now();
            c.update_workflow(&p, &w, &f).description(format!("d{i}")).send().await.unwrap();
            times.push(started.elapsed());
        }
        let update = median(times);
        let mut flood = br#"{"format":"secmaster-fake/workflows","version":1,"workflows":[{"workflow":{"name":"many"},"versions":["#.to_vec();
        while flood.len() < 4 * MIB - 100 {
            flood.extend_from_slice(b"{},");
        }
        flood.extend_from_slice(b"{}]}]}");
        let base = reset_peak();
        let started = Instant::now();
        let e = c.import_workflows(&p, &w, "f.json", flood).send().await.unwrap_err();
        let refused = started.elapsed();
        let grown = peak_growth_mib(base);
        assert_eq!(e.code(), Some(secmaster_fake::codes::LIMIT_EXCEEDED), "{e}");
        eprintln!(
            "import of 900 workflows (4 MB): {import:?}; one-field update after it: median {update:?}; 4 MB of {{}} versions refused in {refused:?}, peak +{grown:.1} MiB"
        );
        assert!(update < Duration::from_millis(100), "update median {update:?}");
        assert!(grown < 32.0, "peak +{grown:.1} MiB");
    });
    drop(fake);
}
