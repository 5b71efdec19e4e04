//! Rebuilds the binary whenever a file of the default theme or of the starter site is added,
//! changed or removed: both are compiled in (`include_dir!`), and on stable Rust that macro
//! tracks the files it found, not the folders, so a new template would otherwise be missed.
//! Cargo scans a folder named here for any change beneath it.

fn main() {
    println!("cargo::rerun-if-changed=themes/default");
    println!("cargo::rerun-if-changed=starter");
}
