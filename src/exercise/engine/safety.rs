//! Safety limits: a measurement beyond its limit for long enough stops the
//! exercise, with the file's reason.

use super::sustained::Sustained;
use crate::exercise::model::SafetyLimit;

/// Watches an exercise's safety limits.
#[derive(Debug, Clone)]
pub struct SafetyMonitor {
    limits: Vec<SafetyLimit>,
    beyond: Vec<Sustained>,
}

impl SafetyMonitor {
    pub fn new(limits: Vec<SafetyLimit>) -> SafetyMonitor {
        let beyond = vec![Sustained::default(); limits.len()];
        SafetyMonitor { limits, beyond }
    }

    /// Takes the measurements of the frame at `t_ms`; returns the first
    /// limit passed for its time.
    pub fn update(&mut self, t_ms: f64, values: &[Option<f64>]) -> Option<&SafetyLimit> {
        let mut passed = None;
        for (i, limit) in self.limits.iter().enumerate() {
            let beyond = values
                .get(limit.measurement)
                .copied()
                .flatten()
                .is_some_and(|v| limit.when.holds(v));
            let held_ms = self.beyond[i].update(t_ms, beyond);
            if passed.is_none() && held_ms.is_some_and(|ms| ms >= limit.for_s * 1000.0) {
                passed = Some(i);
            }
        }
        passed.map(|i| &self.limits[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::model::Comparison;

    fn limit(measurement: usize, below: f64, reason: &str) -> SafetyLimit {
        SafetyLimit {
            measurement,
            when: Comparison::Below(below),
            for_s: 1.0,
            reason: reason.into(),
        }
    }

    #[test]
    fn a_limit_passed_for_its_time_stops_and_a_moment_beyond_does_not() {
        let mut m = SafetyMonitor::new(vec![limit(0, 95.0, "too deep")]);
        assert!(m.update(0.0, &[Some(90.0)]).is_none());
        assert!(m.update(900.0, &[Some(90.0)]).is_none());
        // Back inside: the clock starts again.
        assert!(m.update(950.0, &[Some(100.0)]).is_none());
        assert!(m.update(1000.0, &[Some(90.0)]).is_none());
        assert!(m.update(1900.0, &[Some(90.0)]).is_none());
        assert_eq!(
            m.update(2000.0, &[Some(90.0)]).map(|l| l.reason.as_str()),
            Some("too deep")
        );
    }

    #[test]
    fn an_unseen_measurement_is_never_beyond() {
        let mut m = SafetyMonitor::new(vec![limit(0, 95.0, "a"), limit(1, 10.0, "b")]);
        for t in 0..30 {
            let found = m.update(f64::from(t) * 100.0, &[None, Some(5.0)]);
            assert_eq!(found.is_some(), t >= 10, "{t}");
            if let Some(l) = found {
                assert_eq!(l.reason, "b");
            }
        }
    }
}
