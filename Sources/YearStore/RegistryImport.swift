import Foundation
import GRDB
import GRDBSQLite
import YearCore
import YearSheets

/// One import inside its write transaction: streams the file into a temporary table, checks it with set-based
/// queries, then merges it with one INSERT ... SELECT per table. Statements per file, not per student.
final class RegistryImport {
    let request: ImportRequest
    let db: Database
    var kind: RegistryKind { request.kind }

    private(set) var problems: [ImportProblem] = []
    private(set) var problemCount = 0
    private(set) var header: CSVHeader?
    var rows = 0
    private var encoding: TextEncoding? = .utf8
    /// The sheet read, when the file is a workbook; problems found there name it.
    var sheet: String?
    private var warnings: [ImportProblem] = []
    private var warningCount = 0

    init(request: ImportRequest, db: Database) {
        self.request = request
        self.db = db
    }

    /// The columns of the temporary table, quoted (`class` and `group` are SQL words).
    private var columnList: String { kind.columns.map { "\"\($0.name)\"" }.joined(separator: ", ") }

    /// Whether the file has the column (an absent optional column leaves stored values as they are).
    func has(_ column: String) -> Bool { header?.index[column] != nil }

    func add(_ problem: ImportProblem) {
        problemCount += 1
        if problems.count < 100 {
            var problem = problem
            if problem.sheet == nil { problem.sheet = sheet }
            problems.append(problem)
        }
    }

    /// Says something aside that does not refuse the file (a formula's value read).
    func warn(_ problem: ImportProblem) {
        warningCount += 1
        if warnings.count < 100 { warnings.append(problem) }
    }

    private func outcome(added: Int = 0, changed: Int = 0, applied: Bool) -> ImportOutcome {
        ImportOutcome(
            kind: kind, fileName: request.fileName, sha256: request.sha256, rows: rows, added: added,
            changed: changed, unchanged: max(rows - added - changed, 0), dryRun: request.dryRun,
            applied: applied && !request.dryRun, problems: problems, problemCount: problemCount,
            extraColumns: header?.extra ?? [], encoding: encoding, sheet: sheet, warnings: warnings,
            warningCount: warningCount)
    }

    func run() throws -> ImportOutcome {
        try db.execute(sql: "DROP TABLE IF EXISTS temp.import_rows")
        try db.execute(
            sql:
                "CREATE TEMP TABLE import_rows (line INTEGER NOT NULL, \(kind.columns.map { "\"\($0.name)\" TEXT" }.joined(separator: ", ")))"
        )
        defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.import_rows") }
        try load()
        if header?.missing.isEmpty == true { try check() }
        if problemCount > 0 {
            problems.sort { ($0.line, $0.column) < ($1.line, $1.column) }
            throw ImportRefused(outcome: outcome(applied: false))
        }
        let counts = try count()
        try apply()
        return outcome(added: counts.added, changed: counts.changed, applied: true)
    }

    /// Takes `record` as the header (the first record given) and reports what it lacks, or validates it as a row
    /// and inserts it into the temporary table through `insert`.
    func take(_ record: CSVRecord, _ insert: Statement) throws {
        guard let header else {
            let header = CSVHeader(record.fields, kind: kind)
            self.header = header
            for column in header.repeated {
                add(
                    ImportProblem(
                        line: record.line, column: 0, field: column, params: ["code": "header-twice", "column": column])
                )
            }
            for column in header.missing {
                add(
                    ImportProblem(
                        line: record.line, column: 0, field: column,
                        params: kind.missingColumnParameters(column, extra: header.extra)))
            }
            return
        }
        rows += 1
        switch kind.validate(record, header: header) {
        case .success(let row):
            // Valid rows go to the temporary table even after a problem, so that the checks across rows
            // (duplicates, references) report theirs too; a file with any problem is rolled back.
            try self.insert(row, with: insert)
        case .failure(let found):
            found.forEach { add($0) }
        }
    }

    /// Streams the file into the temporary table, validating every row: a workbook (`.xlsx`, a ZIP archive) sheet
    /// by its rows, anything else as CSV text.
    private func load() throws {
        guard let handle = FileHandle(forReadingAtPath: request.path) else {
            throw YearError.internalFailure(reason: "the upload is gone")
        }
        defer { try? handle.close() }
        let placeholders = Array(repeating: "?", count: kind.columns.count + 1).joined(separator: ", ")
        let insert = try db.makeStatement(sql: "INSERT INTO import_rows (line, \(columnList)) VALUES (\(placeholders))")
        let chunkSize = 1 << 20
        var chunk = try handle.read(upToCount: chunkSize) ?? Data()
        switch FileSignature(chunk) {
        case .zip:
            encoding = nil
            try loadWorkbook(insert)
            return
        case .compoundDocument:
            // Excel 97-2003 (.xls), or an .xlsx encrypted by a password (stored in the same container).
            encoding = nil
            add(ImportProblem(line: 0, column: 0, field: nil, params: ["code": "old-excel"]))
            return
        case .other: break
        }
        var parser = CSVParser()
        let handleRecord: (CSVRecord) throws -> Void = { try self.take($0, insert) }
        // The encoding is judged once, from the first megabyte; UTF-8 (nearly every file) is fed to the parser as it
        // is, anything else through iconv.
        guard let found = request.encoding ?? TextEncoding.sniff([UInt8](chunk), isWhole: chunk.count < chunkSize)
        else {
            add(ImportProblem(line: 1, column: 0, field: nil, params: ["code": "not-text"]))
            return
        }
        encoding = found
        var converter: TextConverter?
        if found != .utf8 {
            guard let made = TextConverter(from: found) else {
                throw YearError.internalFailure(reason: "this machine's iconv cannot read \(found.name)")
            }
            converter = made
            if let (mark, length) = TextEncoding.byteOrderMark(chunk), mark == found { chunk = chunk.dropFirst(length) }
        }
        do {
            while !chunk.isEmpty {
                if let converter {
                    let text = converter.convert(chunk)
                    try text.withUnsafeBytes { try parser.feed(buffer: $0, emit: handleRecord) }
                    if let invalid = converter.invalid { throw invalid }
                } else {
                    try chunk.withUnsafeBytes { try parser.feed(buffer: $0, emit: handleRecord) }
                }
                if header?.missing.isEmpty == false { break }
                chunk = try handle.read(upToCount: chunkSize) ?? Data()
            }
            try converter?.finish()
            try parser.finish(emit: handleRecord)
        } catch let syntax as CSVSyntaxError {
            add(ImportProblem(line: syntax.line, column: syntax.column, field: nil, params: syntax.params))
        } catch let invalid as TextConverter.InvalidText {
            let byte = "0x" + String(invalid.byte, radix: 16, uppercase: true)
            add(
                ImportProblem(
                    line: invalid.line, column: 0, field: nil,
                    params: ["code": "bad-byte", "byte": byte, "encoding": invalid.encoding.name]))
        }
        if header == nil {
            add(ImportProblem(line: 1, column: 0, field: nil, params: ["code": "empty"]))
        }
    }
}

extension RegistryImport {
    /// SQLite's "copy the bytes" destructor, which the C header defines as a cast that Swift cannot import.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Inserts one validated row into the temporary table.
    ///
    /// Written against SQLite's C API on GRDB's prepared statement, by hand: a million rows bound through
    /// `StatementArguments` spend more time building `DatabaseValue` arrays than SQLite spends storing them
    /// (1.05 s against 0.3 s for 181,000 students). The statement stays GRDB's, and errors become `DatabaseError`.
    fileprivate func insert(_ row: RegistryRow, with statement: Statement) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, Int64(row.line))
        for (offset, value) in row.values.enumerated() {
            let index = Int32(offset + 2)
            guard var value else {
                sqlite3_bind_null(handle, index)
                continue
            }
            value.withUTF8 { bytes in
                _ = bytes.withMemoryRebound(to: CChar.self) {
                    sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient)
                }
            }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: statement.sql)
        }
    }
}

/// An import refused for its problems; the transaction rolls back and the outcome lists them.
struct ImportRefused: Error {
    let outcome: ImportOutcome
}
