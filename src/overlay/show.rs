//! "Show me how": the exercise's demonstration playing beside the camera
//! image, with the instructions and the view the exercise needs, before
//! the exercise starts (and on H).

use super::figure::{Bounds, draw_figure};
use super::{
    BACKGROUND, Canvas, GOOD, GREY, ImagePlacement, Layout, PANEL, Rect, Rgb, TextRenderer, View,
    WARN, WHITE,
};
use crate::exercise::demo::Prop;
use crate::exercise::engine::PoseFrame;

/// The demonstration's colour: its box's frame, the progress bar, titles.
pub const SHOW_ME: Rgb = Rgb(90, 200, 255);
pub const KEYS: &str = "Enter or click: start now   H: watch again   Q: quit";
const FIGURE_BOX: Rgb = Rgb(36, 40, 48);

/// One moment of a demonstration.
#[derive(Debug, Clone, PartialEq)]
pub struct Demonstration {
    pub exercise_name: String,
    pub instructions: Vec<String>,
    /// What the camera must see, in words.
    pub view_needed: String,
    /// The figure now, and the box its whole movement fits in.
    pub figure: PoseFrame,
    pub bounds: Bounds,
    /// What the guide says to use, drawn with the figure.
    pub props: Vec<Prop>,
    /// How far through, 0-1.
    pub progress: f64,
}

/// Where the demonstration and the camera image go: (x, y, w, h) each.
pub fn boxes(l: &Layout) -> (Rect, Rect) {
    let pad = l.h * 0.02;
    let top = l.top_bar_px + pad;
    let height = l.h * 0.6;
    let width = (l.w - 3.0 * pad) / 2.0;
    (
        (pad, top, width, height),
        (2.0 * pad + width, top, width, height),
    )
}

/// Draws the whole window: the title, the figure on the left, the camera
/// image on the right with the placement indicator under it, and the
/// instructions below both.
pub fn draw(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    demo: &Demonstration,
    view: &View<'_>,
) {
    let (image, mirrored, placement) = (view.image, view.mirrored, view.placement);
    canvas.clear(BACKGROUND);
    canvas.fill_rect((0, 0, l.w as i64, l.top_bar_px as i64), PANEL, 1.0);
    let baseline = l.top_bar_px * 0.68;
    let title = format!("How to do it: {}", demo.exercise_name);
    text.draw(canvas, (l.h * 0.02, baseline), &title, l.title_px, SHOW_ME);
    let keys_w = text.width(KEYS, l.small_px);
    text.draw(
        canvas,
        (l.w - keys_w - l.h * 0.02, baseline),
        KEYS,
        l.small_px,
        GREY,
    );

    let (figure_box, camera_box) = boxes(l);
    let rect = |r: Rect| (r.0 as i64, r.1 as i64, r.2 as i64, r.3 as i64);
    canvas.fill_rect(rect(figure_box), FIGURE_BOX, 1.0);
    draw_figure(canvas, &demo.figure, demo.bounds, &demo.props, figure_box);
    // The progress along the bottom of the figure's box.
    let bar_h = (l.h * 0.012).max(4.0);
    let (fx, fy, fw, fh) = figure_box;
    canvas.fill_rect(
        (fx as i64, (fy + fh - bar_h) as i64, fw as i64, bar_h as i64),
        Rgb(60, 64, 72),
        1.0,
    );
    canvas.fill_rect(
        (
            fx as i64,
            (fy + fh - bar_h) as i64,
            (fw * demo.progress.clamp(0.0, 1.0)) as i64,
            bar_h as i64,
        ),
        SHOW_ME,
        1.0,
    );
    let label_y = fy + f64::from(l.small_px) * 1.4;
    text.draw(
        canvas,
        (fx + l.h * 0.015, label_y),
        "Watch",
        l.small_px,
        SHOW_ME,
    );

    let (cx, cy, cw, ch) = camera_box;
    canvas.fill_rect(rect(camera_box), PANEL, 1.0);
    match image {
        Some(image) => {
            let placement_px =
                ImagePlacement::fit_in(image.width(), image.height(), camera_box, mirrored);
            canvas.draw_image(image, &placement_px);
        }
        None => {
            let s = if view.demonstration {
                "No camera: the demonstration is coached"
            } else {
                "No camera picture yet"
            };
            let w = text.width(s, l.small_px);
            text.draw(
                canvas,
                (cx + (cw - w) / 2.0, cy + ch / 2.0),
                s,
                l.small_px,
                GREY,
            );
        }
    }
    text.draw(
        canvas,
        (cx + l.h * 0.015, label_y),
        "You",
        l.small_px,
        WHITE,
    );
    // The indicator: what the camera must see, and whether it does.
    let badge_h = f64::from(l.panel_text_px) * 1.5;
    let badge_y = cy + ch - badge_h;
    // Nothing is said about the view without a picture of you.
    let (colour, message) = match placement.filter(|_| image.is_some()) {
        Some(p) if p.is_good() => (GOOD, p.message()),
        Some(p) => (WARN, p.message()),
        None if image.is_none() => (GREY, "No picture of you yet".to_string()),
        None => (GREY, "Looking for you...".to_string()),
    };
    canvas.fill_rect(
        (cx as i64, badge_y as i64, cw as i64, badge_h as i64),
        PANEL,
        0.85,
    );
    canvas.fill_rect((cx as i64, badge_y as i64, 8, badge_h as i64), colour, 1.0);
    text.draw(
        canvas,
        (cx + l.h * 0.03, badge_y + badge_h * 0.7),
        &message,
        l.panel_text_px,
        colour,
    );
    let needed_y = badge_y - f64::from(l.small_px) * 0.6;
    canvas.fill_rect(
        (
            cx as i64,
            (needed_y - f64::from(l.small_px) * 1.2) as i64,
            cw as i64,
            (f64::from(l.small_px) * 1.5) as i64,
        ),
        PANEL,
        0.6,
    );
    text.draw(
        canvas,
        (cx + l.h * 0.03, needed_y),
        &demo.view_needed,
        l.small_px,
        WHITE,
    );

    // The instructions, numbered, under both boxes.
    let mut y = fy + fh + f64::from(l.panel_text_px) * 1.6;
    let x = fx;
    let max_w = l.w - 2.0 * fx;
    let size = l.panel_text_px * 9 / 10;
    for (i, line) in demo.instructions.iter().enumerate() {
        for (k, wrapped) in text
            .wrap(&format!("{}. {line}", i + 1), size, max_w)
            .into_iter()
            .enumerate()
        {
            if y > l.h - 4.0 {
                return;
            }
            let indent = if k == 0 { 0.0 } else { f64::from(size) };
            text.draw(canvas, (x + indent, y), &wrapped, size, WHITE);
            y += f64::from(size) * 1.3;
        }
    }
}
