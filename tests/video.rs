//! Video files as a user meets them: a phone clip flagged as rotated is
//! read turned as a player shows it, a clip cut short is coached up to the cut and says so in one
//! line, a file that is not a video is one error naming it, and a path
//! that looks like a URL is a local file. The clips are made here by
//! ffmpeg from the bundled sports2d clip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::cli::{posecoach, text, tmp_dir};
use posecoach::source::FrameSource;
use posecoach::source::video::VideoFile;

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/videos/sports2d/demo.mp4"
);

/// The first second of the demo clip, stream-copied with `extra` options.
fn clip(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let status = Command::new("ffmpeg")
        .args([
            "-v", "error", "-y", "-i", DEMO, "-t", "1", "-an", "-c", "copy",
        ])
        .args(extra)
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    out
}

#[test]
fn a_phone_clip_flagged_as_rotated_is_read_as_it_is_shown() {
    let dir = tmp_dir("video-rotated");
    let rotated = clip(&dir, "phone.mp4", &["-metadata:s:v:0", "rotate=90"]);
    let mut video = VideoFile::open(&rotated).unwrap();
    // ffmpeg turns it as a player shows it: portrait, not the stored
    // landscape.
    assert_eq!(video.size(), (994, 1768));
    let mut original = VideoFile::open(Path::new(DEMO)).unwrap();
    let mut frames = 0;
    while let Some(frame) = video.next_frame().unwrap() {
        assert_eq!(frame.image.dimensions(), (994, 1768));
        // The same picture turned a quarter (read with the stored size, it
        // would be scrambled pixels).
        let stored = original.next_frame().unwrap().unwrap().image;
        let turned = image::imageops::rotate270(&stored);
        let differ = frame
            .image
            .as_raw()
            .iter()
            .zip(turned.as_raw())
            .filter(|(a, b)| a.abs_diff(**b) > 2)
            .count();
        assert!(
            differ * 100 < turned.as_raw().len(),
            "frame {frames}: {differ} values differ"
        );
        frames += 1;
    }
    assert_eq!(frames, 30);
}

#[test]
fn a_clip_cut_short_is_coached_up_to_the_cut_with_one_warning() {
    let dir = tmp_dir("video-cut");
    let whole = std::fs::read(DEMO).unwrap();
    let cut = dir.join("cut.mp4");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let out = posecoach()
        .arg("replay")
        .arg(&cut)
        .args(["--exercise", "standing-back-bend", "--no-window", "--json"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "warning: {}: ffmpeg reported an error; the video was used up to",
            cut.display()
        )),
        "{stderr}"
    );
    // Up to about half of the 7.7 s clip, then the summary.
    let used_s: f64 = stderr
        .split("used up to ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!((2.0..6.0).contains(&used_s), "{used_s}");
    let summary: serde_json::Value =
        serde_json::from_str(text(&out.stdout).lines().last().unwrap()).unwrap();
    assert_eq!(summary["exercises"][0]["id"], "standing-back-bend");
}

#[test]
fn a_file_that_is_not_a_video_is_one_error_naming_it() {
    let dir = tmp_dir("video-corrupt");
    let bad = dir.join("holiday.mp4");
    let noise: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&bad, noise).unwrap();
    let out = posecoach()
        .arg("replay")
        .arg(&bad)
        .args(["--exercise", "standing-back-bend", "--no-window"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: {}: not a video ffmpeg can read",
            bad.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("image"), "{stderr}");
}

#[test]
fn a_path_that_looks_like_a_url_is_a_local_file() {
    let dir = tmp_dir("video-url-name");
    let folder = dir.join("http:").join("127.0.0.1:9");
    std::fs::create_dir_all(&folder).unwrap();
    clip(&folder, "x.mp4", &[]);
    let out = posecoach()
        .current_dir(&dir)
        .args(["replay", "http://127.0.0.1:9/x.mp4"])
        .args(["--exercise", "standing-back-bend", "--no-window", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}
