//! The counts: repetitions in the set (per side for sided exercises), the
//! set, and whether the exercise is complete; which side may count next.

use crate::exercise::model::{Side, SideMode};

/// Why a finished repetition does not count for its side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Every repetition of this side is done (sides = "each").
    SideDone(Side),
    /// The same side twice in a row (sides = "alternating").
    NotAlternated(Side),
}

/// A repetition counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// Repetitions so far in this set: of its side, for sided exercises.
    pub of_set: u32,
    pub side: Option<Side>,
    /// The set it finished, if it did.
    pub set_done: Option<SetDone>,
}

/// A set finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetDone {
    pub set: u32,
    /// It was the last set: the exercise is complete.
    pub last: bool,
}

/// Repetitions and sets so far.
#[derive(Debug, Clone)]
pub struct Tally {
    sides: SideMode,
    per_set: u32,
    sets: u32,
    reps_in_set: u32,
    side_reps: [u32; 2],
    last_side: Option<Side>,
    /// The current set, from 1.
    set: u32,
    complete: bool,
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Left => 0,
        Side::Right => 1,
    }
}

impl Tally {
    pub fn new(sides: SideMode, per_set: u32, sets: u32) -> Tally {
        Tally {
            sides,
            per_set,
            sets,
            reps_in_set: 0,
            side_reps: [0; 2],
            last_side: None,
            set: 1,
            complete: false,
        }
    }

    /// Repetitions in this set, all sides together.
    pub fn reps_in_set(&self) -> u32 {
        self.reps_in_set
    }

    /// Left and right repetitions in this set, for sided exercises.
    pub fn side_reps(&self) -> Option<(u32, u32)> {
        matches!(self.sides, SideMode::Each | SideMode::Alternating)
            .then_some((self.side_reps[0], self.side_reps[1]))
    }

    /// The current set, from 1 (the last one once complete).
    pub fn set(&self) -> u32 {
        self.set.min(self.sets)
    }

    /// Something has been counted.
    pub fn any(&self) -> bool {
        self.reps_in_set > 0 || self.set > 1
    }

    pub fn complete(&self) -> bool {
        self.complete
    }

    /// Counts one repetition (or hold, or circle) of `side`.
    pub fn count(&mut self, side: Option<Side>) -> Result<Counted, Refused> {
        let sided = matches!(self.sides, SideMode::Each | SideMode::Alternating);
        match (self.sides, side) {
            (SideMode::Each, Some(side)) if self.side_reps[side_index(side)] >= self.per_set => {
                return Err(Refused::SideDone(side));
            }
            (SideMode::Alternating, Some(side)) if self.last_side == Some(side) => {
                return Err(Refused::NotAlternated(side));
            }
            _ => {}
        }
        self.last_side = side;
        self.reps_in_set += 1;
        let (of_set, set_full) = match side.filter(|_| sided) {
            Some(side) => {
                self.side_reps[side_index(side)] += 1;
                (
                    self.side_reps[side_index(side)],
                    self.side_reps.iter().all(|&n| n >= self.per_set),
                )
            }
            None => (self.reps_in_set, self.reps_in_set >= self.per_set),
        };
        let set_done = set_full.then(|| self.finish_set());
        Ok(Counted {
            of_set,
            side: side.filter(|_| sided),
            set_done,
        })
    }

    fn finish_set(&mut self) -> SetDone {
        let done = SetDone {
            set: self.set,
            last: self.set >= self.sets,
        };
        if done.last {
            // The counters stay full: "5 of 5", not "0 of 5", once done.
            self.complete = true;
        } else {
            self.reps_in_set = 0;
            self.side_reps = [0; 2];
            self.last_side = None;
            self.set += 1;
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_fill_and_the_last_completes_the_exercise() {
        let mut t = Tally::new(SideMode::None, 2, 2);
        assert_eq!(t.count(None).unwrap().set_done, None);
        assert_eq!(
            t.count(None).unwrap().set_done,
            Some(SetDone {
                set: 1,
                last: false
            })
        );
        assert_eq!((t.set(), t.reps_in_set()), (2, 0));
        t.count(None).unwrap();
        let last = t.count(None).unwrap();
        assert_eq!(last.of_set, 2);
        assert_eq!(last.set_done, Some(SetDone { set: 2, last: true }));
        assert!(t.complete());
        assert_eq!(t.set(), 2);
    }

    #[test]
    fn alternating_sides_must_alternate() {
        let mut t = Tally::new(SideMode::Alternating, 2, 1);
        assert_eq!(t.count(Some(Side::Left)).unwrap().of_set, 1);
        assert_eq!(
            t.count(Some(Side::Left)),
            Err(Refused::NotAlternated(Side::Left))
        );
        t.count(Some(Side::Right)).unwrap();
        t.count(Some(Side::Left)).unwrap();
        assert_eq!(t.side_reps(), Some((2, 1)));
        let done = t.count(Some(Side::Right)).unwrap();
        assert_eq!(done.set_done, Some(SetDone { set: 1, last: true }));
    }

    #[test]
    fn each_side_gets_its_repetitions_in_any_order() {
        let mut t = Tally::new(SideMode::Each, 2, 1);
        t.count(Some(Side::Right)).unwrap();
        t.count(Some(Side::Right)).unwrap();
        assert_eq!(
            t.count(Some(Side::Right)),
            Err(Refused::SideDone(Side::Right))
        );
        t.count(Some(Side::Left)).unwrap();
        assert!(t.count(Some(Side::Left)).unwrap().set_done.is_some());
    }
}
