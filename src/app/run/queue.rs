//! The hand-offs between the app's threads: a bounded queue that either
//! waits for room (files: every frame, in order) or drops the oldest (live:
//! the newest frame wins, drops counted), and a mailbox holding only the
//! latest value (what the window draws).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// What a full queue does with a new item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenFull {
    /// The producer waits: nothing is lost (files).
    Wait,
    /// The oldest item is dropped and counted (cameras).
    DropOldest,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
    dropped: u64,
}

/// A bounded multi-producer queue.
#[derive(Debug)]
pub struct Queue<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
    capacity: usize,
    when_full: WhenFull,
}

/// What a pop found.
#[derive(Debug, PartialEq)]
pub enum Popped<T> {
    Item(T),
    /// Nothing yet; try again.
    Empty,
    /// Closed and drained: nothing more will come.
    Closed,
}

impl<T> Queue<T> {
    pub fn new(capacity: usize, when_full: WhenFull) -> Queue<T> {
        Queue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
                dropped: 0,
            }),
            changed: Condvar::new(),
            capacity: capacity.max(1),
            when_full,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panicking thread poisons the lock; the queue's data stays valid.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `item`; false once the queue is closed (the consumer is gone).
    pub fn push(&self, item: T) -> bool {
        let mut state = self.lock();
        loop {
            if state.closed {
                return false;
            }
            if state.items.len() < self.capacity {
                break;
            }
            match self.when_full {
                WhenFull::DropOldest => {
                    state.items.pop_front();
                    state.dropped += 1;
                }
                WhenFull::Wait => {
                    state = self
                        .changed
                        .wait_timeout(state, Duration::from_millis(50))
                        .map(|(s, _)| s)
                        .unwrap_or_else(|e| e.into_inner().0);
                }
            }
        }
        state.items.push_back(item);
        self.changed.notify_all();
        true
    }

    /// Takes the oldest item, waiting up to `timeout` for one.
    pub fn pop(&self, timeout: Duration) -> Popped<T> {
        let mut state = self.lock();
        if state.items.is_empty() && !state.closed {
            state = self
                .changed
                .wait_timeout(state, timeout)
                .map(|(s, _)| s)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        match state.items.pop_front() {
            Some(item) => {
                self.changed.notify_all();
                Popped::Item(item)
            }
            None if state.closed => Popped::Closed,
            None => Popped::Empty,
        }
    }

    /// No more items will be pushed (or taken): wakes everyone.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    /// Items dropped because the consumer was behind.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
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
        let q = Queue::new(1, WhenFull::DropOldest);
        for i in 0..5 {
            assert!(q.push(i));
        }
        assert_eq!(q.dropped(), 4);
        assert_eq!(q.pop(Duration::ZERO), Popped::Item(4));
        q.close();
        assert_eq!(q.pop(Duration::ZERO), Popped::Closed);
        assert!(!q.push(9));
    }

    #[test]
    fn a_file_queue_loses_nothing() {
        let q = std::sync::Arc::new(Queue::new(2, WhenFull::Wait));
        let producer = {
            let q = q.clone();
            std::thread::spawn(move || {
                for i in 0..100 {
                    q.push(i);
                }
                q.close();
            })
        };
        let mut got = Vec::new();
        loop {
            match q.pop(Duration::from_millis(100)) {
                Popped::Item(i) => got.push(i),
                Popped::Empty => {}
                Popped::Closed => break,
            }
        }
        producer.join().unwrap();
        assert_eq!(got, (0..100).collect::<Vec<_>>());
        assert_eq!(q.dropped(), 0);
    }
}
