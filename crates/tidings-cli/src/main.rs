//! The `tidings` binary: parse flags, build a config, call the library, map errors to exit codes.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(tidings_cli::main_with_args(std::env::args_os()))
}
