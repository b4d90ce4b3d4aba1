//! Properties over open-ended input: signing is deterministic and independent of header order;
//! Debug and Display never show a secret, whatever it looks like.

use proptest::prelude::*;
use secmaster::signer::{Request, sign};
use secmaster::{Client, Credentials};

proptest! {
    #[test]
    fn signing_is_deterministic_and_header_order_independent(
        headers in proptest::collection::btree_map("[a-z][a-z0-9-]{0,12}", "[ -~]{0,20}", 0..8),
        path in "(/[a-zA-Z0-9%._~-]{0,10}){1,6}",
        body in proptest::collection::vec(any::<u8>(), 0..64),
        sk in "[ -~]{1,40}",
        rotate in 0usize..8,
    ) {
        let mut pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        pairs.push(("x-sdk-date", "20240101T000000Z"));
        let sign_with = |headers: &[(&str, &str)]| {
            let r = Request { method: "PUT", path: &path, query: None, headers, body: &body };
            sign(&r, "AK", &sk, "20240101T000000Z")
        };
        let first = sign_with(&pairs);
        prop_assert_eq!(&first, &sign_with(&pairs));
        let len = pairs.len();
        pairs.rotate_left(rotate % len);
        prop_assert_eq!(&first, &sign_with(&pairs));
        pairs.reverse();
        prop_assert_eq!(&first, &sign_with(&pairs));
    }

}

proptest! {
    // Each case builds HTTP clients (TLS set-up included): fewer cases keep the suite fast.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn no_secret_in_debug_or_display(token in "SECRET-[!-~]{8,40}", sk in "SECRET-[!-~]{8,40}", security_token in "SECRET-[!-~]{8,40}") {
        let everything = [
            Credentials::token(&token),
            Credentials::ak_sk("AKID", &sk).with_security_token(&security_token),
        ];
        for credentials in everything {
            let mut shown = format!("{credentials:?} {credentials:#?}");
            let builder = Client::builder().endpoint("https://x.example").credentials(credentials.clone());
            shown.push_str(&format!("{builder:?}"));
            let client = builder.build().unwrap();
            shown.push_str(&format!("{client:?} {:?}", client.update_workflow("p", "w", "f").name("n")));
            // An error built from a hostile configuration does not echo the secret either.
            if let Err(e) = Client::builder().endpoint("not a url").credentials(credentials).build() {
                shown.push_str(&format!("{e} {e:?}"));
            }
            for secret in [&token, &sk, &security_token] {
                prop_assert!(!shown.contains(secret.as_str()), "{} in {}", secret, shown);
            }
        }
    }
}
