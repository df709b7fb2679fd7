//! The `tidings` command line as a library: [`main_with_args`] runs one command
//! line as the binary would, so that other front ends (the Python package's
//! `python -m tidings`) run the very same commands without a second binary.

mod cli;

use clap::Parser;
use std::ffi::OsString;

/// Runs the command line `args` (the program name first, as in `std::env::args_os`)
/// as the `tidings` binary does, printing to stdout and stderr, and returns its
/// exit code: 0 on success (also when stdout was closed early, or for `--help`),
/// 2 on an error, which is printed first. It never exits the process, so a host
/// (a Python interpreter) keeps running.
pub fn main_with_args<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = match cli::Cli::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => {
            // `--help` and `--version` come here too, with exit code 0.
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    match cli::run(args) {
        Ok(code) if code == std::process::ExitCode::SUCCESS => 0,
        // No subcommand returns another code today; should one, it is a failure.
        Ok(_) => 1,
        Err(e) => {
            // A closed pipe (`tidings cluster … | head`) is not a failure.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return 0;
            }
            eprintln!("tidings: error: {e:#}");
            2
        }
    }
}
