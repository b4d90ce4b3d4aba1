//! A local HTTP/1.1 server for the credential tests: each request (head and body) goes to a
//! handler that chooses the answer, optionally after a delay; requests are counted by path.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// The query string, without `?`.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer: status, body, and a delay before it (`None`: never answer).
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub delay: Option<Duration>,
    pub headers: Vec<(String, String)>,
}

impl Answer {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            delay: Some(Duration::ZERO),
            headers: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    pub fn never() -> Self {
        Self {
            status: 200,
            body: String::new(),
            delay: None,
            headers: Vec::new(),
        }
    }
}

type Handler = Arc<dyn Fn(&Seen) -> Answer + Send + Sync>;

pub struct Local {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Local {
    pub async fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let _ = serve(socket, handler, log).await;
                });
            }
        });
        Self { url, seen }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests each path received.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for seen in self.requests() {
            *counts.entry(seen.path).or_default() += 1;
        }
        counts
    }
}

async fn serve(
    mut socket: TcpStream,
    handler: Handler,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let head_end = loop {
            if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = socket.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            raw.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split(' ');
        let (method, path) = (
            first.next().unwrap_or("").to_owned(),
            first.next().unwrap_or("").to_owned(),
        );
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while raw.len() < head_end + length {
            let n = socket.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            raw.extend_from_slice(&buf[..n]);
        }
        let body = raw[head_end..head_end + length].to_vec();
        raw.drain(..head_end + length);
        let (path, query) = path.split_once('?').unwrap_or((&path, ""));
        let seen = Seen {
            method,
            path: path.to_owned(),
            query: query.to_owned(),
            headers,
            body,
        };
        log.lock().unwrap().push(seen.clone());
        let answer = handler(&seen);
        match answer.delay {
            None => std::future::pending::<()>().await,
            Some(d) if !d.is_zero() => tokio::time::sleep(d).await,
            Some(_) => {}
        }
        let extra: String = answer
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}\r\n"))
            .collect();
        let response = format!(
            "HTTP/1.1 {} X\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n{}",
            answer.status,
            answer.body.len(),
            answer.body
        );
        socket.write_all(response.as_bytes()).await?;
    }
}

/// The credential JSON of the official metadata service and pod identity, expiring at `at`.
pub fn credential_json(ak: &str, sk: &str, token: &str, at: &str) -> String {
    format!(
        r#"{{"credential":{{"access":"{ak}","secret":"{sk}","securitytoken":"{token}","expires_at":"{at}"}}}}"#
    )
}

/// `now + secs` in the official answers' form (`%Y-%m-%dT%H:%M:%S.%fZ`).
pub fn in_secs(secs: i64) -> String {
    let at = secmaster::jiff::Timestamp::now() + secmaster::jiff::SignedDuration::from_secs(secs);
    at.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()
}

/// The trace events of this thread from `capture` until dropped, as text.
pub struct Logs {
    buffer: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct Writer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Writer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    pub fn capture() -> Self {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Writer(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        Self {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }
}
