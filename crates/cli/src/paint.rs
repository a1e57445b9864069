//! Colour where it helps a reader: a rotation status in red when the key is expired,
//! overdue or leaked, in yellow when it is due soon. Only on a terminal, and never when
//! `NO_COLOR` is set to anything (no-color.org) or `TERM` is `dumb`.

use std::io::IsTerminal as _;

/// Whether standard output gets colour.
pub fn enabled() -> bool {
    std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// `cell` (a status, already padded to its column) in the colour its `status` calls
/// for, when `on`.
pub fn status(status: &str, cell: String, on: bool) -> String {
    let code = match status {
        "expired" | "overdue" | "leaked" => "31",
        "due_soon" => "33",
        _ => return cell,
    };
    if on { format!("\x1b[{code}m{cell}\x1b[0m") } else { cell }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_statuses_that_call_for_action_are_coloured() {
        assert_eq!(super::status("expired", "expired  ".into(), true), "\x1b[31mexpired  \x1b[0m");
        assert_eq!(super::status("due_soon", "due_soon ".into(), true), "\x1b[33mdue_soon \x1b[0m");
        assert_eq!(super::status("ok", "ok       ".into(), true), "ok       ");
        assert_eq!(super::status("expired", "expired  ".into(), false), "expired  ");
    }
}
