//! `qce`: the command-line entry point. All work happens in the library; see `qce::cli`.

/// Large blocks on transparent huge pages: far fewer page faults on big files (see `qce::alloc`).
#[global_allocator]
static ALLOC: qce::alloc::HugePageAlloc = qce::alloc::HugePageAlloc;

fn main() {
    std::process::exit(qce::cli::main());
}
