//! `posecoach bench`: where the time of a frame goes, per model variant.
//!
//! Each variant runs twice over the same clip: once with the detector on
//! every frame (detection mode, as for photos), once tracking (video mode).
//! Figures are medians and 95th percentiles in milliseconds.
//!
//! The tracking pass also draws each frame as the window would (the camera
//! image scaled to [`DRAW_SIZE`], the skeleton, the pixels packed for the
//! window), timed apart from the model: in the app it runs on another thread.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;

use posecoach::exercise::engine::PoseFrame;
use posecoach::overlay::{self, Canvas, Status, TextRenderer, View};
use posecoach::pose::blazepose::StageTimings;
use posecoach::pose::{BlazePose, BlazePoseConfig, ModelVariant, PoseEstimator, TrackingMode};
use posecoach::source;

/// The window size the drawing is timed at (the app's default window).
const DRAW_SIZE: (usize, usize) = (1280, 720);

#[derive(Debug, Clone)]
pub struct BenchArgs {
    pub source: PathBuf,
    pub variants: Vec<ModelVariant>,
    pub max_frames: usize,
    pub intra_threads: usize,
    /// A Python with mediapipe 0.10.21 to compare against, side by side.
    pub mediapipe: Option<PathBuf>,
    /// Rounds of the side-by-side comparison.
    pub rounds: usize,
    /// Hours of the synthetic poses-only session replayed for memory (0:
    /// none).
    pub long_replay_hours: f64,
}

/// The recorded session a long one is made of, looped: a person doing wall
/// slides (the body model's), coached as a standing back bend, which that
/// motion never completes, so the engine measures, judges and cues to the
/// end (coached as a wall slide, the session would end after five).
const LONG_REPLAY_SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/sessions/model-wall-slide.posecoach"
);
const LONG_REPLAY_EXERCISE: &str = "standing-back-bend";
/// Its frame interval, as a camera at 30 fps.
const LONG_REPLAY_FRAME_MS: f64 = 1000.0 / 30.0;
/// The seed's poses are 100 ms apart: each is shown this many times at
/// 30 fps, so the person moves at the seed's pace.
const FRAMES_PER_SEED_POSE: usize = 3;
/// Resident memory is read every this many frames during the replay.
const RSS_EVERY_FRAMES: usize = 5000;

/// Writes `hours` of the seed's poses, looped at 30 fps, to a new file, then
/// replays it as `replay`, `report` and `history add` do, and prints the
/// time and the resident memory (before, and the most during the replay).
fn long_replay(hours: f64) -> anyhow::Result<()> {
    use posecoach::recording::{self, Line, Recorder};
    let seed_path = std::path::Path::new(LONG_REPLAY_SEED);
    let mut seed = recording::Reader::open(seed_path)?;
    let mut poses = Vec::new();
    while let Some(line) = seed.next_line()? {
        if let Line::Frame { record, .. } = line {
            poses.push(record);
        }
    }
    anyhow::ensure!(!poses.is_empty(), "{}: no frames", seed_path.display());
    let path = std::env::temp_dir().join(format!(
        "posecoach-bench-long-{}.posecoach",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let frames = (hours * 3600.0 * 1000.0 / LONG_REPLAY_FRAME_MS).round() as usize;
    let t0 = Instant::now();
    let mut header = seed.header.clone();
    header.plan = posecoach::session::Plan::of(vec![LONG_REPLAY_EXERCISE.to_string()]);
    let mut recorder = Recorder::create(&path, &header)?;
    for i in 0..frames {
        let mut record = poses[(i / FRAMES_PER_SEED_POSE) % poses.len()].clone();
        record.t_ms = i as f64 * LONG_REPLAY_FRAME_MS;
        recorder.frame(&record)?;
    }
    recorder.finish()?;
    let written_s = t0.elapsed().as_secs_f64();
    let size_mb = std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6);
    let before_mb = resident_mb().unwrap_or(0.0);
    let mut peak_mb = before_mb;
    let mut seen = 0usize;
    let t0 = Instant::now();
    let replayed = super::replay::engine_replay(&path, None, |_, _, _| {
        seen += 1;
        if seen.is_multiple_of(RSS_EVERY_FRAMES) {
            peak_mb = peak_mb.max(resident_mb().unwrap_or(0.0));
        }
    });
    let replay_s = t0.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&path);
    let replayed = replayed?;
    peak_mb = peak_mb.max(resident_mb().unwrap_or(0.0));
    let coached_s = replayed.finished.last_t_ms / 1000.0;
    println!(
        "\nlong replay: {hours} h poses-only session ({frames} frames, {size_mb:.0} MB, written in {written_s:.1} s) coached to {coached_s:.0} s in {replay_s:.1} s; resident memory {before_mb:.0} MB before, at most {peak_mb:.0} MB during (+{:.0} MB)",
        peak_mb - before_mb
    );
    Ok(())
}

/// Median and 95th percentile of a set of durations, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub median_ms: f64,
    pub p95_ms: f64,
}

pub fn summarize(durations: &[Duration]) -> Option<Summary> {
    if durations.is_empty() {
        return None;
    }
    let mut ms: Vec<f64> = durations.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Some(Summary {
        median_ms: at(0.5),
        p95_ms: at(0.95),
    })
}

/// Resident memory of this process, from /proc (Linux), in MB.
pub fn resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[derive(Debug, Default)]
struct Pass {
    detector: Vec<Duration>,
    landmarks: Vec<Duration>,
    other: Vec<Duration>,
    total: Vec<Duration>,
    draw: Vec<Duration>,
    frames_with_person: usize,
    frames: usize,
    max_rss_mb: f64,
}

fn run_pass(args: &BenchArgs, variant: &ModelVariant, mode: TrackingMode) -> anyhow::Result<Pass> {
    let mut config = BlazePoseConfig::new(variant.clone(), mode);
    config.intra_threads = args.intra_threads;
    let mut estimator =
        BlazePose::new(&config).with_context(|| format!("cannot load the {variant} model"))?;
    let mut frames = source::open(&args.source)?;
    let mut pass = Pass::default();
    let mut drawing = match mode {
        TrackingMode::Video => Some((Canvas::new(DRAW_SIZE.0, DRAW_SIZE.1)?, TextRenderer::new()?)),
        TrackingMode::StaticImages => None,
    };
    while pass.frames < args.max_frames {
        let Some(frame) = frames.next_frame()? else {
            break;
        };
        let pose = estimator.estimate(&frame.image, frame.t_ms)?;
        let found = pose.is_some();
        if let Some((canvas, text)) = drawing.as_mut() {
            let (w, h) = frame.image.dimensions();
            let pose = pose.as_ref().map(|p| PoseFrame::from_pose(p, w, h));
            let view = View {
                image: Some(&frame.image),
                image_size: (w, h),
                mirrored: false,
                pose: pose.as_ref(),
                session: None,
                status: Status::Running,
                muted: false,
                demonstration: false,
                note: None,
                stats: None,
                placement: None,
                ghost: None,
            };
            let t0 = Instant::now();
            overlay::draw(canvas, text, &view);
            std::hint::black_box(canvas.window_pixels());
            pass.draw.push(t0.elapsed());
        }
        let StageTimings {
            detector_inference,
            landmark_inference,
            total,
            detected,
        } = estimator.last_timings();
        if detected {
            pass.detector.push(detector_inference);
        }
        if !landmark_inference.is_zero() {
            pass.landmarks.push(landmark_inference);
        }
        pass.other
            .push(total.saturating_sub(detector_inference + landmark_inference));
        pass.total.push(total);
        pass.frames += 1;
        pass.frames_with_person += usize::from(found);
        if pass.frames % 10 == 1 {
            pass.max_rss_mb = pass.max_rss_mb.max(resident_mb().unwrap_or(0.0));
        }
    }
    Ok(pass)
}

fn cell(durations: &[Duration]) -> String {
    match summarize(durations) {
        Some(s) => format!("{:>6.1} {:>6.1}", s.median_ms, s.p95_ms),
        None => format!("{:>6} {:>6}", "-", "-"),
    }
}

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    println!(
        "posecoach bench: {} (up to {} frames), {} intra-op thread(s); milliseconds per frame, median and p95",
        args.source.display(),
        args.max_frames,
        args.intra_threads
    );
    println!(
        "{:<8} {:<9} {:>13} {:>13} {:>13} {:>13} {:>8} {:>9} {:>7} {:>13}",
        "model",
        "mode",
        "detector",
        "landmarks",
        "other",
        "whole frame",
        "other %",
        "found",
        "RSS MB",
        format!("draw {}x{}", DRAW_SIZE.0, DRAW_SIZE.1)
    );
    for variant in &args.variants {
        for (mode, label) in [
            (TrackingMode::StaticImages, "detection"),
            (TrackingMode::Video, "tracking"),
        ] {
            let pass = run_pass(args, variant, mode)?;
            let other_share = {
                let other: f64 = pass.other.iter().map(Duration::as_secs_f64).sum();
                let total: f64 = pass.total.iter().map(Duration::as_secs_f64).sum();
                if total > 0.0 {
                    100.0 * other / total
                } else {
                    0.0
                }
            };
            println!(
                "{:<8} {:<9} {:>13} {:>13} {:>13} {:>13} {:>7.1}% {:>4}/{:<4} {:>7.0} {:>13}",
                variant.to_string(),
                label,
                cell(&pass.detector),
                cell(&pass.landmarks),
                cell(&pass.other),
                cell(&pass.total),
                other_share,
                pass.frames_with_person,
                pass.frames,
                pass.max_rss_mb,
                cell(&pass.draw)
            );
        }
    }
    if args.long_replay_hours > 0.0 {
        long_replay(args.long_replay_hours)?;
    }
    match &args.mediapipe {
        Some(python) => super::side_by_side::run(args, python, args.rounds)?,
        None => println!(
            "\nside by side with MediaPipe: not run (--mediapipe PYTHON); to set one up: {}",
            super::side_by_side::SET_UP
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_picks_median_and_p95() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let s = summarize(&d).unwrap();
        assert_eq!(s.median_ms, 51.0);
        assert_eq!(s.p95_ms, 95.0);
        assert_eq!(summarize(&[]), None);
    }
}
