import Foundation

/// Writes CSV lines in the registry's export format: comma-separated, LF line ends, a field quoted only when it
/// holds a comma, a quote or a line break (so that an export imports back unchanged).
public enum CSVWriter {
    /// One line, with its line break; nil fields are written empty.
    public static func line(_ fields: [String?]) -> String {
        fields.map { field -> String in
            guard let field else { return "" }
            // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            if field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }.joined(separator: ",") + "\n"
    }
}
