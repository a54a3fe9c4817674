//! The home screen's contents: the catalog's routines and exercises with
//! their pictures, advice and last time done (from the history, read only
//! when it exists), and the sources to choose from (the cameras found, and
//! the demonstration). What the person picks comes back as a [`Choice`].

use anyhow::Context;
use chrono::NaiveDate;

use super::super::replay::Selection;
use super::SourceArg;
use posecoach::exercise::catalog::Catalog;
use posecoach::exercise::engine::placement;
use posecoach::history::{DATABASE_FILE, History, LastDone};
use posecoach::overlay::figure::Picture;
use posecoach::overlay::home::{HomeItem, HomeScreen};
use posecoach::source::camera::{CameraRequest, list_cameras};

/// What the person chose on the home screen.
#[derive(Debug, Clone)]
pub struct Choice {
    pub selection: Selection,
    pub source: SourceArg,
}

/// The home screen and what its tiles and camera choices stand for.
#[derive(Debug, Clone)]
pub struct Home {
    pub screen: HomeScreen,
    /// The sources the C key goes through, with their names.
    pub sources: Vec<(String, SourceArg)>,
    pub source_index: usize,
    base: Selection,
}

impl Home {
    /// The home screen for `selection` (its exercise folder and
    /// parameters), starting on `source` when it is one of the choices.
    pub fn new(
        base: &Selection,
        source: &SourceArg,
        data_dir: &std::path::Path,
    ) -> anyhow::Result<Home> {
        let catalog = Catalog::load(
            &super::super::exercises::exercise_dirs(base.user_exercises.as_ref()),
            &base.params,
        );
        let today = super::super::data::now().date_naive();
        let last = last_done(data_dir).context("cannot read the history for the home screen")?;
        let mut items = Vec::new();
        for routine in &catalog.routines {
            let figures = routine
                .exercises
                .iter()
                .filter_map(|id| catalog.exercise(id))
                .filter_map(|e| Picture::of(e.demo.as_ref()?))
                .collect();
            let advised = routine
                .exercises
                .iter()
                .filter_map(|id| catalog.exercise(id))
                .count();
            items.push(HomeItem {
                routine: true,
                id: routine.id.clone(),
                title: routine.name.clone(),
                advised: format!("{advised} exercises"),
                last_done: when(last.routines.get(&routine.id), today),
                view_needed: "each exercise shows where the camera must be".into(),
                figures,
            });
        }
        for exercise in &catalog.exercises {
            items.push(HomeItem {
                routine: false,
                id: exercise.id.clone(),
                title: exercise.name.clone(),
                advised: exercise.progress.as_ref().map_or_else(String::new, |p| {
                    let text = p.frequency.describe();
                    let mut chars = text.chars();
                    chars.next().map_or(text.clone(), |c| {
                        format!("{}{}", c.to_uppercase(), chars.as_str())
                    })
                }),
                last_done: when(last.exercises.get(&exercise.id), today),
                view_needed: placement::needed(exercise).to_lowercase(),
                figures: exercise
                    .demo
                    .as_ref()
                    .and_then(Picture::of)
                    .into_iter()
                    .collect(),
            });
        }
        let mut sources: Vec<(String, SourceArg)> = list_cameras()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| {
                let index = c.index.parse().ok()?;
                Some((
                    format!("camera {index}: {}", c.name),
                    SourceArg::Camera(CameraRequest {
                        index,
                        ..CameraRequest::default()
                    }),
                ))
            })
            .collect();
        sources.push((
            "none: the demonstration, coached".to_string(),
            SourceArg::Demo,
        ));
        let source_index = sources
            .iter()
            .position(|(_, s)| same_source(s, source))
            .unwrap_or(0);
        let mut home = Home {
            screen: HomeScreen {
                items,
                selected: 0,
                camera: String::new(),
            },
            sources,
            source_index,
            base: base.clone(),
        };
        home.set_source(source_index);
        Ok(home)
    }

    fn set_source(&mut self, index: usize) {
        self.source_index = index % self.sources.len().max(1);
        let name = self
            .sources
            .get(self.source_index)
            .map_or("none", |(name, _)| name.as_str());
        self.screen.camera = format!("Camera: {name}   (C to change)");
    }

    /// The C key: the next camera (or the demonstration).
    pub fn next_source(&mut self) {
        self.set_source(self.source_index + 1);
        // Only the demonstration: say why C changes nothing.
        if self.sources.len() <= 1 {
            self.screen.camera = NO_CAMERA_TO_CHOOSE.to_string();
        }
    }

    /// What choosing tile `index` starts.
    pub fn choice(&self, index: usize) -> Option<Choice> {
        let item = self.screen.items.get(index)?;
        let (_, source) = self.sources.get(self.source_index)?;
        let selection = if item.routine {
            Selection {
                routine: Some(item.id.clone()),
                exercise: None,
                ..self.base.clone()
            }
        } else {
            Selection {
                exercise: Some(item.id.clone()),
                routine: None,
                ..self.base.clone()
            }
        };
        Some(Choice {
            selection,
            source: source.clone(),
        })
    }
}

fn same_source(a: &SourceArg, b: &SourceArg) -> bool {
    match (a, b) {
        (SourceArg::Camera(x), SourceArg::Camera(y)) => x.index == y.index,
        (SourceArg::Demo, SourceArg::Demo) => true,
        _ => false,
    }
}

/// When each was last done, from the history in `data_dir` if there is
/// one (it is not created).
fn last_done(data_dir: &std::path::Path) -> anyhow::Result<LastDone> {
    match History::open_to_read(&data_dir.join(DATABASE_FILE))? {
        Some(history) => Ok(history.last_done()?),
        None => Ok(LastDone::default()),
    }
}

/// "Done today", "Done yesterday", "Done 3 days ago", "Not done yet".
fn when(date: Option<&String>, today: NaiveDate) -> String {
    let date = date.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match date.map(|d| (today - d).num_days()) {
        None => "Not done yet".into(),
        Some(days) if days <= 0 => "Done today".into(),
        Some(1) => "Done yesterday".into(),
        Some(days) => format!("Done {days} days ago"),
    }
}

/// The home screen in the window, and where the choice goes.
#[derive(Debug)]
pub struct Chooser {
    pub home: Home,
    pub choice: crossbeam_channel::Sender<Choice>,
}

/// Said on C when there is no camera to change to.
pub const NO_CAMERA_TO_CHOOSE: &str =
    "No camera found: the demonstration is coached (plug a camera in and start again)";

/// Makes the home screen (with the history read afresh): at the start, and
/// again each time an end screen goes back to it.
pub type MakeChooser = Box<dyn Fn() -> anyhow::Result<Chooser> + Send>;
