//! The progress history as a user meets it: sessions from `run` land in
//! it, `history` shows adherence and range of motion week by week as a
//! table and a chart, and a damaged, foreign or newer database is reported
//! and left alone. Two programs writing at once both land.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use posecoach::session::{PainMoment, Plan, SessionCommand};
use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::{posecoach, text, tmp_dir};
use common::performances::wall_down;
use common::{Motion, SidePose};
use posecoach::recording::{FrameRecord, Header, Recorder, SESSION_FORMAT_VERSION};

const IMAGE: (u32, u32) = (1280, 1000);
const FPS: f64 = 30.0;

fn assert_one_line_error(out: &Output, needles: &[&str]) {
    assert!(!out.status.success(), "should fail");
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    for needle in needles {
        assert!(lines[0].contains(needle), "'{needle}' in: {err}");
    }
}

/// Writes a wall-slide session by the body model, started at `started_at`
/// (RFC 3339), sliding to a knee angle of `knee_deg`, two repetitions.
fn wall_slide_session(path: &Path, started_at: &str, knee_deg: f64) {
    wall_slide_session_with_pain(path, started_at, knee_deg, &[]);
}

/// The same, with the pain scores the person gave (as the check-in
/// records them): before after the first frame, the others after the last.
fn wall_slide_session_with_pain(
    path: &Path,
    started_at: &str,
    knee_deg: f64,
    pain: &[(PainMoment, u8)],
) {
    // The knee angle is 180 minus the thigh's and shin's tilts.
    let bend = 180.0 - knee_deg;
    let down = SidePose {
        thigh: [bend * 35.0 / 45.0; 2],
        shin: [-bend * 10.0 / 45.0; 2],
        ..wall_down()
    };
    let motion = Motion::start(SidePose::standing())
        .hold(1.0)
        .reps(down, 2, 1.5, 5.6, 1.0);
    let header = Header {
        posecoach_session: SESSION_FORMAT_VERSION,
        plan: Plan::single("wall-slide"),
        source: "body model (tests/common)".into(),
        width: IMAGE.0,
        height: IMAGE.1,
        started_at: Some(started_at.into()),
        video: false,
    };
    let mut recorder = Recorder::create(path, &header).unwrap();
    let (w, h) = (f64::from(IMAGE.0), f64::from(IMAGE.1));
    let mut last_t_ms = 0.0;
    for (i, pose) in motion.frames.iter().enumerate().step_by(2) {
        let frame = pose.landmarks();
        let landmarks = frame
            .points
            .iter()
            .zip(frame.visibility)
            .map(|(p, v)| [p.x_px / w, p.y_px / h, 0.0, f64::from(v), f64::from(v)])
            .collect();
        let t_ms = (i as f64 * 1000.0 / FPS * 10.0).round() / 10.0;
        recorder
            .frame(&FrameRecord {
                t_ms,
                pose: Some(landmarks),
            })
            .unwrap();
        if i == 0 {
            for &(moment, score) in pain.iter().filter(|p| p.0 == PainMoment::Before) {
                recorder
                    .command(t_ms, &SessionCommand::Pain { score, moment })
                    .unwrap();
            }
        }
        last_t_ms = t_ms;
    }
    for &(moment, score) in pain.iter().filter(|p| p.0 != PainMoment::Before) {
        recorder
            .command(last_t_ms, &SessionCommand::Pain { score, moment })
            .unwrap();
    }
    recorder.finish().unwrap();
}

/// `posecoach history` on the data folder `data`.
fn history(data: &Path) -> Output {
    posecoach()
        .args(["history", "--data-dir"])
        .arg(data)
        .output()
        .unwrap()
}

fn history_json(data: &Path, extra: &[&str]) -> serde_json::Value {
    let out = posecoach()
        .args(["history", "--json", "--data-dir"])
        .arg(data)
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `posecoach history add` of `files` into `data`; how many were added.
fn history_add(data: &Path, files: &[PathBuf]) -> usize {
    let out = posecoach()
        .args(["history", "add", "--data-dir"])
        .arg(data)
        .args(files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).matches(": added").count()
}

/// `posecoach history` up to `until`: the table printed, the chart drawn
/// to `png`.
fn history_table_and_chart(data: &Path, until: &str, png: &Path) -> String {
    let out = posecoach()
        .args(["history", "--until", until, "--data-dir"])
        .arg(data)
        .arg("-o")
        .arg(png)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// `posecoach run` without a window on the recorded body-model wall slide
/// (the engine only: fast), with `data` as the data folder.
fn run_recorded_wall_slide(data: &Path, extra: &[&str]) -> Output {
    let session =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sessions/model-wall-slide.posecoach");
    posecoach()
        .args(["run", "--no-window", "--exercise", "wall-slide", "--source"])
        .arg(&session)
        .arg("--data-dir")
        .arg(data)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_finished_run_lands_in_the_history_once_with_its_counts_and_range() {
    let dir = tmp_dir("history-run");
    let data = dir.join("data");
    let out = run_recorded_wall_slide(&data, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let db = data.join("history.sqlite");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the history is private");
    }
    let history = history_json(&data, &[]);
    assert_eq!(history["sessions"], 1, "{history}");
    let wall = &history["exercises"][0];
    assert_eq!(wall["id"], "wall-slide");
    let week = wall["weeks"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(week["sessions"], 1, "{week}");
    assert_eq!(week["reps"], 2, "{week}");
    assert_eq!(week["holds"], 2, "{week}");
    assert!(week["in_form_s"].as_f64().unwrap() > 10.0, "{week}");
    // The body model slides to 135 degrees with 3 degrees of jitter: the
    // best angle held for half a second is near it, not a jitter spike.
    let best = week["best_range"].as_f64().unwrap();
    assert!((128.0..=136.0).contains(&best), "best knee angle {best}");
    assert_eq!(wall["range"]["better"], "lower");

    // The saved recording is already in: adding it again changes nothing.
    let saved: Vec<PathBuf> = std::fs::read_dir(data.join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1);
    let out = posecoach()
        .args(["history", "add", "--data-dir"])
        .arg(&data)
        .arg(&saved[0])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("already in the history"));
    assert_eq!(history_json(&data, &[])["sessions"], 1);

    // --no-save keeps nothing: no recording, no history.
    let quiet = dir.join("quiet");
    let out = run_recorded_wall_slide(&quiet, &["--no-save"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!quiet.exists(), "nothing written with --no-save");
}

#[test]
fn weeks_show_adherence_against_the_advice_and_the_range_improving() {
    let dir = tmp_dir("history-weeks");
    let data = dir.join("data");
    // Three weeks of wall slides (advised 1 to 2 times a day), sliding
    // deeper each week: 144, 140, then 136 degrees (a repetition counts
    // from 145).
    let plan = [
        ("2026-11-11T08:00:00+01:00", 144.0),
        ("2026-11-13T08:00:00+01:00", 144.0),
        ("2026-11-16T08:00:00+01:00", 140.0),
        ("2026-11-16T19:00:00+01:00", 140.0),
        ("2026-11-18T08:00:00+01:00", 140.0),
        ("2026-11-23T08:00:00+01:00", 136.0),
        ("2026-11-24T08:00:00+01:00", 136.0),
    ];
    let mut files = Vec::new();
    for (i, (at, knee)) in plan.iter().enumerate() {
        let path = dir.join(format!("s{i}.posecoach"));
        wall_slide_session(&path, at, *knee);
        files.push(path);
    }
    assert_eq!(history_add(&data, &files), 7);

    let history = history_json(
        &data,
        &[
            "--until",
            "2026-11-24",
            "--weeks",
            "4",
            "--exercise",
            "wall-slide",
        ],
    );
    // The history starts with the first session, not four weeks back.
    assert_eq!(history["from"], "2026-11-11");
    let weeks = history["exercises"][0]["weeks"].as_array().unwrap();
    let column =
        |key: &str| -> Vec<serde_json::Value> { weeks.iter().map(|w| w[key].clone()).collect() };
    assert_eq!(
        column("week_start"),
        ["2026-11-09", "2026-11-16", "2026-11-23"]
    );
    assert_eq!(column("sessions"), [2, 3, 2]);
    // Wednesday to Sunday, a whole week, then Monday and Tuesday so far.
    assert_eq!(column("days"), [5, 7, 2]);
    assert_eq!(
        column("advised"),
        [
            serde_json::json!([5, 10]),
            serde_json::json!([7, 14]),
            serde_json::json!([2, 4])
        ]
    );
    assert_eq!(column("days_on_target"), [2, 2, 2]);
    let best: Vec<f64> = weeks
        .iter()
        .map(|w| w["best_range"].as_f64().unwrap())
        .collect();
    for (got, want) in best.iter().zip([144.0, 140.0, 136.0]) {
        assert!((got - want).abs() < 1.0, "best ranges {best:?}");
    }

    // The table and the bars, for people.
    let table = history_table_and_chart(&data, "2026-11-24", &dir.join("history.png"));
    assert!(
        table.contains("Advised 1 to 2 times a day: 7 sessions done, 14 advised at least (50%)."),
        "{table}"
    );
    assert!(
        table.contains("2026-11-16         3      7-14   2/7 days"),
        "{table}"
    );
    assert!(
        table.contains("136.0 deg") || table.contains("135.9 deg") || table.contains("136.1 deg"),
        "{table}"
    );
    assert!(
        table.contains("Best range of motion per week (longer is better)"),
        "{table}"
    );
    // The chart: sessions as bars (blue on target, amber under), the
    // advised band green, the best range as a line of dots.
    let png = image::open(dir.join("history.png")).unwrap().to_rgb8();
    assert_eq!(png.width(), 1800);
    let count = |c: [u8; 3]| {
        png.pixels()
            .filter(|p| p.0.iter().zip(c).all(|(a, b)| a.abs_diff(b) <= 10))
            .count()
    };
    assert!(
        count([0xe0, 0xa0, 0x30]) > 3000,
        "weeks under the advice in amber"
    );
    assert!(count([0xd5, 0xea, 0xd8]) > 3000, "the advised band");
    assert!(count([0x22, 0x22, 0x22]) > 300, "the range line and dots");
}

#[test]
fn pain_before_and_after_shows_week_by_week_beside_the_sessions() {
    use PainMoment::{After, Before, During};
    let dir = tmp_dir("history-pain");
    let data = dir.join("data");
    // Three weeks of wall slides with the check-in's scores: pain easing
    // from about 6 to 3 before a session, lower after each; one session
    // skips the check-in, one gives a score during the session (no rise).
    let plan: [(&str, &[(PainMoment, u8)]); 7] = [
        ("2026-11-11T08:00:00+01:00", &[(Before, 6), (After, 5)]),
        ("2026-11-13T08:00:00+01:00", &[(Before, 6), (After, 4)]),
        (
            "2026-11-16T08:00:00+01:00",
            &[(Before, 5), (During, 5), (After, 3)],
        ),
        ("2026-11-17T08:00:00+01:00", &[(Before, 4), (After, 3)]),
        ("2026-11-19T08:00:00+01:00", &[(Before, 5), (After, 4)]),
        ("2026-11-23T08:00:00+01:00", &[]),
        ("2026-11-24T08:00:00+01:00", &[(Before, 3), (After, 2)]),
    ];
    let mut files = Vec::new();
    for (i, (at, pain)) in plan.iter().enumerate() {
        let path = dir.join(format!("s{i}.posecoach"));
        wall_slide_session_with_pain(&path, at, 140.0, pain);
        files.push(path);
    }
    assert_eq!(history_add(&data, &files), 7);

    let history = history_json(&data, &["--until", "2026-11-24"]);
    let weeks = history["pain"].as_array().unwrap();
    let column =
        |key: &str| -> Vec<serde_json::Value> { weeks.iter().map(|w| w[key].clone()).collect() };
    assert_eq!(
        column("week_start"),
        ["2026-11-09", "2026-11-16", "2026-11-23"]
    );
    assert_eq!(column("sessions"), [2, 3, 2]);
    assert_eq!(column("sessions_rated"), [2, 3, 1]);
    assert_eq!(column("before_mean"), [6.0, 4.7, 3.0]);
    assert_eq!(column("after_mean"), [4.5, 3.3, 2.0]);
    assert_eq!(
        column("during_max"),
        [serde_json::Value::Null, 5.into(), serde_json::Value::Null]
    );
    // The wall slide still counted in every session (the scores change
    // nothing else).
    let wall = &history["exercises"][0]["weeks"];
    assert_eq!(wall[1]["reps"], 6, "{wall}");
    // What the home screen says of it: last done on the 24th.
    let last = posecoach::history::History::open_in(&data)
        .unwrap()
        .last_done()
        .unwrap();
    assert_eq!(
        last.exercises,
        [("wall-slide".to_string(), "2026-11-24".to_string())].into()
    );
    assert!(last.routines.is_empty(), "{last:?}");

    // The table, for people, says the pain is easing.
    let table = history_table_and_chart(&data, "2026-11-24", &dir.join("history.png"));
    assert!(
        table.contains("Pain (0-10, mean of the sessions rated; lower is better)"),
        "{table}"
    );
    assert!(
        table.contains("2026-11-16         3      3     4.7    3.3       5"),
        "{table}"
    );
    assert!(
        table.contains(
            "Pain before a session: 6.0 in the week of 2026-11-09, 3.0 in the week of 2026-11-23 (easing)."
        ),
        "{table}"
    );
    // The chart: a panel of pain before (red) and after (blue) above the
    // exercise's own.
    let png = image::open(dir.join("history.png")).unwrap().to_rgb8();
    let count = |c: [u8; 3], rows: std::ops::Range<u32>| {
        rows.flat_map(|y| (0..png.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                png.get_pixel(x, y)
                    .0
                    .iter()
                    .zip(c)
                    .all(|(a, b)| a.abs_diff(b) <= 12)
            })
            .count()
    };
    // Rendered at twice the SVG's size: the pain panel is the first 250
    // units under the 40-unit title.
    let panel = 80..580;
    assert!(
        count([0xd0, 0x45, 0x2b], panel.clone()) > 300,
        "pain before"
    );
    assert!(count([0x2b, 0x7b, 0xd0], panel.clone()) > 300, "pain after");
    assert_eq!(
        count([0xd0, 0x45, 0x2b], 580..png.height()),
        0,
        "no pain line in the exercise's panel"
    );
}

#[test]
fn a_damaged_foreign_or_newer_database_is_reported_and_left_alone() {
    let dir = tmp_dir("history-damaged");
    // Not a database at all.
    let data = dir.join("garbage");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("history.sqlite");
    let junk: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&db, &junk).unwrap();
    let out = history(&data);
    assert_one_line_error(
        &out,
        &[
            "history.sqlite",
            "not a readable history database",
            "left as it is",
        ],
    );
    assert_eq!(std::fs::read(&db).unwrap(), junk, "never reset");

    // A session run against it is still saved; the history error is said.
    let out = run_recorded_wall_slide(&data, &[]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("history.sqlite"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(data.join("sessions")).unwrap().count(),
        1,
        "the recording is kept"
    );
    assert_eq!(std::fs::read(&db).unwrap(), junk, "never reset");

    // Another program's SQLite database.
    let data = dir.join("foreign");
    std::fs::create_dir_all(&data).unwrap();
    let conn = rusqlite::Connection::open(data.join("history.sqlite")).unwrap();
    conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    let out = history(&data);
    assert_one_line_error(&out, &["history.sqlite", "not a posecoach history"]);

    // A history from a newer posecoach.
    let data = dir.join("newer");
    let session = dir.join("newer.posecoach");
    wall_slide_session(&session, "2026-11-20T08:00:00+00:00", 140.0);
    assert_eq!(history_add(&data, &[session]), 1, "a new history is made");
    let conn = rusqlite::Connection::open(data.join("history.sqlite")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let out = history(&data);
    assert_one_line_error(
        &out,
        &[
            "history.sqlite",
            "history version 99 is newer",
            "update posecoach",
        ],
    );
}

#[test]
fn programs_adding_at_once_all_land() {
    let dir = tmp_dir("history-together");
    let data = dir.join("data");
    let mut children = Vec::new();
    for p in 0..4 {
        let files: Vec<PathBuf> = (0..3)
            .map(|i| {
                let path = dir.join(format!("p{p}-{i}.posecoach"));
                wall_slide_session(&path, &format!("2026-11-2{i}T0{p}:00:00+00:00"), 140.0);
                path
            })
            .collect();
        children.push(
            posecoach()
                .args(["history", "add", "--data-dir"])
                .arg(&data)
                .args(&files)
                .spawn()
                .unwrap(),
        );
    }
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let history = history_json(&data, &["--until", "2026-11-24"]);
    assert_eq!(history["sessions"], 12, "{history}");
}

#[test]
fn holds_that_fell_short_are_kept_with_the_time_held() {
    let data = tmp_dir("history-short-holds");
    let session = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sessions/model-wall-slide-short-holds.posecoach");
    assert_eq!(history_add(&data, &[session]), 1);
    let json = history_json(&data, &[]);
    let held: Vec<&str> = json["short_holds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["held"].as_str().unwrap())
        .collect();
    assert_eq!(held, ["held 3.2 of 5 s", "held 3.0 of 5 s"], "{json}");
    assert_eq!(json["short_holds"][0]["exercise_id"], "wall-slide");
    let table = text(&history(&data).stdout);
    assert!(table.contains("Holds that fell short: 2"), "{table}");
    assert!(table.contains("wall-slide: held 3.2 of 5 s"), "{table}");
}

#[test]
fn a_session_a_locked_history_cannot_take_is_saved_and_says_how_to_add_it() {
    let dir = tmp_dir("history-locked");
    let data = dir.join("data");
    let session = dir.join("first.posecoach");
    wall_slide_session(&session, "2026-11-20T08:00:00+00:00", 140.0);
    assert_eq!(history_add(&data, &[session]), 1);
    // Another program holds the history for longer than a run waits.
    let lock = rusqlite::Connection::open(data.join("history.sqlite")).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = run_recorded_wall_slide(&data, &[]);
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("an error line: {stderr}"));
    assert!(line.contains("busy"), "{line}");
    let command = line
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("a command to run: {line}"));
    let saved = command
        .strip_prefix("posecoach history add ")
        .unwrap_or_else(|| panic!("history add: {line}"));
    assert!(Path::new(saved).is_file(), "the session is saved: {line}");
    // Doing what it says puts the session in.
    assert_eq!(history_add(&data, &[PathBuf::from(saved)]), 1);
    // The run is of today: the week shown holds it.
    assert!(history_json(&data, &[])["sessions"].as_u64().unwrap() >= 1);
}
