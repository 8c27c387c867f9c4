import Foundation

/// Writes CSV lines in the registry's export format: comma-separated, LF line ends, a field quoted only when it
/// holds a comma, a quote or a line break (so that an export imports back unchanged).
///
/// Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (`=HYPERLINK(...)`,
/// `-2+3+cmd|' /C calc'!A0`) when a coordinator opens the export. Such a field is written with a leading `'`, which
/// spreadsheets take as "text, not a formula", unless it is a plain number or phone number (`-5`, `+7 999 123-45-67`);
/// the import drops exactly that `'` again (`unprotected`), so an export still imports back unchanged. `raw: true`
/// writes fields as stored, byte for byte, for programs that read the CSV themselves.
public enum CSVWriter {
    /// One line, with its line break; nil fields are written empty.
    public static func line(_ fields: [String?], raw: Bool = false) -> String {
        fields.map { field -> String in
            guard var field else { return "" }
            if !raw && isProtected(field) { field = "'" + field }
            // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            if field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }.joined(separator: ",") + "\n"
    }

    /// Whether a spreadsheet would read `field` as a formula: it starts with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return, and is not a number or a phone number (digits, spaces, dots, dashes, brackets after a sign).
    public static func needsProtection(_ field: String) -> Bool {
        guard let first = field.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return !field.utf8.dropFirst().allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x20 || $0 == 0x2E || $0 == 0x2D || $0 == 0x28 || $0 == 0x29
            }
        default: return false
        }
    }

    /// Whether `line` writes `field` with a leading `'`: it would read as a formula, or it starts with `'` before
    /// such a field (so that the import's dropping of one `'` gives back exactly the stored text).
    static func isProtected(_ field: String) -> Bool {
        let quotes = field.utf8.prefix { $0 == UInt8(ascii: "'") }.count
        return needsProtection(quotes == 0 ? field : String(field.utf8.dropFirst(quotes)) ?? "")
    }

    /// `field` without the `'` that `line` puts before a formula-like field; any other field as it is.
    public static func unprotected(_ field: String) -> String {
        guard field.utf8.first == UInt8(ascii: "'"), let rest = String(field.utf8.dropFirst()) else { return field }
        return isProtected(rest) ? rest : field
    }
}
