import Testing
import YearCore

@Suite("CSV parsing")
struct CSVParserTests {
    func parse(_ text: String, chunk: Int = 3) throws -> [CSVRecord] {
        var parser = CSVParser()
        var records: [CSVRecord] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            try parser.feed(bytes[index..<min(index + chunk, bytes.count)]) { records.append($0) }
            index += chunk
        }
        try parser.finish { records.append($0) }
        return records
    }

    @Test(
        "commas, quotes, escaped quotes and line breaks inside quotes, CRLF, whatever the chunking",
        arguments: [1, 2, 7, 4096])
    func rfc4180(chunk: Int) throws {
        let text = "id,name,note\r\n1,\"Иванов, Пётр\",\"said \"\"hi\"\"\"\r\n2,Ёлкина,\"two\r\nlines\"\r\n3,,\r\n"
        let records = try parse(text, chunk: chunk)
        #expect(
            records.map(\.fields) == [
                ["id", "name", "note"], ["1", "Иванов, Пётр", "said \"hi\""], ["2", "Ёлкина", "two\r\nlines"],
                ["3", "", ""],
            ])
        #expect(records.map(\.line) == [1, 2, 3, 5])
    }

    @Test("a semicolon file with a BOM and no final line break")
    func semicolonAndBOM() throws {
        let records = try parse("\u{FEFF}class;grade;letter\n5А;5;А\n5Б;5;\"Б\"")
        #expect(records.map(\.fields) == [["class", "grade", "letter"], ["5А", "5", "А"], ["5Б", "5", "Б"]])
    }

    @Test("a tab-separated file, as Excel's Unicode text writes it; commas inside its fields are text")
    func tabs() throws {
        let records = try parse("class\tgrade\tprofile\n5А\t5\tа, б\n")
        #expect(records.map(\.fields) == [["class", "grade", "profile"], ["5А", "5", "а, б"]])
    }

    @Test("blank lines carry no record but count as lines")
    func blankLines() throws {
        let records = try parse("a,b\n\n1,2\n\n")
        #expect(records.map(\.line) == [1, 3])
    }

    @Test("broken quoting and bad bytes are reported by line and column")
    func syntaxErrors() {
        #expect(throws: CSVSyntaxError(line: 2, column: 2, code: "quote-inside")) {
            try parse("a,b\n1,x\"y\n")
        }
        #expect(throws: CSVSyntaxError(line: 2, column: 1, code: "after-quote")) {
            try parse("a,b\n\"x\"y,2\n")
        }
        #expect(throws: CSVSyntaxError(line: 2, column: 2, code: "quote-unclosed")) {
            try parse("a,b\n1,\"open\n2,3\n")
        }
        var parser = CSVParser()
        #expect(throws: CSVSyntaxError(line: 2, column: 1, code: "not-utf8")) {
            try parser.feed(Array("a\n".utf8) + [0xFF, 0x0A]) { _ in }
        }
        // Each is said from its code (in every language: InstalledCatalogueTests).
        for (code, english) in [
            ("quote-inside", "a quote inside an unquoted field; quote the whole field"),
            ("after-quote", "text after the closing quote of a field"),
            ("quote-unclosed", "a quoted field is never closed"),
            ("not-utf8", "not UTF-8 text; if a spreadsheet saved the file in Windows-1251"),
        ] {
            #expect(CSVSyntaxError(line: 1, column: 1, code: code).reason.hasPrefix(english))
        }
    }

    @Test("a field that never ends is refused instead of filling memory")
    func fieldLimit() {
        var parser = CSVParser(delimiter: UInt8(ascii: ","), maximumFieldBytes: 10)
        #expect(throws: CSVSyntaxError.self) {
            try parser.feed(Array(("\"" + String(repeating: "x", count: 20)).utf8)) { _ in }
        }
    }
}

@Suite("CSV limits")
struct CSVLimitTests {
    @Test("a record with too many fields is refused instead of buffered")
    func fieldsPerRecord() {
        var parser = CSVParser(maximumFields: 10)
        #expect(throws: CSVSyntaxError.self) {
            try parser.feed(Array(("a,b\n" + String(repeating: ",", count: 50) + "\n").utf8)) { _ in }
        }
    }
}
