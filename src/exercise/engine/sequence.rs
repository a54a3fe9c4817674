//! A repetition as phases in order: where the person is in the sequence,
//! when the repetition began, and what went wrong on the way.

use super::phases::PhaseMachine;

/// What entering a phase did to the repetition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// At the start position (again): no repetition under way.
    AtStart,
    /// The start was left: a repetition began, timed from `t_start_ms`.
    Began { t_start_ms: f64 },
    /// Back at the start before the end, after `stages_done` stages.
    Incomplete { stages_done: usize },
    /// A stage out of order: the sequence starts again.
    OutOfOrder,
    /// The last stage: a repetition is done.
    Finished { t_start_ms: f64 },
    /// A stage that may be left out was: the repetition goes on.
    Skipped { stage: usize },
}

/// Follows a repetition through `reps.sequence`.
#[derive(Debug, Clone)]
pub struct SequenceCounter {
    sequence: Vec<usize>,
    /// Per stage: whether a repetition may leave it out.
    skippable: Vec<bool>,
    /// Back at the start for less than this in the middle of a repetition
    /// is passing through it (0: the repetition ends there).
    pass_start_ms: f64,
    /// Stages done of the repetition under way (0: not at the start yet).
    progress: usize,
    rep_start_ms: f64,
    /// A phase has been entered since the exercise began.
    entered_any: bool,
    /// Since when the person is back at the start in the middle of a
    /// repetition (passing through it, until `pass_start_ms`).
    at_start_since_ms: Option<f64>,
}

impl SequenceCounter {
    /// `skippable` lists the stages (indices into `sequence`) a repetition
    /// may leave out.
    pub fn new(sequence: Vec<usize>, skippable: &[usize], pass_start_s: f64) -> SequenceCounter {
        let skippable = (0..sequence.len())
            .map(|i| skippable.contains(&i))
            .collect();
        SequenceCounter {
            sequence,
            skippable,
            pass_start_ms: pass_start_s * 1000.0,
            progress: 0,
            rep_start_ms: 0.0,
            entered_any: false,
            at_start_since_ms: None,
        }
    }

    /// Called every frame: back at the start for `pass_start_ms`, the
    /// repetition under way ends there, incomplete.
    pub fn tick(&mut self, t_ms: f64) -> Vec<Step> {
        match self.at_start_since_ms {
            Some(since) if t_ms - since >= self.pass_start_ms => self.back_at_start(),
            _ => Vec::new(),
        }
    }

    /// The repetition under way ends at the start, incomplete.
    fn back_at_start(&mut self) -> Vec<Step> {
        self.at_start_since_ms = None;
        let mut steps = Vec::new();
        if self.progress > 1 {
            steps.push(Step::Incomplete {
                stages_done: self.progress,
            });
        }
        self.progress = 1;
        steps.push(Step::AtStart);
        steps
    }

    /// Where `phase` is next in the sequence from the stage expected now,
    /// leaving out only stages that may be left out.
    fn ahead(&self, phase: usize) -> Option<usize> {
        (self.progress..self.sequence.len())
            .find(|&i| self.sequence[i] == phase || !self.skippable[i])
            .filter(|&i| self.sequence[i] == phase)
    }

    /// The start position has been reached.
    pub fn started(&self) -> bool {
        self.progress > 0
    }

    /// Past the start: a repetition is under way.
    pub fn under_way(&self) -> bool {
        self.progress >= 2
    }

    /// The person entered `phase` at `t_ms`. `first_seen` is when they
    /// were first judged and whether they were then already in the second
    /// stage; `phases` says when the start was left.
    pub fn enter(
        &mut self,
        t_ms: f64,
        phase: usize,
        first_seen: Option<(f64, bool)>,
        phases: &mut PhaseMachine,
    ) -> Vec<Step> {
        let first_phase = !std::mem::replace(&mut self.entered_any, true);
        let Some(position) = self.sequence.iter().position(|&p| p == phase) else {
            return Vec::new();
        };
        let mut steps = Vec::new();
        if self.at_start_since_ms.is_some() {
            if self.sequence.get(self.progress) == Some(&phase) {
                // Passed through the start on the way to the next stage.
                self.at_start_since_ms = None;
            } else {
                steps.extend(self.back_at_start());
                if position == 0 {
                    return steps;
                }
            }
        }
        let sequence = &self.sequence;
        if let (true, 1, 0, Some((seen_ms, false))) =
            (first_phase, position, self.progress, first_seen)
        {
            // First seen at or just past the start position, on the way to
            // this stage, too briefly to enter the start: they left it as
            // they came into view (a camera started a moment late).
            self.progress = 1;
            phases.left_at(sequence[0], seen_ms);
        }
        let before = self.progress;
        let ahead = (self.progress > 0).then(|| self.ahead(phase)).flatten();
        let mut skipped = Vec::new();
        if let Some(stage) = ahead {
            skipped.extend((self.progress..stage).map(|stage| Step::Skipped { stage }));
            self.progress = stage + 1;
        } else if position > 0 && position < self.progress {
            // Passing back through a stage already done (on the way back to
            // the start) is part of the movement.
            return steps;
        } else if position == 0 {
            if self.progress > 1 && self.pass_start_ms > 0.0 {
                // Perhaps only passing through (a head turning from one
                // side to the other): decided by the next phase, or by
                // staying.
                self.at_start_since_ms = Some(t_ms);
                return steps;
            }
            if self.progress > 1 {
                steps.push(Step::Incomplete {
                    stages_done: self.progress,
                });
            }
            self.progress = 1;
        } else {
            // Before the start position is reached there is no order to
            // keep yet: the start hint tells them where to begin.
            if self.progress > 0 {
                steps.push(Step::OutOfOrder);
            }
            self.progress = 0;
            return steps;
        }
        if self.progress == 1 {
            steps.push(Step::AtStart);
        }
        if (before <= 1 && self.progress >= 2) || (self.progress == 1 && sequence.len() == 1) {
            // Leaving the start position begins a repetition: it is timed
            // from the moment the person left it, not from reaching the
            // next stage (a real push-up takes a second all told).
            self.rep_start_ms = match phases.last_left() {
                Some((left, left_ms)) if self.progress >= 2 && left == sequence[0] => left_ms,
                _ => t_ms,
            };
            steps.push(Step::Began {
                t_start_ms: self.rep_start_ms,
            });
        }
        // Said with the count of the repetition that began.
        steps.extend(skipped);
        if self.progress == sequence.len() {
            steps.push(Step::Finished {
                t_start_ms: self.rep_start_ms,
            });
            self.progress = usize::from(sequence.last() == sequence.first());
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::model::{Phase, PhaseCondition, Range};

    /// Three phases on one measurement: 0 "down" (0-10), 1 "mid"
    /// (20-40), 2 "up" (50-90); a repetition is down, mid, up, down.
    fn setup() -> (SequenceCounter, PhaseMachine) {
        setup_with(&[], 0.0)
    }

    /// As `setup`, with stages that may be left out and a pass through
    /// the start.
    fn setup_with(skippable: &[usize], pass_start_s: f64) -> (SequenceCounter, PhaseMachine) {
        let phase = |min: f64, max: f64| Phase {
            name: format!("{min}"),
            conditions: vec![PhaseCondition {
                measurement: 0,
                enter: Range { min, max },
                exit: Range { min, max },
            }],
        };
        (
            SequenceCounter::new(vec![0, 1, 2, 0], skippable, pass_start_s),
            PhaseMachine::new(vec![phase(0.0, 10.0), phase(20.0, 40.0), phase(50.0, 90.0)]),
        )
    }

    /// Walks the measurement through `values`, 50 ms a frame, and
    /// collects the steps.
    fn walk(values: &[f64]) -> Vec<(f64, Step)> {
        walk_with(setup(), values)
    }

    fn walk_with(setup: (SequenceCounter, PhaseMachine), values: &[f64]) -> Vec<(f64, Step)> {
        let (mut counter, mut phases) = setup;
        let mut out = Vec::new();
        for (i, &v) in values.iter().enumerate() {
            let t = i as f64 * 50.0;
            if let Some(p) = phases.update(t, &[Some(v)]) {
                let seen = Some((0.0, false));
                out.extend(
                    counter
                        .enter(t, p, seen, &mut phases)
                        .into_iter()
                        .map(|s| (t, s)),
                );
            }
            out.extend(counter.tick(t).into_iter().map(|s| (t, s)));
        }
        out
    }

    fn hold(v: f64, frames: usize) -> Vec<f64> {
        vec![v; frames]
    }

    #[test]
    fn a_repetition_is_timed_from_leaving_the_start() {
        let values = [hold(5.0, 6), hold(30.0, 6), hold(70.0, 6), hold(5.0, 6)].concat();
        let steps = walk(&values);
        assert_eq!(steps[0], (150.0, Step::AtStart));
        // Left "down" at frame 6 (300 ms), entered "mid" at 450 ms.
        assert_eq!(steps[1], (450.0, Step::Began { t_start_ms: 300.0 }));
        assert_eq!(steps[2], (1050.0, Step::Finished { t_start_ms: 300.0 }));
        assert_eq!(steps.len(), 3);
    }

    #[test]
    fn coming_back_early_is_incomplete() {
        let values = [hold(5.0, 6), hold(30.0, 6), hold(5.0, 6)].concat();
        let steps: Vec<Step> = walk(&values).into_iter().map(|s| s.1).collect();
        assert_eq!(
            steps,
            [
                Step::AtStart,
                Step::Began { t_start_ms: 300.0 },
                Step::Incomplete { stages_done: 2 },
                Step::AtStart
            ]
        );
    }

    #[test]
    fn skipping_a_stage_is_out_of_order() {
        let values = [hold(5.0, 6), hold(70.0, 6)].concat();
        let steps: Vec<Step> = walk(&values).into_iter().map(|s| s.1).collect();
        assert_eq!(steps, [Step::AtStart, Step::OutOfOrder]);
    }

    #[test]
    fn first_seen_on_the_way_out_of_the_start_counts_from_then() {
        // The camera starts as the person passes the start: "mid" is the
        // first phase entered.
        let values = [hold(30.0, 6), hold(70.0, 6), hold(5.0, 6)].concat();
        let steps: Vec<Step> = walk(&values).into_iter().map(|s| s.1).collect();
        assert_eq!(
            steps,
            [
                Step::Began { t_start_ms: 0.0 },
                Step::Finished { t_start_ms: 0.0 }
            ]
        );
    }

    #[test]
    fn a_stage_that_may_be_left_out_is_skipped_and_said() {
        // "mid" may be left out: straight from down to up counts.
        let values = [hold(5.0, 6), hold(70.0, 6), hold(5.0, 6)].concat();
        let steps: Vec<Step> = walk_with(setup_with(&[1], 0.0), &values)
            .into_iter()
            .map(|s| s.1)
            .collect();
        assert_eq!(
            steps,
            [
                Step::AtStart,
                Step::Began { t_start_ms: 300.0 },
                Step::Skipped { stage: 1 },
                Step::Finished { t_start_ms: 300.0 },
            ]
        );
    }

    #[test]
    fn passing_through_the_start_mid_repetition_goes_on() {
        let setup = || setup_with(&[], 1.0);
        // Down, mid, a moment (0.4 s) down again, up, down: one repetition.
        let values = [
            hold(5.0, 6),
            hold(30.0, 6),
            hold(5.0, 8),
            hold(70.0, 6),
            hold(5.0, 6),
        ]
        .concat();
        let steps: Vec<Step> = walk_with(setup(), &values)
            .into_iter()
            .map(|s| s.1)
            .collect();
        assert!(
            steps.contains(&Step::Finished { t_start_ms: 300.0 }),
            "{steps:?}"
        );
        assert!(
            !steps.iter().any(|s| matches!(s, Step::Incomplete { .. })),
            "{steps:?}"
        );
        // Staying down for the pass's time ends it, incomplete.
        let values = [hold(5.0, 6), hold(30.0, 6), hold(5.0, 30)].concat();
        let steps: Vec<(f64, Step)> = walk_with(setup(), &values);
        let incomplete = steps
            .iter()
            .find(|s| matches!(s.1, Step::Incomplete { .. }))
            .expect("incomplete");
        // Back down entered at 750 ms; a second later.
        assert_eq!(incomplete.0, 1750.0, "{steps:?}");
    }
}
