//! `posecoach bench --mediapipe PYTHON`: posecoach and MediaPipe 0.10.21
//! timed on the same decoded frames, interleaved frame by frame (the order
//! swaps every frame, so neither always runs on a warmer cache), in
//! tracking mode. MediaPipe runs in a Python process serving frames over a
//! pipe (`scripts/bench_mediapipe.py --serve`); only its `process` call is
//! timed, as only `estimate` is on our side.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use image::RgbImage;

use super::bench::{BenchArgs, summarize};
use posecoach::pose::{BlazePose, BlazePoseConfig, ModelVariant, PoseEstimator, TrackingMode};
use posecoach::source;

/// The server side, compiled in so the bench runs from any folder.
const SCRIPT: &str = include_str!("../../scripts/bench_mediapipe.py");
/// Where `models/convert.sh` unpacks MediaPipe's npm package, whose
/// landmark models MediaPipe needs and cannot download offline.
const TFLITE_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/target/model-conversion/package"
);

/// How to get a Python that can run the comparison.
pub const SET_UP: &str = "python3 -m venv /tmp/mp && /tmp/mp/bin/pip install mediapipe==0.10.21 opencv-python-headless && models/convert.sh, then posecoach bench --mediapipe /tmp/mp/bin/python";

/// One MediaPipe Pose, in its own Python process.
struct MediaPipe {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    /// What the process said on stderr, for the error if it dies.
    stderr: Arc<Mutex<String>>,
    version: String,
}

impl MediaPipe {
    fn start(python: &Path, variant: &ModelVariant) -> anyhow::Result<MediaPipe> {
        let mut child = Command::new(python)
            .args([
                "-c",
                SCRIPT,
                "--serve",
                &variant.to_string(),
                "--tflite-dir",
                TFLITE_DIR,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", python.display()))?;
        let (Some(input), Some(output), Some(mut err)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            bail!("{}: its pipes could not be opened", python.display());
        };
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            if let Ok(mut all) = sink.lock() {
                all.push_str(&text);
            }
        });
        let mut server = MediaPipe {
            child,
            input,
            output: BufReader::new(output),
            stderr,
            version: String::new(),
        };
        let ready = server.answer(python)?;
        server.version = match ready.strip_prefix("ready ") {
            Some(version) => version.to_string(),
            None => bail!("{}: unexpected answer {ready:?}", python.display()),
        };
        Ok(server)
    }

    /// The next line the server writes, or why there is none.
    fn answer(&mut self, python: &Path) -> anyhow::Result<String> {
        let mut line = String::new();
        let read = self.output.read_line(&mut line).unwrap_or(0);
        if read == 0 {
            let _ = self.child.wait();
            let said = self.stderr.lock().map(|s| s.clone()).unwrap_or_default();
            let last = said
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message");
            bail!(
                "MediaPipe in {} stopped: {last} (needs mediapipe==0.10.21: {SET_UP})",
                python.display()
            );
        }
        Ok(line.trim().to_string())
    }

    /// MediaPipe's time for `image`, and whether it found a person.
    fn time(&mut self, python: &Path, image: &RgbImage) -> anyhow::Result<(Duration, bool)> {
        writeln!(self.input, "{} {}", image.width(), image.height())
            .and_then(|()| self.input.write_all(image.as_raw()))
            .and_then(|()| self.input.flush())
            .with_context(|| format!("cannot send a frame to MediaPipe in {}", python.display()))?;
        let answer = self.answer(python)?;
        let mut parts = answer.split_whitespace();
        let ms: f64 = parts
            .next()
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("MediaPipe answered {answer:?}"))?;
        Ok((
            Duration::from_secs_f64(ms / 1000.0),
            parts.next() == Some("1"),
        ))
    }
}

impl Drop for MediaPipe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One round: both, frame by frame, over the clip.
struct Round {
    ours: Vec<Duration>,
    theirs: Vec<Duration>,
    ours_found: usize,
    theirs_found: usize,
    version: String,
}

fn run_round(args: &BenchArgs, python: &Path, variant: &ModelVariant) -> anyhow::Result<Round> {
    let mut config = BlazePoseConfig::new(variant.clone(), TrackingMode::Video);
    config.intra_threads = args.intra_threads;
    let mut estimator =
        BlazePose::new(&config).with_context(|| format!("cannot load the {variant} model"))?;
    let mut mediapipe = MediaPipe::start(python, variant)?;
    let mut frames = source::open(&args.source)?;
    let mut round = Round {
        ours: Vec::new(),
        theirs: Vec::new(),
        ours_found: 0,
        theirs_found: 0,
        version: mediapipe.version.clone(),
    };
    while round.ours.len() < args.max_frames {
        let Some(frame) = frames.next_frame()? else {
            break;
        };
        let mut ours = || -> anyhow::Result<(Duration, bool)> {
            let t0 = Instant::now();
            let found = estimator.estimate(&frame.image, frame.t_ms)?.is_some();
            Ok((t0.elapsed(), found))
        };
        let (mine, theirs) = if round.ours.len().is_multiple_of(2) {
            let mine = ours()?;
            (mine, mediapipe.time(python, &frame.image)?)
        } else {
            let theirs = mediapipe.time(python, &frame.image)?;
            (ours()?, theirs)
        };
        round.ours.push(mine.0);
        round.theirs.push(theirs.0);
        round.ours_found += usize::from(mine.1);
        round.theirs_found += usize::from(theirs.1);
    }
    Ok(round)
}

/// Prints, per model and round, both medians and p95s and how many times
/// faster posecoach is; then each model's median over the rounds.
pub fn run(args: &BenchArgs, python: &Path, rounds: usize) -> anyhow::Result<()> {
    println!();
    println!(
        "side by side with MediaPipe, tracking, interleaved frame by frame on the same decoded frames ({} rounds); ms per frame, median and p95",
        rounds
    );
    println!(
        "{:<8} {:>5} {:>13} {:>9} {:>13} {:>9} {:>8}",
        "model", "round", "posecoach", "found", "MediaPipe", "found", "faster"
    );
    for variant in &args.variants {
        let mut ratios = Vec::new();
        let mut version = String::new();
        for round_number in 1..=rounds {
            let round = run_round(args, python, variant)?;
            let (Some(ours), Some(theirs)) = (summarize(&round.ours), summarize(&round.theirs))
            else {
                bail!("{}: no frames to compare on", args.source.display());
            };
            let ratio = theirs.median_ms / ours.median_ms;
            ratios.push((ours.median_ms, theirs.median_ms, ratio));
            version = round.version;
            println!(
                "{:<8} {:>5} {:>6.1} {:>6.1} {:>4}/{:<4} {:>6.1} {:>6.1} {:>4}/{:<4} {:>7.2}x",
                variant.to_string(),
                round_number,
                ours.median_ms,
                ours.p95_ms,
                round.ours_found,
                round.ours.len(),
                theirs.median_ms,
                theirs.p95_ms,
                round.theirs_found,
                round.theirs.len(),
                ratio
            );
        }
        let median = |pick: fn(&(f64, f64, f64)) -> f64| median(ratios.iter().map(pick).collect());
        println!(
            "{variant}: posecoach {:.1} ms, MediaPipe {version} {:.1} ms per frame: {:.2}x as fast (medians over {} rounds)",
            median(|r| r.0),
            median(|r| r.1),
            median(|r| r.2),
            ratios.len()
        );
    }
    Ok(())
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if !n.is_multiple_of(2) => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0]), 2.5);
    }

    #[test]
    fn a_python_without_mediapipe_is_one_clear_error() {
        let python = Path::new("python3");
        if Command::new(python).arg("-c").arg("pass").status().is_err() {
            return;
        }
        let Err(e) = MediaPipe::start(python, &ModelVariant::Lite) else {
            // This machine's python3 has MediaPipe: nothing to check.
            return;
        };
        let message = e.to_string();
        assert!(
            message.contains("MediaPipe in python3 stopped"),
            "{message}"
        );
        assert!(message.contains("mediapipe==0.10.21"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
}
