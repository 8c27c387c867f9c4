import Foundation
import NIOCore
import YearCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An Office Open XML workbook (`.xlsx`) read for its sheets' rows, as the registry import reads a CSV file.
///
/// The parts are parsed with Foundation's `XMLParser` (libxml2 underneath) as a stream of events: a sheet of a
/// hundred megabytes is inflated to a temporary file and parsed from it in chunks, so memory holds the shared
/// strings and one row, not the sheet. What is written by hand is only the SpreadsheetML mapping (ECMA-376 part 1,
/// §18): cell references, cell types, shared strings, the styles that make a number a date, the 1900 and 1904 date
/// systems. A part with a document type declaration is refused before parsing: libxml2 as Foundation configures it
/// substitutes internal entities (the billion laughs), and a workbook never has one.
public struct Workbook {
    /// One sheet: its name as the workbook's tabs show it, and its part.
    public struct Sheet: Sendable, Equatable {
        /// `Лист1`.
        public var name: String
        /// `xl/worksheets/sheet1.xml`.
        public var part: String
        /// Whether the workbook hides its tab (`state` hidden or veryHidden).
        public var hidden = false
    }

    /// One row of a sheet: its number (1-based, as the sheet shows it) and its cells' texts by column (0-based);
    /// the columns whose cell held a formula (its cached value is the text).
    public struct Row: Sendable, Equatable {
        /// The row's number as the sheet shows it.
        public var number: Int
        /// The text of each cell that has one, by 0-based column.
        public var cells: [Int: String]
        /// The columns whose cell held a formula (its text is the value Excel last computed; a formula never
        /// computed, as programs that write workbooks leave them, has no text).
        public var formulas: [Int]
        /// The columns whose cell holds an error value (`#DIV/0!`, `#N/A`: its text).
        public var errors: [Int] = []
    }

    /// Why a workbook cannot be read (beyond its container's `ZipReader.Failure`).
    public enum Failure: Error, Equatable, Sendable {
        /// A part the workbook needs is missing (`xl/workbook.xml`).
        case missingPart(String)
        /// A part is not well-formed XML, or not what SpreadsheetML says it is: the part and the parser's words.
        case malformed(String, String)
        /// A part declares a document type (entities): refused unparsed.
        case doctype(String)
        /// No sheet of this name; the names there are.
        case noSheet(String, [String])
        /// A cell reference that is not one (`A1` to `XFD1048576`).
        case reference(String)
        /// A cell whose text is longer than `Workbook.maximumCellBytes` (its reference): no registry value is.
        case cellTooLong(String)
        /// More shared strings than `Workbook.maximumStrings`: the table is held in memory.
        case tooManyStrings(Int)
    }

    /// The longest text a cell may hold, as `CSVParser`'s longest field: 64 KiB.
    public static let maximumCellBytes = 1 << 16
    /// The most shared strings a workbook may have (a region's sheet of 900,000 students has about 3 million).
    public static let maximumStrings = 5_000_000

    /// The sheets, in the workbook's order.
    public let sheets: [Sheet]
    private var zip: ZipReader
    private let sharedStrings: [String]
    /// The style indexes (`s` of a cell) whose number format shows a date.
    private let dateStyles: Set<Int>
    /// Whether serial numbers count from 1904 (old Mac workbooks) rather than 1900.
    private let date1904: Bool

    /// Opens the workbook at `path`: its sheets, shared strings and styles.
    public init(path: String, limits: ZipReader.Limits = ZipReader.Limits()) throws {
        zip = try ZipReader(path: path, limits: limits)
        let workbook = try Self.parse(&zip, "xl/workbook.xml", WorkbookParser())
        let relations = try Self.parse(&zip, "xl/_rels/workbook.xml.rels", RelationsParser(), required: false)
        sheets = workbook.sheets.compactMap { name, relation, hidden in
            guard let target = relations.targets[relation] else { return nil }
            // Targets are relative to xl/ unless absolute.
            let part = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            return Sheet(name: name, part: part, hidden: hidden)
        }
        date1904 = workbook.date1904
        sharedStrings = try Self.parse(&zip, "xl/sharedStrings.xml", SharedStringsParser(), required: false).strings
        dateStyles = try Self.parse(&zip, "xl/styles.xml", StylesParser(), required: false).dateStyles
    }

    /// The sheet named `name` (its tab's name, case-insensitive), or the first the workbook shows when `name` is
    /// nil (a hidden first sheet of lookup tables is not what a person means).
    public func sheet(_ name: String?) throws -> Sheet {
        guard let name else {
            guard let first = sheets.first(where: { !$0.hidden }) ?? sheets.first else {
                throw Failure.missingPart("xl/worksheets")
            }
            return first
        }
        guard let sheet = sheets.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw Failure.noSheet(name, sheets.map(\.name))
        }
        return sheet
    }

    /// Hands each row of `sheet` that has a cell to `handle`, in order.
    public mutating func rows(of sheet: Sheet, _ handle: @escaping (Row) throws -> Void) throws {
        let parser = SheetParser(strings: sharedStrings, dateStyles: dateStyles, date1904: date1904, handle: handle)
        _ = try Self.parse(&zip, sheet.part, parser)
    }

    /// Parses `part` with `delegate` from a temporary file of its inflated bytes; a part missing and not
    /// `required` gives the delegate as it is.
    private static func parse<Delegate: PartParser>(
        _ zip: inout ZipReader, _ part: String, _ delegate: Delegate, required: Bool = true
    ) throws -> Delegate {
        guard let entry = zip.entry(part) else {
            if required { throw Failure.missingPart(part) }
            return delegate
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-part-\(UUID().uuidString)")
            .path
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else { throw Failure.malformed(part, "cannot write a temporary file") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        var scanner = DoctypeScanner()
        do {
            try zip.read(entry) { buffer in
                // Only UTF-8 parts are read: a declaration scanned for in UTF-8 could hide in UTF-16.
                if !scanner.started, let start = DoctypeScanner.start(buffer.readableBytesView) {
                    guard start else { throw Failure.malformed(part, "not UTF-8 XML") }
                    scanner.started = true
                }
                if scanner.scan(buffer.readableBytesView) { throw Failure.doctype(part) }
                try file.write(contentsOf: Data(buffer.readableBytesView))
            }
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
        guard let stream = InputStream(fileAtPath: path) else { throw Failure.malformed(part, "cannot read it back") }
        let parser = XMLParser(stream: stream)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        // Recovery is on in Foundation's libxml2 setup, so `parse()` may say yes to broken XML: the first error the
        // delegate hears is fatal.
        let parsed = parser.parse()
        if let failure = delegate.failure { throw failure }
        if let error = delegate.error ?? (parsed ? nil : parser.parserError.map { "\($0)" } ?? "not XML") {
            throw Failure.malformed(part, error)
        }
        return delegate
    }
}

/// Finds `<!DOCTYPE` or `<!ENTITY` across chunk boundaries.
struct DoctypeScanner {
    private var tail: [UInt8] = []
    /// Whether the part's start was seen and found to be UTF-8 XML.
    var started = false

    /// Whether `bytes` (a part's first bytes) start as UTF-8 XML: an optional UTF-8 byte-order mark, white space,
    /// then `<`, and an XML declaration, if any, that names no encoding but UTF-8. Nil when `bytes` are only white
    /// space so far.
    static func start(_ bytes: ByteBufferView) -> Bool? {
        var index = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = bytes.index(index, offsetBy: 3) }
        while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
            index = bytes.index(after: index)
        }
        guard index < bytes.endIndex else { return nil }
        guard bytes[index] == UInt8(ascii: "<") else { return false }
        let head = String(decoding: bytes[index...].prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml"), let end = head.range(of: "?>") else { return true }
        let declaration = head[..<end.lowerBound].lowercased()
        guard let found = declaration.range(of: "encoding") else { return true }
        let value = declaration[found.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
        return value.hasPrefix("utf-8") || value.hasPrefix("utf8")
    }

    /// Whether the bytes seen so far hold a declaration (the last bytes of the previous chunk are kept, so that
    /// a declaration cut between two chunks is found).
    mutating func scan(_ bytes: ByteBufferView) -> Bool {
        let all = tail + Array(bytes)
        tail = Array(all.suffix(8))
        return Self.contains(all, Array("<!DOCTYPE".utf8)) || Self.contains(all, Array("<!ENTITY".utf8))
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// A delegate that parses one part and keeps the first error it hears, or the first its handler threw. The
/// parts' parsers override its methods: the protocol's witnesses are these, so that a subclass's are called.
class PartParser: NSObject, XMLParserDelegate {
    var error: String?
    var failure: Error?

    func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {}

    func parser(
        _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
    ) {}

    func parser(_ parser: XMLParser, foundCharacters string: String) {}

    /// Stops the parse for `error`, thrown by a handler or found in the data.
    func fail(_ error: Error, _ parser: XMLParser) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    /// An entity declared in a document type: never in a workbook, and refused before parsing; should one get past
    /// the scan, the parse stops here.
    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(Workbook.Failure.doctype("an entity \(name)"), parser)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if error == nil { error = "\(parseError)" }
        parser.abortParsing()
    }
}

/// `xl/workbook.xml`: the sheets' names and relation ids, and the date system.
final class WorkbookParser: PartParser {
    var sheets: [(String, String, Bool)] = []
    var date1904 = false

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch element {
        case "sheet":
            if let name = attributes["name"], let relation = attributes["r:id"] {
                sheets.append((name, relation, ["hidden", "veryHidden"].contains(attributes["state"] ?? "")))
            }
        case "workbookPr":
            date1904 = ["1", "true"].contains(attributes["date1904"] ?? "")
        default: break
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: relation id to part.
final class RelationsParser: PartParser {
    var targets: [String: String] = [:]

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if element == "Relationship", let id = attributes["Id"], let target = attributes["Target"] {
            targets[id] = target
        }
    }
}

/// `xl/sharedStrings.xml`: each `si`'s text, its rich-text runs joined (phonetic runs left out).
final class SharedStringsParser: PartParser {
    var strings: [String] = []
    private var current = ""
    private var inText = false, inPhonetic = false

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch element {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        // A string past a cell's limit is kept only so far: a cell that uses it is refused (`cellTooLong`).
        if inText && current.utf8.count <= Workbook.maximumCellBytes { current += string }
    }

    override func parser(
        _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
    ) {
        switch element {
        case "si":
            guard strings.count < Workbook.maximumStrings else {
                fail(Workbook.Failure.tooManyStrings(Workbook.maximumStrings), parser)
                return
            }
            strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// `xl/styles.xml`: which cell formats (`cellXfs`, by index) show dates.
final class StylesParser: PartParser {
    var dateStyles: Set<Int> = []
    private var customDates: Set<Int> = []
    private var inCellFormats = false
    private var index = 0

    /// Built-in formats that are dates or times (ECMA-376 §18.8.30): 14-22, 45-47, and the East Asian 27-36, 50-58.
    static let builtInDates: Set<Int> = Set(14...22).union(45...47).union(27...36).union(50...58)

    /// Whether a custom format code shows a date: it has d, m or y outside quotes, brackets and escapes.
    static func isDate(_ code: String) -> Bool {
        var quoted = false, bracket = false, escaped = false
        for character in code.lowercased() {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[": bracket = true
            case "]": bracket = false
            case "d" where !quoted && !bracket, "y" where !quoted && !bracket, "m" where !quoted && !bracket:
                return true
            default: break
            }
        }
        return false
    }

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch element {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"],
                Self.isDate(code)
            {
                customDates.insert(id)
            }
        case "cellXfs":
            inCellFormats = true
            index = 0
        case "xf" where inCellFormats:
            let format = attributes["numFmtId"].flatMap(Int.init) ?? 0
            if Self.builtInDates.contains(format) || customDates.contains(format) { dateStyles.insert(index) }
            index += 1
        default: break
        }
    }

    override func parser(
        _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
    ) {
        if element == "cellXfs" { inCellFormats = false }
    }
}

/// A worksheet part, row by row: each cell's text as the registry import reads text (dates as `2026-09-01`,
/// numbers without an exponent, booleans as TRUE/FALSE, a formula's cached value).
final class SheetParser: PartParser {
    let strings: [String], dateStyles: Set<Int>, date1904: Bool
    let handle: (Workbook.Row) throws -> Void

    private var row: Workbook.Row?
    private var nextRow = 1
    private var cell: (column: Int, type: String, style: Int)?
    private var nextColumn = 0
    private var value = "", inline = ""
    private var inValue = false, inInline = false, hasFormula = false

    init(
        strings: [String], dateStyles: Set<Int>, date1904: Bool, handle: @escaping (Workbook.Row) throws -> Void
    ) {
        self.strings = strings
        self.dateStyles = dateStyles
        self.date1904 = date1904
        self.handle = handle
    }

    /// `E7` as (row 7, column 4); nil for anything else.
    static func reference(_ text: String) -> (row: Int, column: Int)? {
        var column = 0, row = 0, letters = 0, digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default: return nil
            }
            if letters > 3 || digits > 7 { return nil }
        }
        guard letters > 0, digits > 0, (1...16_384).contains(column), (1...1_048_576).contains(row) else { return nil }
        return (row, column - 1)
    }

    /// A serial day number (`46266`) as the ISO date it stands for, in the 1900 or the 1904 date system.
    static func date(serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= (date1904 ? 0 : 1), serial < 2_958_466 else { return nil }
        // 1900 system: day 1 is 1900-01-01, and Excel counts 29 February 1900, which did not exist; counting from
        // 1899-12-30 is right for every day from 1 March 1900 on. 1904 system: day 0 is 1904-01-01.
        let days = Int(serial.rounded(.down)) + (date1904 ? 1462 : 0)
        guard let epoch = CalendarDate(year: 1899, month: 12, day: 30) else { return nil }
        return CalendarDate(daysSinceEpoch: epoch.daysSinceEpoch + days)?.description
    }

    /// A number as text without an exponent or a needless `.0` (`12345678901`, `4.5`).
    static func number(_ text: String) -> String {
        guard let value = Double(text), value.isFinite else { return text }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return text.contains("E") || text.contains("e") ? String(describing: Decimal(value)) : text
    }

    override func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch element {
        case "row":
            let number = attributes["r"].flatMap(Int.init) ?? nextRow
            row = Workbook.Row(number: number, cells: [:], formulas: [])
            nextRow = number + 1
            nextColumn = 0
        case "c":
            var column = nextColumn
            if let reference = attributes["r"] {
                guard let parsed = Self.reference(reference) else {
                    fail(Workbook.Failure.reference(reference), parser)
                    return
                }
                column = parsed.column
            }
            cell = (column, attributes["t"] ?? "n", attributes["s"].flatMap(Int.init) ?? 0)
            nextColumn = column + 1
            value = ""
            inline = ""
            hasFormula = false
        case "v": inValue = true
        case "f": hasFormula = true
        case "is": inInline = true
        default: break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        // Text past a cell's limit is not kept: the cell is refused when it ends.
        if inValue {
            if value.utf8.count <= Workbook.maximumCellBytes { value += string }
        } else if inInline {
            if inline.utf8.count <= Workbook.maximumCellBytes { inline += string }
        }
    }

    override func parser(
        _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
    ) {
        switch element {
        case "v": inValue = false
        case "is": inInline = false
        case "c":
            guard let current = cell else { return }
            let text: String
            switch current.type {
            case "s":
                guard let index = Int(value), strings.indices.contains(index) else {
                    fail(Workbook.Failure.malformed("sheet", "shared string \(value) does not exist"), parser)
                    return
                }
                text = strings[index]
            case "inlineStr": text = inline
            case "str", "e": text = value
            case "b": text = value.isEmpty ? "" : value == "1" ? "TRUE" : "FALSE"
            default:
                text =
                    dateStyles.contains(current.style)
                    ? Double(value).flatMap { Self.date(serial: $0, date1904: date1904) } ?? value
                    : Self.number(value)
            }
            guard text.utf8.count <= Workbook.maximumCellBytes else {
                let reference = ImportProblem.columnLetters(current.column + 1) + String(row?.number ?? nextRow)
                fail(Workbook.Failure.cellTooLong(reference), parser)
                return
            }
            if !text.isEmpty {
                row?.cells[current.column] = text
                if current.type == "e" { row?.errors.append(current.column) }
            }
            // A formula's empty value is kept in view: of a text formula it is an empty text; of a number, that
            // the formula was never computed.
            if hasFormula && (!text.isEmpty || current.type == "n") { row?.formulas.append(current.column) }
            cell = nil
        case "row":
            if let finished = row, !finished.cells.isEmpty || !finished.formulas.isEmpty {
                do {
                    try handle(finished)
                } catch {
                    fail(error, parser)
                }
            }
            row = nil
        default: break
        }
    }

}
