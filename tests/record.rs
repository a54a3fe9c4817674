//! Recording as a user meets it: `posecoach record` writes poses only
//! unless asked for the video, a recording with video replays through the
//! pose model again, a recording killed mid-session replays up to the cut,
//! and `replay --speed` paces frames with a progress bar on a terminal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cli::{BIN, posecoach, text, tmp_dir};
use posecoach::recording::{self, Line, Reader};

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/videos/sports2d/demo.mp4"
);
/// The demo clip: 1768x994, 230 frames.
const DEMO_FRAMES: usize = 230;

/// Frame lines and how many carry a picture.
fn frames_and_pictures(path: &Path) -> (usize, usize, Option<image::RgbImage>) {
    let mut reader = Reader::open(path).unwrap();
    let (mut frames, mut pictures, mut first) = (0, 0, None);
    while let Some(line) = reader.next_line().unwrap() {
        if let Line::Frame { jpeg_base64, .. } = line {
            frames += 1;
            if let Some(jpeg) = jpeg_base64 {
                pictures += 1;
                if first.is_none() {
                    first = Some(recording::decode_video_frame(&jpeg).unwrap());
                }
            }
        }
    }
    (frames, pictures, first)
}

#[test]
fn video_is_recorded_only_when_asked_and_replays_through_the_model() {
    let dir = tmp_dir("record-video");
    let data = dir.join("data");
    let with = dir.join("with-video.posecoach");
    let out = posecoach()
        .arg("record")
        .arg(&with)
        .args(["--exercise", "standing-back-bend", "--source", DEMO])
        .args(["--no-window", "--mute", "--with-video", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&with).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a recording is private");
    }
    let header = Reader::open(&with).unwrap().header;
    assert!(header.video);
    assert_eq!((header.width, header.height), (1768, 994));
    // From a file every picture is kept, shrunk by 3 to fit 800 px.
    let (frames, pictures, first) = frames_and_pictures(&with);
    assert_eq!((frames, pictures), (DEMO_FRAMES, DEMO_FRAMES));
    let first = first.unwrap();
    assert_eq!((first.width(), first.height()), (589, 331));

    // Without --with-video: poses only, not one picture.
    let without = dir.join("poses-only.posecoach");
    let out = posecoach()
        .arg("record")
        .arg(&without)
        .args(["--exercise", "standing-back-bend", "--source", DEMO])
        .args(["--no-window", "--mute", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!Reader::open(&without).unwrap().header.video);
    assert_eq!(frames_and_pictures(&without), (DEMO_FRAMES, 0, None));
    let poses_only_size = std::fs::metadata(&without).unwrap().len();
    let video_size = std::fs::metadata(&with).unwrap().len();
    assert!(
        video_size > 20 * poses_only_size,
        "{video_size} vs {poses_only_size}"
    );

    // Replaying the video runs the model on the recorded pictures: its
    // poses match the ones recorded live to within 2% of the image.
    let again = dir.join("again.posecoach");
    let out = posecoach()
        .arg("replay")
        .arg(&with)
        .arg("--json")
        .arg("--record")
        .arg(&again)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["exercises"][0]["id"], "standing-back-bend");
    let live = recording::read(&with).unwrap();
    let replayed = recording::read(&again).unwrap();
    assert_eq!(live.frames.len(), replayed.frames.len());
    let mut distances = Vec::new();
    for (a, b) in live.frames.iter().zip(&replayed.frames) {
        if let (Some(a), Some(b)) = (&a.pose, &b.pose) {
            for (p, q) in a.iter().zip(b).filter(|(p, _)| p[3] > 0.8) {
                distances.push(((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt());
            }
        }
    }
    assert!(
        distances.len() > 1000,
        "{} landmarks compared",
        distances.len()
    );
    distances.sort_by(f64::total_cmp);
    let median = distances[distances.len() / 2];
    assert!(median < 0.02, "median landmark distance {median}");
}

#[test]
fn a_recording_killed_mid_session_replays_up_to_the_cut() {
    let dir = tmp_dir("record-killed");
    let file = dir.join("killed.posecoach");
    let mut child = posecoach()
        .arg("record")
        .arg(&file)
        .args(["--exercise", "standing-back-bend", "--source", DEMO])
        .args(["--no-window", "--mute", "--speed", "1", "--data-dir"])
        .arg(dir.join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for two seconds' worth of frames, then kill -9.
    let deadline = Instant::now() + Duration::from_secs(60);
    // Whole frame lines in the file.
    let frame_lines = || {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let whole = bytes.iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
        text(&bytes[..whole])
            .lines()
            .filter(|l| l.contains("\"pose\""))
            .count()
    };
    let written = loop {
        let frames = frame_lines();
        if frames > 60 {
            break frames;
        }
        assert!(Instant::now() < deadline, "the recording never grew");
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    // Everything written before the kill is there, readable.
    let kept = recording::read(&file).unwrap();
    assert!(
        kept.frames.len() >= written,
        "{} of {written} frames",
        kept.frames.len()
    );
    assert!(kept.frames.len() < DEMO_FRAMES, "killed before the end");
    let out = posecoach()
        .arg("replay")
        .arg(&file)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["exercises"][0]["id"], "standing-back-bend");
}

#[test]
fn replay_speed_paces_the_frames_and_a_terminal_gets_a_progress_bar() {
    let session = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/sessions/model-wall-slide.posecoach"
    );
    let duration_s = recording::read(Path::new(session))
        .unwrap()
        .frames
        .last()
        .unwrap()
        .t_ms
        / 1000.0;
    // `script` gives the replay a terminal, as a person has.
    let started = Instant::now();
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{BIN} replay {session} --speed 8"),
            "/dev/null",
        ])
        .env_remove("RUST_LOG")
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let elapsed_s = started.elapsed().as_secs_f64();
    assert!(out.status.success(), "{}", text(&out.stdout));
    // Held back to its time at 8x: never faster.
    assert!(
        elapsed_s >= duration_s / 8.0 * 0.95,
        "{elapsed_s} s for {duration_s} s at 8x"
    );
    let shown = text(&out.stdout);
    assert!(shown.contains("[#"), "a bar: {shown}");
    assert!(shown.contains("% "), "a percentage: {shown}");
    assert!(shown.contains("x real time"), "{shown}");
    assert!(shown.contains("Summary"), "{shown}");

    // Not a terminal: no bar in the output.
    let out = posecoach()
        .args(["replay", session, "--speed", "8"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!text(&out.stderr).contains("[#"), "{}", text(&out.stderr));
}

/// The summary JSON (the last line of `--json` output).
fn summary_json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {last}"))
}

#[test]
fn a_routine_coached_live_replays_to_the_identical_summary_with_its_pauses() {
    let dir = tmp_dir("routine-replay");
    let source = common::routine_recording(&dir);
    let live = dir.join("live.posecoach");
    let out = posecoach()
        .args(["run", "--routine", "slide-and-bend", "--exercises"])
        .arg(dir.join("ex"))
        .arg("--source")
        .arg(&source)
        .args(["--no-window", "--mute", "--json", "--data-dir"])
        .arg(dir.join("live-data"))
        .arg("--record")
        .arg(&live)
        .output()
        .unwrap();
    let coached = summary_json(&out);
    // The plan is in the header: the routine, and its own pause.
    let header = Reader::open(&live).unwrap().header;
    assert_eq!(header.plan.routine.as_deref(), Some("slide-and-bend"));
    assert_eq!(header.plan.get_ready_s, 6.0);
    assert_eq!(header.plan.exercises, ["wall-slide", "standing-back-bend"]);

    let out = posecoach()
        .arg("replay")
        .arg(&live)
        .args(["--exercises"])
        .arg(dir.join("ex"))
        .args(["--no-window", "--json"])
        .output()
        .unwrap();
    let replayed = summary_json(&out);
    assert_eq!(replayed, coached);
    // Both exercises were coached; nothing of the back bend counts before
    // 9.5 s + 6 s of getting ready.
    let exercises = coached["exercises"].as_array().unwrap();
    assert_eq!(exercises.len(), 2, "{coached}");
    assert_eq!(
        exercises[0]["reps"].as_array().unwrap().len(),
        1,
        "{coached}"
    );
    let bends = exercises[1]["reps"].as_array().unwrap();
    assert!(!bends.is_empty(), "{coached}");
    for rep in bends {
        assert!(rep["t_start_s"].as_f64().unwrap() >= 15.5, "{coached}");
    }
    // `report` and `history add` replay it the same way.
    let history = dir.join("data");
    let out = posecoach()
        .args(["history", "add", "--data-dir"])
        .arg(&history)
        .args(["--exercises"])
        .arg(dir.join("ex"))
        .arg(&live)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let added = text(&out.stdout);
    let bend_reps = format!("standing-back-bend {} reps", bends.len());
    assert!(
        added.contains("wall-slide 1 reps") && added.contains(&bend_reps),
        "{added}"
    );
}

#[test]
fn a_replay_recorded_under_another_exercise_says_so_in_its_header() {
    let dir = tmp_dir("re-record");
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sessions/model-wall-slide.posecoach");
    let again = dir.join("again.posecoach");
    let out = posecoach()
        .arg("replay")
        .arg(&source)
        .args(["--exercise", "standing-back-bend", "--no-window", "--json"])
        .arg("--record")
        .arg(&again)
        .output()
        .unwrap();
    let first = summary_json(&out);
    let header = Reader::open(&again).unwrap().header;
    assert_eq!(header.plan.exercises, ["standing-back-bend"]);
    // Its replay coaches the back bend, as the run that wrote it did.
    let out = posecoach()
        .arg("replay")
        .arg(&again)
        .args(["--no-window", "--json"])
        .output()
        .unwrap();
    let second = summary_json(&out);
    assert_eq!(second, first);
    assert_eq!(second["exercises"][0]["id"], "standing-back-bend");
}

/// Runs posecoach with `args`, expecting a one-line error containing
/// `needle`, exit status 1.
fn refused(args: &[&std::ffi::OsStr], needle: &str) {
    let out = posecoach().args(args).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "{stderr}");
}

#[test]
fn no_recording_is_ever_written_over() {
    let dir = tmp_dir("no-overwrite");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sessions/model-wall-slide.posecoach");
    let session = dir.join("session.posecoach");
    std::fs::copy(&fixture, &session).unwrap();
    let before = std::fs::read(&session).unwrap();
    let existing = dir.join("existing.posecoach");
    std::fs::write(&existing, "precious").unwrap();
    let os = |s: &str| std::ffi::OsString::from(s);
    let data = dir.join("data");

    // A replay onto its own source, also by another spelling.
    let other_spelling = dir.join("../no-overwrite/session.posecoach");
    for target in [&session, &other_spelling] {
        refused(
            &[
                &os("replay"),
                session.as_os_str(),
                &os("--no-window"),
                &os("--record"),
                target.as_os_str(),
            ],
            "that is the file being replayed",
        );
    }
    // --record and record onto any existing file.
    refused(
        &[
            &os("replay"),
            session.as_os_str(),
            &os("--no-window"),
            &os("--record"),
            existing.as_os_str(),
        ],
        "already exists",
    );
    for command in [
        vec![os("record"), existing.clone().into_os_string()],
        vec![os("run"), os("--record"), existing.clone().into_os_string()],
    ] {
        let mut args: Vec<&std::ffi::OsStr> = command.iter().map(|a| a.as_os_str()).collect();
        let rest = [
            os("--exercise"),
            os("wall-slide"),
            os("--source"),
            session.clone().into_os_string(),
            os("--no-window"),
            os("--mute"),
            os("--data-dir"),
            data.clone().into_os_string(),
        ];
        args.extend(rest.iter().map(|a| a.as_os_str()));
        refused(&args, "already exists");
    }
    assert_eq!(std::fs::read(&session).unwrap(), before);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");
}
