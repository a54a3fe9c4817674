//! Front-view exercises performed by the kinematic body model.

mod common;

use common::*;
use posecoach::pose::Landmark;

fn neck(chin_up_px: f64, nose_left_px: f64) -> FrontPose {
    FrontPose {
        nose_up: chin_up_px,
        nose_left: nose_left_px,
        ..FrontPose::standing()
    }
}

/// Chin down, then left, across to the right, and back up: `s` seconds a stage.
fn neck_sequence(times: usize, s: f64, chin_down_px: f64) -> Motion<FrontPose> {
    let mut m = Motion::start(neck(110.0, 0.0)).hold(1.0);
    for _ in 0..times {
        m = m
            .to(neck(chin_down_px, 0.0), s)
            .hold(0.5)
            .to(neck(chin_down_px + 5.0, 30.0), s)
            .hold(0.5)
            .to(neck(chin_down_px + 5.0, -30.0), s)
            .hold(0.5)
            .to(neck(110.0, 0.0), s)
            .hold(1.0);
    }
    m
}

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

fn arms_out(lift_deg: f64, spread_deg: f64) -> FrontPose {
    FrontPose {
        upper_arm: [spread_deg + lift_deg, spread_deg + lift_deg],
        forearm: [spread_deg + lift_deg * 1.3, spread_deg + lift_deg * 1.3],
        ..FrontPose::standing()
    }
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
fn scapular_squeeze_hidden_wrists_count_nothing() {
    let ex = exercise("scapular-squeeze");
    let m =
        Motion::start(arms_out(0.0, 90.0))
            .hold(1.0)
            .reps(arms_out(15.0, 90.0), 2, 1.0, 3.5, 1.0);
    let out = run(&ex, &m, &hidden(&[Landmark::LeftWrist]));
    assert_eq!(out.reps(), 0);
    assert!(out.said("step into the frame"), "{:?}", out.cues());
}
