//! The hand-offs between the app's threads: a bounded channel that either
//! waits for room (files: every frame, in order) or drops the oldest (live:
//! the newest frame wins, drops counted), and a mailbox holding only the
//! latest value (what the window draws).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TrySendError};

/// What a full queue does with a new item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenFull {
    /// The producer waits: nothing is lost (files).
    Wait,
    /// The oldest item is dropped and counted (cameras).
    DropOldest,
}

/// The producer's end of a bounded channel (crossbeam's: the consumer
/// blocks in `select!` until an item, a key or the quit signal comes).
#[derive(Debug)]
pub struct Producer<T> {
    sender: Sender<T>,
    /// With `DropOldest`, the consumer's end too, to take the oldest out.
    oldest: Option<Receiver<T>>,
    dropped: Arc<AtomicU64>,
}

/// A bounded queue of `capacity`: the producer, the consumer, and the
/// count of items dropped.
pub fn queue<T>(capacity: usize, when_full: WhenFull) -> (Producer<T>, Receiver<T>, Dropped) {
    let (sender, receiver) = crossbeam_channel::bounded(capacity.max(1));
    let dropped = Arc::new(AtomicU64::new(0));
    let producer = Producer {
        sender,
        oldest: (when_full == WhenFull::DropOldest).then(|| receiver.clone()),
        dropped: dropped.clone(),
    };
    (producer, receiver, Dropped(dropped))
}

/// How many items a `DropOldest` queue dropped because the consumer was
/// behind.
#[derive(Debug, Clone, Default)]
pub struct Dropped(Arc<AtomicU64>);

impl Dropped {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl<T> Producer<T> {
    /// Adds `item` (waiting for room, or dropping the oldest); false once
    /// the consumer is gone.
    pub fn push(&self, item: T) -> bool {
        let Some(oldest) = &self.oldest else {
            return self.sender.send(item).is_ok();
        };
        let mut item = item;
        loop {
            match self.sender.try_send(item) {
                Ok(()) => return true,
                Err(TrySendError::Disconnected(_)) => return false,
                Err(TrySendError::Full(back)) => {
                    if oldest.try_recv().is_ok() {
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    item = back;
                }
            }
        }
    }
}

/// Holds the latest value put in; taking it empties it.
#[derive(Debug)]
pub struct Mailbox<T> {
    slot: Mutex<Option<T>>,
    changed: Condvar,
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Mailbox {
            slot: Mutex::new(None),
            changed: Condvar::new(),
        }
    }
}

impl<T> Mailbox<T> {
    pub fn put(&self, value: T) {
        *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(value);
        self.changed.notify_all();
    }

    /// The latest value, waiting up to `timeout` for one.
    pub fn take(&self, timeout: Duration) -> Option<T> {
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            slot = self
                .changed
                .wait_timeout(slot, timeout)
                .map(|(s, _)| s)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        slot.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_queue_keeps_the_newest_and_counts_drops() {
        let (producer, consumer, dropped) = queue(1, WhenFull::DropOldest);
        for i in 0..5 {
            assert!(producer.push(i));
        }
        assert_eq!(dropped.get(), 4);
        assert_eq!(consumer.try_recv().ok(), Some(4));
        drop(producer);
        assert!(consumer.recv().is_err(), "closed once the producer is gone");
    }

    #[test]
    fn a_file_queue_loses_nothing() {
        let (producer, consumer, dropped) = queue(2, WhenFull::Wait);
        let thread = std::thread::spawn(move || {
            for i in 0..100 {
                producer.push(i);
            }
        });
        let got: Vec<i32> = consumer.iter().collect();
        thread.join().ok();
        assert_eq!(got, (0..100).collect::<Vec<_>>());
        assert_eq!(dropped.get(), 0);
    }

    #[test]
    fn a_producer_stops_when_the_consumer_is_gone() {
        let (producer, consumer, _) = queue(1, WhenFull::Wait);
        assert!(producer.push(1));
        drop(consumer);
        assert!(!producer.push(2));
    }
}
