//! Relations between data objects (an incident and its alerts, an incident and an indicator):
//! kept as records of their own (so held to the same limits), undirected, listed from either
//! end, and removed when either end is deleted. The classes are the paths' lower-case plurals
//! (`alerts`, `incidents`, `indicators`): the families' names.

use std::sync::Arc;

use serde_json::json;

use super::records::{Record, unknown};
use super::{Rejection, Workspace, new_id};

/// The records' family.
const RELATIONS: &str = "relations";

/// One end of a relation: a class and an object's ID.
pub(crate) type End<'a> = (&'a str, &'a str);

/// IDs done and IDs refused, as a batch answers them.
pub(crate) type Outcome = (Vec<String>, Vec<String>);

fn ends(record: &Record) -> Option<[(String, String); 2]> {
    let end = |name: &str| {
        let pair = record.value.get(name)?.as_array()?;
        Some((
            pair.first()?.as_str()?.to_owned(),
            pair.get(1)?.as_str()?.to_owned(),
        ))
    };
    Some([end("from")?, end("to")?])
}

impl Workspace {
    /// Whether `end` exists.
    pub(crate) fn exists(&self, (class, id): End<'_>) -> Result<(), Rejection> {
        self.record(class, id).map(drop)
    }

    /// Whether `a` and `b` are related, either way.
    fn related_pair(&self, a: End<'_>, b: End<'_>) -> bool {
        self.family(RELATIONS)
            .iter()
            .filter_map(|r| ends(r))
            .any(|[x, y]| {
                let is = |e: &(String, String), f: End<'_>| e.0 == f.0 && e.1 == f.1;
                (is(&x, a) && is(&y, b)) || (is(&x, b) && is(&y, a))
            })
    }

    /// Relates `subject` (which must exist) with the objects `ids` of class `related`: those
    /// that do not exist are refused one by one, the others related (once).
    pub(crate) fn relate(
        &mut self,
        subject: End<'_>,
        related: &str,
        ids: &[String],
        now: &str,
    ) -> Result<Outcome, Rejection> {
        self.exists(subject)?;
        let (mut done, mut refused) = (Vec::new(), Vec::new());
        for id in ids {
            let other = (related, id.as_str());
            if self.exists(other).is_err() || other == subject {
                refused.push(id.clone());
                continue;
            }
            if !self.related_pair(subject, other) {
                let value = json!({"id": new_id(), "from": [subject.0, subject.1], "to": [related, id], "create_time": now});
                let record = Record {
                    id: new_id(),
                    parent: None,
                    value,
                };
                self.records
                    .entry(RELATIONS)
                    .or_default()
                    .push(Arc::new(record));
            }
            done.push(id.clone());
        }
        Ok((done, refused))
    }

    /// Removes the relations of `subject` (which must exist) with the objects `ids` of class
    /// `related`: an ID it is not related with is refused.
    pub(crate) fn unrelate_with(
        &mut self,
        subject: End<'_>,
        related: &str,
        ids: &[String],
    ) -> Result<Outcome, Rejection> {
        self.exists(subject)?;
        let (done, refused): Outcome = ids
            .iter()
            .cloned()
            .partition(|id| self.related_pair(subject, (related, id)));
        if let Some(all) = self.records.get_mut(RELATIONS) {
            all.retain(|r| {
                let Some([x, y]) = ends(r) else { return true };
                let hit = |a: &(String, String), b: &(String, String)| {
                    a.0 == subject.0 && a.1 == subject.1 && b.0 == related && done.contains(&b.1)
                };
                !(hit(&x, &y) || hit(&y, &x))
            });
        }
        Ok((done, refused))
    }

    /// The objects of class `related` that `subject` (which must exist) is related with,
    /// either way, in the order they were related.
    pub(crate) fn related(
        &self,
        subject: End<'_>,
        related: &str,
    ) -> Result<Vec<&Record>, Rejection> {
        self.exists(subject)?;
        let mut found = Vec::new();
        for [x, y] in self.family(RELATIONS).iter().filter_map(|r| ends(r)) {
            let other = if (x.0.as_str(), x.1.as_str()) == subject {
                y
            } else if (y.0.as_str(), y.1.as_str()) == subject {
                x
            } else {
                continue;
            };
            if other.0 == related {
                found.push(
                    self.record(related, &other.1)
                        .map_err(|_| unknown(related, &other.1))?,
                );
            }
        }
        Ok(found)
    }

    /// Removes every relation one of the objects `ids` of class `family` is an end of.
    pub(crate) fn unrelate(&mut self, family: &str, ids: &[String]) {
        if ids.is_empty() || family == RELATIONS {
            return;
        }
        if let Some(all) = self.records.get_mut(RELATIONS) {
            all.retain(|r| {
                ends(r).is_none_or(|pair| !pair.iter().any(|(c, i)| c == family && ids.contains(i)))
            });
        }
    }
}
