//! Any request through the signer's canonicalization: no panic; signing is deterministic and
//! independent of the order in which headers are given.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use secmaster::signer::{Request, canonical_query, canonical_uri, sign};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    ak: &'a str,
    sk: &'a str,
    date: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let uri = canonical_uri(input.path);
    assert!(uri.ends_with('/'));
    let _ = canonical_query(input.query.unwrap_or(""));

    // Names must be distinct (case-insensitively) for order not to matter: with duplicates the
    // later value wins, as in the official cores.
    let mut headers = input.headers;
    headers.sort_by_key(|(n, _)| n.to_ascii_lowercase());
    headers.dedup_by_key(|(n, _)| n.to_ascii_lowercase());
    let request = |headers: &[(&str, &str)]| {
        let r = Request {
            method: input.method,
            path: input.path,
            query: input.query,
            headers,
            body: input.body,
        };
        sign(&r, input.ak, input.sk, input.date)
    };
    let first = request(&headers);
    assert_eq!(first, request(&headers), "deterministic");
    let mut reversed = headers.clone();
    reversed.reverse();
    assert_eq!(first, request(&reversed), "independent of header order");
});
