//! Endpoint resolution: region table, environment overrides, explicit URLs.

use reqwest::Url;

use crate::Error;

/// The 28 regions of the official SDKs' SecMaster region table.
pub const REGIONS: &[&str] = &[
    "af-north-1",
    "af-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-east-5",
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-11",
    "cn-north-12",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "cn-southwest-3",
    "eu-west-101",
    "la-north-2",
    "la-south-2",
    "me-east-1",
    "my-kualalumpur-1",
    "sa-brazil-1",
    "tr-west-1",
];

/// The official SDKs' per-region override: `HUAWEICLOUD_SDK_REGION_SECMASTER_<REGION>` (region
/// upper-cased, `-` as `_`), a comma-separated list of endpoints, tried in order.
pub fn override_variable(region: &str) -> String {
    format!(
        "HUAWEICLOUD_SDK_REGION_SECMASTER_{}",
        region.to_ascii_uppercase().replace('-', "_")
    )
}

/// Environment variable naming the regions file (the official SDKs' name); without it,
/// `~/.huaweicloud/regions.yaml`.
pub const ENV_REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";

/// The endpoints for `region`, in the official order: the override variable; else the regions
/// file's `SECMASTER` entry for it; else the table's `https://secmaster.{region}.myhuaweicloud.com`.
pub(crate) fn for_region(
    region: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, Error> {
    if let Some(listed) = lookup(&override_variable(region)) {
        let listed: Vec<String> = listed
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect();
        if !listed.is_empty() {
            return Ok(listed);
        }
    }
    if let Some(listed) = crate::regions_file::endpoints(region, &lookup)? {
        return Ok(listed);
    }
    if REGIONS.contains(&region) {
        Ok(vec![format!(
            "https://secmaster.{region}.myhuaweicloud.com"
        )])
    } else {
        Err(Error::Config(format!(
            "unknown region `{region}`; known regions: {} (or set {}, list it in the regions file, or use ClientBuilder::endpoint)",
            REGIONS.join(", "),
            override_variable(region)
        )))
    }
}

/// A parsed, checked endpoint: scheme and authority only (any path is kept as a prefix).
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// Without a trailing slash.
    pub base: String,
    /// The parsed endpoint, each request's URL is made from (its own path, `""` or e.g.
    /// `/prefix`, starts every request's).
    pub url: Url,
    /// The `Host` header value: the host, and the port when it is not the scheme's default.
    pub host: String,
}

impl Endpoint {
    /// Parses `url`, refusing plain `http://` to anything but a loopback host unless `allow_http`.
    pub(crate) fn parse(url: &str, allow_http: bool) -> Result<Self, Error> {
        // `127.0.0.1:9` or `localhost:9` would read as a relative URL or as scheme `localhost`.
        if !url.contains("://") {
            return Err(Error::Config(
                "the endpoint has no scheme: write it as https://host[:port] (or http:// for a local fake on this machine)".into(),
            ));
        }
        // Messages name the URL only once it is known to carry no user info (a password).
        let parsed = Url::parse(url)
            .map_err(|e| Error::Config(format!("the endpoint is not a URL: {e}")))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::Config(
                "the endpoint must not carry user info (`user:password@`)".into(),
            ));
        }
        let host = parsed
            .host_str()
            .ok_or_else(|| Error::Config(format!("endpoint `{parsed}` has no host")))?;
        match parsed.scheme() {
            "https" => {}
            "http" if allow_http || is_loopback(host) => {}
            "http" => {
                return Err(Error::Config(format!(
                    "endpoint `{parsed}` is plain http to a non-loopback host; credentials would travel in clear. \
                     Use https, or ClientBuilder::allow_insecure_http(true) if you really mean it"
                )));
            }
            other => {
                return Err(Error::Config(format!(
                    "endpoint `{parsed}` has scheme `{other}`; use https"
                )));
            }
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config(format!(
                "endpoint `{parsed}` must not carry a query or fragment"
            )));
        }
        let base = parsed.as_str().trim_end_matches('/').to_owned();
        let host = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Self {
            base,
            url: parsed,
            host,
        })
    }
}

impl Endpoint {
    /// Whether the endpoint is this machine (a local fake), which is never reached through a
    /// proxy unless one is set explicitly.
    pub(crate) fn is_loopback(&self) -> bool {
        self.url.host_str().is_some_and(is_loopback)
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_table_has_the_28_official_regions() {
        assert_eq!(REGIONS.len(), 28);
        assert_eq!(
            for_region("cn-north-4", none).unwrap(),
            ["https://secmaster.cn-north-4.myhuaweicloud.com"]
        );
        assert_eq!(
            for_region("tr-west-1", none).unwrap(),
            ["https://secmaster.tr-west-1.myhuaweicloud.com"]
        );
    }

    #[test]
    fn an_unknown_region_is_refused_with_the_known_ones() {
        let e = for_region("cn-nowhere-1", none).unwrap_err().to_string();
        assert!(e.contains("unknown region `cn-nowhere-1`"), "{e}");
        assert!(
            e.contains("cn-north-4") && e.contains("my-kualalumpur-1"),
            "{e}"
        );
        assert!(
            e.contains("HUAWEICLOUD_SDK_REGION_SECMASTER_CN_NOWHERE_1"),
            "{e}"
        );
    }

    #[test]
    fn the_official_override_variable_wins_and_may_add_regions() {
        let lookup = |name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_SECMASTER_CN_NORTH_4")
                .then(|| " https://a.example.com , https://b.example.com".to_owned())
        };
        assert_eq!(
            for_region("cn-north-4", lookup).unwrap(),
            ["https://a.example.com", "https://b.example.com"]
        );
        let custom = |name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_SECMASTER_XX_1").then(|| "https://x".to_owned())
        };
        assert_eq!(for_region("xx-1", custom).unwrap(), ["https://x"]);
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://example.com",
        ] {
            assert!(Endpoint::parse(ok, false).is_ok(), "{ok}");
        }
        let e = Endpoint::parse("http://10.1.2.3", false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("plain http") && e.contains("allow_insecure_http"),
            "{e}"
        );
        assert!(Endpoint::parse("http://10.1.2.3", true).is_ok());
        assert!(Endpoint::parse("ftp://x", true).is_err());
        assert!(Endpoint::parse("not a url", true).is_err());
        for bare in ["127.0.0.1:9", "localhost:9", "secmaster.example.com"] {
            let e = Endpoint::parse(bare, true).unwrap_err().to_string();
            assert!(
                e.contains("no scheme") && e.contains("https://"),
                "{bare}: {e}"
            );
        }
        assert!(Endpoint::parse("https://x/?a=b", true).is_err());
        for with_password in [
            "https://:hunter2@x.example",
            "https://u:hunter2@x.example",
            "https://hunter2@x",
        ] {
            let e = Endpoint::parse(with_password, false)
                .unwrap_err()
                .to_string();
            assert!(e.contains("user info") && !e.contains("hunter2"), "{e}");
        }
        let e = Endpoint::parse("https://u:hunter2@[bad", false)
            .unwrap_err()
            .to_string();
        assert!(!e.contains("hunter2"), "{e}");
        assert_eq!(
            Endpoint::parse("https://x.example.com/", false)
                .unwrap()
                .base,
            "https://x.example.com"
        );
        assert_eq!(
            Endpoint::parse("https://x.example.com/prefix/", false)
                .unwrap()
                .base,
            "https://x.example.com/prefix"
        );
    }
}
