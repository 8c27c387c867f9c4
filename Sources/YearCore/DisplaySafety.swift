/// Characters that must never reach a terminal or a spreadsheet from stored text, and how yeard keeps them out.
///
/// A name holding `ESC ] 0 ; ... BEL` retitles the reviewer's terminal, `ESC [ 2 J` clears it, and U+202E (RIGHT-TO-LEFT
/// OVERRIDE) shows `exe.txt` for `txt.exe`: text from a file or a call is refused when it holds one of these
/// (C0 controls but tab and, where allowed, the line feed; DEL; C1 controls; the bidirectional embeddings, overrides,
/// isolates and marks), and yearctl escapes any it would print (text stored before the rule existed).
public enum DisplaySafety {
    /// The first character of `text` that no stored text may hold: its 1-based position (in characters, as an
    /// editor counts) and the scalar; nil when there is none. `allowingLineFeed` lets line breaks (LF, CR) through,
    /// for texts of several lines: a reason, an address typed with Alt+Enter in a spreadsheet's cell.
    public static func firstForbidden(in text: String, allowingLineFeed: Bool = false) -> (
        position: Int, scalar: Unicode.Scalar
    )? {
        // Bytes first: the usual text has none of the bytes that can start a forbidden scalar.
        guard text.utf8.contains(where: { mayStartForbidden($0, allowingLineFeed: allowingLineFeed) }) else {
            return nil
        }
        var position = 0
        for scalar in text.unicodeScalars {
            // A combining scalar does not start a new character, but an editor's column counts scalars closely
            // enough for "remove character 7".
            position += 1
            if isForbidden(scalar, allowingLineFeed: allowingLineFeed) { return (position, scalar) }
        }
        return nil
    }

    /// Whether `scalar` is one stored text may not hold.
    public static func isForbidden(_ scalar: Unicode.Scalar, allowingLineFeed: Bool = false) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x0A, 0x0D: !allowingLineFeed
        case 0x00...0x1F, 0x7F...0x9F: true
        // LRM, RLM, ALM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
        case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `U+001B`: how a refusal names a character that cannot be shown.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The sentence of a refusal: which character, where, and what to do.
    public static func problem(_ found: (position: Int, scalar: Unicode.Scalar)) -> String {
        ImportProblem.message(problemParameters(found), .english) ?? ""
    }

    /// The refusal's parameters, as `ImportProblem.message` says them in any language.
    public static func problemParameters(_ found: (position: Int, scalar: Unicode.Scalar)) -> [String: String] {
        ["code": "control", "char": name(found.scalar), "at": String(found.position)]
    }

    /// `text` with every forbidden scalar written as `\u{1B}`, so that printing it cannot move the cursor, retitle
    /// the terminal or reorder what is shown; line feeds and tabs are kept when `keepingLayout` is true (yearctl's
    /// own tables and paragraphs), escaped too otherwise.
    public static func escaped(_ text: String, keepingLayout: Bool = true) -> String {
        // A carriage return is never layout: alone it moves the cursor back over what a line already showed.
        guard
            text.utf8.contains(where: {
                keepingLayout
                    ? $0 != 0x0A && mayStartForbidden($0, allowingLineFeed: false)
                    : $0 < 0x20 || mayStartForbidden($0, allowingLineFeed: false)
            })
        else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let layout = scalar == "\n" || scalar == "\t"
            if layout ? !keepingLayout : isForbidden(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// JSON text with every forbidden scalar inside its strings written as a JSON escape (`\u202e`): the same JSON value,
    /// safe on a terminal. (JSON encoders escape C0 controls already, but not C1 controls or bidirectional overrides.)
    /// Outside strings JSON text holds only ASCII structure and whitespace, which this keeps.
    public static func jsonEscaped(_ json: String) -> String {
        guard json.utf8.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if scalar.value >= 0x7F, isForbidden(scalar) {
                let hex = String(scalar.value, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether a UTF-8 byte can begin a forbidden scalar: a C0 control, DEL, the lead byte 0xC2 of C1 controls,
    /// 0xD8 of U+061C, 0xE2 of the bidirectional marks.
    @inline(__always)
    static func mayStartForbidden(_ byte: UInt8, allowingLineFeed: Bool) -> Bool {
        (byte < 0x20 && byte != 0x09 && !(allowingLineFeed && (byte == 0x0A || byte == 0x0D))) || byte == 0x7F
            || byte == 0xC2
            || byte == 0xD8 || byte == 0xE2
    }
}
