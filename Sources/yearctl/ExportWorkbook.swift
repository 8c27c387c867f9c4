import ArgumentParser
import Foundation
import YearCore
import YearProtocol
import YearReports
import YearSheets

extension ExportCommand {
    /// `--format xlsx`: the export's pages, read as the CSV they are, written as a workbook of typed cells. The
    /// workbook is made in a temporary file beside the target and moved into place whole, so a failed export leaves
    /// no half-written file.
    func exportWorkbook() async throws {
        let l = options.l
        let place = try WorkbookTarget(output: output, name: "\(kind.rawValue).xlsx", l: l)
        defer { place.discard() }
        let temporary = place.temporary, target = place.target
        let kind = kind, headers = headers, school = options.school, year = year
        try await Client(options: options).withSession { session in
            var writer: WorkbookWriter
            do {
                writer = try WorkbookWriter(path: temporary.path)
            } catch {
                throw UsageError.file(target?.path ?? temporary.path, .write, error, l)
            }
            let columns = kind.columns
            try writer.beginSheet(
                kind.rawValue,
                header: columns.map { headers == .ru ? kind.russianHeaders[$0.name]?.first ?? $0.name : $0.name })
            var parser = CSVParser(delimiter: UInt8(ascii: ","))
            var positions: [Int?]?
            let emit: (CSVRecord) throws -> Void = { record in
                guard let found = positions else {
                    positions = CSVHeader(record.fields, kind: kind).positions
                    return
                }
                try writer.append(
                    found.enumerated().map { index, position in
                        Self.cell(position.map { record.fields[$0] }, columns[index].type)
                    })
            }
            var after: String?
            repeat {
                // Raw: a cell of text is never a formula, so the CSV's guard (a leading ') is not wanted here.
                let page = try await session.call(
                    YeardAPI.Registry.export,
                    ExportParameters(kind: kind, school: school, year: year, after: after, limit: 5000, raw: true))
                try parser.feed(Data(page.csv.utf8), emit: emit)
                after = page.next
            } while after != nil
            try parser.finish(emit: emit)
            do {
                try writer.finish()
            } catch {
                throw UsageError.file(target?.path ?? temporary.path, .write, error, l)
            }
        }
        try place.commit()
    }

    /// A CSV field as a typed cell: dates as dates, whole numbers and marks as numbers, the rest as text.
    static func cell(_ text: String?, _ type: RegistryKind.ValueType) -> WorkbookWriter.Cell {
        guard let text, !text.isEmpty else { return .empty }
        switch type {
        case .date:
            if let date = CalendarDate(iso: text) { return .date(date) }
        case .integer, .mark:
            if let number = Int64(text) { return .integer(number) }
        default: break
        }
        return .text(text)
    }
}

/// Where a workbook goes: a temporary file beside `--output` (or in the temporary directory for standard output),
/// moved into place whole by `commit`, so a failure leaves no half-written file; never onto a terminal.
struct WorkbookTarget {
    /// The file the workbook is written to first, and the file it becomes (nil: standard output).
    let temporary: URL, target: URL?
    private let l: Localizer

    /// Refuses a terminal for standard output; `name` is the file name suggested instead.
    init(output: String?, name: String, l: Localizer) throws {
        if output == nil && isatty(STDOUT_FILENO) == 1 {
            throw UsageError(
                message: l.tr(
                    "a workbook is not text for the terminal: name the file with --output {file}, or redirect the output",
                    ["file": name]))
        }
        self.l = l
        target = output.map { URL(fileURLWithPath: $0) }
        let directory = target?.deletingLastPathComponent() ?? FileManager.default.temporaryDirectory
        temporary = directory.appendingPathComponent(".yearctl-\(UUID().uuidString).xlsx")
    }

    /// Moves the finished workbook into place, or copies it to standard output.
    func commit() throws {
        guard let target else {
            guard let file = FileHandle(forReadingAtPath: temporary.path) else {
                throw UsageError.file(temporary.path, .read, CocoaError(.fileReadNoSuchFile), l)
            }
            defer { try? file.close() }
            while let chunk = try file.read(upToCount: 1 << 20), !chunk.isEmpty {
                do {
                    try FileHandle.standardOutput.write(contentsOf: chunk)
                } catch {
                    return  // the reader went away
                }
            }
            return
        }
        guard rename(temporary.path, target.path) == 0 else {
            throw UsageError.file(target.path, .write, POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO), l)
        }
        printError("yearctl: " + l.tr("wrote {file}", ["file": target.path]))
    }

    /// Removes the temporary file (after `commit` there is none left to remove).
    func discard() { try? FileManager.default.removeItem(at: temporary) }
}

/// Writes a report's workbook to `output` (standard output when nil, never a terminal) through `fill`, whole or not
/// at all: made beside the target and moved into place once finished. `name` is the file name suggested when
/// standard output is a terminal.
func writeWorkbook(
    to output: String?, suggesting name: String, _ l: Localizer, _ fill: (inout WorkbookWriter) throws -> Void
) throws {
    let place = try WorkbookTarget(output: output, name: name, l: l)
    defer { place.discard() }
    do {
        var writer = try WorkbookWriter(path: place.temporary.path)
        try fill(&writer)
        try writer.finish()
    } catch {
        throw UsageError.file(output ?? place.temporary.path, .write, error, l)
    }
    try place.commit()
}

/// Writes a report's rows as CSV (a header line, then a line per row, cells as `OO1Command.shown` writes them).
func writeCSV(_ header: [String], _ rows: [[WorkbookWriter.Cell]], to output: String?, _ l: Localizer) throws {
    try writeReport(
        CSVWriter.line(header) + rows.map { CSVWriter.line($0.map(OO1Command.shown)) }.joined(), to: output, l)
}

/// Where the printable documents' templates come from (`--format html`).
struct TemplateOptions: ParsableArguments {
    @Option(
        name: .customLong("templates"),
        help: "A directory of templates that replace the shipped ones by name (default: /etc/yeard/templates).")
    var directory: String?

    /// The shipped templates, each replaced by its namesake in the directory (a missing directory replaces none).
    func load(_ l: Localizer) throws -> Templates {
        do {
            return try Templates(override: directory ?? Templates.overrideDirectory)
        } catch let error as TemplateError {
            throw UsageError(
                message: l.tr("cannot use the document templates: {reason}", ["reason": error.description]))
        }
    }
}

/// An order as a line names it: "order No. 95-о of 28.05.2027", or without a date when none is recorded.
func orderReference(_ number: String, date: String?, _ l: Localizer) -> String {
    date.map { l.tr("order No. {number} of {date}", ["number": number, "date": l.date($0)]) }
        ?? l.tr("order No. {number}", ["number": number])
}

/// Today on this machine's calendar, `YYYY-MM-DD` (the day a document says it was printed).
func today() -> String {
    CalendarDate(Date(), timeZone: TimeZone.current.identifier)?.description ?? ""
}

/// Cells as a template prints them: their text as a table shows it, and whether they are numbers (right-aligned).
func templateCells(_ cells: [WorkbookWriter.Cell], _ l: Localizer) -> [[String: Any]] {
    cells.map { cell in
        switch cell {
        case .integer(let value): ["text": l.number(Int(value)), "number": true]
        case .date(let date): ["text": l.date(date.description), "number": false]
        default: ["text": OO1Command.shown(cell), "number": false]
        }
    }
}
