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
    // The answer comes with no byte of body sent.
    let alone = send(addr, head(12 * MIB), Arc::new(Vec::new()));
    assert_eq!(
        status(&alone),
        Some(401),
        "{}",
        String::from_utf8_lossy(&alone)
    );

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
    fake.inject(Fault::Delay(Duration::from_secs(3)), 1);
    let holding = {
        let head = head(MIB);
        std::thread::spawn(move || send(addr, head, Arc::new(vec![b' '; MIB])))
    };
    std::thread::sleep(Duration::from_millis(300));
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
