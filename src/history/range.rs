//! Best range of motion: per exercise, the best value of its progress
//! measurement that was held for at least half a second, so a single
//! jittery frame never sets a record.

use std::collections::{BTreeMap, VecDeque};

use crate::exercise::model::{Better, Exercise, Follow};
use crate::session::SessionFeedback;

/// How long a value must be held (every frame at least as good) to count.
pub const SUSTAIN_MS: f64 = 500.0;

/// One exercise's sustained best.
#[derive(Debug, Clone)]
struct Sustained {
    measurement: usize,
    better: Better,
    /// (t_ms, value) of the frames in the last `SUSTAIN_MS`, and the one
    /// just before them.
    window: VecDeque<(f64, f64)>,
    best: Option<f64>,
}

impl Sustained {
    fn observe(&mut self, t_ms: f64, value: Option<f64>) {
        let Some(value) = value else {
            // Unseen: a hold is broken.
            self.window.clear();
            return;
        };
        self.window.push_back((t_ms, value));
        let start_ms = t_ms - SUSTAIN_MS;
        while self.window.len() > 1 && self.window[1].0 <= start_ms {
            self.window.pop_front();
        }
        if self.window[0].0 <= start_ms {
            let better = self.better;
            let held = self
                .window
                .iter()
                .map(|w| w.1)
                .reduce(|a, b| better.worst(a, b))
                .unwrap_or(value);
            self.best = Some(self.best.map_or(held, |b| better.best(b, held)));
        }
    }
}

/// The sustained best of every exercise seen, by exercise id.
#[derive(Debug, Clone, Default)]
pub struct RangeTracker {
    exercises: BTreeMap<String, Sustained>,
}

impl RangeTracker {
    /// Takes one frame's feedback for `exercise` (the one the feedback is
    /// about). Frames of the "get ready" pause and after a stop are left out.
    pub fn observe(&mut self, exercise: &Exercise, feedback: &SessionFeedback) {
        // The longest hold comes from the session's holds, not from here.
        let (measurement, better, target) = match exercise.progress.as_ref().and_then(|p| p.range) {
            Some(Follow::Measurement {
                measurement,
                better,
            }) => (measurement, better, None),
            Some(Follow::Closest {
                measurement,
                target,
            }) => (measurement, Better::Lower, Some(target)),
            Some(Follow::HoldTime) | None => return,
        };
        if feedback.exercise_id != exercise.id {
            return;
        }
        let sustained = self
            .exercises
            .entry(exercise.id.clone())
            .or_insert_with(|| Sustained {
                measurement,
                better,
                window: VecDeque::new(),
                best: None,
            });
        let f = &feedback.feedback;
        let value = if feedback.get_ready_s.is_none() && f.stopped.is_none() {
            f.readings
                .get(sustained.measurement)
                .and_then(|r| r.value)
                .map(|v| target.map_or(v, |t| (v - t).abs()))
        } else {
            None
        };
        sustained.observe(f.t_ms, value);
    }

    /// The best value held for `SUSTAIN_MS`, if any was.
    pub fn best(&self, exercise_id: &str) -> Option<f64> {
        self.exercises.get(exercise_id)?.best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(better: Better, samples: &[(f64, Option<f64>)]) -> Option<f64> {
        let mut s = Sustained {
            measurement: 0,
            better,
            window: VecDeque::new(),
            best: None,
        };
        for &(t, v) in samples {
            s.observe(t, v);
        }
        s.best
    }

    fn frames(values: &[f64]) -> Vec<(f64, Option<f64>)> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as f64 * 100.0, Some(v)))
            .collect()
    }

    #[test]
    fn a_one_frame_spike_is_not_a_record() {
        // 100 ms frames: 120 held for 0.6 s, one frame of 150.
        let samples = frames(&[
            100.0, 120.0, 120.0, 120.0, 120.0, 120.0, 120.0, 150.0, 120.0,
        ]);
        assert_eq!(run(Better::Higher, &samples), Some(120.0));
    }

    #[test]
    fn lower_is_better_takes_the_deepest_held_value() {
        let samples = frames(&[0.0, -20.0, -25.0, -25.0, -24.0, -26.0, -25.0, -25.0, -5.0]);
        // The worst of the best 0.5 s window: -24 .. -26 held, worst is -24.
        assert_eq!(run(Better::Lower, &samples), Some(-24.0));
    }

    #[test]
    fn nothing_held_long_enough_gives_none_and_gaps_break_a_hold() {
        assert_eq!(run(Better::Higher, &frames(&[1.0, 2.0, 3.0])), None);
        let mut samples = frames(&[5.0, 5.0, 5.0, 5.0, 5.0, 5.0]);
        samples[3].1 = None;
        assert_eq!(run(Better::Higher, &samples), None);
    }
}
