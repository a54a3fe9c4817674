//! A session runs a routine's exercises one after another and sums them up.

// Tests fail by panicking with the value; helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::performances::*;
use common::*;
use posecoach::session::Session;

#[test]
fn a_routine_runs_its_exercises_in_turn_with_a_get_ready_pause() {
    let mut wall = exercise("wall-slide");
    wall.reps.per_set = 1;
    let mut bend = exercise("standing-back-bend");
    bend.reps.per_set = 1;
    let mut session = Session::new(vec![wall, bend], 3.0).unwrap();

    let motion = Motion::start(SidePose::standing())
        .hold(1.0)
        .reps(wall_down(), 1, 1.5, 5.6, 1.0)
        .to(hands_on_back(0.0), 1.0)
        .hold(3.5)
        .reps(hands_on_back(20.0), 1, 1.5, 5.6, 1.0);
    let mut saw_get_ready = false;
    let mut numbers = Vec::new();
    for (i, pose) in motion.frames.iter().enumerate() {
        let (feedback, _) = session.update(i as f64 * 1000.0 / FPS, Some(&pose.landmarks()));
        saw_get_ready |= feedback.get_ready_s.is_some()
            && feedback
                .feedback
                .cue
                .as_deref()
                .is_some_and(|c| c.starts_with("Get ready: Stand side-on"));
        numbers.push(feedback.exercise_number);
    }
    assert!(saw_get_ready);
    assert!(session.finished());
    assert_eq!(numbers.first(), Some(&1));
    assert_eq!(numbers.last(), Some(&2));
    let summary = session.summary();
    let ids: Vec<&str> = summary.exercises.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["wall-slide", "standing-back-bend"]);
    for e in &summary.exercises {
        assert_eq!(e.reps.len(), 1, "{}: {:?}", e.id, e.cues);
        assert_eq!(e.holds.len(), 1);
        assert_eq!(e.sets_completed, 1);
        assert!(e.holds[0].in_form_s >= 5.0);
        assert!(e.reps[0].t_end_s > e.reps[0].t_start_s);
    }
    // The second exercise started after the first ended and the pause.
    assert!(summary.exercises[1].reps[0].t_start_s > summary.exercises[0].reps[0].t_end_s + 3.0);
}

#[test]
fn a_stop_ends_the_session_with_its_reason() {
    let mut session =
        Session::new(vec![exercise("wall-slide"), exercise("neck-stretch")], 3.0).unwrap();
    session.update(0.0, Some(&SidePose::standing().landmarks()));
    let events = session.stop(100.0, "Pain: stopped by you");
    assert!(session.finished());
    assert!(!events.is_empty());
    let summary = session.summary();
    assert_eq!(summary.exercises.len(), 1);
    assert_eq!(summary.exercises[0].stops[0].reason, "Pain: stopped by you");
}
