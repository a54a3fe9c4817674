//! Timing a hold: seconds in position and in form, a short break forgiven
//! (the grace), the target time reached, and the hold's end.

use crate::exercise::model::Hold;

/// A hold that reached its target time and has ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompletedHold {
    pub t_start_ms: f64,
    pub t_end_ms: f64,
    pub in_form_s: f64,
    /// Mean form score while held, 0-100.
    pub score: f64,
}

impl CompletedHold {
    pub fn duration_s(&self) -> f64 {
        (self.t_end_ms - self.t_start_ms) / 1000.0
    }
}

/// What one frame did to the hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HoldChange {
    Started,
    TargetReached,
    /// The hold ended: completed when it reached its time, else only how
    /// long it lasted.
    Ended {
        completed: Option<CompletedHold>,
        held_s: f64,
    },
}

/// Where the person is, for the hold, on one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// In the hold's phase, seen, in form.
    Holding,
    /// Out of it: a break the grace may forgive.
    Away,
    /// In another phase: a hold under way ends at once, grace or not.
    MovedOn,
}

/// The hold under way, if any.
#[derive(Debug, Clone, Default)]
pub struct HoldTimer {
    active: bool,
    start_ms: f64,
    held_s: f64,
    in_form_s: f64,
    grace_since_ms: Option<f64>,
    target_reached: bool,
    score_sum: f64,
    score_n: u32,
}

impl HoldTimer {
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Seconds held so far (0 when no hold is under way).
    pub fn held_s(&self) -> f64 {
        if self.active { self.held_s } else { 0.0 }
    }

    /// A hold is under way and in form now (not in its grace).
    pub fn in_form(&self) -> bool {
        self.active && self.grace_since_ms.is_none()
    }

    /// Takes one frame, `dt_s` after the last, with its form score.
    pub fn update(
        &mut self,
        hold: &Hold,
        t_ms: f64,
        dt_s: f64,
        position: Position,
        score: Option<f64>,
    ) -> Vec<HoldChange> {
        let mut changes = Vec::new();
        if position == Position::Holding {
            if !self.active {
                *self = HoldTimer {
                    active: true,
                    start_ms: t_ms,
                    ..HoldTimer::default()
                };
                changes.push(HoldChange::Started);
            } else {
                self.held_s += dt_s;
                self.in_form_s += dt_s;
            }
            self.grace_since_ms = None;
            if let Some(score) = score {
                self.score_sum += score;
                self.score_n += 1;
            }
            if self.held_s >= hold.target_s && !self.target_reached {
                self.target_reached = true;
                changes.push(HoldChange::TargetReached);
            }
        } else if self.active {
            let since = *self.grace_since_ms.get_or_insert(t_ms);
            if t_ms - since > hold.grace_s * 1000.0 || position == Position::MovedOn {
                changes.push(self.end(since));
            }
        }
        changes
    }

    /// Ends the hold under way at `t_ms` (the exercise ended or was
    /// stopped): at the start of its grace, if it is in one.
    pub fn end_now(&mut self, t_ms: f64) -> Option<HoldChange> {
        self.active
            .then(|| self.end(self.grace_since_ms.unwrap_or(t_ms)))
    }

    fn end(&mut self, end_ms: f64) -> HoldChange {
        let hold = std::mem::take(self);
        HoldChange::Ended {
            held_s: hold.held_s,
            completed: hold.target_reached.then(|| CompletedHold {
                t_start_ms: hold.start_ms,
                t_end_ms: end_ms,
                in_form_s: hold.in_form_s,
                score: if hold.score_n > 0 {
                    hold.score_sum / f64::from(hold.score_n)
                } else {
                    100.0
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOLD: Hold = Hold {
        phase: 0,
        target_s: 2.0,
        grace_s: 0.5,
    };
    const FRAME_S: f64 = 0.1;

    /// Frames every 0.1 s: `true` holding, `false` not.
    fn feed(timer: &mut HoldTimer, frames: &[bool]) -> Vec<(f64, HoldChange)> {
        let mut out = Vec::new();
        for (i, &holding) in frames.iter().enumerate() {
            let t_ms = i as f64 * FRAME_S * 1000.0;
            let position = if holding {
                Position::Holding
            } else {
                Position::Away
            };
            for c in timer.update(&HOLD, t_ms, FRAME_S, position, Some(80.0)) {
                out.push((t_ms, c));
            }
        }
        out
    }

    #[test]
    fn a_hold_reaches_its_time_and_ends_after_the_grace() {
        let mut timer = HoldTimer::default();
        let mut frames = vec![true; 25];
        frames.extend([false; 10]);
        let changes = feed(&mut timer, &frames);
        assert_eq!(changes[0], (0.0, HoldChange::Started));
        assert_eq!(changes[1].1, HoldChange::TargetReached);
        assert!((changes[1].0 - 2000.0).abs() < 1e-6);
        // Ended where the grace began, 0.5 s before it was known.
        let (t, HoldChange::Ended { completed, .. }) = changes[2] else {
            panic!("{changes:?}");
        };
        assert!((t - 3100.0).abs() < 1e-6, "{t}");
        let done = completed.unwrap();
        assert!((done.duration_s() - 2.5).abs() < 1e-6);
        assert!((done.in_form_s - 2.4).abs() < 1e-6);
        assert_eq!(done.score, 80.0);
        assert!(!timer.is_active());
    }

    #[test]
    fn a_short_break_is_forgiven_and_not_counted_in_form() {
        let mut timer = HoldTimer::default();
        let mut frames = vec![true; 10];
        frames.extend([false; 3]);
        frames.extend([true; 15]);
        let changes = feed(&mut timer, &frames);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(changes[1].1, HoldChange::TargetReached);
        // 2.7 s from the start, 2.4 in form: the break's 0.3 s are not.
        assert!(timer.in_form());
        let Some(HoldChange::Ended {
            completed: Some(done),
            ..
        }) = timer.end_now(2800.0)
        else {
            panic!();
        };
        assert!((done.in_form_s - 2.4).abs() < 1e-6, "{done:?}");
    }

    #[test]
    fn a_hold_short_of_its_time_ends_without_completing() {
        let mut timer = HoldTimer::default();
        let mut frames = vec![true; 12];
        frames.extend([false; 7]);
        let changes = feed(&mut timer, &frames);
        let HoldChange::Ended { completed, held_s } = changes.last().unwrap().1 else {
            panic!("{changes:?}");
        };
        assert_eq!(completed, None);
        assert!((held_s - 1.1).abs() < 1e-6, "{held_s}");
    }

    #[test]
    fn moving_on_ends_a_hold_at_once_and_the_end_counts_one_under_way() {
        let mut timer = HoldTimer::default();
        feed(&mut timer, &[true; 25]);
        let c = timer.update(&HOLD, 2600.0, FRAME_S, Position::MovedOn, None);
        assert!(matches!(
            c[..],
            [HoldChange::Ended {
                completed: Some(_),
                ..
            }]
        ));
        feed(&mut timer, &[true; 25]);
        assert!(matches!(
            timer.end_now(2500.0),
            Some(HoldChange::Ended {
                completed: Some(CompletedHold {
                    t_end_ms: 2500.0,
                    ..
                }),
                ..
            })
        ));
        assert_eq!(timer.end_now(2600.0), None);
    }
}
