import ArgumentParser
import Foundation
import YearCore
import YearProtocol
import YearSheets

extension ExportCommand {
    /// `--format xlsx`: the export's pages, read as the CSV they are, written as a workbook of typed cells. The
    /// workbook is made in a temporary file beside the target and moved into place whole, so a failed export leaves
    /// no half-written file.
    func exportWorkbook() async throws {
        let l = options.l
        if output == nil && isatty(STDOUT_FILENO) == 1 {
            throw UsageError(
                message: l.tr(
                    "a workbook is not text for the terminal: name the file with --output {file}, or redirect the output",
                    ["file": "\(kind.rawValue).xlsx"]))
        }
        let target = output.map { URL(fileURLWithPath: $0) }
        let directory = target?.deletingLastPathComponent() ?? FileManager.default.temporaryDirectory
        let temporary = directory.appendingPathComponent(".yearctl-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: temporary) }
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
