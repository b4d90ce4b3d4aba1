//! The official SDKs' regions file: `$HUAWEICLOUD_SDK_REGIONS_FILE`, else
//! `~/.huaweicloud/regions.yaml`, whose `SECMASTER` list gives a region's endpoints:
//!
//! ```yaml
//! SECMASTER:
//!   - id: cn-north-4
//!     endpoint: https://secmaster.cn-north-4.myhuaweicloud.com
//!   - id: my-region-1
//!     endpoints: [https://a.example.com, https://b.example.com]
//! ```

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::Error;
use crate::endpoint::ENV_REGIONS_FILE;

#[derive(Deserialize)]
struct Entry {
    id: String,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    endpoints: Vec<String>,
}

/// The endpoints the regions file lists for `region`: `None` when there is no file (the default
/// one absent) or no entry; an error naming the file when it cannot be read or parsed.
pub(crate) fn endpoints(
    region: &str,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<Vec<String>>, Error> {
    let named = lookup(ENV_REGIONS_FILE).filter(|p| !p.trim().is_empty());
    let path: PathBuf = match &named {
        Some(path) => path.into(),
        None => match lookup("HOME").or_else(|| lookup("USERPROFILE")) {
            Some(home) => PathBuf::from(home)
                .join(".huaweicloud")
                .join("regions.yaml"),
            None => return Ok(None),
        },
    };
    let broken = |why: String| Error::Config(format!("the regions file {}: {why}", path.display()));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && named.is_none() => return Ok(None),
        Err(e) => return Err(broken(format!("cannot be read: {e}"))),
    };
    let services: HashMap<String, Vec<Entry>> =
        serde_norway::from_str(&text).map_err(|e| broken(e.to_string()))?;
    let Some(entries) = services.get("SECMASTER") else {
        return Ok(None);
    };
    let Some(entry) = entries.iter().find(|e| e.id == region) else {
        return Ok(None);
    };
    let listed: Vec<String> = entry
        .endpoint
        .iter()
        .chain(&entry.endpoints)
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect();
    if listed.is_empty() {
        return Err(broken(format!("`{region}` has no endpoint")));
    }
    Ok(Some(listed))
}
