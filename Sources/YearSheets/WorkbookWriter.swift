import Foundation
import YearCore
import ZIPFoundation

/// Writes an Office Open XML workbook (`.xlsx`) row by row: typed cells (text, numbers, dates with a date format), a
/// bold header row that stays in view (a frozen pane) with a filter, and column widths that fit the longest value.
///
/// The container is ZIPFoundation's (deflated parts). What is written by hand is the SpreadsheetML (ECMA-376 part 1,
/// §18): no maintained Swift package writes it on Linux. A sheet's rows go to a temporary file as they come, and the
/// part is streamed from it into the archive, so memory holds one row and the column widths, not the sheet. Text is
/// always an inline string, never a formula: a value such as `=HYPERLINK(...)` is shown, never run.
public struct WorkbookWriter {
    /// One cell's value.
    public enum Cell: Sendable, Equatable {
        /// Text, shown as written (a leading `=` included).
        case text(String)
        /// A whole number.
        case integer(Int64)
        /// A number with a fraction.
        case number(Double)
        /// A day, stored as Excel's serial number with the `DD.MM.YYYY` format.
        case date(CalendarDate)
        /// No cell.
        case empty
    }

    /// Why a workbook cannot be written.
    public enum Failure: Error, Equatable, Sendable {
        /// A temporary file or the archive could not be written: what and why.
        case io(String)
        /// A call out of order (a row outside a sheet, a sheet after `finish`).
        case misuse(String)
    }

    private let archive: Archive
    private var sheets: [String] = []
    private var current: SheetPart?
    private var finished = false

    /// Starts a workbook at `path` (an existing file there is replaced).
    public init(path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        } catch {
            throw Failure.io("cannot create \(path): \(error)")
        }
    }

    /// Starts a sheet named `name` (made fit for a tab: at most 31 characters, none of `[]:*?/\`, unique) whose
    /// first row is `header`, in bold and frozen; then `append` its rows.
    public mutating func beginSheet(_ name: String, header: [String]) throws {
        guard !finished else { throw Failure.misuse("the workbook is finished") }
        if current != nil { try endSheet() }
        sheets.append(Self.tabName(name, taken: sheets))
        current = try SheetPart(columns: header.count)
        try current?.row(header.map(Cell.text), style: Self.headerStyle)
    }

    /// Adds one row to the current sheet; `bold` for the header of a second table, or a line of totals (a date
    /// keeps its date format).
    public mutating func append(_ cells: [Cell], bold: Bool = false) throws {
        guard current != nil else { throw Failure.misuse("a row outside a sheet") }
        try current?.row(cells, style: bold ? Self.headerStyle : nil)
    }

    /// Ends the current sheet: its part goes into the archive.
    public mutating func endSheet() throws {
        guard let sheet = current else { return }
        current = nil
        defer { sheet.remove() }
        try sheet.finish()
        let head = Data(sheet.head.utf8), tail = Data(sheet.tail.utf8)
        let body = sheet.bodyPath, bodySize = sheet.bodySize
        let reader = FileHandle(forReadingAtPath: body)
        defer { try? reader?.close() }
        guard let reader else { throw Failure.io("cannot read back \(body)") }
        let total = Int64(head.count) + bodySize + Int64(tail.count)
        do {
            try archive.addEntry(
                with: "xl/worksheets/sheet\(sheets.count).xml", type: .file, uncompressedSize: total,
                compressionMethod: .deflate, bufferSize: 1 << 16
            ) { position, size in
                // The part is the head, the rows' file, then the tail; ZIPFoundation asks for it in order.
                var chunk = Data()
                var at = position, wanted = size
                if at < Int64(head.count) {
                    let take = min(wanted, head.count - Int(at))
                    chunk.append(head.subdata(in: Int(at)..<Int(at) + take))
                    at += Int64(take)
                    wanted -= take
                }
                if wanted > 0, at < Int64(head.count) + bodySize {
                    try reader.seek(toOffset: UInt64(at - Int64(head.count)))
                    let read = try reader.read(upToCount: min(wanted, Int(Int64(head.count) + bodySize - at))) ?? Data()
                    chunk.append(read)
                    at += Int64(read.count)
                    wanted -= read.count
                }
                if wanted > 0 {
                    let offset = Int(at - Int64(head.count) - bodySize)
                    let take = min(wanted, tail.count - offset)
                    if take > 0 { chunk.append(tail.subdata(in: offset..<offset + take)) }
                }
                return chunk
            }
        } catch {
            throw Failure.io("cannot write the sheet: \(error)")
        }
    }

    /// Ends the last sheet and writes the parts that name them; the file is then complete.
    public mutating func finish() throws {
        guard !finished else { return }
        // A workbook has at least one sheet.
        if sheets.isEmpty { try beginSheet("Sheet1", header: []) }
        try endSheet()
        finished = true
        let parts = [
            ("[Content_Types].xml", Self.contentTypes(sheets.count)),
            ("_rels/.rels", Self.packageRelations),
            ("xl/workbook.xml", Self.workbook(sheets)),
            ("xl/_rels/workbook.xml.rels", Self.workbookRelations(sheets.count)),
            ("xl/styles.xml", Self.styles),
        ]
        for (name, text) in parts {
            let data = Data(text.utf8)
            do {
                try archive.addEntry(
                    with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
                ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
            } catch {
                throw Failure.io("cannot write \(name): \(error)")
            }
        }
    }

    // MARK: - The parts

    /// The style indexes of `styles`: 0 plain, 1 a date, 2 the header (bold).
    static let dateStyle = 1
    static let headerStyle = 2

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
        <font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    static let packageRelations = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
        Target="xl/workbook.xml"/></Relationships>
        """

    static func contentTypes(_ count: Int) -> String {
        let sheets = (1...max(count, 1)).map {
            "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" "
                + "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(sheets)</Types>
            """
    }

    static func workbook(_ names: [String]) -> String {
        let sheets = names.enumerated().map { index, name in
            "<sheet name=\"\(xmlEscaped(name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(sheets)</sheets></workbook>
            """
    }

    static func workbookRelations(_ count: Int) -> String {
        let sheets = (1...max(count, 1)).map {
            "<Relationship Id=\"rId\($0)\" "
                + "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
                + "Target=\"worksheets/sheet\($0).xml\"/>"
        }.joined()
        let styles =
            "<Relationship Id=\"rId\(count + 1)\" "
            + "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(sheets)\(styles)</Relationships>
            """
    }

    /// `name` as a tab may be named: the characters Excel refuses replaced, at most 31 characters, not blank, and
    /// unlike the names `taken` (a number added).
    static func tabName(_ name: String, taken: [String]) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var base = String(name.map { forbidden.contains($0) || $0.isNewline ? "_" : $0 }.prefix(31))
        base = base.trimmingCharacters(in: CharacterSet(charactersIn: "' "))
        if base.isEmpty { base = "Sheet" }
        var candidate = base, number = 2
        while taken.contains(where: { $0.lowercased() == candidate.lowercased() }) {
            let suffix = " (\(number))"
            candidate = String(base.prefix(31 - suffix.count)) + suffix
            number += 1
        }
        return candidate
    }

    /// `text` fit for XML 1.0 character data and attributes: `&<>"` escaped, characters XML cannot hold dropped.
    static func xmlEscaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": break
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Excel's serial number of a day (1900 system): days since 1899-12-30.
    static func serial(_ date: CalendarDate) -> Int {
        guard let epoch = CalendarDate(year: 1899, month: 12, day: 30) else { return 0 }
        return epoch.days(until: date)
    }
}

/// One sheet being written: its rows in a temporary file, the widths its columns need. The file goes with the part
/// (`deinit`), whether the sheet was finished or the writer given up half way.
private final class SheetPart {
    let bodyPath: String
    private let file: FileHandle
    private var buffer = Data()
    private(set) var bodySize: Int64 = 0
    private var rows = 0
    private var widths: [Int]
    private let columns: Int

    init(columns: Int) throws {
        self.columns = columns
        widths = Array(repeating: 0, count: columns)
        bodyPath =
            FileManager.default.temporaryDirectory.appendingPathComponent("yeard-sheet-\(UUID().uuidString)")
            .path
        guard FileManager.default.createFile(atPath: bodyPath, contents: nil, attributes: [.posixPermissions: 0o600]),
            let file = FileHandle(forWritingAtPath: bodyPath)
        else { throw WorkbookWriter.Failure.io("cannot create a temporary file in \(NSTemporaryDirectory())") }
        self.file = file
    }

    deinit {
        try? file.close()
        remove()
    }

    func row(_ cells: [WorkbookWriter.Cell], style: Int?) throws {
        rows += 1
        var xml = "<row r=\"\(rows)\">"
        for (index, cell) in cells.enumerated() {
            let reference = ImportProblem.columnLetters(index + 1) + String(rows)
            let styled = style.map { " s=\"\($0)\"" } ?? ""
            let shown: Int
            switch cell {
            case .empty: continue
            case .text(let text):
                let escaped = WorkbookWriter.xmlEscaped(text)
                // Spaces at the ends and line breaks are kept only when said to be; most cells need not say it.
                let keep =
                    text.first?.isWhitespace == true || text.last?.isWhitespace == true || text.contains("\n")
                let open = keep ? "<t xml:space=\"preserve\">" : "<t>"
                xml += "<c r=\"\(reference)\"\(styled) t=\"inlineStr\"><is>\(open)\(escaped)</t></is></c>"
                shown = text.split(separator: "\n").map(\.count).max() ?? 0
            case .integer(let number):
                xml += "<c r=\"\(reference)\"\(styled)><v>\(number)</v></c>"
                shown = String(number).count
            case .number(let number):
                let text = number.isFinite ? String(number) : "0"
                xml += "<c r=\"\(reference)\"\(styled)><v>\(text)</v></c>"
                shown = text.count
            case .date(let date):
                xml +=
                    "<c r=\"\(reference)\" s=\"\(WorkbookWriter.dateStyle)\"><v>\(WorkbookWriter.serial(date))</v></c>"
                shown = 10
            }
            if index < widths.count { widths[index] = max(widths[index], shown) } else { widths.append(shown) }
        }
        xml += "</row>"
        buffer.append(contentsOf: xml.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        do {
            try file.write(contentsOf: buffer)
        } catch {
            throw WorkbookWriter.Failure.io("cannot write a temporary file: \(error)")
        }
        bodySize += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try flush()
        try? file.close()
    }

    func remove() { try? FileManager.default.removeItem(atPath: bodyPath) }

    /// The part's start: the frozen header row, the columns' widths (a character is about one unit; between 6
    /// and 60), then the rows.
    var head: String {
        let cols = widths.enumerated().map { index, width in
            let fitted = min(max(width + 2, 6), 60)
            return "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(fitted)\" customWidth=\"1\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0">\
            <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="15"/>\(cols.isEmpty ? "" : "<cols>\(cols)</cols>")<sheetData>
            """
    }

    /// The part's end: the filter over the header and the rows.
    var tail: String {
        let last = ImportProblem.columnLetters(max(widths.count, columns, 1))
        let filter = rows > 0 && columns > 0 ? "<autoFilter ref=\"A1:\(last)\(rows)\"/>" : ""
        return "</sheetData>\(filter)</worksheet>"
    }
}
