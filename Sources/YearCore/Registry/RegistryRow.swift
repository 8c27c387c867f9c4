import Foundation

/// One validated row of an import: each known column's normalized text (nil when empty or absent).
public struct RegistryRow: Sendable, Equatable {
    /// The line the row starts on.
    public var line: Int
    /// Normalized values by column name, in the kind's column order.
    public var values: [String?]

    /// A row with every field given.
    public init(line: Int, values: [String?]) {
        self.line = line
        self.values = values
    }
}

/// A record checked against its kind: the row, or every problem it has.
public enum RowValidation: Sendable, Equatable {
    case success(RegistryRow)
    case failure([ImportProblem])
}

extension RegistryKind {
    /// Checks and normalizes one record against the kind's columns: the row, or every problem it has.
    public func validate(_ record: CSVRecord, header: CSVHeader) -> RowValidation {
        var values: [String?] = []
        var problems: [ImportProblem] = []
        values.reserveCapacity(header.positions.count)
        for (column, position) in zip(columns, header.positions) {
            guard let position else {
                values.append(nil)
                continue
            }
            let raw = position < record.fields.count ? record.fields[position] : ""
            let text = CSVWriter.unprotected(Self.trimmed(raw))
            func problem(_ params: [String: String]) {
                problems.append(
                    ImportProblem(line: record.line, column: position + 1, field: column.name, params: params))
            }
            // Free text (an address, a basis) may span lines, as spreadsheets let a cell; names and codes may not.
            if let found = DisplaySafety.firstForbidden(in: text, allowingLineFeed: column.type == .text) {
                // A NUL would cut the value where SQLite reads it; an escape sequence would take over the terminal
                // of whoever lists it.
                problem(DisplaySafety.problemParameters(found))
                values.append(nil)
                continue
            }
            if text.isEmpty {
                if column.required { problem(["code": "required"]) }
                values.append(nil)
                continue
            }
            switch Self.normalize(text, as: column.type) {
            case .success(let value): values.append(value)
            case .failure(let params):
                problem(params)
                values.append(nil)
            }
        }
        let expected = header.index.count + header.extra.count
        if record.fields.count != expected {
            // A short row would silently clear the optional columns it lacks; a long one holds values of nothing.
            problems.append(
                ImportProblem(
                    line: record.line, column: min(record.fields.count, expected) + 1, field: nil,
                    params: ["code": "fields", "fields": String(record.fields.count), "expected": String(expected)]))
        }
        return problems.isEmpty ? .success(RegistryRow(line: record.line, values: values)) : .failure(problems)
    }

    /// `text` without leading and trailing spaces and tabs (cheap when there are none, the usual case).
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last,
            first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 || first == 0xC2 || last == 0xA0
        else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The value of `column` in `row`.
    public func value(_ column: String, in row: RegistryRow) -> String? {
        guard let index = columns.firstIndex(where: { $0.name == column }), index < row.values.count else { return nil }
        return row.values[index]
    }

    enum Normalized {
        case success(String)
        /// What was wrong, as `ImportProblem`'s parameters.
        case failure([String: String])
    }

    static func normalize(_ text: String, as type: ValueType) -> Normalized {
        func failure(_ code: String, _ got: Int, _ extra: [String: String] = [:]) -> Normalized {
            .failure(extra.merging(["code": code, "got": String(text.prefix(got))]) { $1 })
        }
        switch type {
        case .id:
            return RegistryValues.identifier(text).map(Normalized.success) ?? failure("id", 80)
        case .name:
            return text.utf8.count <= 100 || text.count <= 100 ? .success(text) : .failure(["code": "name-length"])
        case .text:
            return text.utf8.count <= 500 || text.count <= 500 ? .success(text) : .failure(["code": "text-length"])
        case .date:
            return RegistryValues.date(text).map { .success($0.description) } ?? failure("date", 40)
        case .gender:
            return RegistryValues.gender(text).map(Normalized.success) ?? failure("gender", 20)
        case .classLetter:
            return RegistryValues.className("1" + text).map { .success($0.letter) } ?? failure("letter", 20)
        case .className:
            return RegistryValues.className(text).map { .success($0.name) } ?? failure("class", 20)
        case .snils:
            return RegistryValues.snils(text).map(Normalized.success) ?? failure("snils", 20)
        case .integer(let range):
            return RegistryValues.integer(text, in: range).map { .success(String($0)) }
                ?? failure("integer", 20, ["min": String(range.lowerBound), "max": String(range.upperBound)])
        case .oneOf(let words):
            let lowered = text.lowercased()
            return words.contains(lowered)
                ? .success(lowered) : failure("one-of", 40, ["words": words.joined(separator: ", ")])
        case .mark:
            return RegistryValues.mark(text).map(Normalized.success) ?? failure("mark", 40)
        }
    }
}
