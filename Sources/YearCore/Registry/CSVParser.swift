/// One record of a CSV file: its fields and the line it starts on.
public struct CSVRecord: Sendable, Equatable {
    /// The fields, unquoted.
    public var fields: [String]
    /// The 1-based line of the file on which the record starts (a quoted field may span lines).
    public var line: Int

    /// A record with every field given.
    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }
}

/// A problem with the bytes of a CSV file itself (as opposed to a value in it).
public struct CSVSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where: 1-based line and field (column) number.
    public var line: Int, column: Int
    /// What is wrong: a `code` and what its sentence names, said by `ImportProblem.message(_:_:)`.
    public var params: [String: String]

    /// An error with every field given.
    public init(line: Int, column: Int, _ params: [String: String]) {
        self.line = line
        self.column = column
        self.params = params
    }

    /// An error whose sentence names nothing but its `code`.
    public init(line: Int, column: Int, code: String) {
        self.init(line: line, column: column, ["code": code])
    }

    /// What is wrong, in English.
    public var reason: String { ImportProblem.message(params, .english) ?? params["code"] ?? "" }

    /// `line 12, column 3: ...`.
    public var description: String { "line \(line), column \(column): \(reason)" }
}

/// A streaming CSV parser (RFC 4180 plus what school exports do): UTF-8 with or without BOM, comma or semicolon
/// (detected on the header line), quoted fields with `""` escapes and line breaks, CRLF or LF.
///
/// Written here rather than taken from CSV.swift or SwiftCSV: imports must report every problem by line and column,
/// stream files of any size in constant memory, and parse a million-row file at close to the speed of SQLite's own
/// `.import`; the packages available decode one Unicode scalar at a time and do not track lines of records.
public struct CSVParser: Sendable {
    /// The delimiter, once known (detected from the first line unless given).
    public private(set) var delimiter: UInt8?
    /// The longest field accepted, in bytes, so that a file without quotes closing cannot exhaust memory.
    public let maximumFieldBytes: Int
    /// The most fields one record may have (a line of a million commas is refused, not buffered).
    public let maximumFields: Int

    private var field: [UInt8] = []
    private var fields: [String] = []
    private var inQuotes = false
    private var quoteSeen = false
    private var afterQuote = false
    private var line = 1
    private var recordLine = 1
    private var pendingCR = false
    private var bomChecked = false
    private var bomBuffer: [UInt8] = []
    private var header: [UInt8] = []

    /// A parser; `delimiter` nil detects `,` or `;` from the first line.
    public init(delimiter: UInt8? = nil, maximumFieldBytes: Int = 1 << 16, maximumFields: Int = 1024) {
        self.delimiter = delimiter
        self.maximumFieldBytes = maximumFieldBytes
        self.maximumFields = maximumFields
    }

    /// Parses `bytes`, the next part of the file, calling `emit` for each complete record.
    public mutating func feed(_ bytes: some Sequence<UInt8>, emit: (CSVRecord) throws -> Void) throws {
        // Contiguous input (Data, arrays) is read through a buffer pointer: byte iterators cost a call per byte.
        let handled: Void?? = try bytes.withContiguousStorageIfAvailable { buffer in
            try feed(buffer: UnsafeRawBufferPointer(buffer), emit: emit)
        }
        if handled != nil { return }
        try feed(bytes: bytes, emit: emit)
    }

    /// Parses a buffer of bytes.
    public mutating func feed(buffer: UnsafeRawBufferPointer, emit: (CSVRecord) throws -> Void) throws {
        try feed(bytes: buffer, emit: emit)
    }

    private mutating func feed(bytes: some Sequence<UInt8>, emit: (CSVRecord) throws -> Void) throws {
        for byte in bytes {
            if !bomChecked {
                bomBuffer.append(byte)
                if bomBuffer.count < 3 && [0xEF, 0xBB, 0xBF].starts(with: bomBuffer) { continue }
                bomChecked = true
                let pending = bomBuffer == [0xEF, 0xBB, 0xBF] ? [] : bomBuffer
                bomBuffer = []
                for held in pending { try consume(held, emit: emit) }
                continue
            }
            try consume(byte, emit: emit)
        }
    }

    /// Ends the input: emits the last record if the file does not end with a line break.
    public mutating func finish(emit: (CSVRecord) throws -> Void) throws {
        if !bomChecked {
            bomChecked = true
            let pending = bomBuffer == [0xEF, 0xBB, 0xBF] ? [] : bomBuffer
            bomBuffer = []
            for held in pending { try consume(held, emit: emit) }
        }
        if delimiter == nil {
            // A first line that never ended: decide on it and parse it now.
            let held = header
            decideDelimiter()
            for byte in held { try consume(byte, emit: emit) }
        }
        if inQuotes {
            throw CSVSyntaxError(line: recordLine, column: fields.count + 1, code: "quote-unclosed")
        }
        if !field.isEmpty || !fields.isEmpty || quoteSeen {
            try endField()
            try endRecord(emit: emit)
        }
    }

    private mutating func decideDelimiter() {
        var commas = 0
        var semicolons = 0
        var tabs = 0
        var quoted = false
        for byte in header {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted && byte == UInt8(ascii: ",") { commas += 1 }
            if !quoted && byte == UInt8(ascii: ";") { semicolons += 1 }
            if !quoted && byte == 0x09 { tabs += 1 }
        }
        // Excel's "Unicode text" separates fields with tabs; a header that has more tabs than either is such a file.
        if tabs > commas && tabs > semicolons {
            delimiter = 0x09
        } else {
            delimiter = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
        }
        header = []
    }

    private mutating func consume(_ byte: UInt8, emit: (CSVRecord) throws -> Void) throws {
        if delimiter == nil {
            // Hold the first line until its end decides the delimiter, then parse it.
            header.append(byte)
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || header.count > maximumFieldBytes {
                let held = header
                decideDelimiter()
                for byte in held { try consume(byte, emit: emit) }
            }
            return
        }
        if pendingCR {
            pendingCR = false
            if byte == UInt8(ascii: "\n") { return }
        }
        let quote = UInt8(ascii: "\"")
        if inQuotes {
            if byte == quote {
                inQuotes = false
                afterQuote = true
            } else {
                if byte == UInt8(ascii: "\n") { line += 1 }
                try append(byte)
            }
            return
        }
        if afterQuote {
            afterQuote = false
            if byte == quote {
                inQuotes = true
                try append(quote)
                return
            }
        }
        switch byte {
        case delimiter:
            try endField()
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            if byte == UInt8(ascii: "\r") { pendingCR = true }
            try endField()
            try endRecord(emit: emit)
            line += 1
            recordLine = line
        case quote where field.isEmpty && !quoteSeen:
            inQuotes = true
            quoteSeen = true
        case quote:
            throw CSVSyntaxError(line: line, column: fields.count + 1, code: "quote-inside")
        default:
            if quoteSeen {
                throw CSVSyntaxError(line: line, column: fields.count + 1, code: "after-quote")
            }
            try append(byte)
        }
    }

    private mutating func append(_ byte: UInt8) throws {
        guard field.count < maximumFieldBytes else {
            throw CSVSyntaxError(
                line: recordLine, column: fields.count + 1,
                ["code": "field-too-long", "bytes": String(maximumFieldBytes)])
        }
        field.append(byte)
    }

    private mutating func endField() throws {
        guard fields.count < maximumFields else {
            throw CSVSyntaxError(
                line: recordLine, column: fields.count + 1,
                ["code": "too-many-fields", "fields": String(maximumFields)])
        }
        guard let text = String(validating: field, as: UTF8.self) else {
            throw CSVSyntaxError(line: recordLine, column: fields.count + 1, code: "not-utf8")
        }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
        quoteSeen = false
        afterQuote = false
    }

    private mutating func endRecord(emit: (CSVRecord) throws -> Void) throws {
        defer { fields.removeAll(keepingCapacity: true) }
        // Blank lines carry no record.
        if fields.count == 1 && fields[0].isEmpty { return }
        try emit(CSVRecord(fields: fields, line: recordLine))
    }
}
