//! Every side-view exercise performed by the kinematic body model:
//! correct, with each typical mistake, with jitter, and half hidden.

mod common;

use common::*;
use posecoach::pose::Landmark;

fn wall_down() -> SidePose {
    SidePose {
        thigh: [35.0, 35.0],
        shin: [-10.0, -10.0],
        ..SidePose::standing()
    }
}

#[test]
fn wall_slide_correct_counts_five_with_holds() {
    let ex = exercise("wall-slide");
    let motion = Motion::start(SidePose::standing()).hold(1.0).reps(wall_down(), 5, 1.5, 5.6, 1.0);
    for conditions in [clean(), jittery()] {
        let out = run(&ex, &motion, &conditions);
        assert_eq!(out.reps(), 5, "cues: {:?}", out.cues());
        assert_eq!(out.holds().len(), 5);
        assert!(out.holds().iter().all(|&h| h >= 5.0), "{:?}", out.holds());
        assert_eq!(out.sets(), 1);
        assert!(out.completed());
        assert!(!out.said("deep") && !out.said("lower") && !out.said("back"), "{:?}", out.cues());
    }
}

#[test]
fn wall_slide_hold_too_short_does_not_count() {
    let ex = exercise("wall-slide");
    let motion = Motion::start(SidePose::standing()).hold(1.0).reps(wall_down(), 3, 1.5, 2.0, 1.0);
    let out = run(&ex, &motion, &jittery());
    assert_eq!(out.reps(), 0);
    assert!(out.said("hold longer"), "{:?}", out.cues());
}

#[test]
fn wall_slide_not_deep_enough_is_told_and_not_counted() {
    let ex = exercise("wall-slide");
    let shallow = SidePose {
        thigh: [20.0, 20.0],
        shin: [-10.0, -10.0],
        ..SidePose::standing()
    }; // 150 degrees
    let motion = Motion::start(SidePose::standing()).hold(1.0).reps(shallow, 3, 1.5, 6.0, 1.0);
    let out = run(&ex, &motion, &jittery());
    assert_eq!(out.reps(), 0);
    assert!(out.said("slide lower"), "{:?}", out.cues());
}

#[test]
fn wall_slide_too_deep_is_warned() {
    let ex = exercise("wall-slide");
    let deep = SidePose {
        thigh: [55.0, 55.0],
        shin: [-15.0, -15.0],
        ..SidePose::standing()
    }; // 110 degrees
    let motion = Motion::start(SidePose::standing()).hold(1.0).reps(deep, 2, 1.5, 6.0, 1.0);
    let out = run(&ex, &motion, &jittery());
    assert_eq!(out.reps(), 0);
    assert!(out.said("too deep"), "{:?}", out.cues());
    assert_eq!(out.stopped(), None);
}

#[test]
fn wall_slide_far_too_deep_stops() {
    let ex = exercise("wall-slide");
    let squat = SidePose {
        thigh: [80.0, 80.0],
        shin: [-20.0, -20.0],
        ..SidePose::standing()
    }; // 80 degrees
    let motion = Motion::start(SidePose::standing()).hold(1.0).to(squat, 2.0).hold(3.0);
    let out = run(&ex, &motion, &clean());
    assert!(out.stopped().is_some_and(|r| r.contains("stop")), "{:?}", out.events);
}

#[test]
fn wall_slide_leaning_forward_breaks_the_hold() {
    let ex = exercise("wall-slide");
    let leaning = SidePose {
        trunk: 155.0,
        neck: 155.0,
        ..wall_down()
    };
    let motion = Motion::start(SidePose::standing()).hold(1.0).reps(leaning, 2, 1.5, 6.0, 1.0);
    let out = run(&ex, &motion, &jittery());
    assert_eq!(out.reps(), 0);
    assert!(out.said("back flat"), "{:?}", out.cues());
}

#[test]
fn wall_slide_with_knees_hidden_counts_nothing() {
    let ex = exercise("wall-slide");
    let motion = Motion::start(SidePose::standing()).hold(1.0).reps(wall_down(), 2, 1.5, 6.0, 1.0);
    let out = run(&ex, &motion, &hidden(&[Landmark::LeftKnee, Landmark::RightKnee]));
    assert_eq!(out.reps(), 0);
    assert!(out.said("step into the frame"), "{:?}", out.cues());
    assert!(out.feedback.iter().all(|f| !f.tracking));
}
