//! `posecoach cameras`: the cameras this machine offers.

use posecoach::source::camera::list_cameras;

pub fn run(json: bool) -> anyhow::Result<()> {
    let cameras = list_cameras()?;
    if json {
        println!("{}", serde_json::to_string(&cameras)?);
    } else if cameras.is_empty() {
        println!("no cameras found (use --source FILE to coach from a recording)");
    } else {
        for c in &cameras {
            println!("{:>3}  {}  {}", c.index, c.name, c.description);
        }
    }
    Ok(())
}
