//! The overlay's pixel buffer and the shapes it draws, through tiny-skia:
//! anti-aliased rectangles, lines with round ends, discs, arcs and wedges.
//! The camera image is scaled with a bilinear filter by fast_image_resize
//! (SIMD; tiny-skia's own bilinear pattern is ten times slower) and copied
//! in, mirrored when asked. The window takes the pixels as 0RGB in a `u32`
//! ([`Canvas::window_pixels`]).
//!
//! Everything drawn is "source over" onto an opaque background, so the
//! pixmap stays opaque and its premultiplied bytes are plain colours.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;
use tiny_skia::{
    Color, FillRule, LineCap, Paint, Path, PathBuilder, Pixmap, Rect, Stroke, Transform,
};

/// Béziers approximate an arc in pieces of at most this sweep (a quarter
/// turn: the error is under 0.03% of the radius).
const MAX_ARC_PIECE_RAD: f64 = std::f64::consts::FRAC_PI_2;

/// A colour; `alpha` is applied when drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// The window's pixel format: 0RGB in a `u32`.
    pub fn packed(self) -> u32 {
        (u32::from(self.0) << 16) | (u32::from(self.1) << 8) | u32::from(self.2)
    }

    pub fn from_packed(pixel: u32) -> Rgb {
        Rgb((pixel >> 16) as u8, (pixel >> 8) as u8, pixel as u8)
    }
}

/// Where a camera image lands in the window: scale and offset, so image
/// pixels map to window pixels (and back, for tests).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImagePlacement {
    pub x0_px: f64,
    pub y0_px: f64,
    pub scale: f64,
    pub image_width_px: f64,
    pub mirrored: bool,
}

impl ImagePlacement {
    /// The largest placement of an image of `width` x `height` that fits a
    /// window of `win_w` x `win_h`, centred.
    pub fn fit(width: u32, height: u32, win_w: usize, win_h: usize, mirrored: bool) -> Self {
        let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
        let scale = (win_w as f64 / w).min(win_h as f64 / h);
        ImagePlacement {
            x0_px: ((win_w as f64 - w * scale) / 2.0).floor(),
            y0_px: ((win_h as f64 - h * scale) / 2.0).floor(),
            scale,
            image_width_px: w,
            mirrored,
        }
    }

    /// The largest placement of an image of `width` x `height` inside the
    /// window's rectangle (`x`, `y`, `w`, `h`), centred in it.
    pub fn fit_in(
        width: u32,
        height: u32,
        (x, y, w, h): (f64, f64, f64, f64),
        mirrored: bool,
    ) -> Self {
        let mut placement = Self::fit(
            width,
            height,
            w.max(1.0) as usize,
            h.max(1.0) as usize,
            mirrored,
        );
        placement.x0_px += x.floor();
        placement.y0_px += y.floor();
        placement
    }

    /// Window position of image pixel (`x`, `y`).
    pub fn to_window(&self, x_px: f64, y_px: f64) -> (f64, f64) {
        let x = if self.mirrored {
            self.image_width_px - x_px
        } else {
            x_px
        };
        (self.x0_px + x * self.scale, self.y0_px + y_px * self.scale)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot make a {width}x{height} picture to draw in")]
pub struct CanvasError {
    width: usize,
    height: usize,
}

/// The picture being drawn, `width` x `height` pixels.
#[derive(Debug)]
pub struct Canvas {
    pub width: usize,
    pub height: usize,
    pixmap: Pixmap,
    /// The camera image scaled to the window, kept from frame to frame.
    scaled: Option<Image<'static>>,
    resizer: Resizer,
    /// The pixels in the window's format, made by [`Canvas::window_pixels`].
    packed: Vec<u32>,
}

impl Canvas {
    pub fn new(width: usize, height: usize) -> Result<Canvas, CanvasError> {
        let mut pixmap = u32::try_from(width)
            .ok()
            .zip(u32::try_from(height).ok())
            .and_then(|(w, h)| Pixmap::new(w, h))
            .ok_or(CanvasError { width, height })?;
        // Opaque from the start, so every pixel stays a plain colour.
        pixmap.fill(Color::BLACK);
        Ok(Canvas {
            width,
            height,
            pixmap,
            scaled: None,
            resizer: Resizer::new(),
            packed: Vec::new(),
        })
    }

    pub fn get(&self, x: usize, y: usize) -> Option<Rgb> {
        let x = u32::try_from(x).ok()?;
        let y = u32::try_from(y).ok()?;
        let pixel = self.pixmap.pixel(x, y)?.demultiply();
        Some(Rgb(pixel.red(), pixel.green(), pixel.blue()))
    }

    /// The picture as the window shows it: 0RGB in a `u32`, row by row.
    pub fn window_pixels(&mut self) -> &[u32] {
        self.packed.clear();
        self.packed.extend(
            self.pixmap
                .data()
                .chunks_exact(4)
                .map(|p| Rgb(p[0], p[1], p[2]).packed()),
        );
        &self.packed
    }

    pub fn clear(&mut self, color: Rgb) {
        self.pixmap
            .fill(Color::from_rgba8(color.0, color.1, color.2, u8::MAX));
    }

    /// Mixes `color` into pixel (`x`, `y`) with coverage `alpha` (0-1): for
    /// text, whose glyphs come as coverage from the font rasteriser.
    #[inline]
    pub fn blend_pixel(&mut self, x: i64, y: i64, color: Rgb, alpha: f32) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height || alpha <= 0.0 {
            return;
        }
        let i = (y as usize * self.width + x as usize) * 4;
        let Some(pixel) = self.pixmap.data_mut().get_mut(i..i + 4) else {
            return;
        };
        let alpha = alpha.min(1.0);
        let mix =
            |old: u8, new: u8| (f32::from(old) + (f32::from(new) - f32::from(old)) * alpha) as u8;
        pixel[0] = mix(pixel[0], color.0);
        pixel[1] = mix(pixel[1], color.1);
        pixel[2] = mix(pixel[2], color.2);
        pixel[3] = u8::MAX;
    }

    /// Fills the rectangle (`x`, `y`, `w`, `h`) with `color` at `alpha`.
    pub fn fill_rect(&mut self, (x, y, w, h): (i64, i64, i64, i64), color: Rgb, alpha: f32) {
        let Some(rect) = Rect::from_xywh(x as f32, y as f32, w as f32, h as f32) else {
            return;
        };
        if let Some(paint) = paint(color, alpha) {
            self.pixmap
                .fill_rect(rect, &paint, Transform::identity(), None);
        }
    }

    /// A line `width_px` wide with round ends, anti-aliased.
    pub fn line(&mut self, a: (f64, f64), b: (f64, f64), width_px: f64, color: Rgb, alpha: f32) {
        if (a.0 - b.0).hypot(a.1 - b.1) < f64::EPSILON {
            self.disc(a, width_px / 2.0, color, alpha);
            return;
        }
        let mut path = PathBuilder::new();
        path.move_to(a.0 as f32, a.1 as f32);
        path.line_to(b.0 as f32, b.1 as f32);
        self.stroke(path.finish(), width_px, LineCap::Round, color, alpha);
    }

    pub fn disc(&mut self, (cx, cy): (f64, f64), radius_px: f64, color: Rgb, alpha: f32) {
        let circle = PathBuilder::from_circle(cx as f32, cy as f32, radius_px as f32);
        self.fill(circle, color, alpha);
    }

    /// An arc of a ring centred on `centre`: from `start_rad` sweeping
    /// `sweep_rad` (positive: clockwise on screen), `width_px` thick. With
    /// `filled`, the whole wedge from the centre out to `radius_px`.
    #[allow(clippy::too_many_arguments)]
    pub fn arc(
        &mut self,
        centre: (f64, f64),
        radius_px: f64,
        start_rad: f64,
        sweep_rad: f64,
        width_px: f64,
        filled: bool,
        color: Rgb,
        alpha: f32,
    ) {
        let whole_turn = sweep_rad.abs() >= std::f64::consts::TAU;
        if filled {
            let outer = radius_px + width_px / 2.0;
            if whole_turn {
                self.disc(centre, outer, color, alpha);
                return;
            }
            let mut path = PathBuilder::new();
            path.move_to(centre.0 as f32, centre.1 as f32);
            let start = point_on(centre, outer, start_rad);
            path.line_to(start.0, start.1);
            push_arc(&mut path, centre, outer, start_rad, sweep_rad);
            path.close();
            self.fill(path.finish(), color, alpha);
        } else if whole_turn {
            let circle =
                PathBuilder::from_circle(centre.0 as f32, centre.1 as f32, radius_px as f32);
            self.stroke(circle, width_px, LineCap::Butt, color, alpha);
        } else {
            let mut path = PathBuilder::new();
            let start = point_on(centre, radius_px, start_rad);
            path.move_to(start.0, start.1);
            push_arc(&mut path, centre, radius_px, start_rad, sweep_rad);
            self.stroke(path.finish(), width_px, LineCap::Butt, color, alpha);
        }
    }

    /// Draws `image` at `placement`, scaled with a bilinear filter and
    /// mirrored as it says; the rest of the canvas is left alone.
    pub fn draw_image(&mut self, image: &RgbImage, placement: &ImagePlacement) {
        let (iw, ih) = image.dimensions();
        let w = ((f64::from(iw) * placement.scale).round().max(0.0) as usize).min(self.width);
        let h = ((f64::from(ih) * placement.scale).round().max(0.0) as usize).min(self.height);
        let (x0, y0) = (
            (placement.x0_px.max(0.0) as usize).min(self.width),
            (placement.y0_px.max(0.0) as usize).min(self.height),
        );
        let (w, h) = (w.min(self.width - x0), h.min(self.height - y0));
        if w == 0 || h == 0 || iw == 0 || ih == 0 {
            return;
        }
        let Ok(source) = ImageRef::new(iw, ih, image.as_raw(), PixelType::U8x3) else {
            return;
        };
        let fits =
            |scaled: &Image<'static>| scaled.width() as usize == w && scaled.height() as usize == h;
        let mut scaled = match self.scaled.take() {
            Some(scaled) if fits(&scaled) => scaled,
            _ => Image::new(w as u32, h as u32, PixelType::U8x3),
        };
        let bilinear =
            ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
        if self.resizer.resize(&source, &mut scaled, &bilinear).is_ok() {
            let stride = self.width * 4;
            let data = self.pixmap.data_mut();
            for (y, row) in scaled.buffer().chunks_exact(w * 3).enumerate() {
                let start = (y0 + y) * stride + x0 * 4;
                let dst = &mut data[start..start + w * 4];
                let mut put = |(rgba, rgb): (&mut [u8], &[u8])| {
                    rgba[..3].copy_from_slice(rgb);
                    rgba[3] = u8::MAX;
                };
                let pixels = row.chunks_exact(3);
                if placement.mirrored {
                    dst.chunks_exact_mut(4).zip(pixels.rev()).for_each(&mut put);
                } else {
                    dst.chunks_exact_mut(4).zip(pixels).for_each(&mut put);
                }
            }
        }
        self.scaled = Some(scaled);
    }

    fn fill(&mut self, path: Option<Path>, color: Rgb, alpha: f32) {
        if let (Some(path), Some(paint)) = (path, paint(color, alpha)) {
            self.pixmap.fill_path(
                &path,
                &paint,
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }

    fn stroke(&mut self, path: Option<Path>, width_px: f64, cap: LineCap, color: Rgb, alpha: f32) {
        if width_px <= 0.0 {
            return;
        }
        let stroke = Stroke {
            width: width_px as f32,
            line_cap: cap,
            ..Stroke::default()
        };
        if let (Some(path), Some(paint)) = (path, paint(color, alpha)) {
            self.pixmap
                .stroke_path(&path, &paint, &stroke, Transform::identity(), None);
        }
    }
}

/// An anti-aliased solid paint; None when it would draw nothing.
fn paint(color: Rgb, alpha: f32) -> Option<Paint<'static>> {
    if alpha.is_nan() || alpha <= 0.0 {
        return None;
    }
    let mut paint = Paint::default();
    paint.set_color_rgba8(
        color.0,
        color.1,
        color.2,
        (alpha.min(1.0) * f32::from(u8::MAX)).round() as u8,
    );
    paint.anti_alias = true;
    Some(paint)
}

fn point_on((cx, cy): (f64, f64), radius: f64, angle_rad: f64) -> (f32, f32) {
    (
        (cx + radius * angle_rad.cos()) as f32,
        (cy + radius * angle_rad.sin()) as f32,
    )
}

/// Continues `path` (already at the arc's start) along the circle of
/// `radius` about `centre` from `start_rad` through `sweep_rad`, as cubic
/// Béziers of at most a quarter turn each.
fn push_arc(
    path: &mut PathBuilder,
    centre: (f64, f64),
    radius: f64,
    start_rad: f64,
    sweep_rad: f64,
) {
    let pieces = (sweep_rad.abs() / MAX_ARC_PIECE_RAD).ceil().max(1.0);
    let step = sweep_rad / pieces;
    // The control points' distance along the tangents, per unit radius.
    let handle = 4.0 / 3.0 * (step / 4.0).tan() * radius;
    let mut from = start_rad;
    for _ in 0..pieces as usize {
        let to = from + step;
        let (p0, p3) = (point_on(centre, radius, from), point_on(centre, radius, to));
        let c1 = (
            p0.0 - (handle * from.sin()) as f32,
            p0.1 + (handle * from.cos()) as f32,
        );
        let c2 = (
            p3.0 + (handle * to.sin()) as f32,
            p3.1 - (handle * to.cos()) as f32,
        );
        path.cubic_to(c1.0, c1.1, c2.0, c2.1, p3.0, p3.1);
        from = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RED: Rgb = Rgb(255, 0, 0);
    const BLACK: Rgb = Rgb(0, 0, 0);

    #[test]
    fn line_covers_its_path_and_nothing_far_away() {
        let mut c = Canvas::new(100, 100).unwrap();
        c.line((10.0, 10.0), (90.0, 90.0), 4.0, RED, 1.0);
        assert_eq!(c.get(50, 50), Some(RED));
        assert_eq!(c.get(20, 20), Some(RED));
        assert_eq!(c.get(50, 60), Some(BLACK));
        assert_eq!(c.get(95, 95), Some(BLACK));
    }

    #[test]
    fn edges_are_anti_aliased() {
        let mut c = Canvas::new(100, 100).unwrap();
        c.line((10.0, 10.0), (90.0, 40.0), 6.0, RED, 1.0);
        // Pixels the edge passes through are partly red: neither black nor red.
        let partial = (0..100)
            .flat_map(|y| (0..100).map(move |x| (x, y)))
            .filter_map(|(x, y)| c.get(x, y))
            .filter(|p| p.0 > 20 && p.0 < 235 && p.1 == 0)
            .count();
        assert!(partial > 100, "{partial} edge pixels blended");
    }

    #[test]
    fn arc_draws_only_its_sweep() {
        let mut c = Canvas::new(100, 100).unwrap();
        // A quarter ring from 3 o'clock clockwise to 6 o'clock.
        c.arc(
            (50.0, 50.0),
            30.0,
            0.0,
            std::f64::consts::FRAC_PI_2,
            6.0,
            false,
            RED,
            1.0,
        );
        assert_eq!(c.get(50 + 21, 50 + 21), Some(RED));
        assert_eq!(c.get(50 + 30, 50), Some(RED));
        assert_eq!(c.get(50, 50 + 30), Some(RED));
        assert_eq!(c.get(50 - 21, 50 - 21), Some(BLACK));
        assert_eq!(c.get(50 + 21, 50 - 21), Some(BLACK));
        assert_eq!(c.get(50, 50), Some(BLACK));
        // The ring is round: 30 px out along the bisector, not the Béziers' corner.
        assert_eq!(c.get(50 + 27, 50 + 27), Some(BLACK));
    }

    #[test]
    fn a_filled_wedge_runs_from_the_centre_within_its_sweep() {
        let mut c = Canvas::new(100, 100).unwrap();
        // Counter-clockwise on screen, from 12 o'clock to 9 o'clock.
        c.arc(
            (50.0, 50.0),
            30.0,
            -std::f64::consts::FRAC_PI_2,
            -std::f64::consts::FRAC_PI_2,
            0.0,
            true,
            RED,
            1.0,
        );
        assert_eq!(c.get(40, 40), Some(RED));
        assert_eq!(c.get(30, 30), Some(RED));
        assert_eq!(c.get(60, 40), Some(BLACK));
        assert_eq!(c.get(40, 60), Some(BLACK));
        assert_eq!(c.get(20, 20), Some(BLACK), "past the radius");
    }

    #[test]
    fn an_image_is_scaled_bilinearly() {
        // Black then white, two pixels wide, drawn 50 times larger.
        let mut image = RgbImage::new(2, 1);
        image.put_pixel(1, 0, image::Rgb([255, 255, 255]));
        let mut c = Canvas::new(100, 50).unwrap();
        c.draw_image(&image, &ImagePlacement::fit(2, 1, 100, 50, false));
        let row: Vec<u8> = (0..100).map(|x| c.get(x, 25).unwrap().0).collect();
        assert_eq!(row[5], 0);
        assert_eq!(row[95], 255);
        // Between the two pixel centres the grey rises step by step.
        assert!(row[25..75].windows(2).all(|w| w[0] <= w[1]), "{row:?}");
        let greys = row.iter().filter(|&&v| v > 10 && v < 245).count();
        assert!(greys > 30, "{greys} greys between: {row:?}");
    }

    #[test]
    fn mirrored_image_swaps_left_and_right() {
        let mut image = RgbImage::new(4, 2);
        image.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        let mut c = Canvas::new(40, 20).unwrap();
        let placement = ImagePlacement::fit(4, 2, 40, 20, true);
        c.draw_image(&image, &placement);
        assert_eq!(c.get(38, 2), Some(RED));
        assert_eq!(c.get(1, 2), Some(BLACK));
        assert_eq!(placement.to_window(0.5, 0.5), (35.0, 5.0));
    }

    #[test]
    fn the_image_leaves_the_rest_of_the_canvas_alone() {
        let image = RgbImage::from_pixel(4, 4, image::Rgb([255, 255, 255]));
        let mut c = Canvas::new(40, 20).unwrap();
        c.clear(RED);
        let placement = ImagePlacement::fit(4, 4, 40, 20, false);
        c.draw_image(&image, &placement);
        assert_eq!(c.get(5, 10), Some(RED));
        assert_eq!(c.get(20, 10), Some(Rgb(255, 255, 255)));
        assert_eq!(c.get(35, 10), Some(RED));
    }

    #[test]
    fn the_window_gets_0rgb_words() {
        let mut c = Canvas::new(3, 2).unwrap();
        c.clear(Rgb(1, 2, 3));
        c.blend_pixel(2, 1, Rgb(255, 0, 0), 1.0);
        let pixels = c.window_pixels();
        assert_eq!(pixels.len(), 6);
        assert_eq!(pixels[0], 0x0001_0203);
        assert_eq!(pixels[5], 0x00ff_0000);
    }

    #[test]
    fn an_impossible_size_is_an_error() {
        assert!(Canvas::new(0, 10).is_err());
        assert!(Canvas::new(usize::MAX, 10).is_err());
    }
}
