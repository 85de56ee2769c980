//! The `flywheel` binary.

#[tokio::main]
async fn main() {
    if let Err(err) = flywheel::cli::run().await {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
