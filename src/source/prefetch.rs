//! A source read ahead on a thread of its own, so decoding the next frame
//! overlaps with what the caller does with this one (on two cores: the
//! pose model on one, the decoder on the other). Frames and errors come out
//! in the order the source gave them.

use crossbeam_channel::{Receiver, bounded};

use super::{Frame, FrameSource, SourceError};

/// Frames decoded ahead of the one being used: enough to ride over a slow
/// frame, few enough to hold little memory (a 1080p frame is 6 MB).
pub const PREFETCH_FRAMES: usize = 2;

type Read = (Result<Option<Frame>, SourceError>, Option<f64>);

/// `source`, read ahead by [`PREFETCH_FRAMES`] on the "prefetch" thread,
/// which is joined when this is dropped.
#[derive(Debug)]
pub struct Prefetched {
    frames: Receiver<Read>,
    reader: Option<std::thread::JoinHandle<()>>,
    progress: Option<f64>,
    ended: bool,
}

impl Prefetched {
    pub fn new(mut source: Box<dyn FrameSource + Send>) -> Prefetched {
        let (sender, frames) = bounded::<Read>(PREFETCH_FRAMES);
        // The reader stops at the end of the source, or when the caller
        // drops its end (a session that finished early). A thread that
        // cannot start is a reader stopped: the first frame says so.
        let reader = std::thread::Builder::new()
            .name("prefetch".into())
            .spawn(move || {
                loop {
                    let next = source.next_frame();
                    let at_end = matches!(next, Ok(None));
                    if sender.send((next, source.progress())).is_err() || at_end {
                        return;
                    }
                }
            })
            .ok();
        Prefetched {
            frames,
            reader,
            progress: None,
            ended: false,
        }
    }
}

impl Drop for Prefetched {
    fn drop(&mut self) {
        // The reader's next send fails: it ends after the frame it is on.
        drop(std::mem::replace(
            &mut self.frames,
            crossbeam_channel::never(),
        ));
        if let Some(reader) = self.reader.take() {
            let _ignored = reader.join();
        }
    }
}

impl FrameSource for Prefetched {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        if self.ended {
            return Ok(None);
        }
        match self.frames.recv() {
            Ok((next, progress)) => {
                self.progress = progress;
                self.ended = matches!(next, Ok(None));
                next
            }
            Err(_) => {
                self.ended = true;
                Err(SourceError::ReaderStopped)
            }
        }
    }

    fn progress(&self) -> Option<f64> {
        self.progress
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Frames 0..n, with an error in place of `bad`, each marked in its
    /// top-left pixel; `read` counts the frames asked for.
    #[derive(Debug)]
    struct Counting {
        next: u8,
        n: u8,
        bad: u8,
        read: Arc<AtomicUsize>,
    }

    fn counting(n: u8, bad: u8) -> (Counting, Arc<AtomicUsize>) {
        let read = Arc::new(AtomicUsize::new(0));
        let source = Counting {
            next: 0,
            n,
            bad,
            read: Arc::clone(&read),
        };
        (source, read)
    }

    impl FrameSource for Counting {
        fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
            self.read.fetch_add(1, Ordering::SeqCst);
            let i = self.next;
            if i >= self.n {
                return Ok(None);
            }
            self.next += 1;
            if i == self.bad {
                return Err(SourceError::Decode {
                    path: PathBuf::from(format!("{i}.png")),
                    reason: "broken".into(),
                });
            }
            Ok(Some(Frame {
                image: RgbImage::from_pixel(1, 1, image::Rgb([i, 0, 0])),
                t_ms: f64::from(i) * 10.0,
                name: i.to_string(),
            }))
        }

        fn progress(&self) -> Option<f64> {
            Some(f64::from(self.next) / f64::from(self.n))
        }
    }

    #[test]
    fn frames_and_errors_come_in_order_then_the_end() {
        let mut frames = Prefetched::new(Box::new(counting(10, 4).0));
        let mut seen = Vec::new();
        loop {
            match frames.next_frame() {
                Ok(Some(frame)) => seen.push(frame.image.get_pixel(0, 0)[0].to_string()),
                Ok(None) => break,
                Err(e) => seen.push(e.to_string()),
            }
        }
        assert_eq!(
            seen,
            [
                "0",
                "1",
                "2",
                "3",
                "4.png: not a readable image: broken",
                "5",
                "6",
                "7",
                "8",
                "9"
            ]
        );
        assert_eq!(frames.progress(), Some(1.0));
        assert!(
            matches!(frames.next_frame(), Ok(None)),
            "the end stays the end"
        );
    }

    #[test]
    fn dropping_it_early_stops_the_reader() {
        let (source, read) = counting(200, 255);
        let mut frames = Prefetched::new(Box::new(source));
        assert!(matches!(frames.next_frame(), Ok(Some(_))));
        drop(frames);
        // The reader finds nobody to hand its next frame to and stops:
        // the count settles well short of the 200 frames there are.
        let mut last = usize::MAX;
        for _ in 0..100 {
            std::thread::sleep(std::time::Duration::from_millis(10));
            let now = read.load(Ordering::SeqCst);
            if now == last {
                break;
            }
            last = now;
        }
        assert!(
            last <= 2 + PREFETCH_FRAMES,
            "{last} frames read after the drop"
        );
    }
}
