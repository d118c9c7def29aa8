//! `qce`: the command-line entry point. All work happens in the library; see `qce::cli`.

fn main() {
    std::process::exit(qce::cli::main());
}
