//! Front-view exercises performed by the kinematic body model.

// Tests fail by panicking with the value; helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::performances::*;
use common::*;
use posecoach::pose::Landmark;

#[test]
fn neck_stretch_counts_full_slow_sequences() {
    let ex = exercise("neck-stretch");
    for conditions in [clean(), jittery()] {
        let out = run(&ex, &neck_sequence(5, 2.0, 40.0), &conditions);
        assert_eq!(out.reps(), 5, "{:?}", out.cues());
        assert!(out.completed());
    }
}

#[test]
fn neck_stretch_too_fast_or_not_low_enough_does_not_count() {
    let ex = exercise("neck-stretch");
    let out = run(&ex, &neck_sequence(2, 0.6, 40.0), &clean());
    assert_eq!(out.reps(), 0);
    assert!(out.said("slower"), "{:?}", out.cues());
    let out = run(&ex, &neck_sequence(2, 2.0, 72.0), &jittery());
    assert_eq!(out.reps(), 0);
    assert!(out.said("chin down to your chest"), "{:?}", out.cues());
}

#[test]
fn neck_stretch_skipping_the_left_turn_does_not_count() {
    let ex = exercise("neck-stretch");
    let m = Motion::start(neck(110.0, 0.0))
        .hold(1.0)
        .to(neck(40.0, 0.0), 2.0)
        .to(neck(45.0, -30.0), 2.0)
        .hold(0.5)
        .to(neck(110.0, 0.0), 2.0)
        .hold(1.0);
    let out = run(&ex, &m, &clean());
    assert_eq!(out.reps(), 0);
    assert!(out.said("stages in order"), "{:?}", out.cues());
}

#[test]
fn scapular_squeeze_counts_ten_held_squeezes() {
    let ex = exercise("scapular-squeeze");
    let m =
        Motion::start(arms_out(0.0, 90.0))
            .hold(1.0)
            .reps(arms_out(15.0, 90.0), 10, 1.0, 3.5, 1.0);
    for conditions in [clean(), jittery()] {
        let out = run(&ex, &m, &conditions);
        assert_eq!(out.reps(), 10, "{:?}", out.cues());
        assert_eq!(out.holds().len(), 10);
    }
}

#[test]
fn scapular_squeeze_arms_not_at_ninety_degrees_is_told() {
    let ex = exercise("scapular-squeeze");
    // Arms only 45 degrees out from the body.
    let m =
        Motion::start(arms_out(0.0, 45.0))
            .hold(1.0)
            .reps(arms_out(30.0, 45.0), 2, 1.0, 3.5, 1.0);
    let out = run(&ex, &m, &jittery());
    assert_eq!(out.reps(), 0);
    assert!(out.said("90 degrees"), "{:?}", out.cues());
}

#[test]
fn scapular_squeeze_with_a_wrist_out_of_the_picture_counts_nothing() {
    let ex = exercise("scapular-squeeze");
    let m =
        Motion::start(arms_out(0.0, 90.0))
            .hold(1.0)
            .reps(arms_out(15.0, 90.0), 2, 1.0, 3.5, 1.0);
    let out = run(&ex, &m, &out_of_picture(&[Landmark::LeftWrist]));
    assert_eq!(out.reps(), 0);
    assert!(
        out.said("step into the frame: i can't see your hands"),
        "{:?}",
        out.cues()
    );
}
