import Foundation
import YearCore

// Every line yearctl prints goes through these functions, so that text from the daemon (names, reasons, problems
// quoting a file's cells) can never reach the terminal as control sequences: a name holding `ESC ] 0 ; ... BEL` or
// U+202E is shown as `\u{1B}]0;...\u{7}` instead (DisplaySafety). They shadow the standard library's `print` inside
// this module on purpose: a new command cannot print around them by accident.

/// Prints `items` as the standard library does, with control characters and bidirectional overrides escaped.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(DisplaySafety.escaped(text), terminator: terminator)
}

/// Prints JSON text with the control characters and overrides inside its strings as JSON escapes (`\u001b`): the same
/// JSON value, safe on a terminal.
func printJSONText(_ text: String, terminator: String = "\n") {
    Swift.print(DisplaySafety.jsonEscaped(text), terminator: terminator)
}

/// Writes one message to standard error, escaped as `print` escapes.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((DisplaySafety.escaped(text) + "\n").utf8))
}

/// Writes bytes of a file's content to standard output: as they are into a file or a pipe, escaped onto a terminal.
func writeContent(_ text: String) throws {
    let shown = isatty(STDOUT_FILENO) == 1 ? DisplaySafety.escaped(text) : text
    try FileHandle.standardOutput.write(contentsOf: Data(shown.utf8))
}
