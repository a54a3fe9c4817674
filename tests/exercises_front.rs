//! Front-view exercises performed by the kinematic body model.

// Tests fail by panicking with the value; helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::performances::*;
use common::*;
use posecoach::exercise::engine::{Engine, Event, PoseFrame};
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
fn neck_stretch_too_fast_does_not_count() {
    let ex = exercise("neck-stretch");
    let out = run(&ex, &neck_sequence(2, 0.2, 40.0), &clean());
    assert_eq!(out.reps(), 0);
    assert!(out.said("slower"), "{:?}", out.cues());
}

#[test]
fn neck_turns_without_the_chin_down_count_and_are_coached() {
    let ex = exercise("neck-stretch");
    // The chin only half down, or level (as real people turn their head),
    // the head passing the middle between the turns: counted, and told to
    // bring the chin down first next time.
    for chin_px in [72.0, 110.0] {
        let mut m = Motion::start(neck(110.0, 0.0)).hold(1.0);
        for _ in 0..2 {
            m = m
                .to(neck(chin_px, 30.0), 1.5)
                .hold(0.5)
                .to(neck(chin_px, 0.0), 0.6)
                .hold(0.3)
                .to(neck(chin_px, -30.0), 0.6)
                .hold(0.5)
                .to(neck(110.0, 0.0), 1.5)
                .hold(1.5);
        }
        let out = run(&ex, &m, &jittery());
        assert_eq!(out.reps(), 2, "{chin_px}: {:?}", out.cues());
        assert!(
            out.said("bring your chin down to your chest first next time"),
            "{:?}",
            out.cues()
        );
    }
    // Back in the middle and staying there after one turn: not counted.
    let m = Motion::start(neck(110.0, 0.0))
        .hold(1.0)
        .to(neck(110.0, 30.0), 1.5)
        .hold(0.5)
        .to(neck(110.0, 0.0), 1.5)
        .hold(2.0);
    let out = run(&ex, &m, &clean());
    assert_eq!(out.reps(), 0);
    assert!(out.said("go all the way"), "{:?}", out.cues());
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
fn scapular_squeeze_counts_nothing_standing_up() {
    let ex = exercise("scapular-squeeze");
    // The same squeezes standing facing the camera (arms lifting like a
    // person clapping overhead): not lying face down.
    let m = Motion::start(arms_out_standing(0.0, 90.0)).hold(1.0).reps(
        arms_out_standing(15.0, 90.0),
        3,
        1.0,
        3.5,
        1.0,
    );
    let out = run(&ex, &m, &jittery());
    assert_eq!((out.reps(), out.holds().len()), (0, 0), "{:?}", out.cues());
    assert!(
        out.said("lie on your stomach, head towards the camera"),
        "{:?}",
        out.cues()
    );
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

/// Facing the camera, the shoulders rolling `turns` circles of radius
/// `r_px` forward (or backward), depth from the model as BlazePose gives
/// it: nearer the camera is smaller. 30 frames a second, 2 s a circle.
fn shoulder_rolls_facing(turns: f64, r_px: f64, forward: bool) -> Vec<PoseFrame> {
    let n = (turns * 60.0) as usize;
    (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / 60.0;
            // Forward roll: back, up, forward, down.
            let (ahead_px, up_px) = (-r_px * a.cos(), r_px * a.sin());
            let ahead_px = if forward { ahead_px } else { -ahead_px };
            let mut frame = FrontPose {
                shrug: [up_px, up_px],
                ..FrontPose::standing()
            }
            .landmarks();
            let mut depth = [0.0; posecoach::pose::NUM_LANDMARKS];
            for l in [Landmark::LeftShoulder, Landmark::RightShoulder] {
                depth[l.index()] = -ahead_px;
            }
            frame.depth_px = Some(depth);
            frame
        })
        .collect()
}

#[test]
fn shoulder_rolls_facing_the_camera_count_forward_then_backward() {
    let ex = exercise("shoulder-rolls");
    let mut engine = Engine::new(ex);
    let mut frames = shoulder_rolls_facing(21.0, 20.0, true);
    frames.extend(shoulder_rolls_facing(21.0, 20.0, false));
    let mut counted = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let (_, events) = engine.update(i as f64 * 1000.0 / 30.0, Some(frame));
        counted.extend(events.into_iter().filter_map(|e| match e {
            Event::Cue { text, .. } if text.contains(" of 20 ") => Some(text),
            _ => None,
        }));
    }
    assert!(counted.len() >= 38, "{counted:?}");
    assert!(
        counted.iter().any(|t| t.starts_with("20 of 20 forward")),
        "{counted:?}"
    );
    assert!(
        counted.iter().any(|t| t.contains("backward")),
        "{counted:?}"
    );
    // A shrug (up and down, no forward) is no circle.
    let mut engine = Engine::new(exercise("shoulder-rolls"));
    for (i, frame) in shoulder_rolls_facing(5.0, 20.0, true)
        .iter_mut()
        .enumerate()
    {
        frame.depth_px = Some([0.0; posecoach::pose::NUM_LANDMARKS]);
        let (_, events) = engine.update(i as f64 * 1000.0 / 30.0, Some(frame));
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::RepCompleted { .. })),
            "{events:?}"
        );
    }
}
