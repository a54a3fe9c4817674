//! A session runs a routine's exercises one after another and sums them up.

// Tests fail by panicking with the value; helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::performances::*;
use common::*;
use posecoach::session::Plan;
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

#[test]
fn keys_pressed_in_a_recorded_session_are_done_again_by_its_replay() {
    use posecoach::recording::{self, FrameRecord, Header, Recorder, SESSION_FORMAT_VERSION};
    use posecoach::runner::{SessionRunner, replay_poses};
    use posecoach::session::SessionCommand;

    let (w, h) = (1280u32, 1000u32);
    let path =
        std::env::temp_dir().join(format!("posecoach-keys-{}.posecoach", std::process::id()));
    std::fs::remove_file(&path).ok();
    let header = Header {
        posecoach_session: SESSION_FORMAT_VERSION,
        plan: Plan {
            exercises: vec!["wall-slide".into(), "standing-back-bend".into()],
            ..Plan::single("")
        },
        source: "body model".into(),
        width: w,
        height: h,
        started_at: None,
        video: false,
    };
    let mut recorder = Recorder::create(&path, &header).unwrap();
    let standing = SidePose::standing().landmarks();
    let pose: Vec<[f64; 5]> = standing
        .points
        .iter()
        .zip(standing.visibility)
        .map(|(p, v)| {
            [
                p.x_px / f64::from(w),
                p.y_px / f64::from(h),
                0.0,
                f64::from(v),
                f64::from(v),
            ]
        })
        .collect();
    for i in 0..120 {
        let t_ms = f64::from(i) * 100.0 / 3.0;
        recorder
            .frame(&FrameRecord {
                t_ms,
                pose: Some(pose.clone()),
            })
            .unwrap();
        // N after the frame at 1 s, the pain key after the one at 3 s.
        if i == 30 {
            recorder
                .command(t_ms, &SessionCommand::NextExercise)
                .unwrap();
        }
        if i == 90 {
            let stop = SessionCommand::Stop {
                reason: "Stopped for pain (stop key)".into(),
            };
            recorder.command(t_ms, &stop).unwrap();
        }
    }
    recorder.finish().unwrap();

    let recording = recording::read(&path).unwrap();
    assert_eq!(recording.commands.len(), 2);
    assert_eq!(recording.commands[0].t_ms, 1000.0);
    let catalog_exercises = vec![exercise("wall-slide"), exercise("standing-back-bend")];
    let mut runner = SessionRunner::new(recording.header.plan.clone(), catalog_exercises).unwrap();
    let mut stopped_at = None;
    let mut frames_seen = 0;
    replay_poses(&mut runner, &path, |frame, step, _| {
        frames_seen += 1;
        if step
            .events
            .iter()
            .any(|e| matches!(e.event, posecoach::exercise::engine::Event::Stopped { .. }))
        {
            stopped_at = Some(frame.t_ms);
        }
        Ok::<(), posecoach::runner::RunnerError>(())
    })
    .unwrap();
    // The replay moved on at 1 s and stopped at 3 s, as the person did.
    assert_eq!(stopped_at, Some(3000.0));
    assert_eq!(frames_seen, 91, "nothing after the stop");
    let summary = runner.finish().unwrap().summary;
    let ids: Vec<&str> = summary.exercises.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["wall-slide", "standing-back-bend"]);
    assert_eq!(
        summary.exercises[1].stops[0].reason,
        "Stopped for pain (stop key)"
    );
    assert_eq!(summary.exercises[1].stops[0].t_s, 3.0);
    std::fs::remove_file(&path).ok();
}

/// Replays the body-model wall slide recording up to `until_ms`, then ends
/// the session there.
fn wall_slide_recording_cut_at(until_ms: f64) -> posecoach::session::SessionSummary {
    use posecoach::recording;
    use posecoach::runner::{SessionRunner, replay_recording};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sessions/model-wall-slide.posecoach");
    let mut recording = recording::read(&path).unwrap();
    recording.frames.retain(|f| f.t_ms <= until_ms);
    let mut runner =
        SessionRunner::new(Plan::single("wall-slide"), vec![exercise("wall-slide")]).unwrap();
    replay_recording(&mut runner, &recording).unwrap();
    runner.finish().unwrap().summary
}

#[test]
fn a_hold_under_way_when_the_session_ends_counts_once_it_reached_its_time() {
    // The second hold reaches its 5 s at 17.1 s; the recording ends at 18 s.
    let summary = wall_slide_recording_cut_at(18_000.0);
    let holds = &summary.exercises[0].holds;
    assert_eq!(holds.len(), 2, "{holds:?}");
    assert!(
        (holds[1].duration_s - (18.0 - holds[1].t_start_s)).abs() < 0.05,
        "its real duration: {holds:?}"
    );
    assert!(holds[1].duration_s >= 5.0);
    // Cut before it reached its time: not a hold done.
    let summary = wall_slide_recording_cut_at(16_000.0);
    assert_eq!(summary.exercises[0].holds.len(), 1);
}

#[test]
fn a_hold_under_way_counts_when_the_person_moves_on_or_stops() {
    for key in ["next", "restart", "stop"] {
        let mut session =
            Session::new(vec![exercise("wall-slide"), exercise("neck-stretch")], 3.0).unwrap();
        let motion = Motion::start(SidePose::standing())
            .hold(1.0)
            .to(wall_down(), 1.5)
            .hold(6.5);
        let mut t_ms = 0.0;
        for (i, pose) in motion.frames.iter().enumerate() {
            t_ms = i as f64 * 1000.0 / FPS;
            session.update(t_ms, Some(&pose.landmarks()));
        }
        match key {
            "next" => drop(session.next_exercise(t_ms)),
            "restart" => drop(session.restart_exercise(t_ms)),
            _ => drop(session.stop(t_ms, "Pain: stopped by you")),
        }
        let holds = &session.summary().exercises[0].holds;
        assert_eq!(holds.len(), 1, "{key}");
        assert!(holds[0].duration_s > 5.0, "{key}: {holds:?}");
    }
}

#[test]
fn a_repetition_is_timed_from_leaving_the_start() {
    let mut session = Session::new(vec![exercise("wall-slide")], 3.0).unwrap();
    // Standing 1 s, then 1.5 s down to the bend: the repetition starts when
    // the knees leave upright, well before the bend is reached.
    let motion = Motion::start(SidePose::standing())
        .hold(1.0)
        .reps(wall_down(), 1, 1.5, 5.6, 1.0);
    for (i, pose) in motion.frames.iter().enumerate() {
        session.update(i as f64 * 1000.0 / FPS, Some(&pose.landmarks()));
    }
    let rep = &session.summary().exercises[0].reps[0];
    let hold = &session.summary().exercises[0].holds[0];
    assert!(rep.t_start_s < 2.0, "{rep:?}");
    assert!(rep.t_start_s < hold.t_start_s - 0.3, "{rep:?} {hold:?}");
}

#[test]
fn the_history_follows_how_close_a_sit_came_to_its_depth_and_the_longest_hold() {
    use posecoach::history::range::RangeTracker;
    // A wall sit at 135 degrees (wall_down), judged against a target of 130.
    let base = format!(
        "{STANDING_KNEE}\n{}",
        r#"[[phase]]
name = "sit"
when = [{ measurement = "knee_angle", enter = [120, 150] }]

[hold]
phase = "sit"
target_s = 3
per_set = 3

[progress]
times = [1, 2]
per = "day"
"#
    );
    let motion = Motion::start(SidePose::standing())
        .hold(1.0)
        .reps(wall_down(), 2, 1.0, 4.0, 1.0)
        .reps(wall_down(), 1, 1.0, 6.0, 1.0);
    let replay = |progress: &str| {
        let text = format!("{base}{progress}\n");
        let ex = exercise_from(&text);
        let mut session = Session::new(vec![ex.clone()], 0.0).unwrap();
        let mut ranges = RangeTracker::default();
        let mut t_ms = 0.0;
        for pose in &motion.frames {
            let (feedback, _) = session.update(t_ms, Some(&pose.landmarks()));
            ranges.observe(&ex, &feedback);
            t_ms += 1000.0 / FPS;
        }
        session.finish(t_ms);
        (ranges.best("knee"), session.summary().clone())
    };
    let (best, _) = replay("measurement = \"knee_angle\"\nbetter = \"closest\"\ntarget = 130");
    let off = best.unwrap();
    assert!((off - 5.0).abs() < 0.5, "{off}");
    // The longest hold is read from the session's holds: 3 of them, the
    // last the longest.
    let (_, summary) = replay("follows = \"hold\"");
    let longest = summary.exercises[0]
        .holds
        .iter()
        .map(|h| h.duration_s)
        .fold(0.0, f64::max);
    assert_eq!(summary.exercises[0].holds.len(), 3);
    // The 6 s sit, with the moments of sliding in and out of its range.
    assert!((6.0..7.5).contains(&longest), "{longest}");
}

/// Issue 26, item 9: `run --source demo --routine everything` coached two
/// exercises and stopped: shoulder rolls asks for 3 sets and its
/// demonstration showed 1, so the routine never went on. Every shipped
/// routine's demonstration, coached as the session coaches it, completes
/// every exercise in turn.
#[test]
fn every_routine_s_demonstration_completes_every_exercise_in_turn() {
    use posecoach::exercise::catalog::Catalog;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let catalog = Catalog::load(&[dir], &Default::default());
    assert!(catalog.problems.is_empty(), "{:?}", catalog.problems);
    assert!(catalog.routines.len() >= 5);
    for routine in &catalog.routines {
        let exercises: Vec<_> = routine
            .exercises
            .iter()
            .map(|id| catalog.exercise(id).unwrap().clone())
            .collect();
        let completed =
            posecoach::session::demonstration_completes(&exercises, routine.get_ready_s).unwrap();
        assert_eq!(
            completed, routine.exercises,
            "routine {}: completed in its demonstration",
            routine.id
        );
    }
}
