//! A pixel buffer in the window's format (0RGB in a `u32`) with the few
//! shapes the overlay needs: rectangles, thick anti-aliased lines, discs,
//! arcs, and a scaled (optionally mirrored) copy of a camera image.

use image::RgbImage;

/// A colour; `alpha` is applied when drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
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

#[derive(Debug, Clone)]
pub struct Canvas {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u32>,
}

impl Canvas {
    pub fn new(width: usize, height: usize) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![0; width * height],
        }
    }

    pub fn get(&self, x: usize, y: usize) -> Option<Rgb> {
        (x < self.width && y < self.height)
            .then(|| Rgb::from_packed(self.pixels[y * self.width + x]))
    }

    pub fn clear(&mut self, color: Rgb) {
        self.pixels.fill(color.packed());
    }

    /// Mixes `color` into pixel (`x`, `y`) with coverage `alpha` (0-1).
    #[inline]
    pub fn blend_pixel(&mut self, x: i64, y: i64, color: Rgb, alpha: f32) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height || alpha <= 0.0 {
            return;
        }
        let i = y as usize * self.width + x as usize;
        if alpha >= 1.0 {
            self.pixels[i] = color.packed();
            return;
        }
        let old = Rgb::from_packed(self.pixels[i]);
        let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * alpha) as u8;
        self.pixels[i] = Rgb(
            mix(old.0, color.0),
            mix(old.1, color.1),
            mix(old.2, color.2),
        )
        .packed();
    }

    /// Fills the rectangle (`x`, `y`, `w`, `h`) with `color` at `alpha`.
    pub fn fill_rect(&mut self, (x, y, w, h): (i64, i64, i64, i64), color: Rgb, alpha: f32) {
        let (x0, y0) = (x.max(0), y.max(0));
        let (x1, y1) = (
            (x + w).min(self.width as i64),
            (y + h).min(self.height as i64),
        );
        for yy in y0..y1 {
            for xx in x0..x1 {
                self.blend_pixel(xx, yy, color, alpha);
            }
        }
    }

    /// A line `width_px` wide with round ends, anti-aliased.
    #[allow(clippy::too_many_arguments)]
    pub fn line(
        &mut self,
        (ax, ay): (f64, f64),
        (bx, by): (f64, f64),
        width_px: f64,
        color: Rgb,
        alpha: f32,
    ) {
        let r = width_px / 2.0;
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let y0 = (ay.min(by) - r - 1.0).floor() as i64;
        let y1 = (ay.max(by) + r + 1.0).ceil() as i64;
        let y0 = y0.max(0);
        let y1 = y1.min(self.height as i64 - 1);
        for y in y0..=y1 {
            let py = y as f64 + 0.5;
            // The span of x where this row can be within r of the segment.
            let (mut xl, mut xr) = (ax.min(bx) - r - 1.0, ax.max(bx) + r + 1.0);
            if dy.abs() > 1e-9 {
                let t0 = ((py - ay) / dy).clamp(0.0, 1.0);
                let x_on = ax + t0 * dx;
                let half = r * (len2.sqrt() / dy.abs()) + 1.0;
                xl = xl.max(x_on - half - r);
                xr = xr.min(x_on + half + r);
            }
            let (xl, xr) = (
                (xl.floor() as i64).max(0),
                (xr.ceil() as i64).min(self.width as i64 - 1),
            );
            for x in xl..=xr {
                let px = x as f64 + 0.5;
                let t = if len2 > 0.0 {
                    (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (cx, cy) = (ax + t * dx - px, ay + t * dy - py);
                let d = (cx * cx + cy * cy).sqrt();
                let coverage = (r + 0.5 - d).clamp(0.0, 1.0) as f32;
                self.blend_pixel(x, y, color, coverage * alpha);
            }
        }
    }

    pub fn disc(&mut self, (cx, cy): (f64, f64), radius_px: f64, color: Rgb, alpha: f32) {
        self.line((cx, cy), (cx, cy), radius_px * 2.0, color, alpha);
    }

    /// An arc of a ring centred on (`cx`, `cy`): from `start_rad` sweeping
    /// `sweep_rad` (positive: clockwise on screen), `width_px` thick. With
    /// `filled`, the whole wedge from the centre out to `radius_px`.
    #[allow(clippy::too_many_arguments)]
    pub fn arc(
        &mut self,
        (cx, cy): (f64, f64),
        radius_px: f64,
        start_rad: f64,
        sweep_rad: f64,
        width_px: f64,
        filled: bool,
        color: Rgb,
        alpha: f32,
    ) {
        let outer = radius_px + width_px / 2.0;
        let inner = if filled {
            0.0
        } else {
            radius_px - width_px / 2.0
        };
        let (start, sweep) = if sweep_rad < 0.0 {
            (start_rad + sweep_rad, -sweep_rad)
        } else {
            (start_rad, sweep_rad)
        };
        let tau = std::f64::consts::TAU;
        let x0 = ((cx - outer - 1.0).floor() as i64).max(0);
        let x1 = ((cx + outer + 1.0).ceil() as i64).min(self.width as i64 - 1);
        let y0 = ((cy - outer - 1.0).floor() as i64).max(0);
        let y1 = ((cy + outer + 1.0).ceil() as i64).min(self.height as i64 - 1);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (px, py) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
                let d = (px * px + py * py).sqrt();
                let radial = (outer + 0.5 - d).min(d - inner + 0.5).clamp(0.0, 1.0);
                if radial <= 0.0 {
                    continue;
                }
                let angle = (py.atan2(px) - start).rem_euclid(tau);
                if angle <= sweep || sweep >= tau {
                    self.blend_pixel(x, y, color, radial as f32 * alpha);
                }
            }
        }
    }

    /// Draws `image` at `placement`, scaled (nearest pixel) and mirrored as
    /// it says; the rest of the canvas is left alone.
    pub fn draw_image(&mut self, image: &RgbImage, placement: &ImagePlacement) {
        let (iw, ih) = (image.width() as usize, image.height() as usize);
        if iw == 0 || ih == 0 {
            return;
        }
        let w = ((iw as f64 * placement.scale).round() as usize).min(self.width);
        let h = ((ih as f64 * placement.scale).round() as usize).min(self.height);
        let (x0, y0) = (
            placement.x0_px.max(0.0) as usize,
            placement.y0_px.max(0.0) as usize,
        );
        let columns: Vec<usize> = (0..w)
            .map(|x| {
                let src = (((x as f64 + 0.5) / placement.scale) as usize).min(iw - 1);
                if placement.mirrored {
                    iw - 1 - src
                } else {
                    src
                }
            })
            .collect();
        let raw = image.as_raw();
        for y in 0..h {
            let row = y0 + y;
            if row >= self.height {
                break;
            }
            let src_y = (((y as f64 + 0.5) / placement.scale) as usize).min(ih - 1);
            let src_row = &raw[src_y * iw * 3..(src_y + 1) * iw * 3];
            let dst = &mut self.pixels[row * self.width..(row + 1) * self.width];
            for (x, &src_x) in columns.iter().enumerate() {
                let col = x0 + x;
                if col >= self.width {
                    break;
                }
                let p = &src_row[src_x * 3..src_x * 3 + 3];
                dst[col] = Rgb(p[0], p[1], p[2]).packed();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RED: Rgb = Rgb(255, 0, 0);

    #[test]
    fn line_covers_its_path_and_nothing_far_away() {
        let mut c = Canvas::new(100, 100);
        c.line((10.0, 10.0), (90.0, 90.0), 4.0, RED, 1.0);
        assert_eq!(c.get(50, 50), Some(RED));
        assert_eq!(c.get(20, 20), Some(RED));
        assert_eq!(c.get(50, 60), Some(Rgb(0, 0, 0)));
        assert_eq!(c.get(95, 95), Some(Rgb(0, 0, 0)));
    }

    #[test]
    fn arc_draws_only_its_sweep() {
        let mut c = Canvas::new(100, 100);
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
        assert_eq!(c.get(50 - 21, 50 - 21), Some(Rgb(0, 0, 0)));
        assert_eq!(c.get(50, 50), Some(Rgb(0, 0, 0)));
    }

    #[test]
    fn mirrored_image_swaps_left_and_right() {
        let mut image = RgbImage::new(4, 2);
        image.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        let mut c = Canvas::new(40, 20);
        let placement = ImagePlacement::fit(4, 2, 40, 20, true);
        c.draw_image(&image, &placement);
        assert_eq!(c.get(38, 2), Some(RED));
        assert_eq!(c.get(1, 2), Some(Rgb(0, 0, 0)));
        assert_eq!(placement.to_window(0.5, 0.5), (35.0, 5.0));
    }
}
