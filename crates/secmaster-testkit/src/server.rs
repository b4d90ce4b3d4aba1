//! The scriptable server, and the kept-alive one for benchmarks.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::examples::UPDATE_200;

/// One request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The method, as sent.
    pub method: String,
    /// The raw request target (path and query, still percent-encoded).
    pub target: String,
    /// Header lines in arrival order, names as sent, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Captured {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response with Content-Length.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// A chunked response (no Content-Length) of `chunks` chunks of `chunk` bytes each.
    Chunked {
        status: u16,
        chunk: Vec<u8>,
        chunks: usize,
    },
    /// `body`, chunked (no Content-Length), in chunks of `piece` bytes, each written on its own.
    Split {
        status: u16,
        body: Vec<u8>,
        piece: usize,
    },
    /// Announces `declared` bytes, sends `body` in writes of `piece` bytes a few milliseconds
    /// apart (so that they arrive apart), then closes the connection.
    Trickle {
        status: u16,
        declared: usize,
        body: Vec<u8>,
        piece: usize,
    },
    /// Announces `declared` bytes, sends `body`, then closes the connection.
    CutShort {
        status: u16,
        declared: usize,
        body: Vec<u8>,
    },
    /// Waits, then replies.
    Delay(Duration, Box<Reply>),
    /// These bytes exactly, whatever they are (a malformed head, an HTTP/0.9 body), then close.
    Raw(Vec<u8>),
}

impl Reply {
    /// A complete JSON answer.
    pub fn json(status: u16, body: &str) -> Self {
        Self::Full {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Update a Workflow's page example, with `X-Request-Id: req-ok`.
    pub fn ok() -> Self {
        Self::json(200, UPDATE_200).with_header("X-Request-Id", "req-ok")
    }

    /// Adds a header to a [`Reply::Full`].
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// A complete HTML answer.
    pub fn html(status: u16, body: &str) -> Self {
        Self::Full {
            status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// This reply, after a wait.
    pub fn delayed(self, by: Duration) -> Self {
        Self::Delay(by, Box::new(self))
    }
}

/// The scriptable server; see the crate docs.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    requests: Arc<Mutex<Vec<Captured>>>,
}

impl TestServer {
    /// Starts a server answering with `replies` in order, then with [`Reply::ok`] forever.
    pub async fn start(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(replies)));
        let seen = requests.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let seen = seen.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let _ = serve(socket, seen, script).await;
                });
            }
        });
        Self { url, requests }
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<Captured> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(
    mut socket: TcpStream,
    seen: Arc<Mutex<Vec<Captured>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
) -> std::io::Result<()> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.to_owned(), v.trim().to_owned()))
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = raw[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    seen.lock().unwrap().push(Captured {
        method,
        target,
        headers,
        body,
    });
    let reply = script.lock().unwrap().pop_front().unwrap_or_else(Reply::ok);
    write_reply(&mut socket, reply).await
}

async fn write_chunk(socket: &mut TcpStream, chunk: &[u8]) -> std::io::Result<()> {
    socket
        .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
        .await?;
    socket.write_all(chunk).await?;
    socket.write_all(b"\r\n").await
}

/// A chunked answer of `chunks`, each written (and flushed) on its own.
async fn write_chunked<'a>(
    socket: &mut TcpStream,
    status: u16,
    chunks: impl Iterator<Item = &'a [u8]>,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await?;
    for chunk in chunks {
        write_chunk(socket, chunk).await?;
        socket.flush().await?;
    }
    socket.write_all(b"0\r\n\r\n").await
}

async fn write_reply(socket: &mut TcpStream, mut reply: Reply) -> std::io::Result<()> {
    while let Reply::Delay(by, inner) = reply {
        tokio::time::sleep(by).await;
        reply = *inner;
    }
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (n, v) in headers {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
            head.push_str("\r\n");
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(&body).await?;
        }
        Reply::Chunked {
            status,
            chunk,
            chunks,
        } => write_chunked(socket, status, std::iter::repeat_n(&chunk[..], chunks)).await?,
        Reply::Split {
            status,
            body,
            piece,
        } => write_chunked(socket, status, body.chunks(piece)).await?,
        Reply::Trickle {
            status,
            declared,
            body,
            piece,
        } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
            );
            socket.write_all(head.as_bytes()).await?;
            for piece in body.chunks(piece) {
                socket.write_all(piece).await?;
                socket.flush().await?;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        Reply::CutShort {
            status,
            declared,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
            );
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(&body).await?;
        }
        Reply::Raw(bytes) => socket.write_all(&bytes).await?,
        Reply::Delay(..) => unreachable!(),
    }
    socket.flush().await?;
    socket.shutdown().await
}

/// A server that answers every request with one fixed reply on kept-alive connections, on a
/// thread of its own (named `bench-server`, so that profilers tell its samples from a client's):
/// for benchmarks, where the server must cost little and the same for every variant.
pub struct KeepAliveServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl KeepAliveServer {
    /// Answers `status` with `body` (`application/json;charset=UTF-8`, and an `X-Request-Id`).
    pub fn start(status: u16, body: &'static str) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                rt.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                    tx.send(listener.local_addr().expect("addr")).expect("send");
                    let answer: Arc<[u8]> = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json;charset=UTF-8\r\nx-request-id: 0123456789abcdef0123456789abcdef\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .into_bytes()
                    .into();
                    while let Ok((socket, _)) = listener.accept().await {
                        let _ = socket.set_nodelay(true);
                        tokio::spawn(keep_alive(socket, answer.clone()));
                    }
                });
            })
            .expect("server thread");
        Self {
            url: format!("http://{}", rx.recv().expect("server address")),
        }
    }
}

/// Reads requests one after another on `socket` and answers each with `answer`.
async fn keep_alive(mut socket: TcpStream, answer: Arc<[u8]>) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // One request: its head, then Content-Length bytes of body.
        let (head_end, length) = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..i]);
                let length = head
                    .split("\r\n")
                    .filter_map(|l| l.split_once(':'))
                    .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (i + 4, length);
            }
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        while buf.len() < head_end + length {
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf.drain(..head_end + length);
        socket.write_all(&answer).await?;
    }
}
