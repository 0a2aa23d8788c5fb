//! Bounds on the heavy work one process does at once: uploads (each spools a body and holds a
//! write transaction) and exports (each holds a database connection while a client reads, however
//! slowly). A request past the bound waits a moment for a slot, then is told to come back, so a
//! burst of them cannot take every connection from everyone else.

use std::{sync::Arc, time::Duration};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a request waits for a slot before it is answered "busy".
pub const WAIT_FOR_SLOT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct WorkSlots {
    uploads: Arc<Semaphore>,
    exports: Arc<Semaphore>,
    wait: Duration,
}

/// A slot held until dropped (an export moves it into the task that writes the body).
pub type Slot = OwnedSemaphorePermit;

impl WorkSlots {
    pub fn new(uploads: usize, exports: usize) -> Self {
        WorkSlots {
            uploads: Arc::new(Semaphore::new(uploads.max(1))),
            exports: Arc::new(Semaphore::new(exports.max(1))),
            wait: WAIT_FOR_SLOT,
        }
    }

    /// The same slots with another wait (tests shorten it).
    pub fn waiting(self, wait: Duration) -> Self {
        WorkSlots { wait, ..self }
    }

    /// A slot for one upload, or `None` when all stayed taken while it waited.
    pub async fn upload(&self) -> Option<Slot> {
        self.wait_for(&self.uploads).await
    }

    /// A slot for one export, or `None` when all stayed taken while it waited.
    pub async fn export(&self) -> Option<Slot> {
        self.wait_for(&self.exports).await
    }

    async fn wait_for(&self, slots: &Arc<Semaphore>) -> Option<Slot> {
        tokio::time::timeout(self.wait, slots.clone().acquire_owned())
            .await
            .ok()?
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slot_is_given_back_when_dropped_and_waited_for_at_most_the_wait() {
        let slots = WorkSlots::new(1, 1).waiting(Duration::from_millis(50));
        let held = slots.export().await.expect("a free slot");
        assert!(slots.export().await.is_none(), "the only slot is taken");
        assert!(slots.upload().await.is_some(), "uploads have their own");
        drop(held);
        assert!(slots.export().await.is_some());
    }
}
