//! Which named position (phase) the person is in: a phase is entered when
//! every one of its measurements has been inside its `enter` range for a
//! moment, and left only when one leaves its wider `exit` range.

use crate::exercise::model::Phase;

/// A phase is entered only after its conditions held this long.
const PHASE_DWELL_MS: f64 = 150.0;

/// Follows the phases, frame by frame.
#[derive(Debug, Clone)]
pub struct PhaseMachine {
    phases: Vec<Phase>,
    phase: Option<usize>,
    /// A phase whose conditions hold, and since when.
    candidate: Option<(usize, f64)>,
    /// The last phase left, and when (its exit range was first crossed).
    last_left: Option<(usize, f64)>,
}

impl PhaseMachine {
    pub fn new(phases: Vec<Phase>) -> PhaseMachine {
        PhaseMachine {
            phases,
            phase: None,
            candidate: None,
            last_left: None,
        }
    }

    /// The phase the person is in.
    pub fn phase(&self) -> Option<usize> {
        self.phase
    }

    /// The last phase left and when, unless it has been entered again.
    pub fn last_left(&self) -> Option<(usize, f64)> {
        self.last_left
    }

    /// Takes it that `phase` was left at `t_ms` (the person came into view
    /// already on the way out of it).
    pub fn left_at(&mut self, phase: usize, t_ms: f64) {
        self.last_left = Some((phase, t_ms));
    }

    /// Whether `phase`'s conditions hold on `values`: its `enter` ranges,
    /// or its wider `exit` ranges.
    pub fn holds(&self, phase: usize, entering: bool, values: &[Option<f64>]) -> bool {
        self.phases[phase].conditions.iter().all(|c| {
            let range = if entering { c.enter } else { c.exit };
            values
                .get(c.measurement)
                .copied()
                .flatten()
                .is_some_and(|v| range.contains(v))
        })
    }

    /// Takes the measurements at `t_ms`; returns the phase entered now.
    pub fn update(&mut self, t_ms: f64, values: &[Option<f64>]) -> Option<usize> {
        if self.phase.is_some_and(|p| self.holds(p, false, values)) {
            self.candidate = None;
            return None;
        }
        if let Some(p) = self.phase
            && self.last_left.is_none_or(|(left, _)| left != p)
        {
            // The moment the person left it: a repetition starts here.
            self.last_left = Some((p, t_ms));
        }
        let entering =
            (0..self.phases.len()).find(|&p| Some(p) != self.phase && self.holds(p, true, values));
        match (entering, self.candidate) {
            (Some(p), Some((c, since))) if p == c => {
                if t_ms - since >= PHASE_DWELL_MS {
                    self.enter(p);
                    return Some(p);
                }
            }
            (Some(p), _) => self.candidate = Some((p, t_ms)),
            (None, _) => {
                self.candidate = None;
                // Left the phase for no known one: in between positions.
                self.phase = None;
            }
        }
        None
    }

    /// Nothing was judged this frame: a phase on its way in starts again.
    pub fn pause(&mut self) {
        self.candidate = None;
    }

    /// The exercise ends: a phase reached and kept to the end was
    /// reached (the wait only guards against flicker, and nothing comes
    /// after the last frame). Returns it.
    pub fn settle(&mut self) -> Option<usize> {
        let (p, _) = self.candidate?;
        self.enter(p);
        Some(p)
    }

    fn enter(&mut self, phase: usize) {
        self.candidate = None;
        if self.last_left.is_some_and(|(left, _)| left == phase) {
            self.last_left = None;
        }
        self.phase = Some(phase);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::model::{PhaseCondition, Range};

    /// "up" at 160-180 (exit 150), "down" at 0-100 (exit 110), on
    /// measurement 0.
    fn machine() -> PhaseMachine {
        let phase = |name: &str, enter: (f64, f64), exit: (f64, f64)| Phase {
            name: name.into(),
            conditions: vec![PhaseCondition {
                measurement: 0,
                enter: Range {
                    min: enter.0,
                    max: enter.1,
                },
                exit: Range {
                    min: exit.0,
                    max: exit.1,
                },
            }],
        };
        PhaseMachine::new(vec![
            phase("up", (160.0, 180.0), (150.0, 180.0)),
            phase("down", (0.0, 100.0), (0.0, 110.0)),
        ])
    }

    /// Feeds one value per 50 ms frame from `t0_ms`; returns the phases
    /// entered, with when.
    fn feed(m: &mut PhaseMachine, t0_ms: f64, values: &[f64]) -> Vec<(f64, usize)> {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, &v)| {
                let t = t0_ms + i as f64 * 50.0;
                m.update(t, &[Some(v)]).map(|p| (t, p))
            })
            .collect()
    }

    #[test]
    fn a_phase_is_entered_after_its_dwell() {
        let mut m = machine();
        assert_eq!(feed(&mut m, 0.0, &[170.0; 4]), [(150.0, 0)]);
        assert_eq!(m.phase(), Some(0));
    }

    #[test]
    fn a_flicker_shorter_than_the_dwell_enters_nothing() {
        let mut m = machine();
        assert!(feed(&mut m, 0.0, &[170.0, 170.0, 120.0, 170.0, 170.0, 130.0]).is_empty());
        assert_eq!(m.phase(), None);
    }

    #[test]
    fn hysteresis_keeps_a_phase_until_its_exit_range_is_left() {
        let mut m = machine();
        feed(&mut m, 0.0, &[170.0; 4]);
        // 155 is outside "up"'s enter range but inside its exit range.
        assert!(feed(&mut m, 200.0, &[155.0; 10]).is_empty());
        assert_eq!(m.phase(), Some(0));
        // Below 150 it is left, for no phase: in between.
        feed(&mut m, 700.0, &[140.0]);
        assert_eq!(m.phase(), None);
        assert_eq!(m.last_left(), Some((0, 700.0)));
    }

    #[test]
    fn the_moment_a_phase_is_left_is_kept_until_it_is_entered_again() {
        let mut m = machine();
        feed(&mut m, 0.0, &[170.0; 4]);
        // Down through the in-between values into "down".
        let entered = feed(&mut m, 200.0, &[140.0, 120.0, 90.0, 90.0, 90.0, 90.0]);
        assert_eq!(entered, [(450.0, 1)]);
        assert_eq!(m.last_left(), Some((0, 200.0)));
        // Back up: "down" is now the one left, and re-entering "up"
        // forgets it was left.
        feed(&mut m, 500.0, &[170.0; 4]);
        assert_eq!(m.phase(), Some(0));
        assert_eq!(m.last_left(), Some((1, 500.0)));
    }

    #[test]
    fn the_end_settles_a_phase_on_its_way_in() {
        let mut m = machine();
        feed(&mut m, 0.0, &[170.0, 170.0]);
        assert_eq!(m.settle(), Some(0));
        assert_eq!(m.phase(), Some(0));
        assert_eq!(m.settle(), None);
        let mut m = machine();
        feed(&mut m, 0.0, &[170.0, 170.0]);
        m.pause();
        assert_eq!(m.settle(), None);
    }
}
