//! The `flywheel` binary.

#[tokio::main]
async fn main() {
    if let Err(err) = flywheel::cli::run().await {
        let messages = err.chain().map(|e| e.to_string());
        eprintln!("error: {}", flywheel::error::joined(messages));
        std::process::exit(1);
    }
}
