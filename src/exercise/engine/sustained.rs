//! How long a condition has held: cues wait for one to last, safety limits
//! stop only after one has.

/// Since when a condition has held without a break.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sustained {
    since_ms: Option<f64>,
}

impl Sustained {
    /// Records whether the condition holds at `t_ms`; returns how long it
    /// has held without a break, in milliseconds (None when it does not
    /// hold now).
    pub fn update(&mut self, t_ms: f64, holds: bool) -> Option<f64> {
        if holds {
            Some(t_ms - *self.since_ms.get_or_insert(t_ms))
        } else {
            self.since_ms = None;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_the_first_frame_and_restarts_after_a_break() {
        let mut s = Sustained::default();
        assert_eq!(s.update(100.0, true), Some(0.0));
        assert_eq!(s.update(400.0, true), Some(300.0));
        assert_eq!(s.update(500.0, false), None);
        assert_eq!(s.update(600.0, true), Some(0.0));
    }
}
