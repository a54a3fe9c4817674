//! Counting circles (shoulder rolls): turns of a point, forward then
//! backward, each circle timed so one made too fast does not count.
//!
//! Fed the signed number of forward turns measured so far (a
//! [`CircleTracker`](crate::geometry::CircleTracker)'s total); pure.

use crate::exercise::model::Direction;

/// A circle counts once this close to a whole turn. The tracker's centre
/// settles during the first circle, which it under-counts by up to a
/// quarter turn; without slack the last circle of a direction would never
/// count. Only when a circle counts moves, not how many count.
const COUNT_SLACK_TURNS: f64 = 0.35;
/// A circle's clock starts once the point has gone this far round.
const START_TURNS: f64 = 0.05;
/// A circle is timed over at least this much of a turn before it counts:
/// when the tracker's centre jumps, the point can cover most of a turn in
/// one frame, and a speed taken from such a sliver of time is meaningless.
const MIN_TIMED_TURNS: f64 = 0.6;
/// Turning the wrong way by this much of a turn gets a cue.
const WRONG_WAY_TURNS: f64 = 0.6;

/// What a new measurement did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CircleEvent {
    /// A circle counted, timed from `t_start_ms`.
    Counted {
        t_start_ms: f64,
        direction: Direction,
        /// Circles of this direction so far, this one included.
        of_direction: u32,
        /// The direction to roll next, when this one is done and another
        /// follows in the set (None: the same, or the set is done).
        next: Option<Direction>,
    },
    /// A whole circle, but faster than the minimum: not counted.
    TooFast,
    /// Turning against the direction asked for.
    WrongWay(Direction),
}

/// Circles per direction, in the order of `directions`.
#[derive(Debug, Clone)]
pub struct CircleCounter {
    per_direction: u32,
    directions: Vec<Direction>,
    min_s_per_turn: f64,
    /// A circle slower than this is drift, not a roll (0: no limit).
    max_s_per_turn: f64,
    index: usize,
    /// The turns measured where the current direction's counting began.
    base: f64,
    counted: u32,
    /// When, and at what progress, the current circle's clock started.
    clock: Option<(f64, f64)>,
    /// Turns gone the wrong way before a direction's first circle.
    wrong_way_turns: f64,
    seen: bool,
}

impl CircleCounter {
    pub fn new(
        per_direction: u32,
        directions: Vec<Direction>,
        min_s_per_turn: f64,
        max_s_per_turn: f64,
    ) -> Self {
        CircleCounter {
            per_direction,
            directions,
            min_s_per_turn,
            max_s_per_turn,
            index: 0,
            base: 0.0,
            counted: 0,
            clock: None,
            wrong_way_turns: 0.0,
            seen: false,
        }
    }

    /// The direction being counted.
    pub fn direction(&self) -> Option<Direction> {
        self.directions.get(self.index).copied()
    }

    fn signed(direction: Direction, turns_forward: f64) -> f64 {
        match direction {
            Direction::Forward => turns_forward,
            Direction::Backward => -turns_forward,
        }
    }

    /// Whether a circle has counted.
    pub fn counted_any(&self) -> bool {
        self.counted > 0 || self.index > 0
    }

    /// The turns measured at a moment circles do not count (the arms
    /// swinging): the circle under way is dropped.
    pub fn pause(&mut self, turns_forward: f64) {
        if let Some(direction) = self.direction() {
            self.base = Self::signed(direction, turns_forward) - f64::from(self.counted);
        }
        self.clock = None;
        self.seen = true;
    }

    /// Takes the forward turns measured at `t_ms`.
    pub fn update(&mut self, t_ms: f64, turns_forward: f64) -> Option<CircleEvent> {
        let direction = self.direction()?;
        let signed = Self::signed(direction, turns_forward);
        if !self.seen {
            self.seen = true;
            self.base = signed;
            return None;
        }
        let counted = f64::from(self.counted);
        if self.counted == 0 && self.clock.is_none() {
            // Until the first circle of a direction starts, its start point
            // follows the point back: a circle is counted from where it
            // turned round. A whole circle back is the wrong way.
            if signed < self.base {
                self.wrong_way_turns += self.base - signed;
                self.base = signed;
            }
            if self.wrong_way_turns >= 1.0 - COUNT_SLACK_TURNS {
                self.wrong_way_turns = 0.0;
                return Some(CircleEvent::WrongWay(direction));
            }
        }
        let progress = signed - self.base;
        if progress < counted - WRONG_WAY_TURNS {
            self.base = signed - counted;
            self.clock = None;
            return Some(CircleEvent::WrongWay(direction));
        }
        if let Some((start_ms, _)) = self.clock
            && self.max_s_per_turn > 0.0
            && t_ms - start_ms > self.max_s_per_turn * 1000.0
        {
            // Too slow for a roll: the point drifted round.
            self.pause(turns_forward);
            return None;
        }
        let Some((start_ms, start_progress)) = self.clock else {
            // The clock of a circle starts when the point starts round.
            if progress > counted + START_TURNS {
                self.clock = Some((t_ms, progress));
            }
            return None;
        };
        if progress < counted + 1.0 - COUNT_SLACK_TURNS {
            return None;
        }
        // Seconds per whole turn, from most of a turn timed.
        let turned = progress - start_progress;
        if turned < MIN_TIMED_TURNS {
            return None;
        }
        let s_per_turn = (t_ms - start_ms) / 1000.0 / turned;
        self.clock = Some((t_ms, progress));
        if s_per_turn < self.min_s_per_turn {
            // The circle is not counted: its turn comes off the progress.
            self.base += 1.0;
            self.clock = Some((t_ms, progress - 1.0));
            return Some(CircleEvent::TooFast);
        }
        self.counted += 1;
        let of_direction = self.counted;
        let mut next = None;
        if self.counted >= self.per_direction {
            self.index = (self.index + 1) % self.directions.len();
            self.counted = 0;
            self.clock = None;
            self.wrong_way_turns = 0.0;
            let following = self.direction()?;
            self.base = Self::signed(following, turns_forward);
            next = (self.index != 0).then_some(following);
        }
        Some(CircleEvent::Counted {
            t_start_ms: start_ms,
            direction,
            of_direction,
            next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME_MS: f64 = 1000.0 / 30.0;

    /// Feeds turns sampled every frame; returns what happened and when.
    fn feed(counter: &mut CircleCounter, turns: &[f64]) -> Vec<(f64, CircleEvent)> {
        turns
            .iter()
            .enumerate()
            .filter_map(|(i, &t)| {
                let t_ms = i as f64 * FRAME_MS;
                counter.update(t_ms, t).map(|e| (t_ms, e))
            })
            .collect()
    }

    /// Smooth turning at `s_per_turn`, for `seconds`, from `from` turns.
    fn steady(from: f64, s_per_turn: f64, seconds: f64) -> Vec<f64> {
        let n = (seconds * 30.0).round() as usize;
        (0..n)
            .map(|i| from + i as f64 * FRAME_MS / 1000.0 / s_per_turn)
            .collect()
    }

    fn counted(events: &[(f64, CircleEvent)]) -> Vec<(f64, f64)> {
        events
            .iter()
            .filter_map(|(t, e)| match e {
                CircleEvent::Counted { t_start_ms, .. } => Some((*t_start_ms, *t)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn steady_circles_count_each_turn() {
        let mut c = CircleCounter::new(20, vec![Direction::Forward], 1.2, 0.0);
        let events = feed(&mut c, &steady(0.0, 2.0, 10.2));
        let reps = counted(&events);
        assert_eq!(reps.len(), 5, "{events:?}");
        for (start_ms, end_ms) in reps.iter().skip(1) {
            assert!(((end_ms - start_ms) / 1000.0 - 2.0).abs() < 0.1, "{reps:?}");
        }
    }

    #[test]
    fn fast_circles_do_not_count() {
        let mut c = CircleCounter::new(20, vec![Direction::Forward], 1.2, 0.0);
        let events = feed(&mut c, &steady(0.0, 0.6, 6.0));
        assert!(counted(&events).is_empty(), "{events:?}");
        assert!(events.iter().any(|(_, e)| *e == CircleEvent::TooFast));
    }

    #[test]
    fn a_jump_of_the_centre_is_not_timed_as_a_circle() {
        // Still shoulders, then the tracker's centre jumps: the measured
        // turns leap to just short of a count in one frame and creep on
        // by jitter. Timed from the frame of the leap, 0.03 of a turn in
        // 0.1 s passes for a circle of 2 s per turn (squat and aerobics
        // clips counted "circles" of 0.06 s this way); timed over most
        // of a turn, it is no circle at all.
        let mut turns = vec![0.0; 30];
        turns.extend((0..10).map(|i| 0.62 + 0.01 * f64::from(i)));
        let mut c = CircleCounter::new(20, vec![Direction::Forward], 1.2, 0.0);
        let events = feed(&mut c, &turns);
        assert!(counted(&events).is_empty(), "{events:?}");
    }

    #[test]
    fn no_circle_is_timed_over_less_than_most_of_a_turn() {
        // Whatever the turns do, a circle that counts took at least the
        // least time for most of a turn.
        let mut rng = 12345_u64;
        let mut turns = Vec::new();
        let mut t = 0.0;
        for _ in 0..3000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let step = (rng % 1000) as f64 / 1000.0;
            // Mostly small steps, now and then a leap.
            t += if step > 0.97 {
                step - 0.4
            } else {
                step * 0.02 - 0.005
            };
            turns.push(t);
        }
        let mut c = CircleCounter::new(1000, vec![Direction::Forward], 1.2, 0.0);
        let events = feed(&mut c, &turns);
        let reps = counted(&events);
        assert!(!reps.is_empty(), "{events:?}");
        for (start_ms, end_ms) in reps {
            assert!(end_ms - start_ms >= MIN_TIMED_TURNS * 1200.0 - 1e-6);
        }
    }

    #[test]
    fn forward_then_backward_in_turn() {
        let mut c = CircleCounter::new(2, vec![Direction::Forward, Direction::Backward], 1.2, 0.0);
        let mut turns = steady(0.0, 2.0, 5.0);
        let top = *turns.last().unwrap();
        turns.extend(steady(-top, 2.0, 5.0).iter().map(|t| -t));
        let events = feed(&mut c, &turns);
        let done: Vec<_> = events
            .iter()
            .filter_map(|(_, e)| match e {
                CircleEvent::Counted {
                    direction, next, ..
                } => Some((*direction, *next)),
                _ => None,
            })
            .collect();
        assert_eq!(
            done,
            [
                (Direction::Forward, None),
                (Direction::Forward, Some(Direction::Backward)),
                (Direction::Backward, None),
                (Direction::Backward, None),
            ],
            "{events:?}"
        );
    }

    #[test]
    fn turning_the_wrong_way_is_told() {
        let mut c = CircleCounter::new(20, vec![Direction::Forward], 1.2, 0.0);
        let backward: Vec<f64> = steady(0.0, 2.0, 3.0).iter().map(|t| -t).collect();
        let events = feed(&mut c, &backward);
        assert!(
            events
                .iter()
                .any(|(_, e)| *e == CircleEvent::WrongWay(Direction::Forward)),
            "{events:?}"
        );
        assert!(counted(&events).is_empty());
    }
}
