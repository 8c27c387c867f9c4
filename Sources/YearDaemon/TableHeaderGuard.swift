/// Finds, before the text reaches TOMLKit, the two shapes on which the parser it bundles aborts: a table header that
/// does not start with a key (`[.`, `[[ =`, `[!]`, `[Ж]`, a `[` alone on its line), and an array whose next value is
/// a `}` (`u = [}`, `u = [1, }`).
///
/// Written by hand because of bugs in toml++ 3 (`parser::parse_key`, `parser::parse_value`): it *asserts* what it
/// should report as parse errors, and the assertions are compiled into release builds, so a two-byte `yeard.toml`
/// (`[.`) aborted yeard at start-up, at `--check-config` and, worse, at `systemctl reload`. Both found by the `toml`
/// fuzz target (docs/reliability.md). Only the position of statements is
/// tracked (strings, comments, and arrays and inline tables that span lines); everything else is left to TOMLKit.
enum TableHeaderGuard {
    /// The 1-based line of the first header that would trip the assertion, with a sentence; nil when there is none.
    static func problem(in text: String) -> (line: Int, message: String)? {
        let bytes = Array(text.utf8)
        // toml++ skips a byte-order mark, so the first header comes after it.
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var depth = 0  // open [ and { of values spanning lines
        var atStatementStart = true
        // The brackets of values open at this point, and whether an array's next value comes next.
        var open: [UInt8] = []
        var expectingValue = false

        func isBareKey(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        func skipString(quote: UInt8) {
            let triple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
            index += triple ? 3 : 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\n") {
                    // An unclosed one-line string ends at the line's end for our purposes (the main loop counts
                    // the line); TOMLKit reports it.
                    if !triple { return }
                    line += 1
                }
                if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                    // An escape; a backslash at a line's end in a multi-line string escapes the line break.
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") { line += 1 }
                    index += 2
                    continue
                }
                if byte == quote {
                    if !triple {
                        index += 1
                        return
                    }
                    if index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote {
                        index += 3
                        return
                    }
                }
                index += 1
            }
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                index += 1
                if depth == 0 { atStatementStart = true }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                atStatementStart = false
                expectingValue = false
                skipString(quote: byte)
            case UInt8(ascii: "[") where atStatementStart:
                // A table header: `[` or `[[`, optional blanks, then a bare key character or a quote.
                atStatementStart = false
                index += 1
                if index < bytes.count && bytes[index] == UInt8(ascii: "[") { index += 1 }
                while index < bytes.count && (bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")) {
                    index += 1
                }
                guard index < bytes.count else {
                    return (line, "a table header must name a table, as [school]")
                }
                let next = bytes[index]
                if !isBareKey(next) && next != UInt8(ascii: "\"") && next != UInt8(ascii: "'") {
                    return (line, "a table header must start with a key (letters, digits, _ or -, or a quoted name)")
                }
                // The rest of the header line holds no value that spans lines.
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") && bytes[index] != UInt8(ascii: "#") {
                    if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                        skipString(quote: bytes[index])
                    } else {
                        index += 1
                    }
                }
            case UInt8(ascii: "}") where expectingValue:
                // toml++ asserts (`parse_value`) where an array's next value is a `}`: `u = [}`, `u = [1, }`.
                return (line, "an array holds values separated by commas and ends with ']'; found '}'")
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                atStatementStart = false
                depth += 1
                open.append(byte)
                expectingValue = byte == UInt8(ascii: "[")
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                _ = open.popLast()
                expectingValue = false
                index += 1
            case UInt8(ascii: ","):
                expectingValue = open.last == UInt8(ascii: "[")
                index += 1
            default:
                atStatementStart = false
                expectingValue = false
                index += 1
            }
        }
        return nil
    }
}
