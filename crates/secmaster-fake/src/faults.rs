//! Faults injected for the next requests ([`crate::FakeSecMaster::inject_into`], a seed file's
//! `faults`, the binary's `--fault`): kept in order, each taken by the requests it matches.

use crate::{Fault, Inner, SeedFault, lock, server};

/// A fault waiting for `left` more requests: of one operation and for one resource ID, when
/// given.
pub(crate) struct Injected {
    operation: Option<String>,
    id: Option<String>,
    fault: Fault,
    left: usize,
}

impl Inner {
    /// The first fault waiting for a request of `operation` on resource `id`.
    pub(crate) fn take_fault(&self, operation: &str, id: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let i = faults.iter().position(|f| {
            f.operation.as_deref().is_none_or(|o| o == operation)
                && f.id.as_deref().is_none_or(|i| i == id)
        })?;
        let injected = &mut faults[i];
        injected.left -= 1;
        let fault = injected.fault.clone();
        if injected.left == 0 {
            faults.remove(i);
        }
        Some(fault)
    }

    pub(crate) fn inject(&self, seed: SeedFault) {
        if seed.times == 0 {
            return;
        }
        let fault = match seed.fault {
            Fault::Delay(d) => Fault::Delay(d.min(server::MAX_DELAY)),
            other => other,
        };
        lock(&self.faults).push_back(Injected {
            operation: seed.operation,
            id: seed.id,
            fault,
            left: seed.times,
        });
    }
}
