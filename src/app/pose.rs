//! `posecoach pose`: landmarks for photos, or for a folder of frames as one
//! video.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;

use posecoach::pose::{
    BlazePose, BlazePoseConfig, Landmark, ModelVariant, Pose, PoseEstimator, TrackingMode,
};
use posecoach::source::{DEFAULT_FOLDER_FPS, FrameSource, ImageFolder, Prefetched, Unreadable};

/// What to run the pose model on and how to print it.
#[derive(Debug, Clone)]
pub struct PoseArgs {
    pub images: Vec<PathBuf>,
    pub frames: Option<PathBuf>,
    pub variant: ModelVariant,
    pub json: bool,
    pub intra_threads: usize,
}

/// One line of the JSON output, in the layout of the MediaPipe reference.
#[derive(Debug, Serialize)]
pub struct PoseRecord {
    pub source: String,
    pub width: u32,
    pub height: u32,
    /// 33 `[x, y, z, visibility, presence]`, or null when nobody was found.
    pub landmarks: Option<Vec<[f32; 5]>>,
}

impl PoseRecord {
    fn new(source: String, image: &image::RgbImage, pose: Option<&Pose>) -> PoseRecord {
        PoseRecord {
            source,
            width: image.width(),
            height: image.height(),
            landmarks: pose.map(|p| {
                p.landmarks
                    .iter()
                    .map(|l| [l.x, l.y, l.z, l.visibility, l.presence])
                    .collect()
            }),
        }
    }
}

/// Runs the command; returns whether every input could be read.
pub fn run(args: &PoseArgs) -> anyhow::Result<bool> {
    let mode = if args.frames.is_some() {
        TrackingMode::Video
    } else {
        TrackingMode::StaticImages
    };
    let mut config = BlazePoseConfig::new(args.variant.clone(), mode);
    config.intra_threads = args.intra_threads;
    let mut estimator = BlazePose::new(&config).context("cannot load the pose model")?;

    let mut records = Vec::new();
    let mut all_read = true;
    let mut out = std::io::stdout().lock();
    let mut emit = |record: PoseRecord, out: &mut dyn Write| -> anyhow::Result<()> {
        if !args.json {
            print_table(&record, out)?;
        }
        records.push(record);
        Ok(())
    };

    if let Some(dir) = &args.frames {
        // The next frame is decoded while the model runs on this one.
        let mut folder = Prefetched::new(posecoach::source::open(dir)?);
        let mut unreadable = Unreadable::default();
        loop {
            match folder.next_frame() {
                Ok(Some(frame)) => {
                    unreadable.read();
                    let pose = estimator.estimate(&frame.image, frame.t_ms)?;
                    emit(
                        PoseRecord::new(frame.name, &frame.image, pose.as_ref()),
                        &mut out,
                    )?;
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!("frame skipped, tracking reset");
                    // A frame that cannot be read loses the track.
                    estimator.reset();
                    all_read = false;
                    if let Some(warning) = unreadable.note(&e) {
                        eprintln!("{warning}");
                    }
                }
            }
        }
        if let Some(count) = unreadable.finish(dir)? {
            eprintln!("{count}");
        }
    }
    let mut photos = Prefetched::new(Box::new(ImageFolder::from_files(
        args.images.clone(),
        DEFAULT_FOLDER_FPS,
    )));
    loop {
        let photo = match photos.next_frame() {
            Ok(Some(photo)) => photo,
            Ok(None) => break,
            Err(e) => {
                all_read = false;
                eprintln!("error: {e}");
                continue;
            }
        };
        let pose = estimator.estimate(&photo.image, 0.0)?;
        emit(
            PoseRecord::new(photo.name, &photo.image, pose.as_ref()),
            &mut out,
        )?;
    }
    if args.json {
        serde_json::to_writer(&mut out, &records)?;
        writeln!(out)?;
    }
    Ok(all_read)
}

fn print_table(record: &PoseRecord, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(landmarks) = &record.landmarks else {
        return writeln!(
            out,
            "{} ({}x{}): no person found\n",
            record.source, record.width, record.height
        );
    };
    writeln!(
        out,
        "{} ({}x{}): person found",
        record.source, record.width, record.height
    )?;
    writeln!(
        out,
        "  {:<18} {:>7} {:>7} {:>7} {:>10}",
        "landmark", "x_px", "y_px", "z", "visible"
    )?;
    for (lm, v) in Landmark::ALL.iter().zip(landmarks) {
        writeln!(
            out,
            "  {:<18} {:>7.1} {:>7.1} {:>7.3} {:>9.0}%",
            lm.name(),
            v[0] * record.width as f32,
            v[1] * record.height as f32,
            v[2],
            v[3] * 100.0
        )?;
    }
    writeln!(out)
}
