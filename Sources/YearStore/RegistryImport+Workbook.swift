import Foundation
import GRDB
import YearCore
import YearSheets

/// What a file's first bytes say it is.
enum FileSignature {
    /// A ZIP archive: an Office Open XML workbook (`.xlsx`), or another ZIP that the workbook reader refuses.
    case zip
    /// A compound document (OLE2): Excel 97-2003 (`.xls`), or an `.xlsx` encrypted by a password.
    case compoundDocument
    /// Anything else: read as CSV text.
    case other

    init(_ bytes: Data) {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            self = .zip
        } else if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            self = .compoundDocument
        } else {
            self = .other
        }
    }
}

extension RegistryImport {
    /// How many rows with a value are read looking for the header before the one naming most columns is taken.
    static let headerSearchRows = 50
    /// The widest row read as a header, as `CSVParser.maximumFields` bounds a CSV record.
    static let maximumColumns = CSVParser().maximumFields

    /// Thrown out of the sheet's rows when no header was found in the first `headerSearchRows`.
    private struct HeaderNotFound: Error {}

    /// Reads the request's sheet (the first when none is named) as the CSV path reads a file: the header is the first
    /// row that names every required column of the kind (title rows above it are passed over), each row below it
    /// a record whose fields are the sheet's columns from A to the header's last, so that a problem's column is the
    /// sheet's. Rows without a value are skipped wherever they are.
    func loadWorkbook(_ insert: Statement) throws {
        var workbook: Workbook
        let chosen: Workbook.Sheet
        do {
            var limits = ZipReader.Limits()
            limits.entryBytes = request.workbookMaxPartBytes
            limits.totalBytes = request.workbookMaxPartBytes * 2
            workbook = try Workbook(path: request.path, limits: limits)
            chosen = try workbook.sheet(request.sheet)
        } catch {
            guard let params = Self.workbookProblem(error) else { throw error }
            add(ImportProblem(line: 0, column: 0, field: nil, params: params))
            return
        }
        sheet = chosen.name
        var candidates: [CSVRecord] = []
        var width = 0
        do {
            try workbook.rows(of: chosen) { row in
                guard !row.formulas.isEmpty || row.cells.values.contains(where: { !$0.allSatisfy(\.isWhitespace) })
                else { return }
                guard self.header != nil else {
                    let columns = (row.cells.keys.max() ?? 0) + 1
                    // As wide as a CSV record may be: a registry file has a few dozen columns.
                    guard columns <= Self.maximumColumns else {
                        self.add(
                            ImportProblem(
                                line: row.number, column: Self.maximumColumns + 1, field: nil,
                                params: ["code": "too-many-columns", "fields": String(Self.maximumColumns)]))
                        throw HeaderNotFound()
                    }
                    let record = CSVRecord(fields: Self.fields(row, width: columns), line: row.number)
                    if CSVHeader(record.fields, kind: self.kind).missing.isEmpty {
                        width = record.fields.count
                        try self.take(record, insert)
                    } else {
                        candidates.append(record)
                        if candidates.count >= Self.headerSearchRows { throw HeaderNotFound() }
                    }
                    return
                }
                try self.takeRow(row, width: width, insert)
            }
        } catch is HeaderNotFound {
            if problemCount > 0 { return }
        } catch {
            guard let params = Self.workbookProblem(error) else { throw error }
            add(ImportProblem(line: 0, column: 0, field: nil, params: params))
            return
        }
        guard header == nil else { return }
        // No row names every required column: the one naming most is taken as the header meant, so that the
        // problems say which columns it lacks and which of its names look like typos.
        var best: (record: CSVRecord, known: Int)?
        for record in candidates {
            let known = CSVHeader(record.fields, kind: kind).index.count
            if best == nil || known > best!.known { best = (record, known) }
        }
        guard let best else {
            add(ImportProblem(line: 0, column: 0, field: nil, params: ["code": "empty-sheet", "sheet": chosen.name]))
            return
        }
        try take(best.record, insert)
        let others = workbook.sheets.filter { $0 != chosen && !$0.hidden }
        if request.sheet == nil && !others.isEmpty {
            add(
                ImportProblem(
                    line: best.record.line, column: 0, field: nil,
                    params: [
                        "code": "other-sheets", "sheet": chosen.name,
                        "sheets": others.map { "'\($0.name)'" }.joined(separator: ", "),
                    ]))
        }
    }

    /// One row under the header: its cells from A to the header's last column as a record. A value to the right
    /// of the header, or a formula's error value, is a problem; a formula's value is read and said aside.
    private func takeRow(_ row: Workbook.Row, width: Int, _ insert: Statement) throws {
        // A cell right of the header that holds only spaces is as blank as an empty one.
        let past = row.cells.filter { $0.key >= width && !$0.value.allSatisfy(\.isWhitespace) }.keys
        if let first = past.min() {
            add(
                ImportProblem(
                    line: row.number, column: first + 1, field: nil,
                    params: ["code": "past-header", "count": String(past.count)]))
        }
        let field = { (column: Int) in self.header?.index.first { $0.value == column }?.key }
        // Only the kind's columns matter: an error in a helper column the import ignores refuses nothing.
        let known = Set(header?.index.values.map { $0 } ?? [])
        let errors = row.errors.filter { known.contains($0) }
        let uncomputed = row.formulas.filter { known.contains($0) && row.cells[$0] == nil }
        if !errors.isEmpty || !uncomputed.isEmpty {
            // The row is counted and these cells reported; its other values are not checked, as the same cells
            // would be reported twice (an error value is no date, a formula never computed no value).
            rows += 1
            for column in Set(errors).union(uncomputed).sorted() {
                let params =
                    row.errors.contains(column)
                    ? ["code": "cell-error", "got": row.cells[column] ?? ""] : ["code": "formula-no-value"]
                add(ImportProblem(line: row.number, column: column + 1, field: field(column), params: params))
            }
            return
        }
        for column in row.formulas.sorted() where known.contains(column) {
            warn(
                ImportProblem(
                    line: row.number, column: column + 1, field: field(column),
                    params: ["code": "formula", "got": row.cells[column] ?? ""], sheet: sheet))
        }
        try take(CSVRecord(fields: Self.fields(row, width: width), line: row.number), insert)
    }

    /// The row's cells from column A to `width`, an empty text where there is no cell.
    private static func fields(_ row: Workbook.Row, width: Int) -> [String] {
        (0..<width).map { row.cells[$0] ?? "" }
    }

    /// The problem of a workbook that cannot be read (its code and what it names), or nil for an error that is not
    /// the file's (the database's).
    static func workbookProblem(_ error: Error) -> [String: String]? {
        switch error {
        case let failure as ZipReader.Failure:
            switch failure {
            case .notZip: return ["code": "zip-damaged", "detail": "no end of central directory"]
            case .damaged(let detail): return ["code": "zip-damaged", "detail": detail]
            case .checksum(let part): return ["code": "zip-damaged", "detail": "checksum of \(part)", "part": part]
            case .method(let part, let method):
                return ["code": "zip-damaged", "detail": "compression method \(method) of \(part)", "part": part]
            case .zip64: return ["code": "zip64"]
            case .encrypted: return ["code": "password"]
            case .tooManyEntries(let count): return ["code": "zip-entries", "count": String(count)]
            case .tooLarge(let part, let limit):
                return ["code": "zip-too-large", "part": part, "limit": String((limit + (1 << 20) - 1) >> 20)]
            case .ratio(let part): return ["code": "zip-ratio", "part": part]
            }
        case let failure as Workbook.Failure:
            switch failure {
            case .missingPart("xl/workbook.xml"): return ["code": "not-workbook"]
            case .missingPart("xl/worksheets"): return ["code": "no-sheets"]
            case .missingPart(let part): return ["code": "zip-damaged", "detail": "no part \(part)", "part": part]
            case .malformed(let part, let detail): return ["code": "xml-malformed", "part": part, "detail": detail]
            case .doctype(let part): return ["code": "xml-doctype", "part": part]
            case .noSheet(let name, let names):
                return [
                    "code": "no-sheet", "sheet": name, "sheets": names.map { "'\($0)'" }.joined(separator: ", "),
                ]
            case .reference(let reference): return ["code": "cell-reference", "got": reference]
            case .cellTooLong(let reference):
                return ["code": "cell-too-long", "cell": reference, "bytes": String(Workbook.maximumCellBytes)]
            case .tooManyStrings(let count): return ["code": "too-many-strings", "count": String(count)]
            }
        default: return nil
        }
    }
}
